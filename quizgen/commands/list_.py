"""``quizgen list``: topics and their questions (imports no SymPy)."""

from __future__ import annotations

import click

from quizgen.commands import friendly_errors


@click.command("list")
@click.option("--topic", "-t", help="Only this topic (mle) or sub-topic (mle/kl).")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable).")
@friendly_errors
def command(topic: str | None, banks: tuple[str, ...]) -> None:
    """List topics and the questions in each: id, answer type, difficulty, points, title."""
    from quizgen.generation.bank import load_bank

    bank = load_bank(banks)
    topics = [topic] if topic else sorted(bank.topics)
    for name in topics:
        entries = bank.topic(name)
        click.echo(f"{name} ({len(entries)} questions)")
        width = max(len(e.id) for e in entries)
        for group in dict.fromkeys(e.group for e in entries):
            members = [e for e in entries if e.group == group]
            if group != name.partition("/")[0] or len(topics) > 1 or "/" in name:
                click.echo(f" {group} ({len(members)})")
            for e in members:
                q = e.question
                click.echo(f"  {e.id:<{width}}  {q.kind:<9}  d{q.difficulty}  {q.points:g} pt  {q.title}")
