"""Units declared by questions (issue 8 §2): ``Numeric(unit=...)`` flows into key.json, the grader
accepts the number with or without its unit, names a wrong unit, and Moodle carries it."""

from __future__ import annotations

import dataclasses
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam
from quizgen.generation.key import answer_text, question_key
from quizgen.generation.question import Numeric
from quizgen.generation.variant import make_variant
from quizgen.grading.item import compile_question
from quizgen.grading.keyfile import validate_key
from quizgen.kernel.errors import QuizgenError

#: The bank's questions whose answer has a unit, and that unit.
WITH_UNITS = {
    "mle/bernoulli_entropy_bits": "bits", "mle/code_length_excess": "bits",
    "mle/kl_divergence_value": "nats", "mle/dataset_cross_entropy": "nats",
    "mle/cross_entropy_decomposition": "nats", "mle/label_smoothing": "nats",
    "mle/one_hot_cross_entropy": "nats",
}


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def _key(bank, qid: str, seed: int = 3) -> dict:
    return question_key(make_variant(bank.find(qid).question, seed, "s1"), 1)


def test_the_bank_declares_nats_and_bits_where_the_statement_asks_for_them(bank) -> None:
    declared = {e.id: e.question.answer.unit for entries in bank.topics.values() for e in entries
                if isinstance(e.question.answer, Numeric) and e.question.answer.unit}
    assert declared == WITH_UNITS
    for qid, unit in WITH_UNITS.items():
        v = make_variant(bank.find(qid).question, 5, "s1")
        assert unit in v.statement, qid
        assert v.answer["unit"] == unit and v.answer_latex.endswith(f"\\ \\text{{{unit}}}"), qid


def test_a_nats_answer_with_or_without_its_unit_and_a_wrong_unit_named(bank) -> None:
    key = _key(bank, "mle/kl_divergence_value")
    grader = compile_question(key)
    number = answer_text(key)
    for text in (number, f"{number} nats", f"{number}nats", f"{number} nat"):
        assert grader.grade(text).status == "correct", text
    wrong = grader.grade(f"{number} bits")
    assert (wrong.status, wrong.credit) == ("incorrect", 0.0)
    assert wrong.message == "Your answer is in bits, but the question asks for nats."
    bits = next(w for w in key["known_wrong"] if w["name"] == "bits")["value"]
    labelled = grader.grade(f"{bits!r} bits")  # the right divergence in the wrong base: its misconception
    assert labelled.misconception == "bits" and labelled.credit == grader.grade(repr(bits)).credit


def test_the_ln_versus_log2_mistake_still_fires_on_a_bits_question(bank) -> None:
    key = _key(bank, "mle/bernoulli_entropy_bits")
    grader = compile_question(key)
    nats = next(w for w in key["known_wrong"] if w["name"] == "nats")
    bare = grader.grade(repr(nats["value"]))
    assert (bare.status, bare.misconception, bare.credit) == ("partial", "nats", 0.5)
    labelled = grader.grade(f"{nats['value']!r} nats")
    assert (labelled.misconception, labelled.credit) == ("nats", 0.5)
    assert labelled.message.startswith("Your answer is in nats, but the question asks for bits. That is the length in nats")
    assert grader.grade(f"{answer_text(key)} bits").status == "correct"
    # the right entropy converted to nats is the nats mistake's number: its partial credit, no more
    converted = key["answer"]["value"] * math.log(2)
    assert grader.grade(f"{converted!r} nats").status == "partial"  # it is the nats mistake's number


def test_percent_as_a_unit_and_without_one() -> None:
    percent = compile_question({"type": "numeric", "answer": {"value": 12.5, "unit": "%"}})
    assert [percent.grade(t).status for t in ("12.5", "12.5%", "12.5 percent")] == ["correct"] * 3
    fraction = compile_question({"type": "numeric", "answer": {"value": 0.125}})
    assert fraction.grade("12.5%").status == "correct"  # no unit declared: 12.5% = 0.125
    assert "has no unit" in fraction.grade("0.125 nats").message


