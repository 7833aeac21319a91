"""Variant: a question + a seed -> numbers, SymPy results, worked steps and a verified key.

Derivation is done once per question, symbolically in the parameters (:func:`compiled`); a
variant only substitutes its numbers. Instances are cached by parameter values, because a class
of hundreds draws the same parameter sets again and again. Every variant's key is checked against
the question's independent NumPy computation before it is used.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from types import SimpleNamespace
from typing import Any, Mapping

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from quizgen.generation import derived
from quizgen.generation.figures import FigureRef, plain_args
from quizgen.generation.question import Choice, Claim, Derivation, Manual, Numeric, Order, Question, Right, Steps, Symbolic, TrueFalse, Vector, failure
from quizgen.generation.verify import Verifier
from quizgen.kernel.domains import ASSUMPTIONS
from quizgen.kernel.errors import QuestionError
from quizgen.kernel.seeds import digest, variant_seed



class _Later:
    """A module imported when first used, then bound to its name here: a ``make`` whose variants
    all come from the derivation cache (derived.py) never asks SymPy for anything, so it does not
    pay the half second of importing it."""

    def __init__(self, module: str, alias: str):
        self._module, self._alias = module, alias

    def __getattr__(self, name: str) -> Any:
        import importlib

        module = importlib.import_module(self._module)
        globals()[self._alias] = module
        return getattr(module, name)


sp: Any = _Later("sympy", "sp")
formulas: Any = _Later("quizgen.generation.formulas", "formulas")

__all__ = ["Compiled", "KnownWrong", "Option", "SolutionStep", "Variant", "compiled", "make_variant", "variant_seed"]

MAX_DRAWS = 500
LABELS = "ABCDEFGH"


def _draw(q: Question, seed: int, attempt: int) -> dict[str, str]:
    return {p.name: p.values[digest(seed, p.name, attempt) % len(p.values)] for p in q.params}


# ---------------------------------------------------------------- symbols and domains
def _answer_symbols(q: Question) -> Mapping[str, str]:
    if isinstance(q.answer, Steps):  # declared data and parameters, not SymPy answer symbols
        return {}
    return getattr(q.answer, "symbols", {}) or {}


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
            names = {s: formulas.placeholder(i) for i, s in enumerate(self.params)}
            shown = formulas.person_order(self.computed.collapse(sp.sympify(expr).xreplace(self.renamed)))
            stand_ins = {s: s.name for s in shown.free_symbols if s.name.startswith("QZ")} if isinstance(shown, sp.Basic) else {}
            latex = sp.latex(shown, symbol_names={**self.latex_names, **stand_ins}, order="none")
            out = self._functions[key] = (latex, formulas.PlainPrinter(names).doprint(expr))
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
    derivation = derived.lookup(q, "derivation", "derivation")  # kept by an earlier run (derived.py)
    if derivation is derived.MISSING:
        try:
            derivation = q.derive(ns)
        except Exception as err:
            raise QuestionError(failure(f"{q.id}: derive() failed", err)) from None
        if isinstance(derivation, Derivation):
            derived.record(q, "derivation", derivation, "derivation")
    if not isinstance(derivation, Derivation):
        raise QuestionError(f"{q.id}: derive() must return a Derivation, not {type(derivation).__name__}")
    latex_names = {}
    for s in params + answer_syms:
        name = q.symbol_latex.get(s.name) or next((p.latex for p in q.params if p.name == s.name and p.latex), None)
        if name:
            latex_names[s] = name
    cells = {f"{c.name}{r}": r for t in q.tables for c in t.columns for r in range(1, t.rows + 1)}
    rows = {i: cells[p.name] for i, p in enumerate(q.params) if p.name in cells}
    stand_ins = formulas.Computed([sp.Symbol(formulas.placeholder(i)) for i in range(len(params))], rows)
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
    choice: str | None = None  # choice label (choice; the reason of a truefalse)
    values: tuple[float, ...] | None = None  # numeric vector
    expressions: tuple[str, ...] | None = None  # symbolic vector
    order: tuple[str, ...] | None = None  # a wrong order of steps (their labels)
    target: Mapping[str, Any] | None = None  # derivation: its wrong lines ("forms") or what to "detect"


@dataclass(frozen=True)
class SolutionStep:
    text: str  # Markdown with $math$, parameters filled in
    latex: str | None  # the formula, display math


@dataclass(frozen=True)
class Variant:
    """One question as one student sees it, with everything its key and its solution need."""

    question_id: str
    title: str
    kind: str  # numeric | symbolic | choice | truefalse | order | manual | vector
    points: float
    seed: int
    params: Mapping[str, str]
    statement: str  # Markdown with $math$
    steps: tuple[SolutionStep, ...]
    answer_latex: str  # the answer as shown in the solutions
    answer: Mapping[str, Any]  # the key's "answer" object (see docs/grading.md, "The answer key")
    known_wrong: tuple[KnownWrong, ...]
    options: tuple[Option, ...] = ()  # choice options, truefalse reasons, order steps (labels 1..n)
    tables: tuple["DataTable", ...] = ()  # data shown with the statement
    figures: tuple[FigureRef, ...] = ()  # what to draw; quizgen.generation.figures.png(ref) gives the bytes


@dataclass(frozen=True)
class DataTable:
    """A data set drawn for a variant, shown as a table: headers are LaTeX math, cells exact decimals."""

    name: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def make_variant(q: Question, exam_seed: int, student: str) -> Variant:
    """The variant of ``q`` for ``student`` in the exam with ``exam_seed``."""
    seed = variant_seed(exam_seed, q.id, student)
    last_problem = "no parameter set satisfies the question's constraint"
    for attempt in range(MAX_DRAWS):
        drawn = _draw(q, seed, attempt)
        if q.constraint is not None and not q.constraint({k: _fraction(v) for k, v in drawn.items()}):
            continue
        shuffled = isinstance(q.answer, (Choice, TrueFalse, Order))
        result = instance(q, tuple(sorted(drawn.items())), seed if shuffled else 0)
        if isinstance(result, str):  # ill-posed for these numbers: draw again
            last_problem = result
            continue
        return Variant(seed=seed, **result)
    raise QuestionError(f"{q.id}: no well-posed variant in {MAX_DRAWS} draws for seed {seed}: {last_problem}")


#: A parameter value (an exact decimal string of a finite grid) as a Fraction and as a SymPy
#: Rational, parsed once: a class draws the same values thousands of times.
_fraction = functools.lru_cache(maxsize=65536)(Fraction)


@functools.lru_cache(maxsize=65536)
def _rational(text: str) -> Any:
    return sp.Rational(text)


def instance(q: Question, drawn: tuple[tuple[str, str], ...], shuffle_seed: int) -> dict[str, Any] | str:
    """:func:`_instance`, kept on disk from one run to the next (:mod:`quizgen.generation.derived`)."""
    key = ("instance", drawn, shuffle_seed)
    result = derived.lookup(q, key)
    if result is derived.MISSING:
        result = _instance(q, drawn, shuffle_seed)
        derived.record(q, key, result)
    return result


@functools.lru_cache(maxsize=65536)
def _instance(q: Question, drawn: tuple[tuple[str, str], ...], shuffle_seed: int) -> dict[str, Any] | str:
    """Everything about a variant that depends only on its parameter values (cached).

    Returns a reason string instead when these values make the problem ill-posed.
    """
    c = compiled(q)
    d = c.derivation
    given = dict(drawn)
    subs = {s: _rational(given[s.name]) for s in c.params}
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
        return sp.latex(formulas.person_order(value), symbol_names=dict(c.latex_names), order="none")

    shown = [given[s.name] for s in c.params]
    exact_values = [str(v) for v in subs.values()]
    exact_fractions = [_fraction(given[s.name]) for s in c.params]
    filled: list[str] = []  # shown + the stand-ins' values, extended when printing adds stand-ins

    def tex_plugged(expr: Any) -> str:
        """LaTeX of the derived formula with the variant's numbers plugged in (cheap: printed once)."""
        template = c.printed(expr)[0]
        if len(filled) != len(shown) + len(c.computed.sums):
            filled[:] = shown + c.computed.values(exact_fractions)
        return formulas.fill_latex(template, filled)

    def plain_plugged(expr: Any) -> str:
        return formulas.fill_plain(c.printed(expr)[1], exact_values)

    params = dict(drawn)
    context = {**params, "values": {k: _show(c, v, pvals, tex_plugged) for k, v in d.values.items()}}

    if isinstance(q.answer, Numeric):
        spec: Numeric = q.answer
        value = c.value(d.answer, pvals)
        if not math.isfinite(value):
            return f"the answer is not finite ({value})"
        value = _exactly(c, d.answer, value, pvals, 1.0)
        if value in (0.0, 1.0, -1.0):
            return f"the answer is trivially {value:g}"
        verifier.numeric(value)
        wrongs = []
        seen = [value]
        for w in d.wrong:
            wv = _exactly(c, w.expr, c.value(w.expr, pvals), pvals, abs(value))
            if not math.isfinite(wv) or any(abs(wv - v) <= max(spec.atol, spec.rtol * abs(v)) * 10 for v in seen):
                return f"misconception '{w.name}' gives the answer's or another misconception's number here"
            if not _constant(w.expr) and any(abs(wv - t) <= 2 * max(spec.atol, spec.rtol * abs(wv)) for t in TRIVIAL):
                return f"misconception '{w.name}' gives {wv:g} here, a number a student may type for other reasons"
            seen.append(wv)
            wrongs.append(KnownWrong(w.name, w.feedback, w.credit, value=wv))
        answer = {"value": value, "exact": plain_plugged(d.answer), "rtol": spec.rtol, "atol": spec.atol, "sigfigs": spec.sigfigs}
        plugged, shown_value = _reduced(tex_plugged(d.answer)), formulas.fmt_number(value, spec.shown_digits)
        answer_latex = plugged if plugged == shown_value else f"{plugged} \\approx {shown_value}"
        if spec.unit is not None:  # only then: keys of questions without a unit keep their bytes
            answer["unit"] = spec.unit
            answer_latex += "\\%" if spec.unit == "%" else f"\\ \\text{{{spec.unit}}}"
        options: tuple[Option, ...] = ()
    elif isinstance(q.answer, Symbolic):
        expr = inst(d.answer)
        verifier.symbolic(d.answer)
        if not verifier.distinct([d.answer, *(w.expr for w in d.wrong)]):
            return "a misconception coincides with the answer or with another misconception here"
        wrongs = []
        for w in d.wrong:
            if not _constant(w.expr) and verifier.trivial(w.expr):
                return f"misconception '{w.name}' is a constant 0 or ±1 here, which a student may type for other reasons"
            wrongs.append(KnownWrong(w.name, w.feedback, w.credit, expression=plain_plugged(w.expr)))
        answer = {"expression": formulas.plain(expr), "symbols": dict(q.answer.symbols)}
        plugged, simplified = tex_plugged(d.answer), tex(d.answer)
        answer_latex = simplified if plugged == simplified else f"{plugged} = {simplified}"
        options = ()
    elif isinstance(q.answer, Choice):
        answer, answer_latex, options, wrongs_or_reason = _choice(q, c, d, pvals, tex_plugged, plain_plugged, verifier, shuffle_seed, context)
        if isinstance(wrongs_or_reason, str):
            return wrongs_or_reason
        wrongs = wrongs_or_reason
    else:
        kinds = {Vector: _vector, TrueFalse: _truefalse, Order: _order, Manual: _manual, Steps: _steps}
        out = kinds[type(q.answer)](q, c, d, pvals, inst, tex_plugged, plain_plugged, verifier, shuffle_seed, context)
        if isinstance(out, str):
            return out
        answer, answer_latex, options, wrongs = out
    answer, wrongs = _rendered_feedback(q, context, answer, wrongs)

    statement = render_statement(q, q.statement, context)
    steps = tuple(
        SolutionStep(render_statement(q, s.text, context), _reduced(tex_plugged(s.expr)) if s.expr is not None else None)
        for s in d.steps
    )
    if isinstance(q.answer, Steps):  # the model derivation first, each step with its kind
        steps = _model_steps(q, d, pvals, context) + steps
    tables = tuple(
        DataTable(t.name, render_statement(q, t.caption, context) if t.caption else "",
                  ((t.label_header,) if t.labels else ()) + tuple(t.header(col) for col in t.columns),
                  tuple(tuple(t.labels[i - 1:i]) + tuple(given[f"{col.name}{i}"] for col in t.columns)
                        for i in range(1, t.rows + 1)))
        for t in q.tables
    )
    figures = tuple(
        FigureRef(f.kind, plain_args(f.args(params) if f.args else {}), render_statement(q, f.alt, context), f.where)
        for f in q.figures
    )
    return dict(
        question_id=q.id, title=q.title, kind=q.kind, points=float(q.points), params=params, tables=tables,
        statement=statement, steps=steps, answer_latex=answer_latex, answer=answer,
        known_wrong=tuple(wrongs), options=options, figures=figures,
    )


