"""Errors written for the person who will read them, with the exit status the CLI uses."""

from __future__ import annotations

#: Exit statuses, documented in docs/grading.md ("Exit statuses of every command").
EXIT_OK = 0
EXIT_PARTIAL = 1  # some input was rejected and reported; everything valid was processed
EXIT_USAGE = 2  # the invocation itself is unusable (unknown topic, bad file, ...)


class QuizgenError(Exception):
    """A problem the user can fix. ``str(err)`` is a single line saying what and where."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class QuestionError(QuizgenError):
    """A question file in a bank is broken (its author, not the student, must fix it)."""
