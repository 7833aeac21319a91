"""Variant: a question + a seed -> numbers, SymPy results, worked steps and a verified key.

Derivation is done once per question, symbolically in the parameters (:func:`compiled`); a
variant only substitutes its numbers. Instances are cached by parameter values, because a class
of hundreds draws the same parameter sets again and again. Every variant's key is checked against
the question's independent NumPy computation before it is used.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from types import SimpleNamespace
from typing import Any, Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter
from jinja2.sandbox import SandboxedEnvironment
from jinja2 import StrictUndefined, TemplateError

from quizgen.errors import QuestionError
from quizgen.question import Choice, Derivation, Numeric, Question, Symbolic

SEED_SCHEME = "quizgen/1"
MAX_DRAWS = 500
LABELS = "ABCDEFGH"


# ---------------------------------------------------------------- seeds and draws
def _digest(*parts: object) -> int:
    text = "|".join(str(p) for p in (SEED_SCHEME, *parts))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def variant_seed(exam_seed: int, question_id: str, student: str) -> int:
    """The seed of one variant: a function of (exam seed, question id, student id) alone.

    It does not depend on the question's position, so reordering a sheet keeps every variant.
    SHA-256 makes it identical on every machine and Python version.
    """
    return _digest(exam_seed, question_id, student)


def _draw(q: Question, seed: int, attempt: int) -> dict[str, str]:
    return {p.name: p.values[_digest(seed, p.name, attempt) % len(p.values)] for p in q.params}


# ---------------------------------------------------------------- symbols and domains
def _assumptions(domain: str) -> dict[str, bool]:
    return {
        "real": {"real": True},
        "positive": {"positive": True},
        "nonnegative": {"nonnegative": True},
        "unit_interval": {"positive": True},
        "integer": {"integer": True},
        "positive_integer": {"integer": True, "positive": True},
    }[domain]


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


def _answer_symbols(q: Question) -> Mapping[str, str]:
    return q.answer.symbols if isinstance(q.answer, (Symbolic, Choice)) else {}


# ---------------------------------------------------------------- compiled question
@dataclass(frozen=True)
class Compiled:
    """A question derived once: its symbols, its derivation and fast numeric forms of its results."""

    question: Question
    params: tuple[sp.Symbol, ...]
    answer_syms: tuple[sp.Symbol, ...]
    derivation: Derivation
    latex_names: Mapping[sp.Symbol, str]
    _functions: dict = field(default_factory=dict, compare=False, repr=False)

    def numeric(self, expr: Any):
        """A NumPy function of (parameters..., answer symbols...) for a derived expression, compiled once."""
        fn = self._functions.get(expr)
        if fn is None:
            fn = self._functions[expr] = sp.lambdify(self.params + self.answer_syms, expr, "numpy")
        return fn

    def printed(self, expr: Any) -> tuple[str, str]:
        """(LaTeX, plain) forms of a derived expression with a placeholder per parameter, printed once.

        A variant fills in its numbers with :func:`fill_latex` / :func:`fill_plain`: printing SymPy
        per variant would dominate the cost of a class set, and showing the numbers plugged into the
        formula is what a worked solution should show anyway.
        """
        key = ("print", expr)
        out = self._functions.get(key)
        if out is None:
            names = {s: _placeholder(i) for i, s in enumerate(self.params)}
            latex = sp.latex(expr, symbol_names={**self.latex_names, **names}, order="none")
            out = self._functions[key] = (latex, _PlainPrinter(names).doprint(expr))
        return out

    def value(self, expr: Any, pvals: Mapping[str, float]) -> float:
        """A derived expression's value at the parameter values (no answer symbols)."""
        key = ("math", expr)
        fn = self._functions.get(key)
        if fn is None:
            fn = self._functions[key] = sp.lambdify(self.params, expr, "math")
        try:
            return float(fn(*(pvals[s.name] for s in self.params)))
        except (ValueError, ZeroDivisionError, OverflowError):
            return math.nan