def _options(c, pvals, tex_plugged, plain_plugged, verifier, shuffle_seed, entries):
    """Shuffled, lettered options from (name, expr or sentence, feedback, credit) entries.

    Returns the options in sheet order, or a reason string when two options coincide for these
    values (as expressions at the sample points, or as the text a student sees).
    """
    exprs = [e[1] for e in entries if not isinstance(e[1], str)]
    if len(exprs) > 1 and not verifier.distinct(exprs):
        return "two options coincide for these values"
    order = sorted(entries, key=lambda e: digest(shuffle_seed, "option", e[0]))
    options = []
    for label, (name, expr, _feedback, _credit) in zip(LABELS, order):
        if isinstance(expr, str):
            options.append(Option(label, name, expr, ""))
        else:
            options.append(Option(label, name, f"${_show(c, expr, pvals, tex_plugged)}$", plain_plugged(expr)))
    if len({o.text for o in options}) != len(options):
        return "two options look the same when rounded for these values"
    return tuple(options)


def _choice(q, c, d, pvals, tex_plugged, plain_plugged, verifier, shuffle_seed, context):
    """Options = the answer and the misconceptions, distinct at the sample points, shuffled by the seed."""
    spec: Choice = q.answer
    corrects = tuple(d.answer) if spec.multiple else (d.answer,)
    entries = []
    for i, e in enumerate(corrects):
        if isinstance(e, Right):
            entries.append((f"correct_{e.name}", e.expr, e.feedback, 1.0))
        else:
            entries.append(("correct" if len(corrects) == 1 else f"correct{i + 1}", e, "", 1.0))
    entries += [(w.name, w.expr, w.feedback, w.credit) for w in d.wrong]
    if len({e[0] for e in entries}) != len(entries):
        raise QuestionError(f"{q.id}: two options have the same name")
    entries = [(n, render_statement(q, e, context) if isinstance(e, str) else e, f, cr) for n, e, f, cr in entries]
    options = _options(c, pvals, tex_plugged, plain_plugged, verifier, shuffle_seed, entries)
    if isinstance(options, str):
        return None, None, None, options
    verifier.choice(tuple(e.expr if isinstance(e, Right) else e for e in corrects))
    by_name = {e[0]: e for e in entries}
    wrongs, correct_labels, explain = [], [], {}
    for o in options:
        _, _, feedback, credit = by_name[o.name]
        if o.name.startswith("correct"):
            correct_labels.append(o.label)
            if feedback:
                explain[o.label] = feedback
        else:
            wrongs.append(KnownWrong(o.name, feedback, credit, choice=o.label))
    answer = {
        "choices": [{"label": o.label, "text": o.text} for o in options],
        "correct": correct_labels,
        "multiple": spec.multiple,
    }
    if explain:
        answer["explain"] = explain
    answer_latex = ", ".join(correct_labels)
    return answer, answer_latex, options, wrongs


