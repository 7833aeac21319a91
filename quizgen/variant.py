"""Variant: a question + a seed -> numbers, SymPy results, worked steps and a verified key.

Derivation is done once per question, symbolically in the parameters (:func:`compiled`); a
variant only substitutes its numbers. Instances are cached by parameter values, because a class
of hundreds draws the same parameter sets again and again. Every variant's key is checked against
the question's independent NumPy computation before it is used.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from types import SimpleNamespace
from typing import Any, Mapping

import sympy as sp
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from quizgen.domains import ASSUMPTIONS
from quizgen.errors import QuestionError
from quizgen.formulas import Computed, PlainPrinter, fill_latex, fill_plain, fmt_number, person_order, placeholder, plain
from quizgen.question import Choice, Derivation, Numeric, Question, Symbolic
from quizgen.seeds import digest, variant_seed
from quizgen.verify import Verifier

__all__ = ["Compiled", "KnownWrong", "Option", "SolutionStep", "Variant", "compiled", "make_variant", "variant_seed"]

MAX_DRAWS = 500
LABELS = "ABCDEFGH"


def _draw(q: Question, seed: int, attempt: int) -> dict[str, str]:
    return {p.name: p.values[digest(seed, p.name, attempt) % len(p.values)] for p in q.params}


# ---------------------------------------------------------------- symbols and domains
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
    computed: Computed
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
        formula is what a worked solution should show anyway. The LaTeX form is a person's: sums of
        plain numbers are stand-ins that each variant fills with their value (``1 - p`` shows 0.85),
        and signs and terms are in the order a person writes them (:func:`person_order`).
        """
        key = ("print", expr)
        out = self._functions.get(key)
        if out is None:
            names = {s: placeholder(i) for i, s in enumerate(self.params)}
            shown = person_order(self.computed.collapse(sp.sympify(expr).xreplace(self.renamed)))
            stand_ins = {s: s.name for s in shown.free_symbols if s.name.startswith("QZ")} if isinstance(shown, sp.Basic) else {}
            latex = sp.latex(shown, symbol_names={**self.latex_names, **stand_ins}, order="none")
            out = self._functions[key] = (latex, PlainPrinter(names).doprint(expr))
        return out

    @property
    def renamed(self) -> Mapping[sp.Symbol, sp.Symbol]:
        """Each parameter as a symbol named by its placeholder, so numbers sort first in a product."""
        return dict(zip(self.params, self.computed.params))

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
    params = tuple(sp.Symbol(p.name, **ASSUMPTIONS[p.domain]) for p in q.params)
    answer_syms = tuple(sp.Symbol(n, **ASSUMPTIONS[d]) for n, d in _answer_symbols(q).items())
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
    stand_ins = Computed([sp.Symbol(placeholder(i)) for i in range(len(params))])
    return Compiled(q, params, answer_syms, derivation, latex_names, stand_ins)


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
    verifier = Verifier(c, pvals)

    def inst(expr: Any) -> Any:
        return sp.sympify(expr).xreplace(subs) if not isinstance(expr, (bool, str)) else expr

    def tex(expr: Any) -> str:
        """LaTeX of the expression evaluated at the variant's numbers (for final answers and options)."""
        # order="none" keeps SymPy's canonical argument order and skips a costly term sort
        value = inst(expr)
        if isinstance(value, sp.Expr):  # (q - p)/2 rather than q/2 - p/2, when taking out a factor is shorter
            common = sp.factor_terms(value)
            if sp.count_ops(common) < sp.count_ops(value):
                value = common
        return sp.latex(person_order(value), symbol_names=dict(c.latex_names), order="none")

    shown = [given[s.name] for s in c.params]
    exact_values = [str(v) for v in subs.values()]
    exact_fractions = [Fraction(given[s.name]) for s in c.params]

    def tex_plugged(expr: Any) -> str:
        """LaTeX of the derived formula with the variant's numbers plugged in (cheap: printed once)."""
        template = c.printed(expr)[0]
        return fill_latex(template, shown + c.computed.values(exact_fractions))

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
    order = sorted(entries, key=lambda e: digest(shuffle_seed, "option", e[0]))
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


def _show(c: Compiled, expr: Any, pvals: Mapping[str, float], tex_plugged) -> str:
    """A derived value or an option as shown: a number to 4 significant figures, else a formula."""
    expr = sp.sympify(expr)
    if not (expr.free_symbols - set(c.params)):
        return fmt_number(c.value(expr, pvals), 4)
    return tex_plugged(expr)


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
