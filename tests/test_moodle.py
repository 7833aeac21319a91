"""Moodle XML: the structure Moodle's importer reads (qformat_xml), checked by parsing.

No Moodle server runs here, so these tests check what the importer needs: a category before its
questions, a name and question text, grade fractions from Moodle's list (anything else is refused
on import), one full-credit answer, multiple-answer fractions that sum to 100 %, tolerances that
cover the key's band, and the misconception feedback on each wrong answer.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import sympy as sp

from quizgen.export import Options, notes, render_exam
from quizgen.export.lms import MOODLE_GRADES, lms_html, tolerance
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names

ALLOWED = {round(100 * g, 5) for g in MOODLE_GRADES}


@pytest.fixture(scope="module")
def exam():
    return build_exam(load_bank().topic("mle"), seed=31, students=version_names(3))


@pytest.fixture(scope="module")
def parsed(exam):
    files = render_exam(exam, ["moodle", "json"])
    return ET.fromstring(files["moodle.xml"]), json.loads(files["key.json"])


def questions(root):
    return [q for q in root if q.get("type") != "category"]


def variant_of(key, idnumber):
    qid, student = idnumber.rsplit(":", 1)
    ver = next(v for v in key["versions"] if v["student"] == student)
    return next(q for q in ver["questions"] if q["id"] == qid)


def test_one_category_per_question_holding_every_variant(parsed, exam):
    root, key = parsed
    assert root.tag == "quiz"
    current, seen = None, {}
    for q in root:
        if q.get("type") == "category":
            current = q.findtext("category/text")
            assert current.startswith(f"$course$/top/quizgen mle {exam.id}/")
            seen[current] = []
        else:
            assert current is not None, "a question before any category"
            seen[current].append(q.findtext("idnumber"))
    assert len(seen) == len(exam.question_ids)
    for category, ids in seen.items():
        qid = category.rsplit(" ", 1)[1]
        assert sorted(ids) == [f"{qid}:{s}" for s in ("v01", "v02", "v03")], category


def test_every_question_has_what_the_importer_needs(parsed):
    root, key = parsed
    for q in questions(root):
        assert q.findtext("name/text").strip()
        assert q.find("questiontext").get("format") == "html" and q.findtext("questiontext/text").strip()
        v = variant_of(key, q.findtext("idnumber"))
        assert float(q.findtext("defaultgrade")) == v["points"]
        for a in q.findall("answer"):
            if q.get("type") != "ordering":
                assert abs(float(a.get("fraction"))) in ALLOWED, (q.get("type"), a.get("fraction"))


def test_numerical_answers_carry_the_key_value_tolerance_and_misconceptions(parsed):
    root, key = parsed
    numeric = [q for q in questions(root) if q.get("type") == "numerical" and variant_of(key, q.findtext("idnumber"))["type"] == "numeric"]
    assert numeric
    for q in numeric:
        v = variant_of(key, q.findtext("idnumber"))
        answers = q.findall("answer")
        first = answers[0]
        assert first.get("fraction") == "100"
        value, tol = float(first.findtext("text")), float(first.findtext("tolerance"))
        assert value == pytest.approx(v["answer"]["value"], rel=1e-11)  # 12 significant figures
        assert tol >= max(v["answer"]["atol"], v["answer"]["rtol"] * abs(value)) * 0.999
        assert answers[-1].findtext("text") == "*" and answers[-1].get("fraction") == "0"
        for w, a in zip(v["known_wrong"], answers[1:-1]):
            assert float(a.findtext("text")) == pytest.approx(w["value"], rel=1e-11)
            assert float(a.get("fraction")) == pytest.approx(100 * w["credit"], abs=0.01)
            assert a.findtext("feedback/text") == lms_html(w["feedback"])
            # the correct answer's band never reaches a misconception
            assert abs(float(a.findtext("text")) - value) > tol


def test_multichoice_fractions_as_moodle_expects(parsed):
    root, key = parsed
    mc = [q for q in questions(root) if q.get("type") == "multichoice"]
    assert mc
    for q in mc:
        v = variant_of(key, q.findtext("idnumber"))
        fractions = [float(a.get("fraction")) for a in q.findall("answer")]
        assert len(fractions) == len(v["answer"]["choices"])
        if q.findtext("single") == "true":
            assert max(fractions) == 100 and fractions.count(100) == 1
        else:
            assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-3)
            assert all(f < 0 for f, c in zip(fractions, v["answer"]["choices"]) if c["label"] not in v["answer"]["correct"])
        by_label = {c["label"]: a for c, a in zip(v["answer"]["choices"], q.findall("answer"))}
        for w in v["known_wrong"]:
            assert by_label[w["choice"]].findtext("feedback/text") == lms_html(w["feedback"])


def test_truefalse_ordering_essay_cloze(parsed):
    root, key = parsed
    kinds = {q.get("type") for q in questions(root)}
    assert {"truefalse", "ordering", "essay", "cloze"} <= kinds
    for q in questions(root):
        v = variant_of(key, q.findtext("idnumber"))
        if q.get("type") == "truefalse":
            answers = {a.findtext("text"): a.get("fraction") for a in q.findall("answer")}
            truth = "true" if v["answer"]["value"] else "false"
            assert answers[truth] == "100" and set(answers.values()) == {"100", "0"}
        elif q.get("type") == "ordering":
            items = {i["label"]: i["text"] for i in v["answer"]["items"]}
            assert [a.findtext("text") for a in q.findall("answer")] == [lms_html(items[label]) for label in v["answer"]["correct"]]
        elif q.get("type") == "essay" and "model" in v["answer"]:  # a derivation: the model derivation
            assert "Model derivation" in q.findtext("graderinfo/text")
            assert q.findtext("responseformat") == "plain"
        elif q.get("type") == "essay":
            assert lms_html(v["answer"]["model_answer"]) in q.findtext("graderinfo/text")
        elif q.get("type") == "cloze":
            blanks = re.findall(r"\{\d+:NUMERICAL:=([^:]+):", q.findtext("questiontext/text"))
            assert [float(b) for b in blanks] == pytest.approx(v["answer"]["values"], rel=1e-11)


def test_symbolic_as_numerical_at_the_stated_values(parsed):
    """The number Moodle expects is the key's expression at the values the question states (SymPy here, independently)."""
    root, key = parsed
    count = 0
    for q in questions(root):
        v = variant_of(key, q.findtext("idnumber"))
        if v["type"] != "symbolic":
            continue
        count += 1
        assert q.get("type") == "numerical"
        text = q.findtext("questiontext/text")
        point = dict(re.findall(r"<code>(\w+)</code> = (-?[\d.]+)", text.split("Give the <strong>value</strong>")[1]))
        assert set(point) == set(v["answer"]["symbols"])
        expr = sp.sympify(v["answer"]["expression"], locals={n: sp.Symbol(n) for n in point})
        expected = float(expr.subs({sp.Symbol(n): sp.Rational(x) for n, x in point.items()}))
        assert float(q.find("answer").findtext("text")) == pytest.approx(expected, rel=1e-9)
    assert count


