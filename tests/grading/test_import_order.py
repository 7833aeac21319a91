"""Every grading module imports on its own, first, in a fresh interpreter (no import cycle).

``structured`` once imported ``item`` for the grader base while ``item`` imported ``structured``
back, so importing ``structured`` first failed; the base now lives in ``grading.base``.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import quizgen.grading

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(f"quizgen.grading.{m.name}" for m in pkgutil.iter_modules(quizgen.grading.__path__))


def test_the_list_covers_the_grader_modules() -> None:
    assert {"quizgen.grading.base", "quizgen.grading.item",
            "quizgen.grading.structured"} <= set(MODULES)


def test_each_grading_module_imports_first_in_a_fresh_interpreter() -> None:
    # One interpreter per module (a module imported earlier would hide a cycle); run together
    # as one script of subprocesses to keep the test short.
    script = (
        "import subprocess, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    code = f'import {name}; import quizgen.grading.item as i; "
        "i.compile_question({{\"type\": \"vector\", \"answer\": {{\"values\": [1, 2]}}}})'\n"
        "    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)\n"
        "    if r.returncode: bad.append(name + ': ' + r.stderr.strip().splitlines()[-1])\n"
        "print('\\n'.join(bad))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script, *MODULES], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", out.stdout


@pytest.mark.parametrize("name", ["quizgen.grading.structured", "quizgen.grading.base"])
def test_structured_first_then_read_answer(name: str) -> None:
    """The import order quizgen.grading.reading used to work around: structured (or base) first."""
    code = (f"import {name}\n"
            "from quizgen.grading.reading import read_answer\n"
            "r = read_answer({'type': 'vector', 'answer': {'values': [1, 2]}}, '(1, 2)')\n"
            "print(r.ok)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
