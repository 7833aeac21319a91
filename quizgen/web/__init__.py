"""``quizgen serve``: the practice and exam pages, a thin front end over the library.

The application (:mod:`.app`) renders pages with the export templates and grades with the same
grader as ``quizgen grade``; the store (:mod:`.store`) keeps exam answers, :mod:`.security` the
tokens, cookies and limits, and :mod:`.tokens` each student's exam link.
"""
