"""A key loads fast when its exact bytes were written by ``make`` or fully checked by ``grade`` with
this very code (issue 21 §2): the record is a cache entry (quizgen.kernel.cache) named by a digest of the
bytes and of the code; any other key, or any change, is checked in full as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.grading.keyfile import load_key, remember_key
from quizgen.kernel import cache

SECRET = "00112233445566778899aabbccddeeff"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def class_key(tmp_path: Path, own_cache: Path) -> Path:
    """A compact key (60 versions) written by make, and a submissions file answering all of it."""
    out = tmp_path / "exam"
    r = run("make", "--topic", "mle", "--seed", "5", "--secret", SECRET, "--versions", "60", "--format", "json",
            "--questions", "gaussian_nll,gaussian_nll_value,kl_cross_entropy_choice", "--out", str(out))
    assert r.exit_code == 0, r.output
    key = json.loads((out / "key.json").read_text())
    rows = ["student,question,answer"]
    for v in key["versions"]:
        for q in v["questions"]:
            entry = key["variants"][q["variant"]]
            a = entry["answer"]
            rows.append(f'{v["student"]},q{q["number"]},"' + {"numeric": lambda: repr(a["value"]),
                                                              "symbolic": lambda: a["expression"] + " + 1",
                                                              "choice": lambda: a["correct"][0]}[entry["type"]]() + '"')
    (tmp_path / "subs.csv").write_text("\n".join(rows) + "\n")
    return out / "key.json"


def test_a_key_written_by_make_is_trusted_and_grades_the_same(class_key: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    trusted = load_key(class_key)
    assert trusted.trusted and "variants" in json.loads(class_key.read_text())
    r = run("grade", "--key", str(class_key), str(tmp_path / "subs.csv"), "--out", str(tmp_path / "fast"),
            "--jobs", "1", "--show-solutions")
    assert r.exit_code == 0, r.output
    monkeypatch.setenv("QUIZGEN_CACHE", "off")
    checked = load_key(class_key)
    assert not checked.trusted and checked == trusted  # the same key, questions compared field by field
    r = run("grade", "--key", str(class_key), str(tmp_path / "subs.csv"), "--out", str(tmp_path / "full"),
            "--jobs", "1", "--show-solutions")
    assert r.exit_code == 0, r.output
    fast = sorted(p.relative_to(tmp_path / "fast") for p in (tmp_path / "fast").rglob("*") if p.is_file())
    assert fast == sorted(p.relative_to(tmp_path / "full") for p in (tmp_path / "full").rglob("*") if p.is_file())
    for name in fast:
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_a_changed_key_is_checked_in_full_then_remembered(class_key: Path, tmp_path: Path) -> None:
    text = class_key.read_text()
    edited = tmp_path / "edited.json"
    edited.write_text(text.replace('"points": 1.0', '"points": 2.0', 1))
    assert not load_key(edited).trusted
    r = run("grade", "--key", str(edited), str(tmp_path / "subs.csv"), "--out", str(tmp_path / "g"), "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert load_key(edited).trusted  # grade checked every entry: the next load need not


@pytest.mark.parametrize("kind", ["numeric", "symbolic"])
def test_a_known_wrong_answer_equal_to_the_answer_is_caught_in_a_trusted_key(class_key: Path, tmp_path: Path,
                                                                              kind: str) -> None:
    """A trusted key's entries are content-checked as they are compiled for grading (a symbolic
    one at the points worked out with its group's answers, see SymbolicGrader.prepare)."""
    key = json.loads(class_key.read_text())
    for entry in key["variants"].values():
        if entry["type"] == kind == "numeric" and entry["known_wrong"]:
            entry["known_wrong"][0]["value"] = entry["answer"]["value"]
        if entry["type"] == kind == "symbolic" and entry["known_wrong"]:  # the answer, spelt otherwise
            entry["known_wrong"][-1]["expression"] = f"2*({entry['answer']['expression']})/2"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(key, indent=2, sort_keys=True))
    remember_key(bad.read_bytes())  # as if make had written it
    assert load_key(bad).trusted
    r = run("grade", "--key", str(bad), str(tmp_path / "subs.csv"), "--out", str(tmp_path / "g"), "--jobs", "1")
    assert r.exit_code == 2
    assert "is the correct answer itself: a right answer would be graded as this mistake" in r.stderr
    assert not (tmp_path / "g").exists()


def test_a_record_is_never_trusted_across_code_versions(class_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_key(class_key).trusted
    monkeypatch.setattr(cache, "code_version", lambda: "another quizgen")
    assert not load_key(class_key).trusted


def test_code_version_follows_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any change to a quizgen source file (released or not) is a new version."""
    import quizgen

    fake = tmp_path / "quizgen"
    fake.mkdir()
    (fake / "__init__.py").write_text("__version__ = '0.1.0'\n")
    (fake / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(quizgen, "__file__", str(fake / "__init__.py"))
    cache.code_version.cache_clear()
    try:
        first = cache.code_version()
        (fake / "a.py").write_text("x = 2\n")
        cache.code_version.cache_clear()
        assert cache.code_version() != first
    finally:
        cache.code_version.cache_clear()


def test_the_cache_off_or_unwritable_changes_nothing_but_speed(class_key: Path, tmp_path: Path,
                                                               own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZGEN_CACHE", "off")
    out = tmp_path / "again"
    r = run("make", "--topic", "mle", "--seed", "6", "--secret", SECRET, "--versions", "3", "--format", "json",
            "--questions", "gaussian_nll", "--out", str(out))
    assert r.exit_code == 0
    assert not load_key(out / "key.json").trusted
    monkeypatch.delenv("QUIZGEN_CACHE")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(blocker / "cache"))
    r = run("grade", "--key", str(class_key), str(tmp_path / "subs.csv"), "--out", str(tmp_path / "g"), "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert not load_key(class_key).trusted
