"""``quizgen make``: problem sheets, solutions and key.json for a topic."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click

from quizgen.commands import friendly_errors
from quizgen.errors import EXIT_PARTIAL, QuizgenError


@click.command("make")
@click.option("--topic", "-t", required=True, help="Topic to draw questions from (see `quizgen list`).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Exam seed; the same seed gives the same bytes. Default: a fresh random seed, printed.")
@click.option("--count", "-n", type=click.IntRange(1), help="How many questions (chosen by the seed). Default: all of the topic.")
@click.option("--questions", "-q", help="Comma-separated question ids or names, in sheet order (instead of --count).")
@click.option("--versions", type=click.IntRange(1, 100000), help="K versions named v01..vK (one per student).")
@click.option("--roster", type=click.Path(dir_okay=False), help="CSV with a 'student' column: one version per student.")
@click.option("--format", "-f", "formats", default="md,tex,json", show_default=True, help="Comma-separated formats (see `quizgen formats`): md, tex, pdf (needs pdflatex), json.")
@click.option("--out", "-o", type=click.Path(file_okay=False), help="Output folder. Default: quizgen-out/<topic>-seed<seed>.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist in the output folder.")
@click.option("--title", help="Title printed on the sheets.")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable).")
@click.option("--templates", type=click.Path(file_okay=False), help="A folder of templates that override the shipped ones.")
@friendly_errors
def command(topic, seed, count, questions, versions, roster, formats, out, force, title, banks, templates) -> None:
    """Generate problem sheets, solutions and an answer key for TOPIC.

    One version per student: --roster FILE (a CSV with a 'student' column) or --versions K.
    Each question's numbers depend only on (seed, question id, student id).
    """
    from quizgen.bank import load_bank, select
    from quizgen.exam import build_exam, choose, read_roster, version_names
    from quizgen.fsio import write_atomic
    from quizgen.export import check_formats, notes, render_exam

    fmts = check_formats([f.strip() for f in formats.split(",") if f.strip()])
    if versions and roster:
        raise QuizgenError("use either --versions or --roster, not both")
    if count and questions:
        raise QuizgenError("use either --count or --questions, not both")
    bank = load_bank(banks)
    entries = bank.topic(topic)
    seed = secrets.randbelow(10**6) if seed is None else seed
    if questions:
        entries = select(entries, [q.strip() for q in questions.split(",") if q.strip()])
    else:
        entries = choose(entries, count, seed)

    problems: tuple[str, ...] = ()
    if roster:
        r = read_roster(roster)
        students, problems = r.students, r.problems
    else:
        students = version_names(versions or 1)
    for p in problems:
        click.echo(f"quizgen: warning: {p}", err=True)

    out_dir = Path(out) if out else Path("quizgen-out") / f"{topic.replace('/', '-')}-seed{seed}"
    show_bar = sys.stderr.isatty() and len(students) > 20

    def progress(items):
        if not show_bar:
            return items
        return click.progressbar(items, label="Building versions", file=sys.stderr)

    bar = progress(students)
    if show_bar:
        with bar as it:
            exam = build_exam(entries, seed, list(it), topic=topic, title=title)
    else:
        exam = build_exam(entries, seed, students, topic=topic, title=title)
    files = render_exam(exam, fmts, templates)
    for line in notes(exam, fmts):
        click.echo(f"quizgen: note: {line}", err=True)

    clash = sorted(name for name in files if (out_dir / name).exists())
    if clash and not force:
        raise QuizgenError(f"{out_dir}: already holds {clash[0]}" + (f" and {len(clash) - 1} more" if len(clash) > 1 else "") + "; use --force to overwrite")
    for name, text in files.items():
        write_atomic(out_dir / name, text)
    click.echo(
        f"Wrote {len(files)} files for {len(students)} version(s) of {len(entries)} question(s) to {out_dir}/ "
        f"(seed {seed}; rebuild with --seed {seed})"
    )
    if problems:
        raise click.exceptions.Exit(EXIT_PARTIAL)
