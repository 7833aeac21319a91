"""``quizgen serve``: the practice page, or an exam with ``--exam key.json`` (see quizgen.web.app)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from quizgen.commands import friendly_errors
from quizgen.kernel.errors import QuizgenError


def _minutes(seconds: float | None) -> str:
    return "none" if seconds is None else f"{seconds / 60:g} min"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface; then put it behind HTTPS, see docs/serve.md).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes [default: the CPUs, at most 8].")
@click.option("--exam", "exam", type=click.Path(dir_okay=False, path_type=Path), help="Serve this key.json as an exam: one version per student, behind the student's token.")
@click.option("--db", help="Where the exam's answers go: an SQLite file [default: answers.sqlite beside the key] or a postgresql://user:password@host/dbname URL.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), help="Minutes each student has, from when they first open the exam; stored with the exam's answers (a restart keeps it).")
@click.option("--grace", type=click.FloatRange(min=0, max=3600), help="Seconds after the time limit during which saves still count (network delays) [default: 30]; stored with the exam.")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path), help="Write the collected answers (CSV that `quizgen grade` reads) and exit.")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable).")
@click.option("--rate", type=click.FloatRange(min=0.1), default=5.0, show_default=True, help="Requests a second allowed per student (per exam token; per address elsewhere), bursts of 30, in each worker.")
@click.option("--origin", "origins", multiple=True, help="Another origin allowed to post (e.g. https://exam.example.org when a proxy does not pass the Host header on).")
@click.option("--decimal-comma/--decimal-point", "decimal_comma", default=None, help="Practice page: read 2,143 as 2.143 or 2143, as `make` does for an exam (an exam follows its key).")
@friendly_errors
def command(host, port, workers, exam, db, time_limit, grace, export, banks, rate, origins, decimal_comma) -> None:
    """Serve the practice page (default) or an exam (--exam key.json) on http://HOST:PORT.

    Exam links are http://HOST:PORT/exam/<token>, one per student; `quizgen make --tokens` writes
    them to tokens.csv. Answers are saved as students type (SQLite, or PostgreSQL with --db
    postgresql://...); --export writes them as a CSV for `quizgen grade --key key.json`.
    """
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise QuizgenError("quizgen serve needs Starlette and uvicorn: pip install 'quizgen[serve]'") from None
    from quizgen.web.app import Config, create_app
    from quizgen.web.store import is_postgres

    if exam is not None and not exam.is_file():
        raise QuizgenError(f"{exam}: no such key file")
    if exam is None and (db or time_limit or grace is not None):
        raise QuizgenError("--db, --time-limit and --grace need --exam key.json")
    if exam is not None and decimal_comma is not None:
        raise QuizgenError("--decimal-comma/--decimal-point are for the practice page; an exam reads "
                           "decimals as its key says (quizgen make --decimal-comma)")
    dbp = db if is_postgres(db) else Path(db) if db else (exam.with_name("answers.sqlite") if exam else None)
    if export is not None:
        if exam is None:
            raise QuizgenError("--export needs --exam key.json (the exam whose answers to export)")
        from quizgen.kernel.files import write_atomic
        from quizgen.web.app import load_exam

        if not is_postgres(dbp) and not dbp.is_file():
            raise QuizgenError(f"{dbp}: no answers database (serve the exam first, or pass --db)")
        state = load_exam(exam, dbp, None, writable_check=False)
        text = state.store.export_csv()
        state.store.close()
        write_atomic(export, text)
        click.echo(f"Wrote {text.count(chr(10)) - 1} answers to {export}; grade with: quizgen grade --key {exam} {export}")
        return
    from quizgen.kernel.workers import default_jobs
    from quizgen.web.run import exposed, serve

    workers = workers or default_jobs()
    if exposed(host):
        click.echo(f"quizgen serve: warning: listening on {host}, reachable from other machines over plain HTTP "
                   "(answers and links can be read on the network); put it behind HTTPS (see docs/serve.md).", err=True)
    if exam is None:
        click.echo("quizgen serve: deriving the practice questions once, before serving ...", err=True)
    app = create_app(Config(bank_dirs=tuple(banks), exam_key=exam, db=dbp, rate=rate, origins=tuple(origins),
                            time_limit=time_limit, grace_seconds=grace, decimal_comma=decimal_comma,
                            prederive=exam is None))
    state = app.state
    if state.exam is not None:
        store = state.exam.store
        if time_limit is not None and store.previous.time_limit not in (None, store.settings.time_limit):
            click.echo(f"quizgen serve: the time limit was {_minutes(store.previous.time_limit)}; it is now "
                       f"{_minutes(store.settings.time_limit)} for every student", err=True)
        what = (f"exam {exam} ({len(state.exam.by_token)} students; answers in {store.describe}; time limit "
                f"{_minutes(store.settings.time_limit)}, grace {store.settings.grace:g} s)")
    else:
        what = "practice"

    def listening(actual: int) -> None:
        click.echo(f"quizgen serve: {what} on http://{host}:{actual}/ with {workers} worker(s) (Ctrl-C to stop)")
        sys.stdout.flush()

    def before_fork() -> None:
        if state.exam is not None:
            state.exam.store.close()

    serve(app, host, port, workers, before_fork=before_fork, on_listen=listening)
