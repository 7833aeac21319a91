"""Our own mathematics of typed answers: read an expression without ever executing it, evaluate it
in real arithmetic, and decide how two expressions relate.

The parser (:mod:`.parse`, :mod:`.names`, :mod:`.nodes`); limits that bound every answer's cost
(:mod:`.limits`, :mod:`.magnitude`); evaluation and sampling over the whole real line
(:mod:`.evaluate`, :mod:`.sampling`, :mod:`.breakpoints`); sums over indexed data and exact
derivatives (:mod:`.indexed`, :mod:`.calculus`); the equivalence engine (:mod:`.equiv`,
:mod:`.proof`, :mod:`.relations`); how one line of a derivation follows from the last
(:mod:`.steps`); and how an answer was read (:mod:`.display`). It knows no key, question or exam:
grading, the LMS writers and the web preview all build on it. Import-light: no SymPy, no numpy
at import.
"""
