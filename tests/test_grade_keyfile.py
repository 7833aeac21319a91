"""key.json validation: every schema violation is one message naming the file and JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from quizgen.grading.keyfile import load_key, validate_key
from quizgen.kernel.errors import EXIT_USAGE, QuizgenError

FIXTURES = Path(__file__).parent / "fixtures" / "grade"


@pytest.fixture
def key_data() -> dict[str, Any]:
    return json.loads((FIXTURES / "key.json").read_text(encoding="utf-8"))


def test_fixture_key_loads() -> None:
    key = load_key(FIXTURES / "key.json")
    assert key.name == "key.json"
    assert key.students == ("alice", "bob", "carol", "dan")
    assert key.question_ids[0] == "mle/gaussian_nll"
    bob = key.version("bob")
    assert bob is not None
    assert [q.id for q in bob.questions][:2] == ["mle/bernoulli_entropy", "mle/gaussian_nll"]
    assert bob.by_number(2).id == "mle/gaussian_nll"  # type: ignore[union-attr]
    assert bob.max_points == 5.0
    # identical variants share a fingerprint apart from "number" and the seed
    alice_q = key.version("alice").by_id("mle/gaussian_nll")  # type: ignore[union-attr]
    assert alice_q.number == 1 and "number" not in json.loads(alice_q.source)  # type: ignore[union-attr]
    assert "number" not in json.loads(alice_q.fingerprint)  # type: ignore[union-attr]


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(d: dict[str, Any]) -> None:
        target = d
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return mutate


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(d: dict[str, Any]) -> None:
        target = d
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return mutate


# bob's sheet (versions[1]): 1 numeric, 2 symbolic, 3 truefalse, 4 choice
CASES = [
    (_set(["schema"], "quizgen.key/2"), 'schema: expected "quizgen.key/1", got "quizgen.key/2"'),
    (_delete(["schema"]), 'missing required field "schema"'),
    (_set(["versions", 1, "questions", 0, "answer", "rtol"], "0.1"),
     'versions[1].questions[0].answer.rtol: expected a number, got the string "0.1"'),
    (_set(["versions", 1, "questions", 0, "answer", "value"], None),
     "versions[1].questions[0].answer.value: expected a number, got null"),
    (_set(["versions", 1, "questions", 0, "points"], True),
     "versions[1].questions[0].points: expected a number, got true"),
    (_set(["versions", 1, "questions", 0, "points"], -1),
     "versions[1].questions[0].points: must be at least 0, got -1"),
    (_delete(["versions", 1, "questions", 1, "answer"]),
     'versions[1].questions[1]: missing required field "answer"'),
    (_set(["versions", 1, "questions", 1, "answer", "symbols", "sigma"], "positive_real"),
     'versions[1].questions[1].answer.symbols.sigma: unknown domain "positive_real"'),
    (_set(["versions", 1, "questions", 2, "answer", "value"], "yes"),
     'versions[1].questions[2].answer.value: expected true or false, got the string "yes"'),
    (_set(["versions", 1, "questions", 3, "answer", "correct"], ["C"]),
     'versions[1].questions[3].answer.correct[0]: "C" is not one of the labels A, B'),
    (_set(["versions", 1, "questions", 3, "answer", "correct"], ["A", "B"]),
     'versions[1].questions[3].answer.correct: must hold exactly one label when "multiple" is false'),
    (_set(["versions", 1, "questions", 3, "answer", "choices", 1, "label"], "A"),
     'versions[1].questions[3].answer.choices[1].label: duplicate label "A"'),
    (_set(["versions", 1, "questions", 3, "known_wrong", 0, "choice"], "Z"),
     'versions[1].questions[3].known_wrong[0].choice: "Z" is not one of the labels A, B'),
    (_set(["versions", 1, "questions", 0, "known_wrong", 0, "credit"], 1.5),
     "versions[1].questions[0].known_wrong[0].credit: must be at most 1, got 1.5"),
    (_set(["versions", 1, "questions", 0, "type"], "essay"),
     'versions[1].questions[0].type: unknown type "essay"'),
    (_set(["versions", 1, "questions", 0, "id"], "mle/other"),
     'versions[1].questions[0].id: "mle/other" is not in the top-level "questions" list'),
    (_set(["versions", 1, "questions", 0, "number"], 2),
     "versions[1].questions[1].number: number 2 already used at questions[0]"),
    (_set(["versions", 1, "questions", 0, "number"], "1"),
     'versions[1].questions[0].number: expected an integer, got the string "1"'),
    (_set(["versions", 2, "student"], "alice"),
     'versions[2].student: "alice" already has versions[0]'),
    (_set(["versions", 2, "student"], ""), "versions[2].student: must not be empty"),
    (_set(["versions"], {}), "versions: expected a list, got an object"),
    (_set(["versions"], []), "versions: must not be empty"),
    (_set(["questions", 1], "mle/gaussian_nll"), 'questions[1]: "mle/gaussian_nll" is listed twice'),
    (_set(["versions", 0, "questions", 0], "oops"), "versions[0].questions[0]: expected an object, got the string"),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_invalid_key_names_file_and_json_path(key_data: dict[str, Any], mutate: Callable[..., None],
                                              expected: str) -> None:
    data = copy.deepcopy(key_data)
    mutate(data)
    with pytest.raises(QuizgenError) as info:
        validate_key(data, "key.json")
    assert str(info.value).startswith(f"key.json: {expected}")
    assert info.value.exit_code == EXIT_USAGE
    assert "\n" not in str(info.value)


def test_key_not_a_json_object() -> None:
    with pytest.raises(QuizgenError, match="key.json: expected an object, got a list"):
        validate_key([], "key.json")


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(QuizgenError, match="key file not found") as info:
        load_key(tmp_path / "nope.json")
    assert info.value.exit_code == EXIT_USAGE


def test_key_with_bad_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_text('{"schema": "quizgen.key/1",\n  "versions": [,]}', encoding="utf-8")
    with pytest.raises(QuizgenError, match=r"key.json: not valid JSON \(line 2, column"):
        load_key(path)


def test_key_with_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "key.json").read_bytes())
    assert load_key(path).students[0] == "alice"


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"schema": "quizgen.key/1", "seed": 1' + "0" * 5000 + "}"],
                         ids=["nested", "long_number"])
def test_key_json_that_python_cannot_load_is_exit_2(tmp_path: Path, text: str) -> None:
    path = tmp_path / "key.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuizgenError) as info:
        load_key(path)
    assert info.value.exit_code == EXIT_USAGE and "not usable JSON" in str(info.value)


def test_points_are_bounded(key_data: dict[str, Any]) -> None:
    """1e308 points per question made the total overflow (a traceback in grade)."""
    key_data["versions"][0]["questions"][0]["points"] = 1e308
    with pytest.raises(QuizgenError, match=r"versions\[0\]\.questions\[0\]\.points: must be at most"):
        validate_key(key_data)


def test_lone_surrogate_in_key_is_exit_2(key_data: dict[str, Any]) -> None:
    """A JSON escape such as \\ud800 cannot be written to the UTF-8 reports."""
    key_data["versions"][1]["questions"][0]["title"] = "bad \ud800"
    with pytest.raises(QuizgenError, match=r"versions\[1\]\.questions\[0\]\.title: contains \\ud800"):
        validate_key(key_data)
