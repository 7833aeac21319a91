"""The ``quizgen`` command line: a thin click layer over the library.

Each subcommand lives in ``quizgen/commands/<name>.py`` and is imported only when it runs, so
``quizgen --help`` and ``quizgen list`` never pay for importing SymPy.
"""

from __future__ import annotations

import importlib

import click

from quizgen import __version__

#: name -> (module under quizgen.commands, one-line help shown by ``quizgen --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("list_", "List topics and the questions in each."),
    "make": ("make", "Generate problem sheets, solutions and an answer key."),
    "equiv": ("equiv", "Check whether a typed answer is equivalent to an expected expression."),
    "grade": ("grade", "Grade a class's submissions against a key.json."),
    "practice": ("practice", "Practise a topic in the terminal, one question at a time, with feedback."),
    "check": ("check", "Check every question of a bank over many seeds (keys, wrong answers, rendering)."),
    "serve": ("serve", "Serve the practice page, or an exam (--exam key.json), on a local web server."),
    "formats": ("formats", "List the output formats and what each carries."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"quizgen.commands.{COMMANDS[name][0]}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
def main() -> None:
    """quizgen: randomized exam questions on the statistics behind ML losses, and a grader.

    Start with `quizgen make --topic mle`; see `quizgen COMMAND --help` for each command.
    """
