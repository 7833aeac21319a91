"""Question text and formulas for a terminal, in Unicode.

Question text is Markdown with ``$math$``; formulas are LaTeX written by quizgen itself (question
files and SymPy's printer), never by a student. :func:`latex_to_unicode` writes a formula on one
line the way a person would type it (``S/(2σ²)``, ``log(pₖ/qₖ)``), adding parentheses wherever a
fraction, power or function argument would otherwise be ambiguous.
(Web pages use :mod:`quizgen.export.markup` for HTML with MathML.)
"""

from __future__ import annotations

import functools
import re
import textwrap
import unicodedata

MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$)", re.S)

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
_SYMBOLS = {
    "sum": "∑", "prod": "∏", "int": "∫", "sim": "∼", "mid": "|", "|": "‖", "cdot": "·",
    "times": "×", "approx": "≈", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠",
    "neq": "≠", "infty": "∞", "partial": "∂", "nabla": "∇", "to": "→", "rightarrow": "→",
    "in": "∈", "ldots": "…", "dots": "…", "cdots": "⋯", "pm": "±", "propto": "∝",
    "equiv": "≡", "{": "{", "}": "}", "%": "%", "_": "_", "&": "&", "#": "#", "$": "$",
    "lbrace": "{", "rbrace": "}", "langle": "⟨", "rangle": "⟩", "ell": "ℓ", "star": "⋆",
    "top": "⊤", "prime": "′", "setminus": "∖", "cup": "∪", "cap": "∩", "forall": "∀",
    "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "colon": ":", "vert": "|",
    "Vert": "‖", "lvert": "|", "rvert": "|",
}
_FUNCS = {"log", "ln", "exp", "sin", "cos", "tan", "tanh", "max", "min", "arg", "argmax",
          "argmin", "det", "lim", "sup", "inf", "Pr", "sinh", "cosh", "sec", "csc", "cot"}
_SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "  ", "qquad": "   ",
           "enspace": " ", "thinspace": " "}
_SKIP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
         "biggl", "biggr", "Biggl", "Biggr", "displaystyle", "textstyle", "limits", "nolimits"}
_WRAPPERS = {"mathrm", "text", "textrm", "operatorname", "mathit", "mathbf", "boldsymbol",
             "textbf", "textit", "mathsf", "mathtt", "texttt", "mbox"}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
            "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7"}
_CAL = {"A": "𝒜", "B": "ℬ", "C": "𝒞", "D": "𝒟", "E": "ℰ", "F": "ℱ", "G": "𝒢", "H": "ℋ",
        "L": "ℒ", "M": "ℳ", "N": "𝒩", "O": "𝒪", "P": "𝒫", "R": "ℛ", "S": "𝒮", "X": "𝒳", "Y": "𝒴"}
_SUP = dict(zip("0123456789+-=()nikmTx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵏᵐᵀˣ"))
_SUB = dict(zip("0123456789+-=()aeijkmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₘₙₒₚᵣₛₜᵤᵥₓ"))
_TOKEN = re.compile(r"\\([A-Za-z]+)\*?|\\(.)|([{}^_])|(\s+)|(.)", re.S)


