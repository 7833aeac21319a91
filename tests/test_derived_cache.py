"""The derivation cache on disk (quizgen.generation.derived, issue 21 §3): the same bytes cold, warm and
off; a warm run derives nothing; another question file or other code never reuses an entry; a
torn entry is ignored; concurrent runs' shards are merged."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.generation import derived
from quizgen.kernel import cache
from quizgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
SECRET = "00112233445566778899aabbccddeeff"
QUESTIONS = "gaussian_nll,gaussian_nll_value,kl_cross_entropy_choice,sigmoid_mse_gradient"


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUIZGEN_CACHE_DIR", str(folder))
    monkeypatch.setattr(derived, "_PACKS", {})
    return folder


def make(out: Path, *extra: str) -> None:
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", "9", "--secret", SECRET, "--versions", "12",
                                  "--questions", QUESTIONS, "--format", "md,tex,json,html", "--out", str(out),
                                  "--jobs", "1", *extra])
    assert r.exit_code == 0, r.output


def same_tree(a: Path, b: Path) -> bool:
    names = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return all(filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def test_the_same_bytes_cold_warm_and_with_the_cache_off(own_cache: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path / "cold")
    assert list((own_cache / derived.KIND).rglob("*.pickle"))
    monkeypatch.setattr(derived, "_PACKS", {})  # as a new run would start
    make(tmp_path / "warm")
    monkeypatch.setenv("QUIZGEN_CACHE", "off")
    monkeypatch.setattr(derived, "_PACKS", {})
    make(tmp_path / "off")
    assert same_tree(tmp_path / "cold", tmp_path / "warm") and same_tree(tmp_path / "cold", tmp_path / "off")


_COUNT = """
import json, sys
from quizgen.generation import variant
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names
bank = load_bank()
entries = [bank.find("mle/" + q) for q in {questions!r}.split(",")]
build_exam(entries, 9, version_names(12), secret={secret!r}, jobs=1)
print(json.dumps([variant._instance.cache_info().misses, variant.compiled.cache_info().misses,
                  "sympy" in sys.modules]))
"""


def test_a_warm_run_derives_builds_and_imports_nothing(own_cache: Path) -> None:
    code = _COUNT.format(questions=QUESTIONS, secret=SECRET)
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                      check=True).stdout) for _ in range(2)]
    assert runs[0][0] > 0 and runs[0][1] == 4 and runs[0][2]  # cold: every variant built, each question derived
    assert runs[1] == [0, 0, False]  # warm: neither, and SymPy is not even imported (start-up paid once)


def test_another_question_file_or_other_code_never_reuses_an_entry(own_cache: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen.generation.bank import load_bank

    src = ROOT / "question_bank" / "mle" / "kl" / "bernoulli_entropy_bits.py"
    bank_dir = tmp_path / "bank" / "extra" / "kl"
    bank_dir.mkdir(parents=True)
    copy = bank_dir / "entropy_copy.py"
    copy.write_text(src.read_text().replace('id="mle/bernoulli_entropy_bits"', 'id="extra/entropy_copy"'))
    first = derived.question_digest(load_bank([tmp_path / "bank"]).find("extra/entropy_copy").question)
    copy.write_text(copy.read_text() + "\n# a comment changes the file, so the question is another\n")
    second = derived.question_digest(load_bank([tmp_path / "bank"]).find("extra/entropy_copy").question)
    assert first and second and first != second
    import dataclasses

    question = load_bank().find("mle/gaussian_nll").question
    assert derived.question_digest(dataclasses.replace(question, title="Another title")) != \
        derived.question_digest(question)
    monkeypatch.setattr(cache, "code_version", lambda: "another quizgen")
    assert derived.question_digest(load_bank().find("mle/gaussian_nll").question) != \
        derived.question_digest(question)


def test_a_torn_entry_is_ignored_and_many_shards_are_merged(own_cache: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen.generation.bank import load_bank

    question = load_bank().find("mle/gaussian_nll").question
    limit = derived.MAX_SHARDS
    monkeypatch.setattr(derived, "MAX_SHARDS", 1000)
    for i in range(limit + 2):  # as many runs at once would leave them
        monkeypatch.setattr(derived, "_PACKS", {})
        derived.record(question, ("test", i), i)
        derived.flush()
    monkeypatch.setattr(derived, "MAX_SHARDS", limit)
    folder = next((own_cache / derived.KIND).rglob("*-variants"))
    (folder / "torn.pickle").write_bytes(b"\x80\x05 half a pickle")
    monkeypatch.setattr(derived, "_PACKS", {})
    assert [derived.lookup(question, ("test", i)) for i in range(limit + 2)] == list(range(limit + 2))
    left = sorted(p.name for p in folder.glob("*.pickle"))
    assert len(left) == 2 and "torn.pickle" in left  # the read shards merged into one; the torn one left alone
    shutil.rmtree(own_cache)  # deleting the cache at any time is safe
    monkeypatch.setattr(derived, "_PACKS", {})
    assert derived.lookup(question, ("test", 0)) is derived.MISSING


def test_a_change_to_a_bank_helper_the_question_uses_is_another_question(own_cache: Path, tmp_path: Path) -> None:
    """Files starting with _ are a bank's helpers: what a question derives may come from one."""
    from quizgen.generation.bank import load_bank

    src = ROOT / "question_bank" / "mle" / "kl" / "bernoulli_entropy_bits.py"
    bank_dir = tmp_path / "bank" / "extra" / "kl"
    bank_dir.mkdir(parents=True)
    helper = bank_dir / "_shared.py"
    helper.write_text("SCALE = 1\n")
    loader = ("import importlib.util as _u, pathlib as _p\n"
              "_spec = _u.spec_from_file_location('extra_shared', _p.Path(__file__).parent / '_shared.py')\n"
              "_shared = _u.module_from_spec(_spec)\n_spec.loader.exec_module(_shared)\n")
    text = src.read_text().replace('id="mle/bernoulli_entropy_bits"', 'id="extra/entropy_copy"')
    (bank_dir / "entropy_copy.py").write_text(text.replace("\nfrom ", "\n" + loader + "from ", 1))

    def digest() -> str | None:
        return derived.question_digest(load_bank([tmp_path / "bank"]).find("extra/entropy_copy").question)

    first = digest()
    assert first == digest()  # the same files: the same entries
    helper.write_text("SCALE = 2\n")
    second = digest()
    assert first and second and first != second