def _components(q: Question, expr: Any, what: str) -> tuple[Any, ...]:
    if isinstance(expr, sp.MatrixBase):
        return tuple(expr)
    if isinstance(expr, (tuple, list)):
        return tuple(expr)
    raise QuestionError(f"{q.id}: {what} of a Vector question must be a tuple or a Matrix, not {type(expr).__name__}")


def _vector(q, c, d, pvals, inst, tex_plugged, plain_plugged, verifier, shuffle_seed, context):
    """A tuple of numbers or expressions, each component verified against check()."""
    spec: Vector = q.answer
    comps = _components(q, d.answer, "the answer")
    n = len(comps)
    if not 2 <= n <= 12:
        raise QuestionError(f"{q.id}: a Vector answer has 2 to 12 components, not {n}")
    wrong_comps = []
    for w in d.wrong:
        wc = _components(q, w.expr, f"wrong answer '{w.name}'")
        if len(wc) != n:
            raise QuestionError(f"{q.id}: wrong answer '{w.name}' has {len(wc)} components, the answer {n}")
        wrong_comps.append((w, wc))
    if not spec.symbols:
        values = [c.value(e, pvals) for e in comps]
        if not all(math.isfinite(v) for v in values):
            return f"the answer is not finite ({values})"
        scale = max(abs(v) for v in values)
        values = [_exactly(c, e, v, pvals, scale) for e, v in zip(comps, values)]
        verifier.vector_numeric(values)
        tol = [max(spec.atol, spec.rtol * abs(v)) * 10 for v in values]
        seen = [values]
        wrongs = []
        for w, wc in wrong_comps:
            wv = [_exactly(c, e, c.value(e, pvals), pvals, scale) for e in wc]
            if not all(math.isfinite(v) for v in wv):
                return f"misconception '{w.name}' is not finite here"
            if any(all(abs(a - b) <= t for a, b, t in zip(wv, other, tol)) for other in seen):
                return f"misconception '{w.name}' gives the answer or another misconception here"
            if all(abs(a) <= 2 * max(spec.atol, spec.rtol * abs(a)) for a in wv):
                return f"misconception '{w.name}' gives the zero vector here, which a student may type for other reasons"
            seen.append(wv)
            wrongs.append(KnownWrong(w.name, w.feedback, w.credit, values=tuple(wv)))
        answer = {"values": values,
                  "rtol": spec.rtol, "atol": spec.atol, "sigfigs": spec.sigfigs}
        answer_latex = "\\left(" + ",\\ ".join(formulas.fmt_number(v, spec.shown_digits) for v in values) + "\\right)"
    else:
        verifier.vector_symbolic(comps)
        for w, wc in wrong_comps:
            if not verifier.vector_differs(comps, wc):
                return f"misconception '{w.name}' coincides with the answer here"
        for i, (w, wc) in enumerate(wrong_comps):
            for w2, wc2 in wrong_comps[:i]:
                if not verifier.vector_differs(wc, wc2):
                    return f"misconceptions '{w2.name}' and '{w.name}' coincide here"
        wrongs = [KnownWrong(w.name, w.feedback, w.credit, expressions=tuple(formulas.plain(inst(e)) for e in wc))
                  for w, wc in wrong_comps]
        answer = {"expressions": [formulas.plain(inst(e)) for e in comps], "symbols": dict(spec.symbols)}
        answer_latex = "\\left(" + ",\\ ".join(sp.latex(inst(e), symbol_names=dict(c.latex_names), order="none") for e in comps) + "\\right)"
    return answer, answer_latex, (), wrongs


