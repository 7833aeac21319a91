"""``quizgen list``: topics and their questions (imports no SymPy)."""

from __future__ import annotations

import click

from quizgen.commands import friendly_errors


@click.command("list")
@click.option("--topic", "-t", help="Only this topic.")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable).")
@friendly_errors
def command(topic: str | None, banks: tuple[str, ...]) -> None:
    """List topics and the questions in each: id, answer type, difficulty, points, title."""
    from quizgen.bank import load_bank

    bank = load_bank(banks)
    topics = [topic] if topic else sorted(bank.topics)
    for name in topics:
        entries = bank.topic(name)
        click.echo(f"{name} ({len(entries)} questions)")
        width = max(len(e.id) for e in entries)
        for e in entries:
            q = e.question
            click.echo(f"  {e.id:<{width}}  {q.kind:<8}  d{q.difficulty}  {q.points:g} pt  {q.title}")
