"""``quizgen practice``: an interactive terminal session over :mod:`quizgen.practice.session`.

Reads one line at a time from stdin, so it works the same typed at a terminal (with line
editing from ``readline``) and piped from a file or a test.
"""

from __future__ import annotations

import secrets
import sys

import click

from quizgen.commands import friendly_errors

HELP = (
    "Commands: h = hint, s = full solution, n = new variant of this question, "
    "next (or Enter after answering) = next question, q = quit with a summary, ? = this help.\n"
    "Anything else is your answer. To answer with a letter that is a command, start with '=' (e.g. = q)."
)
COMMANDS = {"h": "hint", "hint": "hint", "s": "solution", "solution": "solution", "n": "new",
            "new": "new", "next": "next", "q": "quit", "quit": "quit", "exit": "quit",
            "?": "help", "help": "help"}
WIDTH = 78


def _say(text: str = "", **style) -> None:
    click.echo(click.style(text, **style) if style else text)


def _md(text: str, indent: str = "") -> str:
    from quizgen.practice.unicode import markdown_to_unicode, wrap_paragraphs

    return wrap_paragraphs(markdown_to_unicode(text), WIDTH, indent)


def _show_question(session, item, number: int) -> None:
    from quizgen.practice.session import answer_help, choices_of, fmt_points, options_heading

    v = item.variant
    pts = fmt_points(item.points)
    head = f"── Question {number} · {item.subtopic} · {v.title} ({pts} point{'s' if pts != '1' else ''}) "
    _say()
    _say(head + "─" * max(3, WIDTH - len(head)), bold=True)
    _say(_md(v.statement))
    for table in getattr(v, "tables", ()) or ():
        _say()
        _say(_table(table))
    options = choices_of(v)
    if options:
        _say()
        if options_heading(v.kind):
            _say(options_heading(v.kind))
        for label, text in options:
            _say(_md(f"{label} │ {text}", "  "))
    _say()
    _say(answer_help(item.key), dim=True)


