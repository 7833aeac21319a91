"""``quizgen check``: every question of a bank over many seeds; a table, and exit 1 on any failure."""

from __future__ import annotations

import os

import click

from quizgen.commands import Progress, friendly_errors
from quizgen.kernel.errors import EXIT_PARTIAL


@click.command("check")
@click.option("--topic", "-t", help="Only this topic (mle) or sub-topic (mle/kl). Default: every topic.")
@click.option("--seeds", "-n", type=click.IntRange(1, 100000), default=200, show_default=True, help="Seeds per question (0 .. N-1).")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable); with --only-bank, just that folder's questions.")
@click.option("--class-size", type=click.IntRange(1), default=40, show_default=True, help="The class over which distinct correct answers are counted (seeds 0 .. K-1): a typed answer needs at least half that many; fewer distinct variants than this is reported.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes. Default: the number of CPUs (at most 4).")
@friendly_errors
def command(topic, seeds, banks, class_size, jobs) -> None:
    """Check every question over N seeds: renders, keys agree with the independent check(), every
    wrong answer is wrong, distinct and recognised, options move, no NaN, variants differ.

    Prints a table (question, seeds, distinct variants, failures, slowest variant), then one line per
    failure naming the question and seed. Exit status: 0 all passed, 1 some question failed,
    2 unusable invocation (unknown topic, a bank folder or question file that does not load).
    """
    from quizgen.checking.runner import check_bank, supply_lines, table
    from quizgen.generation.bank import load_bank

    bank = load_bank(banks)
    if topic:
        entries = bank.topic(topic)
    else:
        entries = tuple(e for t in sorted(bank.topics) for e in bank.topics[t])
    if banks and not topic:  # an author checking their own folder: just its questions
        from pathlib import Path

        roots = [Path(b).resolve() for b in banks]
        entries = tuple(e for e in entries if any(r in e.path.resolve().parents for r in roots))
    jobs = jobs or min(4, os.cpu_count() or 1)
    with Progress(minimum=2) as bars:  # a bar on a terminal, question by question; nothing in a pipe
        advance = bars.phase("Checking questions", len(entries))
        reports = check_bank(entries, seeds, jobs, progress=lambda report: advance(1), class_size=class_size)
    click.echo(table(reports))
    failures = [f for r in reports for f in r.failures]
    for line in supply_lines(reports, class_size):
        click.echo(f"quizgen: warning: {line}", err=True)
    for f in failures:
        click.echo(f"FAIL {f.line()}")
    bad = sorted({f.question for f in failures})
    click.echo(f"check: {len(reports)} question(s) x {seeds} seed(s): "
               + (f"{len(failures)} failure(s) in {len(bad)} question(s): {', '.join(bad)}" if failures else "all passed"))
    if failures:
        raise click.exceptions.Exit(EXIT_PARTIAL)
