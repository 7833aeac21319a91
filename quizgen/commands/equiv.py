"""``quizgen equiv EXPECTED ANSWER``: check one typed answer against an expected expression.

Exit status: 0 equivalent, 1 not equivalent (or undecided), 2 rejected / unparseable.
"""

from __future__ import annotations

import json

import click

from quizgen.commands import friendly_errors
from quizgen.kernel.errors import QuizgenError


def _names(value: str | None) -> list[str]:
    return [n.strip() for n in (value or "").split(",") if n.strip()]


class _ExpressionArgs(click.Command):
    """Lets an expression start with "-" (``quizgen equiv x -x``) without being taken for an option.

    Any argument that starts with "-" but is not one of this command's options is given a Unicode
    minus sign, which the answer parser reads as an ordinary minus.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = {o for p in self.get_params(ctx) for o in (*p.opts, *p.secondary_opts)}
        fixed = []
        for a in args:
            if a.startswith("-") and a != "--" and a.split("=", 1)[0] not in known:
                a = "\u2212" + a[1:]
            fixed.append(a)
        return super().parse_args(ctx, fixed)


@click.command(name="equiv", cls=_ExpressionArgs)
@click.argument("texts", nargs=-1, metavar="EXPECTED ANSWER")
@click.option("--key", "key_path", metavar="KEY.json", type=click.Path(dir_okay=False),
              help="Grade ANSWER exactly as `grade` would, against a question of this key.")
@click.option("--question", "question_id", metavar="ID",
              help="With --key: the question id (e.g. mle/gaussian_nll) or its number (q1).")
@click.option("--student", metavar="NAME",
              help="With --key: whose version of the question (default: the first version).")
@click.option("--decimal-comma/--decimal-point", "decimal_comma", default=None,
              help="Read a comma between digits as a decimal comma (or never).")
@click.option("--real", metavar="NAMES",
              help="Comma-separated real symbols (e.g. to use e, pi or sigma as a symbol).")
@click.option("--positive", metavar="NAMES", help="Comma-separated symbols that are > 0.")
@click.option("--nonnegative", metavar="NAMES", help="Comma-separated symbols that are >= 0.")
@click.option("--unit-interval", metavar="NAMES", help="Comma-separated symbols in (0, 1).")
@click.option("--integer", metavar="NAMES", help="Comma-separated integer symbols.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@friendly_errors
def command(texts: tuple[str, ...], key_path: str | None, question_id: str | None,
            student: str | None, decimal_comma: bool | None, real: str | None,
            positive: str | None, nonnegative: str | None,
            unit_interval: str | None, integer: str | None, as_json: bool) -> None:
    """Check whether ANSWER is equivalent to EXPECTED.

    Symbols in EXPECTED are real unless declared otherwise. Both texts go through the safe
    parser; nothing is evaluated as code. Exit status: 0 equivalent, 1 not equivalent,
    2 rejected or unparseable.

    Example: quizgen equiv "sigmoid(z)*(1-sigmoid(z))" "exp(-z)/(1+exp(-z))^2"

    With --key KEY.json --question ID, give only ANSWER: it is graded exactly as `quizgen grade`
    would grade it (any question type, misconception feedback included).
    """
    if key_path is not None:
        if len(texts) != 1:
            raise QuizgenError("with --key, give only ANSWER (the expected answer is the key's)")
        if question_id is None:
            raise QuizgenError("--key needs --question ID")
        _report(_grade_from_key(key_path, question_id, student, texts[0], decimal_comma), as_json)
        return
    if question_id is not None or student is not None:
        raise QuizgenError("--question and --student need --key")
    if len(texts) != 2:
        raise QuizgenError("give EXPECTED and ANSWER (or --key KEY.json --question ID ANSWER)")
    expected, answer = texts
    import dataclasses

    from quizgen.grading.item import compile_question
    from quizgen.kernel.domains import intersect
    from quizgen.maths.limits import LimitExceeded
    from quizgen.maths.names import canonical_symbol
    from quizgen.maths.nodes import free_symbols
    from quizgen.maths.parse import ParseError, make_context, parse

    domains: dict[str, str] = {}
    for names, domain in ((real, "real"), (positive, "positive"), (nonnegative, "nonnegative"),
                          (unit_interval, "unit_interval"), (integer, "integer")):
        for name in _names(names):
            canon = canonical_symbol(name)
            both = intersect(domains.get(canon, "real"), domain)
            if both is None:  # --integer n --unit-interval n
                raise QuizgenError(f"symbol '{name}': no number is both {domains[canon]} and "
                                   f"{domain}")
            domains[canon] = both  # --integer n --nonnegative n: a non-negative integer
    try:
        ctx = dataclasses.replace(make_context(domains, allow_unknown=True),
                                  decimal_comma=decimal_comma)
        node = parse(expected, ctx).node
    except (ParseError, LimitExceeded) as err:
        message = err.message if isinstance(err, ParseError) else str(err)
        raise QuizgenError(f"EXPECTED could not be read: {message}") from None
    for name in free_symbols(node):
        domains.setdefault(name, "real")
    grader = compile_question({"type": "symbolic", "points": 1,  # exact mathematics: no sheet, no rounding rule
                               "answer": {"expression": expected, "symbols": domains,
                                          "decimal_comma": decimal_comma, "exact_constants": True}})
    _report(grader.grade(answer), as_json)


def _grade_from_key(key_path: str, question_id: str, student: str | None, answer: str,
                    decimal_comma: bool | None):  # type: ignore[no-untyped-def]
    from quizgen.grading.item import compile_question
    from quizgen.grading.keyfile import load_key

    key = load_key(key_path)
    if student is not None:
        version = key.version(student)
        if version is None:
            raise QuizgenError(f"{key.name}: no student '{student}'")
    else:
        version = key.versions[0]
    question = version.by_id(question_id)
    if question is None and question_id.lower().startswith("q") and question_id[1:].isdigit():
        question = version.by_number(int(question_id[1:]))
    if question is None:
        ids = ", ".join(q.id for q in version.questions)
        raise QuizgenError(f"{key.name}: no question '{question_id}' for student "
                           f"'{version.student}' (the key has {ids})")
    entry = question.entry()
    if decimal_comma is not None and isinstance(entry.get("answer"), dict):
        entry["answer"]["decimal_comma"] = decimal_comma
    return compile_question(entry).grade(answer)


def _report(verdict, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), indent=2, sort_keys=True))
    if verdict.status in ("rejected", "empty"):
        if not as_json:
            click.echo(f"quizgen: error: {verdict.message}" if verdict.status == "rejected"
                       else "quizgen: error: ANSWER is empty", err=True)
        raise click.exceptions.Exit(2)
    if not as_json:
        label = {"correct": "equivalent", "partial": "not equivalent",
                 "incorrect": "not equivalent"}[verdict.status]
        if verdict.method == "undecided":
            label = "undecided"
        if verdict.method == "needs_review":
            label = "needs review"
        if verdict.misconception:
            label += f", misconception {verdict.misconception}"
        seed = verdict.detail.get("seed")
        click.echo(f"{label} ({verdict.detail.get('how', verdict.method)}"
                   + (f"; seed {seed})" if seed is not None else ")"))
        if verdict.status != "correct" or "steps" in verdict.detail:  # a derivation: each step's kind
            click.echo(verdict.message)
    raise click.exceptions.Exit(0 if verdict.status == "correct" else 1)
