"""``quizgen grade``: grade a class's submissions against a key.json (a thin layer over
:func:`quizgen.grading.batch.grade_class` and :func:`quizgen.grading.report.write_reports`).

Nothing heavy is imported at module level, so ``quizgen grade --help`` stays fast.
"""

from __future__ import annotations

import gc
from pathlib import Path

import click

from quizgen.commands import Progress, batch_collector, friendly_errors
from quizgen.grading.intake import DEFAULT_READ_LIMITS as _LIMITS
from quizgen.grading.intake import MB, ReadLimits
from quizgen.kernel.errors import EXIT_USAGE, QuizgenError

#: Problems echoed on stderr before the rest are left to summary.md (a flood helps nobody).
MAX_PROBLEMS_SHOWN = 50
#: Show a progress bar only for phases of at least this many steps (answers, key entries, files;
#: and stderr a terminal).
PROGRESS_MIN_ANSWERS = 200


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@click.command(name="grade")
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The key.json written by `quizgen make`.")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [default: grades/ beside SUBMISSIONS]. Existing files are replaced.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores for large classes]; 1 forces serial grading.")
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV with 'student' and 'name' columns: feedback greets each student by name.")
@click.option("--show-solutions", is_flag=True, help="Feedback shows the correct answer of every question.")
@click.option("--decimal-comma/--decimal-point", "decimal_comma", default=None,
              help="Read 2,143 as 2.143 (--decimal-comma) or as 2143 (--decimal-point) in every answer, "
                   "overriding the key's setting [default: as the key says; a key without one sends "
                   "an ambiguous 2,143 to review].")
@click.option("--map", "map_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV (kind,from,to) or JSON renaming export columns and mapping LMS users to key students.")
@click.option("--gradebook", type=click.Choice(["plain", "moodle", "canvas"]), default="plain", show_default=True,
              help="Layout of grades.csv: quizgen's own, or what Moodle's / Canvas's grade import reads.")
@click.option("--grade-item", default=None,
              help="Grade item / assignment column of --gradebook moodle|canvas [default: quizgen <exam id>].")
@click.option("--max-file-mb", type=click.IntRange(min=1), default=_LIMITS.max_file_bytes // MB, show_default=True,
              help="Largest submissions file read (MB); a larger one is refused (exit 2).")
@click.option("--max-rows", type=click.IntRange(min=1), default=_LIMITS.max_rows, show_default=True,
              help="Most rows (CSV) or entries (JSON) read; more are refused (exit 2).")
@click.option("--max-answer-chars", type=click.IntRange(min=1), default=_LIMITS.max_answer_chars, show_default=True,
              help="Longest answer read; a longer one is a reported row, not graded.")
@click.option("--max-key-mb", type=click.IntRange(min=1), default=_LIMITS.max_key_bytes // MB, show_default=True,
              help="Largest key.json read (MB); a larger one is refused (exit 2).")
@friendly_errors
@batch_collector
def command(key_path: Path, submissions: Path, out_dir: Path | None, jobs: int | None, roster: Path | None,
            show_solutions: bool, decimal_comma: bool | None, map_path: Path | None, gradebook: str,
            grade_item: str | None, max_file_mb: int, max_rows: int, max_answer_chars: int,
            max_key_mb: int) -> None:
    """Grade SUBMISSIONS (CSV long or wide form, JSON, or a Moodle Responses / Canvas Student
    Analysis export) against a key.json.

    Writes grades.csv, summary.md, summary.json, report.html and feedback/<student>.md. Bad rows are
    reported on stderr and in summary.md, everything else is graded. Exit status: 0 all rows
    graded, 1 some rows rejected, 2 unusable key or submissions file.
    """
    from quizgen.grading.batch import default_out_dir, grade_class
    from quizgen.grading.keyfile import load_key
    from quizgen.grading.report import read_roster_names, write_reports

    from quizgen.grading.lms import load_map

    names = read_roster_names(roster) if roster is not None else None
    mapping = load_map(map_path) if map_path is not None else None
    out = out_dir if out_dir is not None else default_out_dir(submissions)
    limits = ReadLimits(max_file_bytes=max_file_mb * MB, max_rows=max_rows, max_answer_chars=max_answer_chars,
                        max_key_bytes=max_key_mb * MB)
    key = load_key(key_path, max_bytes=limits.max_key_bytes)
    gc.freeze()  # the key and the results live to the end: never worth scanning (see batch_collector)
    with Progress(PROGRESS_MIN_ANSWERS) as bars:
        result = grade_class(key, submissions, jobs=jobs, phases=bars.phase, decimal_comma=decimal_comma,
                             mapping=mapping, limits=limits)
    gc.freeze()
    for problem in result.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"quizgen: {problem}", err=True)
    if result.problem_count > MAX_PROBLEMS_SHOWN:
        listed = "all listed" if not result.unlisted else f"the first {limits.listed_per_kind} of each kind listed"
        click.echo(f"quizgen: ... and {result.problem_count - min(MAX_PROBLEMS_SHOWN, len(result.problems)):,} more "
                   f"problems, {listed} in {out / 'summary.md'}", err=True)
    try:
        with Progress(PROGRESS_MIN_ANSWERS) as bars:
            write_reports(result, out, names=names, show_solutions=show_solutions, gradebook=gradebook,
                          item=grade_item, phases=bars.phase)
    except OSError as err:
        where = f": {err.filename}" if err.filename and str(err.filename) != str(out) else ""
        raise QuizgenError(f"{out}: cannot write the grades there ({err.strerror or err}{where})", EXIT_USAGE) from None
    submitted = len(result.students) - len(result.missing)
    missing = f"; {_count(len(result.missing), 'student')} with no submission" if result.missing else ""
    rejected = f"; {_count(result.problem_count, 'problem')} (rows not graded)" if result.problem_count else ""
    click.echo(f"Graded {_count(result.graded, 'answer')} from {_count(submitted, 'student')}{missing}{rejected}. "
               f"Wrote {out / 'grades.csv'}, summary.md, summary.json, report.html and "
               f"{_count(len(result.students), 'feedback file')}.")
    if result.exit_code:
        raise click.exceptions.Exit(result.exit_code)