def test_moodle_stack_questions_use_algequiv(exam):
    root = ET.fromstring(render_exam(exam, ["moodle"], options=Options(moodle_stack=True))["moodle.xml"])
    stack = [q for q in root if q.get("type") == "stack"]
    assert stack
    for q in stack:
        assert "[[input:ans1]]" in q.findtext("questiontext/text")
        assert q.findtext("input/name") == "ans1" and q.findtext("input/tans") == "ta"
        nodes = q.findall("prt/node")
        assert nodes and all(n.findtext("answertest") == "AlgEquiv" for n in nodes)
        assert nodes[0].findtext("tans") == "ta" and nodes[0].findtext("truescore") == "1"
        assert "**" not in q.findtext("questionvariables/text")
    assert any("STACK question" in line for line in notes(exam, ["moodle"], Options(moodle_stack=True)))


def test_by_student_layout(exam):
    root = ET.fromstring(render_exam(exam, ["moodle"], options=Options(moodle_by_student=True))["moodle.xml"])
    cats = [q.findtext("category/text") for q in root if q.get("type") == "category"]
    assert [c.rsplit("/", 1)[1] for c in cats] == ["v01", "v02", "v03"]


def test_moodle_writes_the_same_bytes_twice(exam):
    assert render_exam(exam, ["moodle"]) == render_exam(exam, ["moodle"])


def test_figures_are_embedded_files_the_text_refers_to(parsed, exam):
    """Each figure is a base64 <file> in the field that shows it (sheet figures in the question text,
    solution figures in the general feedback), holding the PNG's own bytes; every <img> resolves."""
    import base64
    import html

    from quizgen.generation.figures import png

    root, _ = parsed
    by_id = {f"{v.question_id}:{ver.student}": v for ver in exam.versions for v in ver.variants}
    shown = 0
    for q in questions(root):
        v = by_id[q.findtext("idnumber")]
        for field, where in (("questiontext", "sheet"), ("generalfeedback", "solutions")):
            element = q.find(field)
            files = {f.get("name"): f for f in element.findall("file")}
            imgs = re.findall(r'<img src="@@PLUGINFILE@@/([^"]+)" alt="([^"]+)"', element.findtext("text"))
            expected = [ref for ref in v.figures if ref.where == where]
            assert [name for name, _ in imgs] == [ref.file for ref in expected] == list(files), (q.findtext("idnumber"), field)
            for (name, alt), ref in zip(imgs, expected):
                f = files[name]
                assert f.get("path") == "/" and f.get("encoding") == "base64"
                assert base64.b64decode(f.text) == png(ref) and png(ref).startswith(b"\x89PNG\r\n\x1a\n")
                assert html.unescape(alt) == ref.alt
                shown += 1
    assert shown == sum(len(v.figures) for v in by_id.values()) > 0  # every figure of every variant, none dropped
