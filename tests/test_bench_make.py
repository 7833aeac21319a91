"""bench/bench_make.py runs as docs/benchmarks.md says: three classes, each run written into a folder of its own
under --out-dir, all deleted at the end, the disk's file-creation time printed first."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from quizgen.generation.bank import load_bank

ROOT = Path(__file__).resolve().parents[1]


def test_bench_make_runs_the_three_classes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_make.py"), "--versions", "3", "--repeat", "1",
                           "--jobs", "1", "--out-dir", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(r"^writing under .*\.quizgen-bench-\w+: creating 2,000 empty files there takes \d+\.\d\d s$", out, re.M)
    rows = {m.group(1).strip(): int(m.group(2)) for m in
            re.finditer(r"^(10 questions with figures|same 10, no figures|3 questions \(old baseline\))\s.*\s(\d+)$", out, re.M)}
    assert set(rows) == {"10 questions with figures", "same 10, no figures", "3 questions (old baseline)"}
    assert rows["10 questions with figures"] > 0 and rows["same 10, no figures"] == 0  # the figures column
    assert "figures cost" in out and "target <= 10 s on 2 cores" in out
    assert list(tmp_path.iterdir()) == []  # every run's folder deleted after the last run


def test_the_benchmarks_page_says_how_the_500_version_classes_are_run() -> None:
    from quizgen import export
    from quizgen.generation import exam

    readme = " ".join((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8").split())
    assert "the 3-question class (1,500 variants) is built in one process and rendered by the workers" in readme
    assert export.MIN_PARALLEL_RENDER <= 1500 < exam.MIN_PARALLEL_VARIANTS <= 5000
    # the page's count is the bank's (it grew from 60 to 68 with the derivation questions)
    assert f"`--whole-bank` adds every shipped question ({len(load_bank().topic('mle'))}, with figures)" in readme
    usage = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_make.py"), "--help"], capture_output=True,
                           text=True, timeout=60).stdout
    assert "--whole-bank" in usage and "--out-dir" in usage


def test_bench_make_refuses_a_missing_out_dir_in_one_line(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_make.py"), "--out-dir", str(tmp_path / "no")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == f"bench_make.py: error: --out-dir {tmp_path / 'no'}: no such folder"


@pytest.mark.parametrize("script", ["bench_make.py", "bench_grade_class.py"])
def test_a_baseline_tree_that_is_not_a_quizgen_checkout_is_refused_in_one_line(script: str, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--baseline-tree", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (f"{script}: error: --baseline-tree {tmp_path}: not a checkout of "
                                                    "quizgen (no quizgen/__init__.py)")
