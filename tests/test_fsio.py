"""Atomic writes: complete files or none, with ordinary permissions."""

from __future__ import annotations

import os

import pytest

from quizgen import fsio


def test_writes_bytes_and_ordinary_permissions(tmp_path):
    target = tmp_path / "deep" / "key.json"
    fsio.write_atomic(target, "é\n")
    assert target.read_bytes() == "é\n".encode()
    assert target.stat().st_mode & 0o777 == fsio.FILE_MODE
    assert fsio.FILE_MODE & 0o044  # readable by others under a usual umask, not owner-only like mkstemp


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "grades.csv"
    target.write_text("old\n")

    def boom(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        fsio.write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]