def _truefalse(q, c, d, pvals, inst, tex_plugged, plain_plugged, verifier, shuffle_seed, context):
    """True or false for these numbers (a derived relation) and the reason, chosen among options."""
    spec: TrueFalse = q.answer
    claim = d.answer
    if not isinstance(claim, Claim):
        raise QuestionError(f"{q.id}: a TrueFalse question's derive() must return answer=Claim(truth, reason)")
    if not 0 <= spec.truth_credit <= 1:
        raise QuestionError(f"{q.id}: truth_credit must be between 0 and 1")
    truth = claim.truth
    if not isinstance(truth, bool):
        rel = inst(truth)
        if isinstance(rel, sp.core.relational.Relational):
            gap = c.value(truth.lhs - truth.rhs, pvals)
            scale = max(abs(c.value(truth.lhs, pvals)), abs(c.value(truth.rhs, pvals)), 1e-12)
            if not math.isfinite(gap) or abs(gap) <= 1e-9 * scale:
                return "the statement is on the borderline between true and false here"
        try:
            truth = bool(rel)
        except TypeError:
            raise QuestionError(f"{q.id}: the claim's truth {truth} cannot be decided for {dict(pvals)}") from None
    entries = [("correct", claim.reason, "", 1.0)] + [(w.name, w.expr, w.feedback, w.credit) for w in d.wrong]
    if len({e[0] for e in entries}) != len(entries):
        raise QuestionError(f"{q.id}: two reasons have the same name")
    entries = [(n, render_statement(q, e, context) if isinstance(e, str) else e, f, cr) for n, e, f, cr in entries]
    options = _options(c, pvals, tex_plugged, plain_plugged, verifier, shuffle_seed, entries)
    if isinstance(options, str):
        return options
    if spec.reason_prefix:
        options = tuple(o if not o.expression else Option(o.label, o.name, f"${spec.reason_prefix}{o.text[1:]}", o.expression)
                        for o in options)
    verifier.claim(truth, None if isinstance(claim.reason, str) else claim.reason)
    if spec.premise is not None and not spec.premise({k: _fraction(v) for k, v in context.items() if k != "values"}):
        raise QuestionError(f"{q.id}: the keyed reason's premise does not hold for parameters {dict(pvals)}")
    by_name = {e[0]: e for e in entries}
    correct = next(o.label for o in options if o.name == "correct")
    wrongs = [KnownWrong(o.name, by_name[o.name][2], by_name[o.name][3], choice=o.label)
              for o in options if o.name != "correct"]
    answer = {
        "value": truth,
        "reason": {"choices": [{"label": o.label, "text": o.text} for o in options], "correct": correct},
        "truth_credit": spec.truth_credit,
        "truth_feedback": claim.feedback or "",  # filled in by _rendered_feedback
    }
    answer_latex = f"{'True' if truth else 'False'}; reason {correct}"
    return answer, answer_latex, options, wrongs


