"""Atomic writes: complete files or none, with ordinary permissions."""

from __future__ import annotations

import os

import pytest

from quizgen.kernel import files


def test_writes_bytes_and_ordinary_permissions(tmp_path):
    target = tmp_path / "deep" / "key.json"
    files.write_atomic(target, "é\n")
    assert target.read_bytes() == "é\n".encode()
    assert target.stat().st_mode & 0o777 == files.FILE_MODE
    assert files.FILE_MODE & 0o044  # readable by others under a usual umask, not owner-only like mkstemp


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "grades.csv"
    target.write_text("old\n")

    def boom(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]


def test_read_user_text_names_the_file_what_it_is_and_the_line_of_a_bad_byte(tmp_path) -> None:
    from quizgen.kernel.errors import QuizgenError
    from quizgen.kernel.files import read_user_text

    good = tmp_path / "roster.csv"
    good.write_bytes(b"\xef\xbb\xbfstudent,name\nalice,Alice\n")  # a spreadsheet's BOM is dropped
    assert read_user_text(good, "roster") == "student,name\nalice,Alice\n"
    bad = tmp_path / "map.csv"
    bad.write_bytes(b"kind,from,to\nstudent,Ren\xe9,rene\n")
    with pytest.raises(QuizgenError) as err:
        read_user_text(bad, "map file")
    assert str(err.value) == f"{bad}: line 2: the map file is not UTF-8 text (save it as UTF-8)"
    assert err.value.exit_code == 2
    with pytest.raises(QuizgenError, match=r"missing\.csv: cannot read the roster \(No such file or directory\)$"):
        read_user_text(tmp_path / "missing.csv", "roster")
