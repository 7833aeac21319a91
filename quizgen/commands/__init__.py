"""One module per CLI subcommand; each defines a click command named ``command``."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import click

from quizgen.kernel.errors import QuizgenError

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(fn: F) -> F:
    """Turn a :class:`QuizgenError` into one line on stderr and its exit status, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QuizgenError as err:
            click.echo(f"quizgen: error: {err}", err=True)
            raise click.exceptions.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            click.echo("quizgen: interrupted; files already written are complete", err=True)
            raise click.exceptions.Exit(130) from None

    return wrapper  # type: ignore[return-value]