def test_new_variants_from_a_cached_derivation_are_those_made_afresh(own_cache: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A derivation read back from the cache (written by a run that drew other numbers) gives a new
    variant the bytes a fresh derivation gives. SymPy's own pickling built ``Mul(ss, 1/5,
    evaluate=False)`` again evaluated, a sum of fifths: the key's exact form and its value (one
    rounding off) depended on what the cache held."""
    from quizgen.generation import variant

    def fresh_process() -> None:  # what a new run starts with
        monkeypatch.setattr(derived, "_PACKS", {})
        variant.compiled.cache_clear()
        variant._instance.cache_clear()

    def make_seed(seed: str, out: Path) -> None:
        r = CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", seed, "--secret", SECRET,
                                      "--versions", "6", "--questions",
                                      "gaussian_variance_known_mean,gaussian_variance_unknown_mean",
                                      "--format", "md,tex,json", "--out", str(out), "--jobs", "1"])
        assert r.exit_code == 0, r.output

    fresh_process()
    make_seed("3", tmp_path / "other-numbers")  # writes the derivations
    fresh_process()
    make_seed("9", tmp_path / "from-cache")     # reads them, builds new variants
    monkeypatch.setenv("QUIZGEN_CACHE", "off")
    fresh_process()
    make_seed("9", tmp_path / "afresh")
    assert "*(1/5)" in (tmp_path / "afresh" / "key.json").read_text()  # the form the question made
    assert same_tree(tmp_path / "from-cache", tmp_path / "afresh")


def test_the_cache_keeps_an_expression_as_it_was_made() -> None:
    import pickle

    import sympy as sp

    a, b, x = sp.symbols("a b x")
    for made in (sp.Mul(a + b, sp.Rational(1, 5), evaluate=False), sp.Add(x, x, evaluate=False),
                 sp.Pow(x, 1, evaluate=False), 2 * x - x**-1, sp.Eq(sp.log(x) + 1, 0)):
        back = pickle.loads(derived._dumps(made))
        assert sp.srepr(back) == sp.srepr(made) and str(back) == str(made)
    assert str(pickle.loads(pickle.dumps(sp.Mul(a + b, sp.Rational(1, 5), evaluate=False)))) == "a/5 + b/5"
