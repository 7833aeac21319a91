"""Generation: from a question file to a class of verified variants.

The modules follow the data:

- :mod:`.bank` finds and loads question files; :mod:`.selection` picks a sheet's questions;
- :mod:`.question` is the authoring model a question file declares, with :mod:`.derivations`
  (the subject's results derived by SymPy) and :mod:`.numopt` (numeric searches for checks);
- :mod:`.variant` turns a question and a seed into numbers, SymPy results and worked steps
  (printed through :mod:`.formulas`), :mod:`.verify` checks every key against the question's
  independent computation, and :mod:`.figures` draws the pictures;
- :mod:`.exam` builds every student's version; :mod:`.key` turns an exam into key.json.

Rendering (:mod:`quizgen.export`) and grading (:mod:`quizgen.grading`) come after; nothing here
imports them.
"""
