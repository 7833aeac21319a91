"""How a typed answer was read, shown back to the learner before it is judged.

This is the thin adapter ``quizgen practice`` and ``quizgen serve`` use: it runs the grader's own
parser (:mod:`quizgen.grading.parse`; nothing is evaluated as code) in the context of a key entry,
and prints the resulting tree as one line of Unicode (``(y − ŷ)²/18``) and as MathML. When the
grading package offers a public ``show`` it is preferred (see :func:`read_answer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping

from quizgen.grading.nodes import Add, Call, Const, Div, Mul, Neg, Node, Num, Pow, Sym

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lam": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "rho": "ρ",
    "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
}
_GREEK_TEX = {**{k: "\\" + k for k in _GREEK}, "lam": r"\lambda", "epsilon": r"\varepsilon"}
_SUP = dict(zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
_SUB = dict(zip("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
_ACCENT = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}
_PREC = {"add": 1, "mul": 2, "neg": 3, "pow": 4, "atom": 5}


@dataclass(frozen=True)
class Reading:
    """How an answer was read. ``ok`` False: it could not be read; ``message`` says why and how
    to write it. ``text`` is one line of Unicode, ``mathml`` a ``<math>`` element (or "")."""

    ok: bool
    text: str = ""
    mathml: str = ""
    message: str = ""
    value: float | None = None  # numeric answers: the number it evaluates to
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "text": self.text, "mathml": self.mathml, "message": self.message,
                "value": self.value, "unit": self.unit}


# ------------------------------------------------------------------ node -> Unicode / LaTeX
def _sym_unicode(name: str) -> str:
    base, _, accent = name.rpartition("_")
    if base and accent in _ACCENT:
        return _sym_unicode(base) + _ACCENT[accent]
    base, _, sub = name.partition("_")
    shown = _GREEK.get(base, base)
    if sub:
        shown += "".join(_SUB[c] for c in sub) if sub.isdigit() else "_" + sub
    return shown


def _sym_tex(name: str) -> str:
    base, _, accent = name.rpartition("_")
    if base and accent in _ACCENT:
        return f"\\{accent}{{{_sym_tex(base)}}}"
    base, _, sub = name.partition("_")
    shown = _GREEK_TEX.get(base, base if len(base) == 1 else f"\\mathit{{{base}}}")
    return shown + (f"_{{{sub}}}" if sub else "")


def _num_text(n: Num) -> str:
    v: Fraction = n.value
    if n.decimal:
        text = repr(float(v))
        return text[:-2] if text.endswith(".0") else text
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def to_unicode(node: Node) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", _u(node)[0])


def _wrap_u(node: Node, prec: int) -> str:
    text, p = _u(node)
    return text if p >= prec else f"({text})"


def _u(node: Node) -> tuple[str, int]:
    if isinstance(node, Num):
        text = _num_text(node)
        return (f"({text})", _PREC["atom"]) if "/" in text or text.startswith("-") else (text, _PREC["atom"])
    if isinstance(node, Sym):
        return _sym_unicode(node.name), _PREC["atom"]
    if isinstance(node, Const):
        return ("π" if node.name == "pi" else "e"), _PREC["atom"]
    if isinstance(node, Call):
        args = ", ".join(_u(a)[0] for a in node.args)
        if node.fname == "abs":
            return f"|{args}|", _PREC["atom"]
        if node.fname == "sqrt":
            return f"√({args})", _PREC["atom"]
        return f"{node.fname}({args})", _PREC["atom"]
    if isinstance(node, Add):
        parts = []
        for i, term in enumerate(node.terms):
            if isinstance(term, Neg):
                parts.append(("−" if i == 0 else " − ") + _wrap_u(term.arg, _PREC["mul"]))
            else:
                parts.append(("" if i == 0 else " + ") + _wrap_u(term, _PREC["add"] + 1))
        return "".join(parts), _PREC["add"]
    if isinstance(node, Mul):
        # (1/2)·x, never 1/2·x: a reader must not have to know that / and · bind alike
        return "·".join(_wrap_u(f, _PREC["mul"] + (isinstance(f, Div))) for f in node.factors), _PREC["mul"]
    if isinstance(node, Div):
        return f"{_wrap_u(node.num, _PREC['mul'] + 1)}/{_wrap_u(node.den, _PREC['mul'] + 1)}", _PREC["mul"]
    if isinstance(node, Neg):
        return "−" + _wrap_u(node.arg, _PREC["pow"]), _PREC["neg"]
    if isinstance(node, Pow):
        base = _wrap_u(node.base, _PREC["pow"] + 1)
        exp = _u(node.exp)[0]
        if isinstance(node.exp, (Num, Neg)) and exp and all(c in _SUP for c in exp.replace("−", "-")):
            return base + "".join(_SUP[c] for c in exp.replace("−", "-")), _PREC["pow"]
        return f"{base}^{_wrap_u(node.exp, _PREC['atom'])}", _PREC["pow"]
    raise TypeError(f"not a node: {node!r}")


def to_latex(node: Node) -> str:
    return _t(node)[0]


def _wrap_t(node: Node, prec: int) -> str:
    text, p = _t(node)
    return text if p >= prec else f"\\left({text}\\right)"


_FUNC_TEX = {"log": r"\log", "ln": r"\ln", "exp": r"\exp", "sin": r"\sin", "cos": r"\cos",
             "tan": r"\tan", "tanh": r"\tanh", "sinh": r"\sinh", "cosh": r"\cosh"}


def _t(node: Node) -> tuple[str, int]:
    if isinstance(node, Num):
        text = _num_text(node)
        if "/" in text:
            n, d = text.split("/")
            return f"\\frac{{{n}}}{{{d}}}", _PREC["atom"]
        return text, _PREC["atom"]
    if isinstance(node, Sym):
        return _sym_tex(node.name), _PREC["atom"]
    if isinstance(node, Const):
        return (r"\pi" if node.name == "pi" else "e"), _PREC["atom"]
    if isinstance(node, Call):
        args = ", ".join(_t(a)[0] for a in node.args)
        if node.fname == "abs":
            return f"\\left|{args}\\right|", _PREC["atom"]
        if node.fname == "sqrt":
            return f"\\sqrt{{{args}}}", _PREC["atom"]
        name = _FUNC_TEX.get(node.fname, f"\\operatorname{{{node.fname}}}")
        return f"{name}\\left({args}\\right)", _PREC["atom"]
    if isinstance(node, Add):
        parts = []
        for i, term in enumerate(node.terms):
            if isinstance(term, Neg):
                parts.append(("-" if i == 0 else " - ") + _wrap_t(term.arg, _PREC["mul"]))
            else:
                parts.append(("" if i == 0 else " + ") + _wrap_t(term, _PREC["add"] + 1))
        return "".join(parts), _PREC["add"]
    if isinstance(node, Mul):
        return r" \cdot ".join(_wrap_t(f, _PREC["mul"]) for f in node.factors), _PREC["mul"]
    if isinstance(node, Div):
        return f"\\frac{{{_t(node.num)[0]}}}{{{_t(node.den)[0]}}}", _PREC["atom"]
    if isinstance(node, Neg):
        return "-" + _wrap_t(node.arg, _PREC["pow"]), _PREC["neg"]
    if isinstance(node, Pow):
        return f"{{{_wrap_t(node.base, _PREC['pow'] + 1)}}}^{{{_t(node.exp)[0]}}}", _PREC["pow"]
    raise TypeError(f"not a node: {node!r}")


# ------------------------------------------------------------------ reading an answer
def _mathml(latex: str) -> str:
    from quizgen.mathtext import latex_to_mathml

    return latex_to_mathml(latex)


def read_answer(question: Mapping[str, Any], text: str) -> Reading:
    """How ``text`` is read as an answer to ``question`` (a key.json question entry).

    Uses exactly the parser and the context (declared symbols) the grader uses, so what is shown
    is what will be graded. Never raises for any student text.
    """
    from quizgen.grading.choice import ChoiceError, parse_selection
    from quizgen.grading.limits import DEFAULT_LIMITS, LimitExceeded
    from quizgen.grading.parse import Context, ParseError, check_text, make_context, parse

    if not isinstance(text, str) or not text.strip():
        return Reading(False, message="Type an answer.")
    text = text.strip()
    kind = question.get("type")
    answer = question.get("answer") or {}
    try:
        check_text(text, DEFAULT_LIMITS)
        if kind in ("choice", "truefalse"):
            if kind == "truefalse":
                from quizgen.grading.choice import parse_truefalse

                shown = "true" if parse_truefalse(text) else "false"
                return Reading(True, shown, _mathml(rf"\text{{{shown}}}"))
            labels = [str(c["label"]) for c in answer.get("choices", [])]
            chosen = sorted(parse_selection(text, labels), key=labels.index)
            shown = ", ".join(chosen)
            return Reading(True, f"option{'s' if len(chosen) > 1 else ''} {shown}",
                           _mathml(rf"\text{{{shown}}}"))
        ctx = make_context(answer.get("symbols") or {}) if kind == "symbolic" else Context(frozenset())
        result = parse(text, ctx, DEFAULT_LIMITS)
        shown, latex = to_unicode(result.node), to_latex(result.node)
        value = None
        if kind == "numeric":
            from quizgen.grading.numeric import NotANumber, read_number

            try:
                value = read_number(text, DEFAULT_LIMITS, ctx)[0]
            except NotANumber:
                return Reading(False, shown, _mathml(latex),
                               "This has no real, finite value.", unit=result.unit)
        return Reading(True, shown, _mathml(latex), value=value, unit=result.unit)
    except ParseError as err:
        return Reading(False, message=err.message)
    except (LimitExceeded, ChoiceError) as err:
        return Reading(False, message=str(err)[:1].upper() + str(err)[1:] + ".")
    except RecursionError:
        return Reading(False, message="The answer is nested too deeply.")