def _order(q, c, d, pvals, inst, tex_plugged, plain_plugged, verifier, shuffle_seed, context):
    """The steps shuffled by the seed (never left in the right order); the key is their right order."""
    steps = d.answer
    if not isinstance(steps, (tuple, list)) or not all(isinstance(t, str) for t in steps) or not 4 <= len(steps) <= 6:
        raise QuestionError(f"{q.id}: an Order question's derive() must return answer= a tuple of 4 to 6 step texts")
    n = len(steps)
    texts = [render_statement(q, t, context) for t in steps]
    if len(set(texts)) != n:
        raise QuestionError(f"{q.id}: two steps have the same text")
    perm = sorted(range(n), key=lambda i: digest(shuffle_seed, "step", i))
    if perm == list(range(n)):  # shown in the right order: rotate, deterministically
        perm = perm[1:] + perm[:1]
    label_of = {orig: str(k + 1) for k, orig in enumerate(perm)}
    options = tuple(Option(str(k + 1), f"step{orig + 1}", texts[orig], "") for k, orig in enumerate(perm))
    correct = [label_of[i] for i in range(n)]
    right = _right_orders(q, n)
    verifier.values_dict(d.values)
    wrongs = []
    for w in d.wrong:
        idx = tuple(w.expr) if isinstance(w.expr, (tuple, list)) else None
        if idx is None or sorted(idx) != list(range(n)) or idx in right:
            raise QuestionError(f"{q.id}: wrong order '{w.name}' must be a tuple of the 0-based step indices 0..{n - 1}, "
                                "in an order other than the right ones")
        wrongs.append(KnownWrong(w.name, w.feedback, w.credit, order=tuple(label_of[i] for i in idx)))
    answer = {"items": [{"label": o.label, "text": o.text} for o in options], "correct": correct}
    if len(right) > 1:  # only then: keys of questions without commuting steps keep their bytes
        answer["also_correct"] = [[label_of[i] for i in order] for order in right[1:]]
    return answer, ", ".join(correct), options, wrongs


