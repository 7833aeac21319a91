"""quizgen: randomized exam questions on the statistics behind ML losses, and a safe grader.

The pipeline has five rooms, each one module: bank (find and load questions) -> variant
(question + seed -> numbers, SymPy results, steps) -> render (variant + template -> file) ->
key (what grading needs) -> grading (key + submissions -> scores and feedback).

Importing this package must stay cheap: SymPy is imported only by the stages that need it.
"""

__version__ = "0.1.0"