@functools.lru_cache(maxsize=None)
def compiled(q: Question) -> Compiled:
    """Run the question's derivation once, symbolically in its parameters."""
    params = tuple(sp.Symbol(p.name, **_assumptions(p.domain)) for p in q.params)
    answer_syms = tuple(sp.Symbol(n, **_assumptions(d)) for n, d in _answer_symbols(q).items())
    ns = SimpleNamespace(**{s.name: s for s in params + answer_syms})
    try:
        derivation = q.derive(ns)
    except Exception as err:
        raise QuestionError(f"{q.id}: derive() failed: {type(err).__name__}: {err}") from None
    if not isinstance(derivation, Derivation):
        raise QuestionError(f"{q.id}: derive() must return a Derivation, not {type(derivation).__name__}")
    latex_names = {}
    for s in params + answer_syms:
        name = q.symbol_latex.get(s.name) or next((p.latex for p in q.params if p.name == s.name and p.latex), None)
        if name:
            latex_names[s] = name
    return Compiled(q, params, answer_syms, derivation, latex_names)


def _placeholder(i: int) -> str:
    return f"QZ{i}QZ"


class _PlainPrinter(StrPrinter):
    """SymPy's plain syntax, in SymPy's own term order, with parameters printed as placeholders."""

    def __init__(self, names: Mapping[sp.Symbol, str]):
        super().__init__({"order": "none"})
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return self._names.get(expr) or super()._print_Symbol(expr)


# Substituted numbers are marked while filling so that a multiplication dot is added only where a
# number now stands next to another factor ("2 \\cdot 2.5", "\\frac{1}{2} \\cdot 2.5"), never elsewhere.
_START, _END = "\x00", "\x01"
_DOT_BEFORE = re.compile(r"(?<=[\w})])\s+(?=\x00)")
_DOT_AFTER = re.compile(r"\x01\s+(?=\d|\x00|\\frac|\\sqrt)")
_BIG_OPERATOR = re.compile(r"\\(sum|prod)_\{[^{}]*\}(\^\{[^{}]*\})?$")


def _dot_before(m: re.Match) -> str:
    return m.group(0) if _BIG_OPERATOR.search(m.string, 0, m.start()) else " \\cdot "


def fill_latex(template: str, shown: Sequence[str]) -> str:
    """Put a variant's numbers into a printed LaTeX form, with a dot where a number meets a factor."""
    for i, v in enumerate(shown):
        number = f"\\left({v}\\right)" if v.startswith("-") else v
        template = template.replace(_placeholder(i), f"{_START}{number}{_END}")
    template = _DOT_BEFORE.sub(_dot_before, template)
    template = _DOT_AFTER.sub(_END + r" \\cdot ", template)
    return template.replace(_START, "").replace(_END, "")


def fill_plain(template: str, exact: Sequence[str]) -> str:
    """Put a variant's exact numbers (as integers or fractions) into a printed plain form."""
    for i, v in enumerate(exact):
        template = template.replace(_placeholder(i), v if v.isdigit() else f"({v})")
    return template


# ---------------------------------------------------------------- instances
@dataclass(frozen=True)
class Option:
    label: str
    name: str  # "correct" or the misconception's name
    text: str  # Markdown with $math$
    expression: str  # plain syntax


@dataclass(frozen=True)
class KnownWrong:
    name: str
    feedback: str
    credit: float
    expression: str | None = None  # symbolic
    value: float | None = None  # numeric
    choice: str | None = None  # choice label


@dataclass(frozen=True)
class SolutionStep:
    text: str  # Markdown with $math$, parameters filled in
    latex: str | None  # the formula, display math


@dataclass(frozen=True)
class Variant:
    """One question as one student sees it, with everything its key and its solution need."""

    question_id: str
    title: str
    kind: str  # numeric | symbolic | choice
    points: float
    seed: int
    params: Mapping[str, str]
    statement: str  # Markdown with $math$
    steps: tuple[SolutionStep, ...]
    answer_latex: str  # the answer as shown in the solutions
    answer: Mapping[str, Any]  # the key's "answer" object (see the README, "The answer key")
    known_wrong: tuple[KnownWrong, ...]
    options: tuple[Option, ...] = ()


