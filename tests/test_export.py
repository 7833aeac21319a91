"""The export registry: every format is a writer module that says what it carries, and make says so per question."""

from __future__ import annotations

import re

from click.testing import CliRunner

from quizgen import export
from quizgen.cli import main
from quizgen.export.base import ANSWER_TYPES, NATIVE, Carry, TemplateWriter
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam


def test_every_format_is_a_writer_that_declares_every_answer_type():
    for name in export.REGISTRY:
        w = export.writer(name)
        assert w.name == name
        assert w.summary and w.files
        for kind in ANSWER_TYPES:
            assert w.carry(kind).how in ("native", "converted", "dropped")
            if w.carry(kind).how != "native":
                assert w.carry(kind).note, (name, kind)


def test_an_undeclared_answer_type_is_dropped_with_a_note_never_silently():
    w = export.writer("md")
    carry = w.carry("ordering_of_the_future")
    assert carry.how == "dropped" and "ordering_of_the_future" in carry.note


def test_formats_command_lists_each_format_its_files_and_types():
    result = CliRunner().invoke(main, ["formats"], catch_exceptions=False)
    assert result.exit_code == 0
    for name in export.REGISTRY:
        assert f"\n{name}: " in "\n" + result.output
    assert "files: sheet[-<student>].md, solutions[-<student>].md" in result.output
    assert "files: key.json" in result.output
    assert result.output.count("  numeric: ") == len(export.REGISTRY)
    assert result.output.count("  figures: ") == len(export.REGISTRY)
    assert "  figures: native (inlined in the page as data: URIs, with alt text)" in result.output


def test_make_prints_each_converted_or_dropped_question(tmp_path, monkeypatch):
    """A format that converts one type and drops another: make names both questions, and still writes."""
    lossy = TemplateWriter(
        name="md", summary="test", folder="md", ext="md",
        carries={"numeric": NATIVE, "choice": Carry("converted", "options as a list")},
    )
    real = export.writer
    monkeypatch.setattr(export, "writer", lambda name: lossy if name == "md" else real(name))
    result = CliRunner().invoke(
        main,
        ["make", "--topic", "mle", "--seed", "1", "--format", "md", "--out", str(tmp_path / "o"),
         "--questions", "gaussian_nll,gaussian_nll_value,kl_cross_entropy_choice"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.startswith("quizgen: note:")]
    assert lines == [
        "quizgen: note: md: question 1 (mle/gaussian_nll, symbolic) dropped: md has no symbolic questions; left out",
        "quizgen: note: md: question 3 (mle/kl_cross_entropy_choice, choice) converted: options as a list",
    ]


def test_a_writer_without_figures_is_named_for_each_question_with_figures(tmp_path, monkeypatch):
    """A writer that does not declare figures leaves them out, and make says so per question; the
    shipped formats all show figures, so they print no such note."""
    plain = TemplateWriter(name="md", summary="test", folder="md", ext="md")
    real = export.writer
    args = ["make", "--topic", "mle", "--seed", "1", "--questions", "gaussian_nll_value,reliability_ece,saturation_choice"]
    result = CliRunner().invoke(main, [*args, "--format", "md,tex,html,moodle,qti", "--out", str(tmp_path / "a")])
    assert result.exit_code == 0 and ") figures " not in result.output
    monkeypatch.setattr(export, "writer", lambda name: plain if name == "md" else real(name))
    result = CliRunner().invoke(main, [*args, "--format", "md", "--out", str(tmp_path / "b")])
    assert result.exit_code == 0
    assert [line for line in result.output.splitlines() if ") figures " in line] == [
        "quizgen: note: md: question 2 (mle/reliability_ece) figures dropped: no figures in this format; left out",
        "quizgen: note: md: question 3 (mle/saturation_choice) figures dropped: no figures in this format; left out",
    ]


def test_out_dash_names_the_figure_files_it_cannot_write():
    args = ["make", "--topic", "mle", "--seed", "1", "--questions", "reliability_ece", "--out", "-"]
    result = CliRunner().invoke(main, [*args, "--format", "md"])
    assert result.exit_code == 0
    (name,) = re.findall(r"\]\((fig-reliability-[0-9a-f]+\.png)\)", result.output)
    assert f"quizgen: note: md: {name} is not written with --out - (the sheet refers to it)" in result.output
    result = CliRunner().invoke(main, [*args, "--format", "html"])  # inlined: nothing to say
    assert result.exit_code == 0 and "data:image/png;base64," in result.output and "quizgen: note" not in result.output


def test_native_formats_print_no_notes():
    exam = build_exam(load_bank().topic("mle"), seed=2, students=["ann"])
    assert export.notes(exam, ["md", "tex", "pdf", "json"]) == []


def test_the_formats_page_table_is_what_the_writers_declare():
    import html
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "docs" / "formats.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- formats-table -->\n(.*?)<!-- /formats-table -->", readme, re.S).group(1)
    rows = [line.strip("|").split(" | ") for line in table.strip().splitlines()[2:]]
    header = table.strip().splitlines()[0].strip("| ").split(" | ")
    assert header[2:] == [*ANSWER_TYPES, "figures"]
    assert [r[0].strip(" `") for r in rows] == list(export.REGISTRY)
    for row in rows:
        w = export.writer(row[0].strip(" `"))
        assert html.unescape(row[1].strip()) == w.files
        assert [c.strip().split(":")[0] for c in row[2:-1]] == [w.carry(k).how for k in ANSWER_TYPES], row[0]
        assert row[-1].strip() == ("—" if w.figure_carry is None else w.figure_carry.how), row[0]


def test_sheet_headers_count_questions_and_points_in_the_singular_for_one():
    """The header of every template-rendered sheet says "1 question", never "1 questions"."""
    from quizgen.export.base import counted, environment

    assert [counted(n, "question") for n in (1, 2, 0)] == ["1 question", "2 questions", "0 questions"]
    assert [counted(p, "point") for p in (1.0, 1.5, 3.0)] == ["1 point", "1.5 points", "3 points"]
    bank = load_bank()
    one = build_exam([bank.find("mle/gaussian_nll_value")], 1, ["s1"])
    two = build_exam([bank.find("mle/gaussian_nll_value"), bank.find("mle/density_above_one")], 1, ["s1"])
    for name in ("md", "tex", "html"):
        sheet = f"sheet.{name}"
        single = export.writer(name).render(one, environment())[sheet]
        double = export.writer(name).render(two, environment())[sheet]
        assert "1 question" in single and "1 questions" not in single, name
        assert "2 questions" in double, name
        assert "(1 point)" in single and "(1 points)" not in single, name
