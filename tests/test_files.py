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


def _tree(folder):
    """{relative path: (bytes or None for a folder, mode)} of everything under ``folder``."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None, p.stat().st_mode & 0o777)
            for p in sorted(folder.rglob("*"))}


FOLDER_FILES = [("a.md", "é\n"), ("b.md", b"\x00raw\r\n"), ("c.md", "x" * 100_000)]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_folder_is_filled_aside_and_renamed_with_write_atomic_bytes_and_modes(tmp_path, monkeypatch, umask):
    renames = []
    real_rename = os.rename

    def recording_rename(src, dst):
        renames.append((os.path.basename(src), os.path.basename(dst)))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", recording_rename)
    old = os.umask(umask)
    try:
        for name, data in FOLDER_FILES:  # what write_atomic makes, parent folder included
            files.write_atomic(tmp_path / "expected" / "out" / "feedback" / name, data)
        out = tmp_path / "got" / "out"
        with files.folder_writer(out / "feedback") as write:
            for name, data in FOLDER_FILES:
                write(name, data)
            assert not (out / "feedback").exists()  # nothing shows before the end
            (staging,) = out.iterdir()
            assert files._TEMPORARY.match(staging.name).group("name") == "feedback"
            assert sorted(p.name for p in staging.iterdir()) == ["a.md", "b.md", "c.md"]
    finally:
        os.umask(old)
    assert renames == [(staging.name, "feedback")]  # one rename of the whole folder
    assert [p.name for p in out.iterdir()] == ["feedback"]
    assert _tree(tmp_path / "got") == _tree(tmp_path / "expected")
    assert (out / "feedback").stat().st_mode & 0o777 == 0o777 & ~umask  # not mkdtemp's 0o700
    assert {mode for _, mode in _tree(out / "feedback").values()} == {files.FILE_MODE}  # whatever the umask now


def test_an_existing_folder_is_written_file_by_file_and_keeps_its_other_files(tmp_path, monkeypatch):
    folder = tmp_path / "feedback"
    folder.mkdir()
    (folder / "a.md").write_text("old\n")
    (folder / "gone-student.md").write_text("kept\n")
    kept_mode = (folder / "gone-student.md").stat().st_mode & 0o777
    monkeypatch.setattr(os, "rename", None)  # no folder is renamed
    with files.folder_writer(folder) as write:
        write("a.md", "new\n")
        assert (folder / "a.md").read_text() == "new\n"  # each file at once, as write_atomic does
        write("b.md", "b\n")
    assert _tree(folder) == {"a.md": (b"new\n", files.FILE_MODE), "b.md": (b"b\n", files.FILE_MODE),
                             "gone-student.md": (b"kept\n", kept_mode)}


def test_a_folder_that_appears_meanwhile_gets_each_file_by_os_replace(tmp_path, monkeypatch):
    folder = tmp_path / "feedback"
    real_rename = os.rename

    def someone_else_first(src, dst):
        folder.mkdir()
        (folder / "a.md").write_text("theirs\n")
        (folder / "other.md").write_text("theirs\n")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", someone_else_first)
    with files.folder_writer(folder) as write:
        write("a.md", "mine\n")
        write("b.md", "mine\n")
    assert [p.name for p in tmp_path.iterdir()] == ["feedback"]  # the temporary folder is gone
    assert {k: v[0] for k, v in _tree(folder).items()} == {"a.md": b"mine\n", "b.md": b"mine\n", "other.md": b"theirs\n"}
    assert (folder / "b.md").stat().st_mode & 0o777 == files.FILE_MODE


def test_a_failed_rename_or_an_error_while_writing_leaves_no_folder(tmp_path, monkeypatch):
    folder = tmp_path / "feedback"
    with pytest.raises(KeyboardInterrupt):
        with files.folder_writer(folder) as write:
            write("a.md", "a\n")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []

    def denied(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", denied)
    with pytest.raises(PermissionError):
        with files.folder_writer(folder) as write:
            write("a.md", "a\n")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileExistsError):  # two files of one name: refused, not overwritten
        with files.folder_writer(folder) as write:
            write("a.md", "a\n")
            write("a.md", "b\n")
    assert list(tmp_path.iterdir()) == []


def test_stale_temporary_folders_are_removed_for_owned_names_only(tmp_path):
    owned = tmp_path / ".feedback.ab12cd34.tmp"
    (owned / "s1.md").parent.mkdir()
    (owned / "s1.md").write_text("half")
    stale_file = tmp_path / ".grades.csv.k3j_9xq2.tmp"
    stale_file.write_text("half")
    other = tmp_path / ".notes.ab12cd34.tmp"  # someone else's
    other.mkdir()
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.md").write_text("keep")
    link = tmp_path / ".feedback.zz12cd34.tmp"  # a link to a folder: neither followed nor removed
    link.symlink_to(target, target_is_directory=True)
    removed = files.remove_stale_temporaries(tmp_path, lambda name: name in ("feedback", "grades.csv"))
    assert sorted(p.name for p in removed) == [owned.name, stale_file.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".feedback.zz12cd34.tmp", other.name, "elsewhere"]
    assert (target / "keep.md").exists()
