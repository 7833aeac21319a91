"""Version codes: a short public tag on each variant an LMS shows, so its responses can be graded.

With the random-question pattern (``make --format moodle`` / ``qti``), Moodle or Canvas draws any
student's variant of a question for each attempt, so the student who answered does not tell which
variant they saw. The Moodle and Canvas writers therefore end every question text with
``Version code: <10 hex digits>``; both LMS exports carry the question text next to the response
(Moodle's "Question N" column, Canvas's question column header), and ``quizgen grade`` reads the
code back to find the variant in the key.

The code is SHA-256 of the exam id, the question id and the key's student id: nothing secret goes
in (never the seed, the secret or the answer), so seeing a code tells a student nothing. It is
recomputed from key.json at grading time (the key holds the exam id), so keys need no new field.
"""

from __future__ import annotations

import hashlib
import re

#: How many hex digits a code has: 40 bits, so even 8,000 students x 12 questions are unlikely
#: to share one (an ambiguous code between different variants is reported, never guessed).
CODE_DIGITS = 10
#: The label before the code in the question text (and what the readers look for).
LABEL = "Version code:"
#: Finds a code in an LMS export's question text (HTML stripped or not).
CODE_PATTERN = re.compile(r"Version code:\s*(?:<[^>]*>\s*)*([0-9a-f]{%d})(?![0-9a-f])" % CODE_DIGITS)


def version_code(exam_id: str, question_id: str, student: str) -> str:
    """The code shown on ``student``'s variant of ``question_id`` in exam ``exam_id``."""
    text = f"quizgen/code|{exam_id}|{question_id}|{student}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:CODE_DIGITS]


def code_html(code: str) -> str:
    """The paragraph the LMS writers append to a question's text."""
    return f"<p><small>{LABEL} {code}</small></p>"


def find_code(text: str) -> str | None:
    """The version code in an LMS export's question text, or None."""
    m = CODE_PATTERN.search(text)
    return m.group(1) if m else None
