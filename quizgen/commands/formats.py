"""``quizgen formats``: the output formats, their files and how each carries every answer type."""

from __future__ import annotations

import click

from quizgen.commands import friendly_errors


@click.command("formats")
@click.option("--moodle-stack", is_flag=True, help="Show what `make --moodle-stack` would do.")
@friendly_errors
def command(moodle_stack: bool) -> None:
    """List the output formats of `quizgen make --format`: name, files, answer types and figures carried.

    Each answer type is carried `native`ly, `converted` (how is said), or `dropped` (`make`
    names every converted or dropped question when it writes that format).
    """
    from quizgen.export import ANSWER_TYPES, REGISTRY, Options, writer

    options = Options(moodle_stack=moodle_stack)
    for name in REGISTRY:
        w = writer(name)
        click.echo(f"{name}: {w.summary}")
        click.echo(f"  files: {w.files}")
        for kind in ANSWER_TYPES:
            carry = w.carry(kind, options)
            click.echo(f"  {kind}: {carry.how}" + (f" ({carry.note})" if carry.note else ""))
        shown = w.figure_carry
        click.echo("  figures: " + ("- (no question text)" if shown is None else shown.how + (f" ({shown.note})" if shown.note else "")))