def _right_orders(q: Question, n: int) -> list[tuple[int, ...]]:
    """Every right order of ``n`` steps: the derivation's, then those its ``commute`` groups allow."""
    import itertools

    groups = q.answer.commute
    for g in groups:
        if len(g) < 2 or list(g) != list(range(g[0], g[0] + len(g))) or g[-1] >= n:
            raise QuestionError(f"{q.id}: Order(commute=...) groups must each list 2 or more neighbouring "
                                f"step indices from 0 to {n - 1}, in order, not {g}")
    if len({i for g in groups for i in g}) != sum(len(g) for g in groups):
        raise QuestionError(f"{q.id}: a step is in two Order(commute=...) groups")
    orders = [()]
    i = 0
    while i < n:
        group = next((g for g in groups if g[0] == i), (i,))
        orders = [o + p for o in orders for p in itertools.permutations(group)]
        i += len(group)
    return orders


def _manual(q, c, d, pvals, inst, tex_plugged, plain_plugged, verifier, shuffle_seed, context):
    """A model answer, a rubric and follow-up questions, for a person to grade."""
    spec: Manual = q.answer
    if not isinstance(d.answer, str) or not d.answer.strip():
        raise QuestionError(f"{q.id}: a Manual question's derive() must return answer= the model answer (text)")
    if not spec.rubric:
        raise QuestionError(f"{q.id}: a Manual question needs a rubric (the points an interviewer listens for)")
    verifier.values_dict(d.values)
    answer = {"model_answer": d.answer, "rubric": list(spec.rubric), "followups": list(spec.followups)}  # see _rendered_feedback
    if d.wrong:
        raise QuestionError(f"{q.id}: a Manual question has no wrong answers to list (put them in the rubric)")
    return answer, "", (), []