def _tokens(latex: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(latex):
        if m.group(1) is not None:
            out.append(("cmd", m.group(1)))
        elif m.group(2) is not None:
            out.append(("cmd", m.group(2)))
        elif m.group(3) is not None:
            out.append((m.group(3), m.group(3)))
        elif m.group(4) is not None:
            out.append(("space", " "))
        else:
            out.append(("char", m.group(5)))
    return out


_SCRIPTS = re.compile(r"[\u0300-\u036f\u20d7⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ₀-₎ₐ-ₜᵢⱼᵣᵤᵥ′]*$")


def _compound(text: str) -> bool:
    """Does ``text`` need parentheses as a numerator, denominator, base or exponent? Everything
    but a number, one letter or a bracketed group (each with scripts or accents), or f(...)."""
    t = _SCRIPTS.sub("", text.strip())
    if re.fullmatch(r"[0-9.]+|\w|[𝒜-𝒵ℬ-ℳ]", t):
        return False
    m = re.fullmatch(r"(?:\w+ ?)?\((.*)\)", t, re.S)
    if m and _balanced(m.group(1)):
        return False
    return len(t) > 0


def _balanced(t: str) -> bool:
    depth = 0
    for ch in t:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _paren(text: str) -> str:
    return f"({text.strip()})" if _compound(text) else text.strip()


class _Converter:
    def __init__(self, latex: str):
        self.toks = _tokens(latex)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def arg(self) -> str:
        """One argument: a {group}, a command or a single character."""
        while self.peek() and self.peek()[0] == "space":
            self.i += 1
        tok = self.peek()
        if tok is None:
            return ""
        if tok[0] == "{":
            self.i += 1
            return self.run(stop="}")
        self.i += 1
        if tok[0] == "cmd":
            return self.command(tok[1])
        return tok[1]

    def script(self, table: dict[str, str], mark: str) -> str:
        body = self.arg().strip()
        if body and all(ch in table for ch in body):
            return "".join(table[ch] for ch in body)
        if mark == "^" and body == "′":
            return "′"
        return mark + (_paren(body) if len(body) > 1 else body)

    def command(self, name: str) -> str:
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num, den = self.arg(), self.arg()
            return f"{_paren(num)}/{_paren(den)}"
        if name == "sqrt":
            index = ""
            if self.peek() == ("char", "["):
                self.i += 1
                parts = []
                while self.peek() and self.peek() != ("char", "]"):
                    parts.append(self.peek()[1])
                    self.i += 1
                self.i += 1
                index = "".join(_SUP.get(ch, ch) for ch in "".join(parts).strip())
            body = self.arg()
            return f"{index}√{_paren(body)}"
        if name in _ACCENTS:
            body = self.arg()
            return body + _ACCENTS[name] if len(body) == 1 else f"{body}{_ACCENTS[name]}"
        if name == "mathcal" or name == "mathscr":
            body = self.arg()
            return "".join(_CAL.get(ch, ch) for ch in body)
        if name == "mathbb":
            body = self.arg()
            return {"R": "ℝ", "E": "𝔼", "N": "ℕ", "Z": "ℤ", "P": "ℙ"}.get(body, body)
        if name in _WRAPPERS:
            return self.arg()
        if name in _GREEK:
            return _GREEK[name]
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if name in _FUNCS:
            return " " + name + " "
        if name in _SPACES:
            return _SPACES[name]
        if name in _SKIP:
            nxt = self.peek()
            if nxt and nxt[0] == "char" and nxt[1] == ".":  # \left. is an invisible delimiter
                self.i += 1
            return ""
        return name  # an unknown command: its name is the most honest rendering

    def run(self, stop: str | None = None) -> str:
        out: list[str] = []
        while self.i < len(self.toks):
            kind, value = self.toks[self.i]
            self.i += 1
            if stop and kind == stop:
                break
            if kind == "{":
                out.append(self.run(stop="}"))
            elif kind == "^":
                if out and _compound(out[-1]) and not out[-1].endswith(")"):
                    out[-1] = _paren(out[-1])
                out.append(self.script(_SUP, "^"))
            elif kind == "_":
                out.append(self.script(_SUB, "_"))
            elif kind == "cmd":
                text = self.command(value)
                before = "".join(out).rstrip().rsplit(" ", 1)[-1]
                nxt = self.peek()
                glued = nxt is not None and nxt[0] in ("cmd", "char", "{") and nxt[1] not in "+-=,)]}.|"
                if value in ("frac", "dfrac", "tfrac") and (before in _FUNCS or glued):
                    text = f"({text})"  # log(p/q), not log p/q; (1/m)∑, not 1/m∑
                out.append(text)
            elif kind == "space":
                out.append(" ")
            elif kind == "char" and value == "~":
                out.append(" ")
            else:
                out.append({"-": "−", "*": "·"}.get(value, value) if kind == "char" else value)
        return "".join(out)


@functools.lru_cache(maxsize=8192)
def latex_to_unicode(latex: str) -> str:
    """One line of Unicode for a LaTeX formula (quizgen's own, not a student's)."""
    text = _Converter(latex).run()
    text = re.sub(r"[ \t]+", " ", text).strip()
    text = re.sub(r"(\w) \(", r"\1(", text)  # log (x) -> log(x)
    text = re.sub(r"\( ", "(", text)
    text = re.sub(r" \)", ")", text)
    return unicodedata.normalize("NFC", text)


_ARRAY = re.compile(r"\\begin\{(?:array|tabular)\}\{[^}]*\}(.*?)\\end\{(?:array|tabular)\}", re.S)


def array_to_unicode(latex: str) -> str | None:
    """A LaTeX ``array`` (a data table) as aligned text rows, or None if ``latex`` holds none."""
    m = _ARRAY.search(latex)
    if not m:
        return None
    rows: list[list[str] | None] = []
    for raw in re.split(r"\\\\", m.group(1)):
        if "\\hline" in raw:
            rows.append(None)
            raw = raw.replace("\\hline", "")
        if raw.strip():
            rows.append([latex_to_unicode(cell.strip()) for cell in raw.split("&")])
    cells = [r for r in rows if r is not None]
    if not cells:
        return None
    ncol = max(len(r) for r in cells)
    widths = [max(len(r[i]) if i < len(r) else 0 for r in cells) for i in range(ncol)]
    lines = []
    for r in rows:
        if r is None:
            lines.append("─┼─".join("─" * w for w in widths))
        else:
            lines.append(" │ ".join((r[i] if i < len(r) else "").ljust(widths[i]) for i in range(ncol)).rstrip())
    return "\n".join(lines)


def markdown_to_unicode(text: str) -> str:
    """Question text with each ``$math$`` in Unicode and Markdown marks (`code`, **bold**) removed."""
    out = []
    for i, part in enumerate(MATH.split(text)):
        if i % 2:
            display = part.startswith("$$")
            table = array_to_unicode(part) if display else None
            if table is not None:
                out.append("\n\n" + "\n".join("    " + line for line in table.splitlines()) + "\n\n")
                continue
            math = latex_to_unicode(part[2:-2] if display else part[1:-1])
            # no-break spaces: a formula is not split across lines when the text is wrapped
            out.append(f"\n\n    {math}\n\n" if display else math.replace(" ", "\u00a0"))
        else:
            part = re.sub(r"`([^`]*)`", r"\1", part)
            part = re.sub(r"\*\*(.+?)\*\*", r"\1", part)
            out.append(part)
    return "".join(out)


def wrap_paragraphs(text: str, width: int = 78, indent: str = "") -> str:
    """Fill each paragraph of ``text`` to ``width`` columns; indented lines (display math) stay."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    filled = []
    for p in paragraphs:
        if p.startswith("    "):
            filled.append("\n".join(indent + line for line in p.splitlines()))
        else:
            filled.append(textwrap.fill(" ".join(p.split()), width, initial_indent=indent,
                                        subsequent_indent=indent, break_on_hyphens=False))
    return "\n\n".join(filled)
