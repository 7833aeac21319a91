"""``quizgen serve``: the practice page, or an exam with ``--exam key.json`` (see quizgen.web.app)."""

from __future__ import annotations

from pathlib import Path

import click

from quizgen.commands import friendly_errors
from quizgen.errors import QuizgenError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--exam", "exam", type=click.Path(dir_okay=False, path_type=Path), help="Serve this key.json as an exam: one version per student, behind the student's token.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file for the exam's answers [default: answers.sqlite beside the key].")
@click.option("--time-limit", type=click.FloatRange(min=0.1), help="Minutes each student has, from when they first open the exam.")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path), help="Write the collected answers (CSV that `quizgen grade` reads) and exit.")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable).")
@click.option("--rate", type=click.FloatRange(min=0.1), default=5.0, show_default=True, help="Requests a second allowed per client (bursts of 30).")
@click.option("--decimal-comma/--decimal-point", "decimal_comma", default=None, help="Practice page: read 2,143 as 2.143 or 2143, as `make` does for an exam (an exam follows its key).")
@friendly_errors
def command(host, port, exam, db, time_limit, export, banks, rate, decimal_comma) -> None:
    """Serve the practice page (default) or an exam (--exam key.json) on http://HOST:PORT.

    Exam links are http://HOST:PORT/exam/<token>, one per student; `quizgen make --tokens` writes
    them to tokens.csv. Answers are saved in SQLite as students type; --export writes them as a CSV
    for `quizgen grade --key key.json`.
    """
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise QuizgenError("quizgen serve needs Starlette and uvicorn: pip install 'quizgen[serve]'") from None
    from quizgen.web.app import Config, create_app

    if exam is not None and not exam.is_file():
        raise QuizgenError(f"{exam}: no such key file")
    if exam is not None and decimal_comma is not None:
        raise QuizgenError("--decimal-comma/--decimal-point are for the practice page; an exam reads "
                           "decimals as its key says (quizgen make --decimal-comma)")
    if export is not None:
        if exam is None:
            raise QuizgenError("--export needs --exam key.json (the exam whose answers to export)")
        from quizgen.fsio import write_atomic
        from quizgen.web.app import load_exam
        from quizgen.bank import load_bank

        dbp = db or exam.with_name("answers.sqlite")
        if not dbp.is_file():
            raise QuizgenError(f"{dbp}: no answers database (serve the exam first, or pass --db)")
        state = load_exam(exam, dbp, load_bank(banks), None)
        text = state.store.export_csv()
        state.store.close()
        write_atomic(export, text)
        click.echo(f"Wrote {text.count(chr(10)) - 1} answers to {export}; grade with: quizgen grade --key {exam} {export}")
        return
    import uvicorn

    app = create_app(Config(bank_dirs=tuple(banks), exam_key=exam, db_path=db, time_limit=time_limit, rate=rate,
                            decimal_comma=decimal_comma))
    what = f"exam {exam} ({len(app.state.exam.by_token)} students)" if exam else "practice"
    click.echo(f"quizgen serve: {what} on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
