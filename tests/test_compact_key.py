"""Compact keys (issue 8 §5): a large class's key.json stores each distinct variant once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.generation.key import COMPACT_MIN_VERSIONS, build_key, compact_key, dumps, expand_key
from quizgen.grading.batch import grade_class
from quizgen.grading.keyfile import load_key, validate_key
from quizgen.kernel.errors import QuizgenError

SECRET = "0123456789abcdef0123456789abcdef"
QUESTIONS = "gaussian_nll,few_variants,kl_cross_entropy_choice,gaussian_nll_value"
FEW = str(Path(__file__).parent / "fixtures" / "fewbank")  # mle/few_variants: 15 parameter sets


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("compact")
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--bank", FEW, "--seed", "9", "--secret", SECRET, "--questions", QUESTIONS,
                                  "--versions", str(COMPACT_MIN_VERSIONS + 10), "--format", "json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    return json.loads((out / "key.json").read_text())


def test_a_large_class_gets_each_variant_once(made):
    assert COMPACT_MIN_VERSIONS == 50
    refs = [q for v in made["versions"] for q in v["questions"]]
    assert len(refs) == 60 * 4
    assert all(set(q) == {"number", "id", "variant", "variant_seed"} for q in refs)
    assert {q["variant"] for q in refs} == set(made["variants"])
    # few_variants has 15 variants at most: 60 students share them
    assert len({q["variant"] for q in refs if q["id"] == "mle/few_variants"}) <= 15
    full = expand_key(made)
    assert "variants" not in full and len(dumps(made)) < len(dumps(full))
    assert len(made["variants"]) < len(refs) * 0.75  # shared variants are stored once
    assert compact_key(full) == made


def test_compact_and_full_keys_mean_the_same(made, tmp_path):
    full = expand_key(made)
    assert validate_key(made) == validate_key(full)
    subs = tmp_path / "subs.csv"
    rows = ["student,question,answer"]
    for v in full["versions"][:20]:
        for q in v["questions"]:
            a = q["answer"]
            rows.append(f'{v["student"]},q{q["number"]},"{a.get("expression") or a.get("value") or ",".join(a.get("correct", []))}"')
    subs.write_text("\n".join(rows) + "\n")
    a, b = grade_class(made, subs, jobs=1), grade_class(full, subs, jobs=1)
    assert a == b and all(s.percent == 100.0 for s in a.students[:20])


def test_a_small_class_keeps_every_entry_in_full(made):
    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam, version_names

    exam = build_exam([load_bank().find("mle/gaussian_nll")], 9, version_names(3), secret=SECRET)
    key = build_key(exam)
    assert "variants" not in key and "answer" in key["versions"][0]["questions"][0]
    assert "variants" in build_key(exam, compact=True)


@pytest.mark.parametrize("mutate, message", [
    (lambda k: k["versions"][2]["questions"][1].update(variant="0000000000000000"),
     'versions[2].questions[1].variant: "0000000000000000" is not in the top-level "variants"'),
    (lambda k: k["versions"][0]["questions"][0].update(id="mle/gaussian_nll_value"),
     "versions[0].questions[0].id: \"mle/gaussian_nll_value\" is not the id of variant"),
    (lambda k: k["variants"][next(iter(k["variants"]))].update(points="2"),
     ".points: expected a number, got the string \"2\""),
])
def test_a_broken_compact_key_is_one_line_naming_the_path(made, tmp_path, mutate, message):
    key = json.loads(json.dumps(made))
    mutate(key)
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    with pytest.raises(QuizgenError) as err:
        load_key(path)
    assert message in str(err.value) and "\n" not in str(err.value)
