"""How an answer was read: our AST printed back as Unicode text, LaTeX and MathML.

Public entry point: :func:`show` (re-exported as ``quizgen.grading.show``). It parses with the same
safe parser the grader uses, so "how we read your answer" is exactly what was graded. Nothing is
evaluated; printing walks our own tree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping

from quizgen.maths.nodes import Add, BigOp, Call, Const, Deriv, Div, Mul, Neg, Node, Num, Pow, Sym

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lam": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω",
}
_LATEX_GREEK = {name: "\\" + ("lambda" if name == "lam" else name) for name in _GREEK}
_SUP = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

#: How a canonical function name is shown (Unicode, LaTeX)
_FUNC_SHOW: dict[str, tuple[str, str]] = {
    "log": ("ln", "\\ln"), "log2": ("log₂", "\\log_{2}"), "log10": ("log₁₀", "\\log_{10}"),
    "exp": ("exp", "\\exp"), "sin": ("sin", "\\sin"), "cos": ("cos", "\\cos"),
    "tan": ("tan", "\\tan"), "sinh": ("sinh", "\\sinh"), "cosh": ("cosh", "\\cosh"),
    "tanh": ("tanh", "\\tanh"), "sigmoid": ("σ", "\\sigma"), "max": ("max", "\\max"),
    "min": ("min", "\\min"), "sec": ("sec", "\\sec"), "csc": ("csc", "\\csc"),
    "cot": ("cot", "\\cot"), "asin": ("arcsin", "\\arcsin"), "acos": ("arccos", "\\arccos"),
    "atan": ("arctan", "\\arctan"), "coth": ("coth", "\\coth"),
    "acot": ("arccot", "\\operatorname{arccot}"), "asec": ("arcsec", "\\operatorname{arcsec}"),
    "acsc": ("arccsc", "\\operatorname{arccsc}"),
}


@dataclass(frozen=True)
class Reading:
    """How one answer text was read.

    ``ok`` is False when the text could not be read; then ``error`` is the student-facing message
    (with a caret line) and the other renderings are empty. ``plain`` is canonical plain syntax
    (``**``), ``unicode`` a one-line pretty form (``(y − ŷ)²/(2σ²)``), ``latex`` a LaTeX string and
    ``mathml`` a ``<math>`` element. ``notes`` are remarks on the reading (e.g. how ``a/bc`` was
    read).
    """

    text: str
    ok: bool
    plain: str = ""
    unicode: str = ""
    latex: str = ""
    mathml: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    error: str | None = None


def show(answer_text: str, symbols: Mapping[str, str] | Iterable[str] | None = None, *,
         decimal_comma: bool | None = None) -> Reading:
    """How ``answer_text`` is read in the context of the declared ``symbols`` (names, or a
    name -> domain map as in key.json). Never raises: an unreadable answer gives a
    :class:`Reading` with ``ok=False`` and ``error`` set. ``decimal_comma``: as the key's setting
    (None: the default rule)."""
    from quizgen.maths.limits import LimitExceeded
    from quizgen.maths.parse import ParseError, make_context, parse

    text = answer_text if isinstance(answer_text, str) else str(answer_text)
    try:
        ctx = make_context(symbols)
        if decimal_comma is not None:
            ctx = _with_decimal_comma(ctx, decimal_comma)
        result = parse(text.strip(), ctx)
    except ParseError as err:
        return Reading(text, False, error=err.message)
    except LimitExceeded as err:
        return Reading(text, False, error=str(err))
    except RecursionError:
        return Reading(text, False, error="the answer is nested too deeply")
    node = result.node
    latex = to_latex(node)
    return Reading(text, True, plain=_plain(node), unicode=to_unicode(node), latex=latex,
                   mathml=to_mathml(latex), notes=tuple(result.notes))


def _with_decimal_comma(ctx, decimal_comma: bool):  # type: ignore[no-untyped-def]
    import dataclasses

    if any(f.name == "decimal_comma" for f in dataclasses.fields(ctx)):
        return dataclasses.replace(ctx, decimal_comma=decimal_comma)
    return ctx


def _plain(node: Node) -> str:
    from quizgen.maths.nodes import to_text

    return to_text(node)


# --------------------------------------------------------------------------- Unicode

_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


def _sym_unicode(name: str) -> str:
    parts = name.split("_")
    head = _GREEK.get(parts[0], parts[0])
    rest = parts[1:]
    if rest and rest[0] == "hat" and len(head) == 1:
        head, rest = unicodedata.normalize("NFC", head + "\u0302"), rest[1:]
    for piece in rest:
        head += piece.translate(_SUB) if piece.isdigit() else "_" + piece
    return head


def _num_unicode(value: Fraction, decimal: bool) -> str:
    from quizgen.maths.nodes import _num_text

    text = _num_text(value, decimal)
    if "e" in text:
        mant, _, exp = text.partition("e")
        text = ("" if mant in ("1", "1.0") else mant + "·") + "10" + str(int(exp)).translate(_SUP)
    return text.replace("-", "−")


def to_unicode(node: Node) -> str:
    """A one-line Unicode rendering (``(y − ŷ)²/(2σ²)``, ``√(2π)``, ``ln(σ)``)."""
    return _uni(node)[0]


def _uwrap(node: Node, min_prec: int) -> str:
    text, prec = _uni(node)
    return text if prec >= min_prec else "(" + text + ")"


def _uni(node: Node) -> tuple[str, int]:
    if isinstance(node, Num):
        text = _num_unicode(node.value, node.decimal)
        if node.value < 0:
            return text, _NEG
        return text, (_MUL if "/" in text or "·" in text else _ATOM)
    if isinstance(node, Sym):
        return _sym_unicode(node.name), _ATOM
    if isinstance(node, Const):
        return ("π" if node.name == "pi" else "e"), _ATOM
    if isinstance(node, Call):
        args = ", ".join(_uni(a)[0] for a in node.args)
        if node.fname == "abs" and len(node.args) == 1:
            return "|" + args + "|", _ATOM
        if node.fname == "sqrt":
            return "√(" + args + ")", _ATOM
        if node.fname == "factorial":
            return _uwrap(node.args[0], _ATOM) + "!", _ATOM
        if node.fname == "log" and len(node.args) == 2:
            return f"log_{_uwrap(node.args[1], _ATOM)}({_uni(node.args[0])[0]})", _ATOM
        name = _FUNC_SHOW.get(node.fname, (node.fname, ""))[0]
        return name + "(" + args + ")", _ATOM
    if isinstance(node, Add):
        parts = []
        for i, term in enumerate(node.terms):
            if isinstance(term, Neg):
                text = _uwrap(term.arg, _MUL)
                parts.append(("−" if i == 0 else " − ") + text)
            elif isinstance(term, Num) and term.value < 0 and i > 0:
                parts.append(" − " + _num_unicode(-term.value, term.decimal))
            else:
                parts.append(("" if i == 0 else " + ") + _uwrap(term, _ADD + 1))
        return "".join(parts), _ADD
    if isinstance(node, Mul):
        out = ""
        for i, f in enumerate(node.factors):
            text = _uwrap(f, _MUL + 1) if i or isinstance(f, Div) else _uwrap(f, _MUL)
            if isinstance(f, BigOp):  # a sum's summand runs to the end of the product
                text = _uni(f)[0] if i == len(node.factors) - 1 else "(" + _uni(f)[0] + ")"
            if i and _needs_dot(out, text):
                out += "·"
            out += text
        return out, _MUL
    if isinstance(node, Div):
        num = "(" + _uni(node.num)[0] + ")" if isinstance(node.num, BigOp) else _uwrap(node.num, _MUL)
        return num + "/" + _uwrap(node.den, _MUL + 1), _MUL
    if isinstance(node, Neg):
        if isinstance(node.arg, BigOp):
            return "−" + _uni(node.arg)[0], _NEG
        return "−" + _uwrap(node.arg, _POW), _NEG
    if isinstance(node, Pow):
        base = _uwrap(node.base, _POW + 1)
        exp = node.exp
        if isinstance(exp, Num) and exp.value.denominator == 1 and not exp.decimal:
            return base + str(exp.value.numerator).translate(_SUP), _POW
        if isinstance(exp, Neg) and isinstance(exp.arg, Num) and exp.arg.value.denominator == 1:
            return base + ("-" + str(exp.arg.value.numerator)).translate(_SUP), _POW
        return base + "^" + _uwrap(exp, _ATOM), _POW
    if isinstance(node, BigOp):
        head = "Σ" if node.op == "sum" else "Π"
        if node.lower is None:
            head += "_" + node.index
        else:
            head += (f"_{{{node.index}={_uni(node.lower)[0]}}}^{{{_uni(node.upper)[0]}}}"  # type: ignore[arg-type]
                     .replace("{m}", "m"))
        body = _uni(node.body)[0]
        if node.op == "prod" and isinstance(node.body, (Mul, Div)) or _uni(node.body)[1] < _MUL:
            body = "(" + body + ")"  # Π_i (…): unambiguous when read back
        return head + " " + body, _MUL
    if isinstance(node, Deriv):
        return f"∂/∂{_sym_unicode(node.var)} (" + _uni(node.body)[0] + ")", _MUL
    raise TypeError(f"not a node: {node!r}")


def _needs_dot(left: str, right: str) -> bool:
    """Juxtaposition is clear unless two digits (or a digit and a number) would touch."""
    if not left or not right:
        return False
    a, b = left[-1], right[0]
    if b.isdigit() or b in "−.":
        return True
    if a.isdigit() and b.isdigit():
        return True
    if a.isalpha() and b.isalpha() and len(right) > 1 and right[1].isalpha():
        return True  # x·sin(x) rather than xsin(x)
    return False


# --------------------------------------------------------------------------- LaTeX

def _sym_latex(name: str) -> str:
    parts = name.split("_")
    head = _LATEX_GREEK.get(parts[0], parts[0] if len(parts[0]) == 1
                            else "\\mathrm{" + parts[0] + "}")
    rest = parts[1:]
    if rest and rest[0] == "hat":
        head, rest = "\\hat{" + head + "}", rest[1:]
    if rest:
        head += "_{" + ",".join(rest) + "}"
    return head


def _num_latex(value: Fraction, decimal: bool) -> tuple[str, int]:
    from quizgen.maths.nodes import _num_text

    if not decimal and value.denominator != 1:
        sign = "-" if value < 0 else ""
        return (f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}",
                _NEG if sign else _ATOM)
    text = _num_text(value, decimal)
    if "e" in text:
        mant, _, exp = text.partition("e")
        text = f"{mant} \\times 10^{{{int(exp)}}}"
        return text, _MUL
    return text, (_NEG if value < 0 else _ATOM)


def to_latex(node: Node) -> str:
    """A LaTeX rendering (``\\frac{(y - \\hat{y})^{2}}{2 \\sigma^{2}}``)."""
    return _tex(node)[0]


def _twrap(node: Node, min_prec: int) -> str:
    text, prec = _tex(node)
    return text if prec >= min_prec else _paren(text)


def _tex(node: Node) -> tuple[str, int]:
    if isinstance(node, Num):
        return _num_latex(node.value, node.decimal)
    if isinstance(node, Sym):
        return _sym_latex(node.name), _ATOM
    if isinstance(node, Const):
        return ("\\pi" if node.name == "pi" else "e"), _ATOM
    if isinstance(node, Call):
        args = ", ".join(_tex(a)[0] for a in node.args)
        if node.fname == "abs" and len(node.args) == 1:
            return "\\left|" + args + "\\right|", _ATOM
        if node.fname == "sqrt":
            return "\\sqrt{" + args + "}", _ATOM
        if node.fname == "factorial":
            return _twrap(node.args[0], _ATOM) + "!", _ATOM
        if node.fname == "log" and len(node.args) == 2:
            return (f"\\log_{{{_tex(node.args[1])[0]}}}" + _paren(_tex(node.args[0])[0]),
                    _ATOM)
        name = _FUNC_SHOW.get(node.fname, ("", "\\operatorname{" + node.fname + "}"))[1]
        return name + _paren(args), _ATOM
    if isinstance(node, Add):
        parts = []
        for i, term in enumerate(node.terms):
            if isinstance(term, Neg):
                parts.append(("-" if i == 0 else " - ") + _twrap(term.arg, _MUL))
            elif isinstance(term, Num) and term.value < 0 and i > 0:
                parts.append(" - " + _num_latex(-term.value, term.decimal)[0])
            else:
                parts.append(("" if i == 0 else " + ") + _twrap(term, _ADD + 1))
        return "".join(parts), _ADD
    if isinstance(node, Mul):
        out = []
        for i, f in enumerate(node.factors):
            text = _twrap(f, _MUL + 1) if i else _twrap(f, _MUL)
            if isinstance(f, BigOp):  # the summand runs to the end of the product
                text = _tex(f)[0] if i == len(node.factors) - 1 else _paren(_tex(f)[0])
            if i and (text[:1].isdigit() or text.startswith("-")):
                out.append("\\cdot")
            out.append(text)
        return " ".join(out), _MUL
    if isinstance(node, Div):
        return "\\frac{" + _tex(node.num)[0] + "}{" + _tex(node.den)[0] + "}", _ATOM
    if isinstance(node, Neg):
        if isinstance(node.arg, BigOp):
            return "-" + _tex(node.arg)[0], _NEG
        return "-" + _twrap(node.arg, _POW), _NEG
    if isinstance(node, Pow):
        return _twrap(node.base, _POW + 1) + "^{" + _tex(node.exp)[0] + "}", _POW
    if isinstance(node, BigOp):
        head = "\\sum" if node.op == "sum" else "\\prod"
        if node.lower is None:
            head += "_{" + node.index + "}"
        else:
            head += (f"_{{{node.index}={_tex(node.lower)[0]}}}"
                     f"^{{{_tex(node.upper)[0]}}}")  # type: ignore[arg-type]
        body = _tex(node.body)[0]
        if node.op == "prod" and isinstance(node.body, (Mul, Div)) or _tex(node.body)[1] < _MUL:
            body = "\\left(" + body + "\\right)"
        return head + " " + body, _MUL
    if isinstance(node, Deriv):
        return ("\\frac{\\partial}{\\partial " + _sym_latex(node.var) + "}" + _paren(_tex(node.body)[0]), _MUL)
    raise TypeError(f"not a node: {node!r}")


_TALL = ("\\frac", "\\sum", "\\prod", "\\sqrt", "^{", "_{")


def _paren(text: str) -> str:
    """Parentheses around ``text``: growing with it (``\\left(``) only around something taller than a
    line; a stretchy fence around a plain line is drawn with space inside it (``ln ( σ ( z ) )``
    in Chromium with Latin Modern Math)."""
    if any(t in text for t in _TALL):
        return "\\left(" + text + "\\right)"
    return "(" + text + ")"


def to_mathml(latex: str) -> str:
    """MathML for a LaTeX string we produced (latex2mathml); empty if it cannot convert."""
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - a runtime dependency
        return ""
    try:
        return convert(latex)
    except Exception:  # noqa: BLE001 - our own LaTeX; a converter gap must not break grading
        return ""
