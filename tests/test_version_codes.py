"""Version codes: every Moodle/Canvas variant shows a code that `quizgen grade` maps back to
(student's variant, question), derived from public facts only (never the seed or the secret)."""

from __future__ import annotations

import io
import re
import zipfile
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam
from quizgen.kernel.versioncode import CODE_DIGITS, find_code, version_code

QUESTIONS = ("mle/kl_cross_entropy_choice", "mle/kl_asymmetry_truefalse", "mle/kl_divergence_value",
             "mle/gaussian_nll")


@pytest.fixture(scope="module")
def exam():
    bank = load_bank()
    entries = [bank.find(q) for q in QUESTIONS]
    return build_exam(entries, seed=2**70 + 11, students=["alice", "bob", "carol"], topic="mle")


@pytest.fixture(scope="module")
def files(exam):
    return render_exam(exam, ["moodle", "qti"])


def _strip(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_moodle_question_text_ends_with_the_variant_code(exam, files):
    root = ET.fromstring(files["moodle.xml"])
    seen = set()
    for q in root:
        if q.get("type") == "category":
            continue
        qid, student = q.findtext("idnumber").rsplit(":", 1)
        text = q.findtext("questiontext/text")
        assert find_code(_strip(text)) == version_code(exam.id, qid, student)
        seen.add(version_code(exam.id, qid, student))
    assert len(seen) == len(QUESTIONS) * 3  # one distinct code per (question, student)


def test_qti_item_text_holds_the_same_code(exam, files):
    with zipfile.ZipFile(io.BytesIO(files["canvas-qti.zip"])) as zf:
        name = next(n for n in zf.namelist() if n != "imsmanifest.xml")
        root = ET.fromstring(zf.read(name))
    ns = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    items = root.findall(".//q:item", ns)
    assert items
    for item in items:
        student = item.get("title").rsplit("[", 1)[1].rstrip("]")
        text = item.find("q:presentation/q:material/q:mattext", ns).text
        codes = {version_code(exam.id, qid, student) for qid in QUESTIONS}
        assert find_code(_strip(text)) in codes


def test_code_is_short_hex_and_not_the_seed(exam):
    code = version_code(exam.id, QUESTIONS[0], "alice")
    assert re.fullmatch(f"[0-9a-f]{{{CODE_DIGITS}}}", code)
    assert code != version_code(exam.id, QUESTIONS[0], "bob") != version_code(exam.id, QUESTIONS[1], "alice")
    assert f"{exam.seed:x}"[:CODE_DIGITS] != code
    assert find_code("What is 2+2? Version code: 0123456789 (A) 4") == "0123456789"
    assert find_code("Version code: 0123456789abc") is None  # longer hex is not a code
