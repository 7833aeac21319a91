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
    ("x", "__import__('os')"), ("x", "x", "--positive", "x", "--integer", "x"),
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
