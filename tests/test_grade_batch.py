"""grade_class: matching rows to the key, the duplicate rule, bad rows, serial == parallel."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from quizgen.grading import batch
from quizgen.grading.batch import ClassResult, effective_jobs, grade_class
from quizgen.grading.report import grades_csv, summary_json
from quizgen.kernel.errors import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, QuizgenError

FIXTURES = Path(__file__).parent / "fixtures" / "grade"
KEY = FIXTURES / "key.json"
TOTALS = {"alice": 5.0, "bob": 0.5, "carol": 1.5, "dan": 0.0}


def _totals(result: ClassResult) -> dict[str, float]:
    return {s.student: s.total for s in result.students}


def _csv(tmp_path: Path, text: str, name: str = "subs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["long.csv", "wide_ids.csv", "wide_numbers.csv", "list.json", "map.json"])
def test_every_form_gives_the_same_grades(name: str) -> None:
    result = grade_class(KEY, FIXTURES / name, jobs=1)
    assert _totals(result) == TOTALS
    assert result.missing == ("dan",)
    assert result.problems == ()
    assert result.exit_code == EXIT_OK
    assert result.graded == 11
    bob = result.students[1]
    assert [(a.number, a.question_id, a.status) for a in bob.answers] == [
        (1, "mle/bernoulli_entropy", "incorrect"), (2, "mle/gaussian_nll", "partial"),
        (3, "mle/mse_is_gaussian", "incorrect"), (4, "mle/kl_direction", "incorrect")]
    assert bob.answers[1].verdict.misconception == "lost_half"  # type: ignore[union-attr]
    assert bob.answers[1].points == 0.5
    carol_tf = result.students[2].answer_for("mle/mse_is_gaussian")
    assert carol_tf is not None and carol_tf.answer is None and carol_tf.status == "unanswered"


def test_key_may_be_a_dict() -> None:
    data = json.loads(KEY.read_text(encoding="utf-8"))
    assert _totals(grade_class(data, FIXTURES / "long.csv", jobs=1)) == TOTALS


def test_results_are_immutable() -> None:
    result = grade_class(KEY, FIXTURES / "long.csv", jobs=1)
    with pytest.raises(AttributeError):
        result.graded = 0  # type: ignore[misc]


def test_empty_answer_is_graded_empty_not_rejected(tmp_path: Path) -> None:
    subs = _csv(tmp_path, "student,question,answer\nalice,mle/kl_direction,\nalice,q1,   \n")
    result = grade_class(KEY, subs, jobs=1)
    alice = result.students[0]
    assert alice.answer_for("mle/kl_direction").status == "empty"  # type: ignore[union-attr]
    assert alice.answer_for("mle/gaussian_nll").status == "empty"  # type: ignore[union-attr]
    assert alice.total == 0
    assert result.problems == ()
    assert result.exit_code == EXIT_OK


def test_duplicate_rows_last_one_counts_and_earlier_are_reported(tmp_path: Path) -> None:
    subs = _csv(tmp_path, "student,question,answer\n"
                          "alice,mle/kl_direction,A\n"
                          "alice,q3,A\n"
                          "alice,mle/kl_direction,B\n")
    result = grade_class(KEY, subs, jobs=1)
    assert result.students[0].answer_for("mle/kl_direction").points == 1.0  # type: ignore[union-attr]
    assert result.students[0].answer_for("mle/kl_direction").where == "line 4"  # type: ignore[union-attr]
    assert [str(p) for p in result.problems] == [
        "subs.csv, line 2: duplicate answer for alice / mle/kl_direction: not graded, the later one at line 3 counts",
        "subs.csv, line 3: duplicate answer for alice / mle/kl_direction: not graded, the later one at line 4 counts",
    ]
    assert result.exit_code == EXIT_PARTIAL


def test_unknown_students_and_questions_are_reported_and_the_rest_graded(tmp_path: Path) -> None:
    subs = _csv(tmp_path, "student,question,answer\n"
                          "Alice,q1,x\n"
                          "zed,q1,x\n"
                          "alice,mle/gausian_nll,x\n"
                          "alice,q9,x\n"
                          "alice,mle/nothing_like_it,x\n"
                          "bob,mle/kl_direction,B\n")
    result = grade_class(KEY, subs, jobs=1)
    assert [str(p) for p in result.problems] == [
        'subs.csv, line 2: unknown student "Alice" (not in key.json) (did you mean "alice"?)',
        'subs.csv, line 3: unknown student "zed" (not in key.json)',
        'subs.csv, line 4: unknown question id "mle/gausian_nll" (did you mean "mle/gaussian_nll"?)',
        "subs.csv, line 5: alice's sheet has no question 9 (it has 1-4)",
        'subs.csv, line 6: unknown question id "mle/nothing_like_it"',
    ]
    assert result.graded == 1
    assert _totals(result)["bob"] == 1.0
    assert result.exit_code == EXIT_PARTIAL
    assert "alice" not in result.missing  # she submitted, only badly


def test_question_not_on_a_students_sheet(tmp_path: Path) -> None:
    data = json.loads(KEY.read_text(encoding="utf-8"))
    data["versions"][0]["questions"] = data["versions"][0]["questions"][:2]
    subs = _csv(tmp_path, "student,question,answer\nalice,mle/kl_direction,B\n")
    result = grade_class(data, subs, jobs=1)
    assert [p.message for p in result.problems] == ['question "mle/kl_direction" is not on alice\'s sheet']
    # grades.csv leaves the cell blank and max counts only her questions
    assert grades_csv(result).splitlines()[1] == "alice,0,0,,,0,3,0.00"


def test_malformed_key_entry_rejected_by_the_grader_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: Any) -> Any:
        raise QuizgenError("cannot parse the expected expression")

    import quizgen.grading.item as item

    monkeypatch.setattr(item, "compile_question", refuse)
    with pytest.raises(QuizgenError) as info:
        grade_class(KEY, FIXTURES / "long.csv", jobs=1)
    assert str(info.value).startswith("key.json: versions[0].questions[")
    assert "the grader cannot use this key entry: cannot parse the expected expression" in str(info.value)
    assert info.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize("prepare_explodes", [False, True])
def test_a_grader_crash_costs_one_answer_not_the_run(monkeypatch: pytest.MonkeyPatch,
                                                     prepare_explodes: bool) -> None:
    import quizgen.grading.item as item

    real = item.compile_question

    class Exploding:
        def __init__(self, inner: Any) -> None:
            self.inner = inner
            if prepare_explodes:  # (the hint before a group's answers fails too: nothing is lost)
                self.prepare = lambda texts: 1 / 0

        def grade(self, text: str) -> Any:
            if text == "B":
                raise RuntimeError("boom")
            return self.inner.grade(text)

    monkeypatch.setattr(item, "compile_question", lambda q: Exploding(real(q)))
    result = grade_class(KEY, FIXTURES / "long.csv", jobs=1)
    kl = result.students[0].answer_for("mle/kl_direction")
    assert kl is not None and kl.status == "rejected" and kl.points == 0
    assert "grading by hand" in kl.verdict.message  # type: ignore[union-attr]
    assert result.students[0].answer_for("mle/gaussian_nll").points == 2.0  # type: ignore[union-attr]


def test_each_distinct_question_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import quizgen.grading.item as item

    real = item.compile_question
    calls: list[str] = []

    def counting(q: dict[str, Any]) -> Any:
        calls.append(q["id"])
        return real(q)

    monkeypatch.setattr(item, "compile_question", counting)
    data = json.loads(KEY.read_text(encoding="utf-8"))
    for v in data["versions"]:
        for q in v["questions"]:
            q["variant_seed"] = 1  # every student gets the same variant, at different numbers
    grade_class(data, FIXTURES / "long.csv", jobs=1)
    assert sorted(calls) == sorted(data["questions"])


def test_effective_jobs() -> None:
    assert effective_jobs(1, 10_000) == 1
    assert effective_jobs(4, 10) == 1
    assert effective_jobs(4, 10_000) == 4
    assert effective_jobs(3, 5, min_parallel_rows=0) == 3


# ----------------------------------------------------------------------------- parallel


def _big_class(tmp_path: Path, students: int = 40) -> tuple[dict[str, Any], Path]:
    """A class where every student has their own variant (so many distinct questions)."""
    base = json.loads(KEY.read_text(encoding="utf-8"))
    answers = {
        "mle/gaussian_nll": ["(y - y_hat)**2/(2*sigma**2)", "(y - y_hat)**2/sigma**2", "y - y_hat", ""],
        "mle/bernoulli_entropy": ["0.693", "-0.693", "0.7", "1/0", "log(2)"],
        "mle/kl_direction": ["B", "A", "C"],
        "mle/mse_is_gaussian": ["true", "false", "maybe"],
    }
    versions, rows = [], ["student,question,answer"]
    for i in range(students):
        v = copy.deepcopy(base["versions"][i % 4])
        v["student"] = f"s{i:03d}"
        for q in v["questions"]:
            q["variant_seed"] = i
            choices = answers[q["id"]]
            rows.append(f'{v["student"]},{q["id"]},"{choices[(i * 7 + q["number"]) % len(choices)]}"')
        versions.append(v)
    base["versions"] = versions
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return base, path


def test_parallel_and_serial_give_identical_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key, subs = _big_class(tmp_path)
    pools: list[int] = []
    real_pool = batch.worker_pool

    def spy(jobs: int, **kwargs: Any) -> Any:
        pools.append(jobs)
        return real_pool(jobs, **kwargs)

    monkeypatch.setattr(batch, "worker_pool", spy)
    serial = grade_class(key, subs, jobs=1)
    assert pools == []
    progress: list[int] = []
    parallel = grade_class(key, subs, jobs=2, min_parallel_rows=0, progress=progress.append)
    assert pools == [2]
    assert sum(progress) == serial.graded == 160
    assert parallel == serial
    assert grades_csv(parallel) == grades_csv(serial)
    assert summary_json(parallel) == summary_json(serial)