def make_variant(q: Question, exam_seed: int, student: str) -> Variant:
    """The variant of ``q`` for ``student`` in the exam with ``exam_seed``."""
    seed = variant_seed(exam_seed, q.id, student)
    last_problem = "no parameter set satisfies the question's constraint"
    for attempt in range(MAX_DRAWS):
        drawn = _draw(q, seed, attempt)
        if q.constraint is not None and not q.constraint({k: Fraction(v) for k, v in drawn.items()}):
            continue
        result = _instance(q, tuple(sorted(drawn.items())), seed if isinstance(q.answer, Choice) else 0)
        if isinstance(result, str):  # ill-posed for these numbers: draw again
            last_problem = result
            continue
        return Variant(seed=seed, **result)
    raise QuestionError(f"{q.id}: no well-posed variant in {MAX_DRAWS} draws for seed {seed}: {last_problem}")


@functools.lru_cache(maxsize=65536)
def _instance(q: Question, drawn: tuple[tuple[str, str], ...], shuffle_seed: int) -> dict[str, Any] | str:
    """Everything about a variant that depends only on its parameter values (cached).

    Returns a reason string instead when these values make the problem ill-posed.
    """
    c = compiled(q)
    d = c.derivation
    given = dict(drawn)
    subs = {s: sp.Rational(given[s.name]) for s in c.params}
    pvals = {s.name: float(v) for s, v in subs.items()}
    verifier = _Verifier(c, pvals)

    def inst(expr: Any) -> Any:
        return sp.sympify(expr).xreplace(subs) if not isinstance(expr, (bool, str)) else expr

    def tex(expr: Any) -> str:
        """LaTeX of the expression evaluated at the variant's numbers (for final answers and options)."""
        # order="none" keeps SymPy's canonical argument order and skips a costly term sort
        return sp.latex(inst(expr), symbol_names=dict(c.latex_names), order="none")

    shown = [given[s.name] for s in c.params]
    exact_values = [str(v) for v in subs.values()]

    def tex_plugged(expr: Any) -> str:
        """LaTeX of the derived formula with the variant's numbers plugged in (cheap: printed once)."""
        return fill_latex(c.printed(expr)[0], shown)

    def plain_plugged(expr: Any) -> str:
        return fill_plain(c.printed(expr)[1], exact_values)

    if isinstance(q.answer, Numeric):
        spec: Numeric = q.answer
        value = c.value(d.answer, pvals)
        if not math.isfinite(value):
            return f"the answer is not finite ({value})"
        if value in (0.0, 1.0, -1.0):
            return f"the answer is trivially {value:g}"
        verifier.numeric(value)
        wrongs = []
        seen = [value]
        for w in d.wrong:
            wv = c.value(w.expr, pvals)
            if not math.isfinite(wv) or any(abs(wv - v) <= max(spec.atol, spec.rtol * abs(v)) * 10 for v in seen):
                return f"misconception '{w.name}' gives the answer's or another misconception's number here"
            seen.append(wv)
            wrongs.append(KnownWrong(w.name, w.feedback, w.credit, value=wv))
        answer = {"value": value, "exact": plain_plugged(d.answer), "rtol": spec.rtol, "atol": spec.atol, "sigfigs": spec.sigfigs}
        answer_latex = f"{tex_plugged(d.answer)} \\approx {fmt_number(value, spec.shown_digits)}"
        options: tuple[Option, ...] = ()
    elif isinstance(q.answer, Symbolic):
        expr = inst(d.answer)
        verifier.symbolic(d.answer)
        if not verifier.distinct([d.answer, *(w.expr for w in d.wrong)]):
            return "a misconception coincides with the answer or with another misconception here"
        wrongs = []
        for w in d.wrong:
            wrongs.append(KnownWrong(w.name, w.feedback, w.credit, expression=plain_plugged(w.expr)))
        answer = {"expression": plain(expr), "symbols": dict(q.answer.symbols)}
        answer_latex = tex(d.answer)
        options = ()
    else:
        answer, answer_latex, options, wrongs_or_reason = _choice(q, c, d, pvals, tex_plugged, plain_plugged, verifier, shuffle_seed)
        if isinstance(wrongs_or_reason, str):
            return wrongs_or_reason
        wrongs = wrongs_or_reason

    params = dict(drawn)
    context = {**params, "values": {k: _show(c, v, pvals, tex_plugged) for k, v in d.values.items()}}
    statement = render_statement(q, q.statement, context)
    steps = tuple(
        SolutionStep(render_statement(q, s.text, context), tex_plugged(s.expr) if s.expr is not None else None)
        for s in d.steps
    )
    return dict(
        question_id=q.id, title=q.title, kind=q.kind, points=float(q.points), params=params,
        statement=statement, steps=steps, answer_latex=answer_latex, answer=answer,
        known_wrong=tuple(wrongs), options=options,
    )