def _table(table) -> str:
    """A variant's data table as aligned text (headers are LaTeX)."""
    from quizgen.practice.unicode import latex_to_unicode

    head = [latex_to_unicode(h) for h in table.headers]
    rows = [[str(c) for c in r] for r in table.rows]
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    lines = [f"  {table.caption}"] if table.caption else []
    lines.append("    " + " │ ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    lines.append("    " + "─┼─".join("─" * w for w in widths))
    lines += ["    " + " │ ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def _show_outcome(session, outcome) -> None:
    from quizgen.practice.session import fmt_points, verdict_label
    from quizgen.practice.unicode import markdown_to_unicode

    r = outcome.reading
    if r.lines:  # a derivation: every line read back before the verdict
        _say("  read as:", fg="cyan")
        for line in r.lines:
            _say(f"    {line['number']}. {line['text']}", fg="yellow" if line["error"] else "cyan")
    elif r.ok:
        extra = ""
        if r.value is not None and r.text != _num(r.value):
            extra = f"  (= {_num(r.value)})"
        if r.unit:
            extra += f"  [{r.unit}]"
        _say(f"  read as: {r.text}{extra}", fg="cyan")
        for note in r.notes:
            _say(f"  ({note})", dim=True)
    v = outcome.verdict
    if v.status == "manual":
        answer = session.current.key.get("answer") or {}
        _say("  This question is graded by a person. Compare your answer with the model answer:", bold=True)
        _say(_md(answer.get("model_answer", ""), "    "))
        if answer.get("rubric"):
            _say("  Rubric:", bold=True)
            for point in answer["rubric"]:
                _say(_md(f"- {point}", "    "))
        return
    if v.status in ("rejected", "empty"):
        message = r.message if not r.ok and r.message else v.message
        _say("  " + message.replace("\n", "\n  "), fg="yellow")
        _say("  (not counted: try again)", dim=True)
        return
    colour = {"correct": "green", "partial": "yellow"}.get(v.status, "red")
    mark = {"correct": "✓", "partial": "~"}.get(v.status, "✗")
    credit = f" — credit {fmt_points(v.credit * 100)}%" if v.status == "partial" else ""
    _say(f"  {mark} {verdict_label(v)}{credit}", fg=colour, bold=True)
    if v.status != "correct":
        for paragraph in v.message.split("\n"):  # a derivation: one paragraph per line
            _say(_md(markdown_to_unicode(paragraph), "  "))
    if not outcome.counted:
        _say("  (this try is not counted: the question's score was set by your first graded answer"
             " or by viewing the solution)", dim=True)
    _say(f"  score: {fmt_points(session.earned)}/{fmt_points(session.possible)} points", bold=True)


def _num(x: float) -> str:
    return f"{x:.6g}"


def _show_summary(session) -> None:
    from quizgen.practice.session import fmt_points

    s = session.summary()
    _say()
    _say(f"Session summary: {fmt_points(s.earned)}/{fmt_points(s.possible)} points "
         f"on {len(session.scored)} question(s) answered ({s.shown} shown)", bold=True)
    if s.groups:
        width = max(len("sub-topic"), *(len(g.subtopic) for g in s.groups))
        _say(f"  {'sub-topic'.ljust(width)}  questions  points")
        for g in s.groups:
            _say(f"  {g.subtopic.ljust(width)}  {str(g.questions).rjust(9)}  {fmt_points(g.earned)}/{fmt_points(g.possible)}")
    if s.review:
        _say("What to review:", bold=True)
        for r in s.review:
            what = f" ({r.misconception})" if r.misconception else ""
            _say(f"  - {r.subtopic}: {r.title}{what}")
            if r.why:
                _say(_md(r.why, "      "))
    elif s.groups:
        _say("Nothing to review: every answered question was fully right.")


def _read_line(prompt: str) -> str | None:
    try:
        line = input(prompt)
        if not sys.stdin.isatty():
            click.echo(line)  # piped input: show it, so the transcript reads as a session
        return line
    except EOFError:
        return None
    except KeyboardInterrupt:
        click.echo()
        return None


@click.command("practice")
@click.option("--topic", "-t", required=True, help="Topic or sub-topic to practise (e.g. mle, mle/kl).")
@click.option("--difficulty", "-d", default=None, help="1/easy, 2/medium or 3/hard. Default: any.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Session seed (same seed, same questions and numbers). Default: random, printed.")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable).")
@click.option("--decimal-comma/--decimal-point", "decimal_comma", default=None, help="Read 2,143 as 2.143 (--decimal-comma) or 2143 (--decimal-point), as `make` does for an exam. Default: an ambiguous 2,143 is refused.")
@friendly_errors
def command(topic, difficulty, seed, banks, decimal_comma) -> None:
    """Practise TOPIC one question at a time, with immediate feedback.

    Before each verdict quizgen shows how it read your answer. Type h for a hint, s for the
    solution, n for a new variant, q to stop with a summary by sub-topic.
    """
    from quizgen.generation.bank import load_bank
    from quizgen.practice.session import Session, parse_difficulty, select_entries

    level = parse_difficulty(difficulty)
    bank = load_bank(banks)
    entries = select_entries(bank.topic(topic), level, topic)
    seed = secrets.randbelow(10**6) if seed is None else seed
    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401 - line editing and history for input()
        except ImportError:  # pragma: no cover - not on every platform
            pass
    session = Session(entries, seed, topic, decimal_comma)
    _say(f"quizgen practice: {topic}, {len(entries)} question(s)"
         + (f" of difficulty {level}" if level else "") + f", seed {seed} (replay with --seed {seed})",
         bold=True)
    _say(HELP, dim=True)
    item = session.next_question()
    _show_question(session, item, len(session.items))
    while True:
        line = _read_line("answer> ")
        if line is None:
            break
        text = line.strip()
        action = COMMANDS.get(text) if text == text.lower() or text == "?" else None
        if text == "" and session.current.score is not None:
            action = "next"
        if action == "quit":
            break
        if action == "help":
            _say(HELP, dim=True)
        elif action == "hint":
            hint = session.hint()
            _say("  Hint: " + (_md(hint, "  ").lstrip() if hint else "this question has no worked steps."), fg="magenta")
        elif action == "solution":
            steps = session.solution()
            _say("  Solution:", bold=True)
            from quizgen.practice.unicode import latex_to_unicode

            for n, (txt, latex) in enumerate(steps, 1):
                _say(_md(f"{n}. {txt}", "  "))
                if latex:
                    _say("      " + latex_to_unicode(latex))
            if session.current.variant.answer_latex:
                _say(f"  Answer: {latex_to_unicode(session.current.variant.answer_latex)}", fg="green")
            _say(f"  score: {_fmt(session)} points", bold=True)
        elif action == "new":
            item = session.new_variant()
            _say("  A new variant of the same question, with new numbers:", dim=True)
            _show_question(session, item, len(session.items))
        elif action == "next":
            item = session.next_question()
            _show_question(session, item, len(session.items))
        elif text == "":
            _say("  Type an answer (or ? for the commands).", dim=True)
        elif session.current.key.get("type") == "derivation":  # lines until an empty one ("=" kept)
            _show_outcome(session, session.answer(_more_lines(text)))
        else:  # "= q": the answer q, not the command (the "=" is not part of the answer)
            _show_outcome(session, session.answer(text[1:].strip() if text.startswith("=") else text))
    _show_summary(session)


def _more_lines(first: str) -> str:
    """A derivation: the first line typed, then more until an empty line (or the end of input)."""
    lines = [first]
    while True:
        line = _read_line("     ...> ")
        if line is None or not line.strip():
            return "\n".join(lines)
        lines.append(line.strip())


def _fmt(session) -> str:
    from quizgen.practice.session import fmt_points

    return f"{fmt_points(session.earned)}/{fmt_points(session.possible)}"
