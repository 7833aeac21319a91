"""One answer, one grade, through every door: a class of 200 (so its key is compact) with a question
of every answer type, and the same answers through each channel that carries them.

Channels: ``quizgen grade`` from CSV and JSON, ``quizgen equiv --key``, ``quizgen practice``, the
practice page, the exam page (save, ``serve --export``, ``grade``), Moodle XML as Moodle scores it
and Canvas QTI as Canvas scores it (tests/lms_scorer.py, from their sources).
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

from quizgen.cli import main  # noqa: E402
from quizgen.generation.key import expand_key  # noqa: E402
from quizgen.web.app import Config, create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CLASS = 200
#: one question per answer type (two for choice: one correct option, several)
QUESTIONS = {
    "numeric": "mle/kl_divergence_value",
    "symbolic": "mle/gaussian_nll",
    "vector": "mle/softmax_gradient_vector",
    "choice": "mle/saturation_choice",
    "multiselect": "mle/proper_scoring_select",
    "truefalse": "mle/overconfidence_truefalse",
    "order": "mle/mse_from_gaussian_order",
    "manual": "mle/noise_model_interview",
}


@pytest.fixture(scope="module")
def exam(tmp_path_factory) -> Path:
    """A class of 200 with every answer type, in every format the channels read."""
    out = tmp_path_factory.mktemp("matrix")
    roster = out / "roster.csv"
    roster.write_text("student\n" + "".join(f"s{i:03d}\n" for i in range(CLASS)))
    r = CliRunner().invoke(main, ["make", "-t", "mle", "--questions", ",".join(QUESTIONS.values()),
                                  "--roster", str(roster), "--seed", "20260101",
                                  "--secret", "00112233445566778899aabbccddeeff", "--tokens",
                                  "-f", "json,moodle,qti", "-o", str(out / "exam")])
    assert r.exit_code == 0, r.output
    return out / "exam"


def load(exam: Path) -> dict:
    return json.loads((exam / "key.json").read_text())


def tokens(exam: Path) -> dict[str, str]:
    return {row["student"]: row["token"] for row in csv.DictReader((exam / "tokens.csv").open())}


def csrf_of(page: str) -> str:
    return re.search(r'<meta name="csrf" content="([0-9a-f]+)"', page).group(1)


# ------------------------------------------------------------------------------ the exam page
def test_the_key_of_a_class_of_200_is_compact(exam):
    key = load(exam)
    assert key["variants"] and all("type" not in q for v in key["versions"] for q in v["questions"])


def test_exam_page_reads_every_type_from_a_compact_key(exam, tmp_path):
    """Each question of each sheet gets its own type's help and live preview, not the free-text
    help of a question graded by a person (what the page showed for a compact key)."""
    from quizgen.practice.session import answer_help

    full = expand_key(load(exam))
    client = TestClient(create_app(Config(exam_key=exam / "key.json", db=tmp_path / "a.sqlite")))
    toks = tokens(exam)
    for version in full["versions"][::40]:
        page = client.get(f"/exam/{toks[version['student']]}").text
        for n, q in enumerate(version["questions"], 1):
            help_text = re.search(rf'<span class="help" id="help{n}">(.*?)</span>', page, re.DOTALL).group(1)
            assert help_text == answer_help(q).replace("'", "&#39;"), (version["student"], q["id"])
            assert ("graded by a person" in help_text) == (q["type"] == "manual")
    version = full["versions"][0]
    tok = toks[version["student"]]
    csrf = csrf_of(client.get(f"/exam/{tok}").text)
    n = next(i for i, q in enumerate(version["questions"], 1) if q["type"] == "symbolic")
    read = client.post(f"/exam/{tok}/read", data={"csrf": csrf, "q": str(n), "answer": "1/2y"}).json()
    assert read["ok"] and read["reading"]["ok"] and read["reading"]["text"] == "(1/2)y"
    assert any("(a/b)·c" in note for note in read["reading"]["notes"])
    bad = client.post(f"/exam/{tok}/read", data={"csrf": csrf, "q": str(n), "answer": "((y"}).json()
    assert not bad["reading"]["ok"] and "^" in bad["reading"]["message"]
    client.app.state.exam.store.close()
