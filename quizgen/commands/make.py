"""``quizgen make``: problem sheets, solutions and key.json for a topic."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from quizgen.commands import Progress, friendly_errors
from quizgen.kernel.errors import EXIT_PARTIAL, QuizgenError


DEFAULT_FORMATS = "md,tex,json"
#: Progress bars (on a terminal) for a class of more versions than this, and writing more files.
PROGRESS_MIN_VERSIONS = 21
PROGRESS_MIN_FILES = 200


@click.command("make")
@click.option("--topic", "-t", required=True, help="Topic to draw questions from (see `quizgen list`).")
@click.option("--seed", type=click.IntRange(0, 2**128 - 1), help="Exam seed (private). Default: 128 random bits, printed for you. A seed below 2^64 is mixed with a random secret (printed too).")
@click.option("--secret", help="The per-exam secret printed by an earlier run (32+ hex digits): with the same --seed, rebuilds that exam byte for byte.")
@click.option("--shuffle", is_flag=True, help="Each student gets the questions in an order of their own (recorded in the key).")
@click.option("--pool", type=click.IntRange(1), help="Each student draws this many of the selected questions (recorded in the key).")
@click.option("--count", "-n", type=click.IntRange(1), help="How many questions, balanced across sub-topics (chosen by the seed). Default: all that match.")
@click.option("--difficulty", "-d", help="Only questions of this difficulty: a level 1-3 or a range, e.g. 2-3.")
@click.option("--tags", help="Only questions with at least one of these comma-separated tags (a sub-topic name counts as a tag).")
@click.option("--questions", "-q", help="Comma-separated question ids or names, in sheet order (instead of --count).")
@click.option("--versions", type=click.IntRange(1, 100000), help="K versions named v01..vK (one per student).")
@click.option("--roster", type=click.Path(dir_okay=False), help="CSV with a 'student' column: one version per student.")
@click.option("--format", "-f", "formats", default=DEFAULT_FORMATS, show_default=True, help="Comma-separated formats (see `quizgen formats`): md, tex, pdf (needs pdflatex), json, html, moodle, qti.")
@click.option("--decimal-comma/--decimal-point", "decimal_comma", default=None, help="How students write decimals: 2,5 (a comma between digits is a decimal comma; arguments: ';' or ', ') or 2.5 (2,143 is two thousand one hundred forty-three). The sheets say so and key.json records it. Default: a comma is read as decimal unless ambiguous (2,143 goes to review).")
@click.option("--exact-constants", is_flag=True, help="Expressions must write their constants exactly (log(2*pi)/2, not 0.9189). The sheets say so and key.json records it. Default: in an expression a decimal to 4 significant figures may stand for an exact constant.")
@click.option("--moodle-stack", is_flag=True, help="Moodle: symbolic questions as STACK questions (AlgEquiv) instead of numerical ones.")
@click.option("--moodle-by-student", is_flag=True, help="Moodle: one category per student (their sheet) instead of one per question.")
@click.option("--out", "-o", type=click.Path(file_okay=False), help="Output folder ('-': print the one sheet to stdout). Default: quizgen-out/<topic>-<exam id>.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist in the output folder.")
@click.option("--title", help="Title printed on the sheets.")
@click.option("--bank", "banks", multiple=True, type=click.Path(file_okay=False), help="An extra bank folder (repeatable).")
@click.option("--templates", type=click.Path(file_okay=False), help="A folder of templates that override the shipped ones.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes for a class of 2,000 variants or more (default: the CPUs). The files are the same bytes whatever the number.")
@click.option("--tokens", "tokens_url", is_flag=False, flag_value="http://127.0.0.1:8000", default=None, metavar="[URL]",
              help="Also write tokens.csv: each student's private token and exam link for `quizgen serve --exam` (URL of the server, default http://127.0.0.1:8000).")
@friendly_errors
def command(topic, seed, secret, shuffle, pool, count, difficulty, tags, questions, versions, roster, formats, decimal_comma, exact_constants, moodle_stack, moodle_by_student, out, force, title, banks, templates, jobs, tokens_url) -> None:
    """Generate problem sheets, solutions and an answer key for TOPIC.

    One version per student: --roster FILE (a CSV with a 'student' column) or --versions K.
    Each question's numbers depend only on (seed, secret, question id, student id). Sheets show
    only the exam id; keep the seed, the secret and key.json private.
    """
    from quizgen.export import Options, check_formats, notes, render_exam, shows_figures
    from quizgen.generation.bank import load_bank, select
    from quizgen.generation.exam import answer_warnings, build_exam, read_roster, supply_warnings, version_names
    from quizgen.kernel.files import remove_stale_temporaries, write_atomic
    from quizgen.kernel.seeds import SECRET_HEX_DIGITS, SMALL_SEED, exam_id, new_secret, new_seed, root_seed

    fmts = check_formats([f.strip() for f in formats.split(",") if f.strip()])
    to_stdout = out == "-"
    if to_stdout:
        if (versions or 1) > 1 or roster:
            raise QuizgenError("--out - prints a single sheet: drop --roster and --versions (or use --versions 1)")
        sheet_formats = [f for f in fmts if f != "json"]
        if formats == DEFAULT_FORMATS:
            sheet_formats = ["md"]
        if len(sheet_formats) != 1:
            raise QuizgenError("--out - prints one sheet in one format: give one --format (md, tex, pdf, ...)")
        fmts = tuple(sheet_formats)
    elif "json" not in fmts:
        fmts = (*fmts, "json")  # key.json is always written: without it nothing can be graded
    if versions and roster:
        raise QuizgenError("use either --versions or --roster, not both")
    if (count or difficulty or tags) and questions:
        raise QuizgenError("--questions names the questions itself: drop --count, --difficulty and --tags")
    bank = load_bank(banks)
    entries = bank.topic(topic)
    if secret is not None:
        secret = secret.strip().lower()
        if len(secret) < SECRET_HEX_DIGITS or any(c not in "0123456789abcdef" for c in secret):
            raise QuizgenError(f"--secret must be at least {SECRET_HEX_DIGITS} hex digits (as printed by an earlier quizgen make)")
        if seed is None:
            raise QuizgenError("--secret needs the --seed it was printed with")
    if seed is None:
        seed = new_seed()
    if secret is None:
        secret = new_secret() if seed < SMALL_SEED else ""
    root = root_seed(seed, secret)
    if questions:
        entries = select(entries, [q.strip() for q in questions.split(",") if q.strip()])
    else:
        from quizgen.generation.selection import choose_balanced, filter_entries

        if difficulty is not None or tags is not None:
            entries = filter_entries(entries, difficulty, tags, topic)
        filters = " ".join(f for f in (f"--difficulty {difficulty}" if difficulty else "", f"--tags {tags}" if tags else "") if f)
        entries = choose_balanced(entries, count, root, what=f"{topic} {filters}".strip())
    if pool is not None and pool > len(entries):
        raise QuizgenError(f"--pool {pool} is more than the {len(entries)} question(s) selected")

    problems: tuple[str, ...] = ()
    if roster:
        r = read_roster(roster)
        students, problems = r.students, r.problems
    else:
        students = version_names(versions or 1)
    for p in problems:
        click.echo(f"quizgen: warning: {p}", err=True)
    for line in supply_warnings(entries, len(students)):
        click.echo(f"quizgen: warning: {line}", err=True)

    out_dir = Path("-") if to_stdout else Path(out) if out else Path("quizgen-out") / f"{topic.replace('/', '-')}-{exam_id(root)}"
    build = dict(topic=topic, title=title, secret=secret, shuffle=shuffle, pool=pool, jobs=jobs,
                 decimal_comma=decimal_comma, exact_constants=exact_constants, figures=shows_figures(fmts))
    # bars for every phase of a class of PROGRESS_MIN_VERSIONS versions or more, on a terminal
    bars = Progress(minimum=1 if len(students) >= PROGRESS_MIN_VERSIONS else 2**63)
    left_out: list[str] = []
    options = Options(moodle_stack=moodle_stack, moodle_by_student=moodle_by_student, report=left_out.append,
                      phases=bars.phase)
    with bars:
        advance = bars.phase("Building versions", len(students))

        def ticking(items):  # the bar moves as build_exam goes through the students
            for item in items:
                yield item
                advance(1)

        exam = build_exam(entries, seed, students, progress=ticking, **build)
        files = render_exam(exam, fmts, templates, options, jobs=jobs)
    for line in answer_warnings(exam):
        click.echo(f"quizgen: warning: {line}", err=True)
    if tokens_url and not to_stdout:
        from quizgen.generation import key as keymod
        from quizgen.web.tokens import tokens_csv

        files["tokens.csv"] = tokens_csv(keymod.build_key(exam), tokens_url)
    for line in notes(exam, fmts, options) + left_out:
        click.echo(f"quizgen: note: {line}", err=True)

    rebuild = f"--seed {seed}" + (f" --secret {secret}" if secret else "")
    rebuild += (" --shuffle" if shuffle else "") + (f" --pool {exam.pool}" if exam.pool else "")
    rebuild += {True: " --decimal-comma", False: " --decimal-point", None: ""}[decimal_comma]
    rebuild += " --exact-constants" if exact_constants else ""
    private = (f"seed {seed}" + (f", secret {secret}" if secret else "") + f"; rebuild with {rebuild}")
    if to_stdout:
        for name in files:  # a figure a Markdown or LaTeX sheet refers to: only a folder can hold it
            if name.endswith(".png"):
                click.echo(f"quizgen: note: {fmts[0]}: {name} is not written with --out - (the sheet refers to it); "
                           "use --out DIR, or --format html or pdf, which embed figures", err=True)
        sheet = next(data for name, data in files.items() if name.startswith("sheet."))
        if isinstance(sheet, bytes):
            sys.stdout.buffer.write(sheet)
            sys.stdout.buffer.flush()
        else:
            click.echo(sheet, nl=False)
        click.echo(f"quizgen: exam id {exam.id}; private, for the instructor: {private}", err=True)
        return

    clash = sorted(name for name in files if (out_dir / name).exists())
    if clash and not force:
        raise QuizgenError(f"{out_dir}: already holds {clash[0]}" + (f" and {len(clash) - 1} more" if len(clash) > 1 else "") + "; use --force to overwrite")
    # a make killed while writing (kill -9 runs no cleanup) left the temporary files of these names
    remove_stale_temporaries(out_dir, lambda name: name in files)
    try:
        with Progress(PROGRESS_MIN_FILES) as bars:
            advance = bars.phase("Writing", len(files))
            for name, text in files.items():
                write_atomic(out_dir / name, text)
                advance(1)
    except OSError as err:
        raise QuizgenError(f"{out_dir}: cannot write the files there ({err.strerror or err})") from None
    if "key.json" in files:  # written by this code: grade need not check it again (quizgen.kernel.cache)
        from quizgen.grading.keyfile import remember_key

        key_text = files["key.json"]
        remember_key(key_text.encode("utf-8") if isinstance(key_text, str) else key_text)
    click.echo(
        f"Wrote {len(files)} files for {len(students)} version(s) of {len(entries)} question(s) to {out_dir}/ "
        f"(exam id {exam.id})"
    )
    click.echo(f"Private, for the instructor (also in key.json): {private}")
    if problems:
        raise click.exceptions.Exit(EXIT_PARTIAL)