#: The texts of a key's answer that a student or a grader reads, filled in like the statement.
_ANSWER_TEXTS = ("truth_feedback", "model_answer")
_ANSWER_LISTS = ("rubric", "followups")


def _rendered_feedback(q: Question, context: Mapping[str, Any], answer: Mapping[str, Any],
                       wrongs: list[KnownWrong]) -> tuple[dict[str, Any], list[KnownWrong]]:
    """Every text of the feedback with the variant's numbers, through the statement's own path
    (:func:`render_statement`): each known wrong answer's feedback, the explanations of right
    options, the true/false explanation, a model answer and its rubric. They were stored as
    written, so a student read "Dividing by $T = {{ T }} > 0$"."""
    def fill(text: str) -> str:
        return render_statement(q, text, context) if text else text

    answer = dict(answer)
    for name in _ANSWER_TEXTS:
        if name in answer:
            answer[name] = fill(answer[name])
    for name in _ANSWER_LISTS:
        if name in answer:
            answer[name] = [fill(t) for t in answer[name]]
    if "explain" in answer:
        answer["explain"] = {label: fill(t) for label, t in answer["explain"].items()}
    return answer, [replace(w, feedback=fill(w.feedback)) for w in wrongs]


def _steps(q, c, d, pvals, inst, tex_plugged, plain_plugged, verifier, shuffle_seed, context):
    """A derivation graded line by line: its key and checks are built once (quizgen.generation.stepwise)."""
    built = _built(q, d, pvals, context)
    context["values"].update(start=built.start_latex, final=built.final_latex)
    answer = {**built.answer, "final": {**built.answer["final"],
                                        "description": render_statement(q, q.answer.final_description, context)}}
    wrongs = [KnownWrong(name, render_statement(q, feedback, context), credit, target=target)
              for name, feedback, credit, target in built.known_wrong]
    return answer, built.final_latex, (), wrongs


def _built(q: Question, d: Derivation, pvals: Mapping[str, float], context: Mapping[str, Any]):
    """The derivation key for these parameter values (expressions are templates like the statement)."""
    from quizgen.generation.stepwise import build, texts

    return build(q, texts(q, d.answer, tuple(d.wrong), lambda text: render_statement(q, text, context), pvals))


#: How a step's kind is named in the solutions
KIND_NAMES = {"equal": "Equal", "same_minimiser": "Same minimiser", "monotone": "Monotone transform"}


