"""Issue 8 §1: every verdict is a pure function of (key, answer): the same on a slow or busy
machine and with any --jobs. The proof budget is counted in attempts and operation counts."""

from __future__ import annotations

import time

import pytest

from quizgen.grading.item import compile_question

Q = {"type": "symbolic", "points": 1,
     "answer": {"expression": "(y - y_hat)**2/(2*sigma**2) + log(sigma) + log(2*pi)/2",
                "symbols": {"y": "real", "y_hat": "real", "sigma": "positive"},
                "exact_constants": True},  # the engine's exact verdicts (no sheet's rule for decimals)
     "known_wrong": [{"name": "dropped", "expression": "(y - y_hat)**2/(2*sigma**2) + log(sigma)",
                      "feedback": "dropped", "credit": 0.0}]}
ANSWERS = [
    "(y-ŷ)²/(2σ²) + ln σ + ½ln(2π)",
    "(y-y_hat)^2/(2sigma^2) + log(sigma) + 0.9189385332",  # rounded: high precision decides
    "(y-y_hat)^2/(2sigma^2) + log(sigma) + 0.91893853320467274178032973640561763986",
    "(y-y_hat)^2/(2sigma^2) + log(sigma) + log(2pi)/2 + 7 + 1e300 - 1e300",  # proof step
    "(y-y_hat)^2/(2sigma^2) + log(sigma) + log(2pi)/2 + 0*exp(exp(exp(-10*y)))",
    "(y-y_hat)^2/(2sigma^2) + log(sigma) + exp(-200000*y)",
    "(y-y_hat)^2/(2sigma^2) + log(sigma)",
]


def _verdicts() -> list[tuple]:
    grader = compile_question(Q)
    return [(v.status, v.method, v.misconception, v.detail.get("how"))
            for v in map(grader.grade, ANSWERS)]


def test_same_verdicts_on_a_slow_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _verdicts()
    import sympy

    real_simplify, real_expand = sympy.simplify, sympy.expand

    def slow(fn):  # type: ignore[no-untyped-def]
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            time.sleep(0.25)  # more than the old 2 s budget over a handful of steps
            return fn(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(sympy, "simplify", slow(real_simplify))
    monkeypatch.setattr(sympy, "expand", slow(real_expand))
    # and a clock that runs 1000 times faster than it should
    real_perf, real_mono = time.perf_counter, time.monotonic
    monkeypatch.setattr(time, "perf_counter", lambda: real_perf() * 1000)
    monkeypatch.setattr(time, "monotonic", lambda: real_mono() * 1000)
    assert _verdicts() == fast
    assert fast[0][0] == "correct" and fast[1][0] == "incorrect"
    assert fast[2][0] == "incorrect"  # 38 correct digits are still a rounded number
    assert fast[-1][2] == "dropped"


def test_same_verdicts_with_one_and_two_jobs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from quizgen.grading.batch import grade_class

    n = len(ANSWERS) * 3
    key = {"schema": "quizgen.key/1", "generator": "t", "topic": "mle", "seed": 1,
           "questions": ["mle/g"],
           "versions": [{"student": f"s{i:03d}", "questions": [
               dict(Q, number=1, id="mle/g", title="g", variant_seed=1, points=1.0)]}
               for i in range(n)]}
    subs = {f"s{i:03d}": {"mle/g": ANSWERS[i % len(ANSWERS)]} for i in range(n)}
    (tmp_path / "key.json").write_text(json.dumps(key), encoding="utf-8")
    (tmp_path / "subs.json").write_text(json.dumps(subs), encoding="utf-8")
    runs = []
    for jobs in (1, 2):
        result = grade_class(tmp_path / "key.json", tmp_path / "subs.json", jobs=jobs,
                             min_parallel_rows=1)
        runs.append(sorted((s.student, a.verdict.status, a.verdict.method,
                            a.verdict.misconception, a.verdict.detail.get("how"))
                           for s in result.students for a in s.answers))
    assert runs[0] == runs[1] and len(runs[0]) == n
