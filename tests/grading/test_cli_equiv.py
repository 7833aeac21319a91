"""`quizgen equiv`: output, JSON, exit statuses 0/1/2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.commands.equiv import command

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, list(args))


def test_equivalent() -> None:
    result = run("sigmoid(z)*(1-sigmoid(z))", "exp(-z)/(1+exp(-z))^2")
    assert result.exit_code == 0
    assert "equivalent (agrees at 24 sampled points" in result.output


def test_not_equivalent_names_the_relation() -> None:
    result = run("(y-mu)**2/(2*sigma**2)", "(y-mu)^2/sigma^2", "--positive", "sigma")
    assert result.exit_code == 1
    assert "not equivalent" in result.output and "2 times" in result.output


def test_assumptions_change_the_verdict() -> None:
    assert run("log(x**2)", "2*log(x)").exit_code == 1
    assert run("log(x**2)", "2*log(x)", "--positive", "x").exit_code == 0
    assert run("p*log(p)", "p ln p", "--unit-interval", "p").exit_code == 0
    assert run("n*(n+1)/2", "(n^2+n)/2", "--integer", "n").exit_code == 0


def test_json_output() -> None:
    result = run("x + 1", "1 + x", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["status"] == "correct" and "seed" in data["detail"]


@pytest.mark.parametrize("args", [
    ("x", "(("), ("((", "x"), ("x", "9**9**9**9"), ("x", "z"), ("x", ""),
    ("x", "__import__('os')"), ("x", "x", "--unit-interval", "x", "--integer", "x"),
])
def test_rejected_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_real_subprocess_exit_statuses() -> None:
    def status(*args: str) -> tuple[int, str]:
        proc = subprocess.run([sys.executable, "-m", "quizgen", "equiv", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert "Traceback" not in proc.stderr
        return proc.returncode, proc.stderr

    assert status("x*(1-x)", "x - x^2")[0] == 0
    assert status("x*(1-x)", "x + x^2")[0] == 1
    code, err = status("x*(1-x)", "x(1-x")
    assert code == 2 and err.startswith("quizgen: error:")


def test_real_option_makes_e_a_symbol() -> None:
    assert run("e*x", "x*e", "--real", "e").exit_code == 0
    assert run("sigma(z)", "sigmoid(z)").exit_code == 0
    assert run("sigma*(z)", "sigma z", "--positive", "sigma").exit_code == 0


def test_an_answer_may_start_with_a_minus_sign():
    from click.testing import CliRunner

    from quizgen.cli import main

    result = CliRunner().invoke(main, ["equiv", "x", "-x"])
    assert result.exit_code == 1
    assert "sign is flipped" in result.output
    result = CliRunner().invoke(main, ["equiv", "-(y - y_hat)*x", "-x*(y-y_hat)", "--json"])
    assert result.exit_code == 0 and '"status": "correct"' in result.output


def _key(tmp_path: Path) -> Path:
    key = {"schema": "quizgen.key/1", "generator": "test", "topic": "mle", "seed": 1,
           "questions": ["mle/g", "mle/n"],
           "versions": [{"student": "v01", "questions": [
               {"number": 1, "id": "mle/g", "title": "g", "variant_seed": 1, "type": "symbolic",
                "points": 1.0,
                "answer": {"expression": "(q - p)/2", "symbols": {"p": "unit_interval",
                                                                  "q": "unit_interval"}},
                "known_wrong": [{"name": "sign_flip", "expression": "(p - q)/2",
                                 "feedback": "The sign is reversed.", "credit": 0.0}]},
               {"number": 2, "id": "mle/n", "title": "n", "variant_seed": 2, "type": "numeric",
                "points": 1.0, "answer": {"value": 2.143, "rtol": 0.001, "atol": 1e-09}}]}]}
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key), encoding="utf-8")
    return path


def test_equiv_with_key_says_what_the_grader_would_say(tmp_path: Path) -> None:
    key = str(_key(tmp_path))
    result = run("--key", key, "--question", "mle/g", "(p-q)/2")
    assert result.exit_code == 1
    assert "misconception sign_flip" in result.output and "The sign is reversed." in result.output
    assert run("--key", key, "--question", "q1", "q/2 - p/2").exit_code == 0
    result = run("--key", key, "--question", "mle/n", "2,143")
    assert result.exit_code == 1 and "needs review" in result.output
    assert run("--key", key, "--question", "mle/n", "--decimal-comma", "2,143").exit_code == 0
    result = run("--key", key, "--question", "nope", "1")
    assert result.exit_code == 2 and "no question 'nope'" in result.output
    assert run("--key", key, "x", "y").exit_code == 2