def _model_steps(q: Question, d: Derivation, pvals: Mapping[str, float],
                 context: Mapping[str, Any]) -> tuple[SolutionStep, ...]:
    built = _built(q, d, pvals, context)
    out = [SolutionStep(render_statement(q, "Start from the objective.", context), built.start_latex)]
    for s in built.model:
        kind = KIND_NAMES[s.kind] + (f" ({s.transform})" if s.kind == "monotone" and s.transform in ("log", "exp") else "")
        text = f"**{kind}.**" + (" " + render_statement(q, s.why, context) if s.why else "")
        out.append(SolutionStep(text, s.latex))
    return tuple(out)


_FRACTION = re.compile(r"(?:^|= )\\frac\{(\d+)\}\{(\d+)\}$")


def _reduced(latex: str) -> str:
    """A formula that ends in a fraction of whole numbers, ``\\frac{6}{16}``, followed by its lowest terms."""
    m = _FRACTION.search(latex)
    if m is None:
        return latex
    a, b = int(m.group(1)), int(m.group(2))
    g = math.gcd(a, b)
    if g <= 1:
        return latex
    return latex + (f" = {a // g}" if b == g else f" = \\frac{{{a // g}}}{{{b // g}}}")


#: Answers a student may type without computing anything: a listed mistake must not be one of them
#: (unless the mistake *is* the belief that the answer is that constant, e.g. "a density is at most 1").
TRIVIAL = (0.0, 1.0, -1.0)


def _constant(expr: Any) -> bool:
    """Whether a derived expression is the same number for every variant (no symbol in it); a
    sentence, an order or a derivation's line is not an expression."""
    if isinstance(expr, (str, tuple, list)):
        return False
    try:
        return not sp.sympify(expr).free_symbols
    except (sp.SympifyError, TypeError, AttributeError):
        return False


def _exactly(c: Compiled, expr: Any, value: float, pvals: Mapping[str, float], scale: float) -> float:
    """``value``, or 0.0 when it is rounding noise around an exact 0 (``0.67 - 0.65 - 0.02`` gives
    2.8e-17 in floats): a value below 1e-9 of ``scale`` is decided exactly, with the parameters as
    the exact decimals they were drawn as (a float's repr is that decimal)."""
    if value == 0 or not math.isfinite(value) or abs(value) >= 1e-9 * max(scale, 1e-300):
        return value
    exact = sp.sympify(expr).xreplace({s: sp.Rational(repr(pvals[s.name])) for s in c.params})
    zero = exact.is_zero
    if zero is None:  # SymPy cannot decide it symbolically (exp, log): 60 digits can
        zero = abs(sp.N(exact, 60)) < sp.Float("1e-45")
    return 0.0 if zero else value


def _show(c: Compiled, expr: Any, pvals: Mapping[str, float], tex_plugged) -> str:
    """A derived value or an option as shown: a number to 4 significant figures, else a formula."""
    if isinstance(expr, str):
        return expr
    key = ("number?", expr)
    number = c._functions.get(key)
    if number is None:  # whether it has no symbol but the parameters: the same for every variant
        number = c._functions[key] = not (sp.sympify(expr).free_symbols - set(c.params))
    if number:
        value = _exactly(c, expr, c.value(expr, pvals), pvals, 1.0)  # rounding noise around an exact 0 is 0
        return formulas.fmt_number(value, 4)
    return tex_plugged(sp.sympify(expr))


# ---------------------------------------------------------------- statements
_ENV = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)


def _plural(word: str, count: Any, plural: str | None = None) -> str:
    """``{{ "picture" | plural(n) }}``: the word as it goes after the count ``n`` (1 picture, 2 pictures)."""
    return word if Fraction(str(count)) == 1 else (plural or word + "s")


_ENV.filters["plural"] = _plural


@functools.lru_cache(maxsize=4096)
def _statement_template(text: str):
    return _ENV.from_string(text)


def render_statement(q: Question, text: str, context: Mapping[str, Any]) -> str:
    """Fill a question's text with a variant's numbers (sandboxed: question text is just text)."""
    try:
        return _statement_template(text).render(**context).strip()
    except TemplateError as err:
        raise QuestionError(f"{q.id}: its text does not render: {err}") from None
