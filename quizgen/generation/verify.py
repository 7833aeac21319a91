"""Verify: every variant's key against the question's own, independent NumPy computation.

The SymPy derivation produced the key; ``check()`` in the question file computes the same thing
another way (direct sums, finite differences). A disagreement is an author's bug and stops
``quizgen make`` with the question id and the numbers.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Protocol, Sequence

import numpy as np

from quizgen.generation.question import failure
from quizgen.kernel.errors import QuestionError
from quizgen.kernel.seeds import digest

class Derived(Protocol):
    """What verifying needs of a derived question (:class:`quizgen.generation.variant.Compiled`
    is one): the question, its answer symbols and a NumPy function of each derived expression."""

    question: Any
    answer_syms: tuple

    def numeric(self, expr: Any) -> Callable[..., Any]: ...


def sample_domain(domain: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """Points a symbol of ``domain`` may take, over both signs and several magnitudes."""
    if domain == "real":
        return rng.choice([-1.0, 1.0], n) * np.exp(rng.uniform(np.log(0.2), np.log(5.0), n))
    if domain in ("positive", "nonnegative"):
        return np.exp(rng.uniform(np.log(0.2), np.log(5.0), n))
    if domain == "unit_interval":
        return rng.uniform(0.02, 0.98, n)
    if domain == "integer":
        return rng.integers(-6, 7, n).astype(float)
    return rng.integers(1, 9, n).astype(float)


class Verifier:
    """Checks a variant's results against the question's own NumPy computation."""

    def __init__(self, c: Derived, pvals: Mapping[str, float]):
        self.c = c
        self.pvals = pvals
        domains = getattr(c.question.answer, "symbols", {})  # the answer symbols (symbolic or choice)
        if any(not isinstance(d, str) for d in domains.values()):
            domains = {}  # a derivation's declarations: checked by quizgen.generation.stepwise
        self.points = {}
        if domains:  # (a generator costs more than a numeric question's whole check)
            rng = np.random.default_rng(digest("verify", c.question.id, *sorted(pvals.items())) % 2**63)
            self.points = {n: sample_domain(dom, rng, 16) for n, dom in domains.items()}
        self.args = [np.full(16, v) for v in pvals.values()] + [self.points[s.name] for s in c.answer_syms]
        self._values: dict[Any, np.ndarray] = {}

    def values(self, expr: Any) -> np.ndarray:
        out = self._values.get(expr)
        if out is None:
            with np.errstate(all="ignore"):
                raw = self.c.numeric(expr)(*self.args)
            out = self._values[expr] = np.broadcast_to(np.asarray(raw, dtype=float), (16,))
        return out

    def numeric(self, value: float) -> None:
        ref = float(self._reference())
        if not np.isclose(value, ref, rtol=1e-7, atol=1e-10):
            raise QuestionError(
                f"{self.c.question.id}: the derived answer {value!r} disagrees with the independent check "
                f"{ref!r} for parameters {dict(self.pvals)}"
            )

    def symbolic(self, expr: Any) -> None:
        self._compare(expr, self._reference())

    def _compare(self, expr: Any, reference: Any) -> None:
        got = self.values(expr)
        ref = np.broadcast_to(np.asarray(reference, dtype=float), got.shape)
        if not np.allclose(got, ref, rtol=1e-6, atol=1e-9):
            bad = int(np.argmax(~np.isclose(got, ref, rtol=1e-6, atol=1e-9)))
            at = {k: float(v[bad]) for k, v in self.points.items()}
            raise QuestionError(
                f"{self.c.question.id}: the derived answer disagrees with the independent check at {at} "
                f"(derived {got[bad]!r}, check {ref[bad]!r}) for parameters {dict(self.pvals)}"
            )

    def choice(self, corrects: tuple[Any, ...]) -> None:
        """The correct options against check(), which returns one reference per correct option."""
        refs = self._reference()
        refs = tuple(refs) if len(corrects) > 1 else (refs,)
        if len(refs) != len(corrects):
            raise QuestionError(f"{self.c.question.id}: check() gave {len(refs)} references for {len(corrects)} correct options")
        for expr, ref in zip(corrects, refs):
            self._compare(expr, ref)

    def vector_numeric(self, values: Sequence[float]) -> None:
        """A numeric vector answer against check(), component by component."""
        ref = np.asarray(self._reference(), dtype=float).reshape(-1)
        if ref.shape != (len(values),):
            raise QuestionError(f"{self.c.question.id}: check() gave {ref.size} components for an answer of {len(values)}")
        bad = ~np.isclose(np.asarray(values, dtype=float), ref, rtol=1e-7, atol=1e-10)
        if bad.any():
            i = int(np.argmax(bad))
            raise QuestionError(
                f"{self.c.question.id}: component {i + 1} of the derived answer, {values[i]!r}, disagrees with the "
                f"independent check {float(ref[i])!r} for parameters {dict(self.pvals)}"
            )

    def vector_symbolic(self, exprs: Sequence[Any]) -> None:
        """A symbolic vector answer against check(), which returns one row of values per component."""
        refs = self._reference()
        if len(refs) != len(exprs):
            raise QuestionError(f"{self.c.question.id}: check() gave {len(refs)} components for an answer of {len(exprs)}")
        for expr, ref in zip(exprs, refs):
            self._compare(expr, ref)

    def vector_differs(self, a: Sequence[Any], b: Sequence[Any]) -> bool:
        """Two symbolic vectors differ in at least one component at the sample points."""
        return any(self.distinct([x, y]) for x, y in zip(a, b))

    def claim(self, truth: bool, reason: Any) -> None:
        """A true/false claim and (when it is an expression) its reason, against check()."""
        ref = self._reference()
        if not isinstance(ref, (tuple, list)) or len(ref) != 2:
            raise QuestionError(f"{self.c.question.id}: check() of a TrueFalse question must return (truth, reason value)")
        if bool(ref[0]) != truth:
            raise QuestionError(
                f"{self.c.question.id}: the derived claim is {truth} but the independent check says {bool(ref[0])} "
                f"for parameters {dict(self.pvals)}"
            )
        if reason is not None:
            if ref[1] is None:
                raise QuestionError(f"{self.c.question.id}: check() gave no value for the reason")
            self._compare(reason, ref[1])

    def values_dict(self, values: Mapping[str, Any]) -> None:
        """check() returns {name: number}; each must agree with the derivation's ``values[name]``."""
        ref = self._reference()
        if not isinstance(ref, Mapping):
            raise QuestionError(f"{self.c.question.id}: check() must return a dict of values to verify (or {{}})")
        for name, expected in ref.items():
            if name not in values:
                raise QuestionError(f"{self.c.question.id}: check() verifies '{name}', which derive() does not return in values")
            self._compare(values[name], expected)

    def trivial(self, expr: Any) -> bool:
        """Whether ``expr`` is 0, 1 or -1 at every sample point (an answer typed without computing)."""
        got = self.values(expr)
        return any(bool(np.all(np.abs(got - t) <= 1e-9 + 1e-6 * abs(t))) for t in (0.0, 1.0, -1.0))

    def distinct(self, exprs: Sequence[Any]) -> bool:
        """No two of ``exprs`` agree at all sample points (one vectorised comparison)."""
        table = np.stack([self.values(e) for e in exprs])
        a, b = table[:, None, :], table[None, :, :]
        with np.errstate(all="ignore"):
            close = np.all(np.abs(a - b) <= 1e-9 + 1e-6 * np.abs(b), axis=2)
        np.fill_diagonal(close, False)
        return not close.any()

    def _reference(self) -> Any:
        try:
            with np.errstate(all="ignore"):
                return self.c.question.check(dict(self.pvals), dict(self.points))
        except Exception as err:
            raise QuestionError(failure(f"{self.c.question.id}: check() failed", err)) from None