def _choice(q, c, d, pvals, tex_plugged, plain_plugged, verifier, shuffle_seed):
    """Options = the answer and the misconceptions, distinct at the sample points, shuffled by the seed."""
    spec: Choice = q.answer
    corrects = tuple(d.answer) if spec.multiple else (d.answer,)
    entries = [("correct" if len(corrects) == 1 else f"correct{i + 1}", e, "", 1.0) for i, e in enumerate(corrects)]
    entries += [(w.name, w.expr, w.feedback, w.credit) for w in d.wrong]
    if not verifier.distinct([e[1] for e in entries]):
        return None, None, None, "two options coincide for these values"
    verifier.choice(corrects)
    order = sorted(entries, key=lambda e: _digest(shuffle_seed, "option", e[0]))
    options, wrongs, correct_labels = [], [], []
    for label, (name, expr, feedback, credit) in zip(LABELS, order):
        options.append(Option(label, name, f"${_show(c, expr, pvals, tex_plugged)}$", plain_plugged(expr)))
        if name.startswith("correct"):
            correct_labels.append(label)
        else:
            wrongs.append(KnownWrong(name, feedback, credit, choice=label))
    answer = {
        "choices": [{"label": o.label, "text": o.text} for o in options],
        "correct": correct_labels,
        "multiple": spec.multiple,
    }
    answer_latex = ", ".join(correct_labels)
    return answer, answer_latex, tuple(options), wrongs


def plain(expr: Any) -> str:
    """An expression in the plain syntax of key.json (SymPy's own term order, no costly sort)."""
    return sp.sstr(expr, order="none")


def _show(c: Compiled, expr: Any, pvals: Mapping[str, float], tex_plugged) -> str:
    """A derived value or an option as shown: a number to 4 significant figures, else a formula."""
    expr = sp.sympify(expr)
    if not (expr.free_symbols - set(c.params)):
        return fmt_number(c.value(expr, pvals), 4)
    return tex_plugged(expr)


def fmt_number(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant figures, without exponent notation for everyday sizes."""
    if x == 0:
        return "0"
    if 1e-4 <= abs(x) < 1e6:
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
        text = f"{x:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{x:.{digits - 1}e}"


# ---------------------------------------------------------------- statements
_ENV = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)


@functools.lru_cache(maxsize=4096)
def _statement_template(text: str):
    return _ENV.from_string(text)


def render_statement(q: Question, text: str, context: Mapping[str, Any]) -> str:
    """Fill a question's text with a variant's numbers (sandboxed: question text is just text)."""
    try:
        return _statement_template(text).render(**context).strip()
    except TemplateError as err:
        raise QuestionError(f"{q.id}: its text does not render: {err}") from None


# ---------------------------------------------------------------- independent checks
class _Verifier:
    """Checks a variant's results against the question's own NumPy computation."""

    def __init__(self, c: Compiled, pvals: Mapping[str, float]):
        self.c = c
        self.pvals = pvals
        rng = np.random.default_rng(_digest("verify", c.question.id, *sorted(pvals.items())) % 2**63)
        domains = _answer_symbols(c.question)
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
            raise QuestionError(f"{self.c.question.id}: check() failed: {type(err).__name__}: {err}") from None
