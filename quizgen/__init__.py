"""quizgen: randomized exam questions on the statistics behind ML losses, and a safe grader.

The pipeline, one package per stage: ``generation`` (bank -> question -> variant, verified and
drawn -> exam -> key) -> ``export`` (variant + template -> file) -> ``grading`` (key +
submissions -> scores and feedback). Under them: ``kernel`` (errors, files, workers, seeds) and
``maths`` (the safe parser and the equivalence engine). Over them: ``practice``, ``checking``,
``web`` and ``commands`` (the CLI). docs/architecture.md draws it.

Importing this package must stay cheap: SymPy is imported only by the stages that need it.
"""

__version__ = "0.1.0"
