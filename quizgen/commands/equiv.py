"""``quizgen equiv EXPECTED ANSWER``: check one typed answer against an expected expression.

Exit status: 0 equivalent, 1 not equivalent (or undecided), 2 rejected / unparseable.
"""

from __future__ import annotations

import json

import click

from quizgen.commands import friendly_errors
from quizgen.errors import QuizgenError


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
@click.argument("expected")
@click.argument("answer")
@click.option("--real", metavar="NAMES",
              help="Comma-separated real symbols (e.g. to use e, pi or sigma as a symbol).")
@click.option("--positive", metavar="NAMES", help="Comma-separated symbols that are > 0.")
@click.option("--nonnegative", metavar="NAMES", help="Comma-separated symbols that are >= 0.")
@click.option("--unit-interval", metavar="NAMES", help="Comma-separated symbols in (0, 1).")
@click.option("--integer", metavar="NAMES", help="Comma-separated integer symbols.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@friendly_errors
def command(expected: str, answer: str, real: str | None, positive: str | None, nonnegative: str | None,
            unit_interval: str | None, integer: str | None, as_json: bool) -> None:
    """Check whether ANSWER is equivalent to EXPECTED.

    Symbols in EXPECTED are real unless declared otherwise. Both texts go through the safe
    parser; nothing is evaluated as code. Exit status: 0 equivalent, 1 not equivalent,
    2 rejected or unparseable.

    Example: quizgen equiv "sigmoid(z)*(1-sigmoid(z))" "exp(-z)/(1+exp(-z))^2"
    """
    from quizgen.grading.item import compile_question
    from quizgen.grading.limits import LimitExceeded
    from quizgen.grading.names import canonical_symbol
    from quizgen.grading.nodes import free_symbols
    from quizgen.grading.parse import ParseError, make_context, parse

    domains: dict[str, str] = {}
    for names, domain in ((real, "real"), (positive, "positive"), (nonnegative, "nonnegative"),
                          (unit_interval, "unit_interval"), (integer, "integer")):
        for name in _names(names):
            canon = canonical_symbol(name)
            if canon in domains and domains[canon] != domain:
                raise QuizgenError(f"symbol '{name}' is given two domains")
            domains[canon] = domain
    try:
        ctx = make_context(domains, allow_unknown=True)
        node = parse(expected, ctx).node
    except (ParseError, LimitExceeded) as err:
        message = err.message if isinstance(err, ParseError) else str(err)
        raise QuizgenError(f"EXPECTED could not be read: {message}") from None
    for name in free_symbols(node):
        domains.setdefault(name, "real")
    grader = compile_question({"type": "symbolic", "points": 1,
                               "answer": {"expression": expected, "symbols": domains}})
    verdict = grader.grade(answer)
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
        click.echo(f"{label} ({verdict.detail.get('how', verdict.method)}; "
                   f"seed {verdict.detail.get('seed')})")
        if verdict.status != "correct":
            click.echo(verdict.message)
    raise click.exceptions.Exit(0 if verdict.status == "correct" else 1)