@pytest.mark.parametrize("typed", ["0.6931 nats", "0.6931nats", "0.6931 nat"])
def test_the_readme_s_unit_rows(typed: str) -> None:
    nats = compile_question({"type": "numeric", "answer": {"value": math.log(2), "rtol": 1e-3, "unit": "nats"}})
    verdict = nats.grade(typed)
    assert (verdict.status, verdict.detail["unit"]) == ("correct", "nats")


def test_a_question_file_and_a_key_with_an_unknown_unit_are_refused() -> None:
    with pytest.raises(ValueError, match="Numeric.unit must be one of nats, bits, %"):
        Numeric(unit="furlongs")
    key = json.loads((Path(__file__).parent / "fixtures" / "grade" / "key.json").read_text(encoding="utf-8"))
    key["versions"][0]["questions"][1]["answer"]["unit"] = "joules"
    with pytest.raises(QuizgenError) as info:
        validate_key(key)
    assert str(info.value) == ('key.json: versions[0].questions[1].answer.unit: unknown unit "joules" '
                               '(expected one of nats, bits, %, or null)')


def test_a_bank_with_an_unknown_unit_does_not_load(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from quizgen.cli import main

    source = (Path(__file__).resolve().parents[1] / "question_bank" / "mle" / "kl" / "kl_divergence_value.py")
    text = source.read_text(encoding="utf-8").replace('unit="nats"', 'unit="furlongs"')
    (tmp_path / "intro").mkdir()
    (tmp_path / "intro" / "bad_unit.py").write_text(text.replace('id="mle/', 'id="intro/'), encoding="utf-8")
    r = CliRunner().invoke(main, ["list", "--bank", str(tmp_path)])
    assert r.exit_code == 2 and "bad_unit.py: failed to load: ValueError: Numeric.unit must be one of nats, bits, % " \
        "or None, not 'furlongs'" in r.output


def test_check_fails_a_statement_that_does_not_name_its_unit(bank) -> None:
    from quizgen.checking.runner import check_question

    entry = bank.find("mle/kl_divergence_value")
    silent = dataclasses.replace(entry.question, statement=entry.question.statement.replace(
        "in nats (natural logarithm)", "(natural logarithm)"))
    assert silent.statement != entry.question.statement
    report = check_question(dataclasses.replace(entry, question=silent), 2)
    assert [f.message for f in report.failures] == ["the answer's unit is nats but the statement does not say so"] * 2
    assert check_question(entry, 2).failures == []


def test_moodle_carries_the_unit_as_an_optional_unit(bank) -> None:
    entries = [bank.find("mle/kl_divergence_value"), bank.find("mle/conditional_loglik")]
    exam = build_exam(entries, 8, ["s1"], topic="mle")
    root = ET.fromstring(render_exam(exam, ["moodle"])["moodle.xml"])
    numerical = {q.findtext("idnumber"): q for q in root if q.get("type") == "numerical"}
    with_unit = numerical["mle/kl_divergence_value:s1"]
    assert [(u.findtext("multiplier"), u.findtext("unit_name")) for u in with_unit.iter("unit")] == [("1", "nats")]
    assert with_unit.findtext("showunits") == "0"  # UNITOPTIONAL: the bare number counts too
    without = numerical["mle/conditional_loglik:s1"]
    assert without.find("units") is None and without.findtext("showunits") == "3"  # UNITNONE
    key = json.loads(render_exam(exam, ["json"])["key.json"])
    assert [q["answer"].get("unit") for q in key["versions"][0]["questions"]] == ["nats", None]


def test_canvas_carries_the_number_only(bank) -> None:
    import io
    import zipfile

    exam = build_exam([bank.find("mle/kl_divergence_value")], 8, ["s1"], topic="mle")
    archive = zipfile.ZipFile(io.BytesIO(render_exam(exam, ["qti"])["canvas-qti.zip"]))
    assessment = next(archive.read(n).decode() for n in archive.namelist() if n != "imsmanifest.xml"
                      and n.endswith(".xml") and "numerical_question" in archive.read(n).decode())
    assert "in nats" in assessment  # the statement names the unit
    # the answer box takes a decimal number, nothing after it: a typed unit is not carried
    assert 'fibtype="Decimal"' in assessment and "<unit" not in assessment
