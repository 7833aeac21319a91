"""Practice: the session logic that ``quizgen practice`` (terminal) and the practice page of
``quizgen serve`` share (:mod:`.session`), and question text for a terminal (:mod:`.unicode`).

Both front ends are thin layers over the same pipeline and the same grader; nothing here grades.
"""
