"""Tokenizer and recursive-descent grammar for typed answers (plain, Unicode and LaTeX).

Nothing here evaluates anything: text becomes our own small AST (:mod:`quizgen.maths.nodes`).
The grammar, loosest binding first::

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/' | <implicit>) unary)*     # implicit: 2x, 2 sigma, (a+b)(a-b)
    unary   := ('-' | '+') unary | power
    power   := postfix ('^' | '**') unary                  # right-associative, 2^-1 allowed
    postfix := primary '!'*
    primary := number | name | func '(' args ')' | func power | '(' expr ')' | '|' expr '|'
             | \\frac{..}{..} | \\sqrt[n]{..}

Names are resolved against the question's declared symbols (see :func:`parse_answer`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, NamedTuple, TypeVar

from quizgen.maths.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from quizgen.maths.magnitude import check_magnitudes, number_in_range
from quizgen.maths.names import (
    CONSTANTS,
    FUNCTION_ALIASES,
    FUNCTIONS,
    GREEK_LETTERS,
    GREEK_NAMES,
    canonical_symbol,
)
from quizgen.maths.nodes import Add, BigOp, Call, Const, Deriv, Div, Mul, Neg, Node, Num, Pow, Sym


R = TypeVar("R")


def _isdigit(ch: str) -> bool:
    return "0" <= ch <= "9"


_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
#: a typed name: ASCII letters, then digits (``x1``, ``ln2``); digits: ASCII only, as _isdigit
_NAME = re.compile(r"[A-Za-z]+[0-9]*")
_DIGITS = re.compile(r"[0-9]*")


@functools.lru_cache(maxsize=1024)
def _literal(literal: str) -> tuple[Fraction, bool]:
    """The exact value of a decimal literal (``0.5``, ``1e-3``) and whether it is within the
    range :func:`check_magnitudes` accepts. Cached: answers repeat their numbers, and reading
    one was the dearest step of the lexer (a Fraction is immutable)."""
    value = Fraction(literal)
    return value, number_in_range(value)


class ParseError(Exception):
    """The answer is not an expression we can read. ``message`` includes a caret line."""

    def __init__(self, reason: str, text: str, column: int | None):
        self.reason = reason
        self.column = column
        self.text = text
        if column is None:
            message = reason
        else:
            # One line, one character per column: a newline or tab typed into the answer would
            # break the caret display (and, in a report, start a line of its own).
            flat = "".join(" " if ch in "\t\n\r\x0b\x0c\x85\u2028\u2029" else ch for ch in text)
            shown = flat if len(text) <= 120 else flat[max(0, column - 60): column + 60]
            offset = column if len(text) <= 120 else min(column, 60)
            message = f"{reason} (column {column + 1}):\n  {shown}\n  {' ' * offset}^"
        super().__init__(message)
        self.message = message


class AmbiguousReading(ParseError):
    """The text has two sensible readings (``2,143``; ``log(2,5)``). ``readings`` lists
    ``(description, rewritten text)`` pairs, each of which parses without this ambiguity."""

    def __init__(self, reason: str, text: str, column: int | None,
                 readings: list[tuple[str, str]]):
        super().__init__(reason, text, column)
        self.readings = readings


class Token(NamedTuple):
    """One token (a named tuple: an answer makes dozens, and a tuple is the cheapest to build)."""

    kind: str  # NUM SYM CONST FUNC SIGMA OP LP RP COMMA BAR FRAC SQRT BIGOP BIGCALL END
    value: object
    pos: int


@dataclass
class ParseResult:
    node: Node
    notes: list[str] = field(default_factory=list)
    symbols: frozenset[str] = frozenset()  # names of the symbols used
    unit: str | None = None  # a trailing unit that was typed ("nats", "bits", "%"), canonical


_OPS = {
    "+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "!": "!",
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-",
    "\uff0b": "+", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u2219": "*", "\u2217": "*",
    "\u00f7": "/", "\u2215": "/", "\u2044": "/",
}
_OPEN = {"(": ")", "[": "]", "{": "}"}
_EXP_SIGNS = {"+": "+", "-": "-", "\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-",
              "\uff0d": "-", "\uff0b": "+"}
_VULGAR = {"½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3), "¼": Fraction(1, 4),
           "¾": Fraction(3, 4), "⅕": Fraction(1, 5), "⅖": Fraction(2, 5), "⅗": Fraction(3, 5),
           "⅘": Fraction(4, 5), "⅙": Fraction(1, 6), "⅚": Fraction(5, 6), "⅐": Fraction(1, 7),
           "⅛": Fraction(1, 8), "⅜": Fraction(3, 8), "⅝": Fraction(5, 8), "⅞": Fraction(7, 8),
           "⅑": Fraction(1, 9), "⅒": Fraction(1, 10)}
_CLOSE = {")": "(", "]": "[", "}": "{"}
_SUPERSCRIPTS = {"\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4",
                 "\u2075": "5", "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9"}
_SUPER_SIGNS = {"\u207b": "-", "\u207a": "+"}
_LATEX_SKIP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
               "biggl", "biggr", "displaystyle", "quad", "qquad", "limits", "nolimits"}
_LATEX_OPS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
_LATEX_NAME_WRAPPERS = {"mathrm", "operatorname", "text", "mathit", "textrm", "rm", "mathbf"}
_LATEX_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar",
                  "tilde": "tilde"}


@dataclass(frozen=True)
class Context:
    """What names mean in one question: its declared symbols (canonical names)."""

    symbols: frozenset[str]
    allow_unknown: bool = False  # instructor input with no declarations: every name is a symbol
    #: None: the default rule (a comma between digits is a decimal comma unless ambiguous);
    #: True: every comma between digits is a decimal comma (arguments: ';' or ', ');
    #: False: a comma is never a decimal point (between digits outside functions: thousands).
    decimal_comma: bool | None = None
    #: Index letters a sum or product may bind (``Σ_i``, ``sum(…, i, 1, m)``), for questions with
    #: indexed data; also enables ``diff(f, x)``. Empty: those are refused as before.
    indices: frozenset[str] = frozenset()


#: Sums, products and derivatives (read only when ``Context.indices`` is set)
_BIG_CHARS = {"Σ": "sum", "∑": "sum", "Π": "prod", "∏": "prod"}
_BIG_WORDS = {"sum": "sum", "Sum": "sum", "prod": "prod", "Product": "prod", "product": "prod",
              "diff": "diff"}
_BIG_SHOWN = {"sum": "Σ", "prod": "Π", "diff": "diff"}
#: Unicode subscripts after a name: ŷᵢ is ŷ_i, x₁ is x_1
_SUBSCRIPTS = dict(zip("ᵢⱼₖₗₘₙₚₛₜₐₑₒₓₕ₀₁₂₃₄₅₆₇₈₉", "ijklmnpstaeoxh0123456789"))
#: what may follow a name and belong to it: a combining hat, a subscript
_AFTER_NAME = frozenset(["\u0302", "_", *_SUBSCRIPTS])
_new_tuple = tuple.__new__


class _Lexer:
    def __init__(self, text: str, ctx: Context, limits: Limits):
        self.text = text
        self.ctx = ctx
        self.limits = limits
        self.tokens: list[Token] = []
        self.depth = 0
        self.frames: list[str] = []  # per open bracket: the function it belongs to, or ""
        self.notes: list[str] = []
        #: a number outside the range check_magnitudes accepts was read (every NUM token
        #: is made by emit_integer or number, which set this, or is a vulgar fraction)
        self.out_of_range = False

    def error(self, reason: str, pos: int) -> ParseError:
        return ParseError(reason, self.text, pos)

    def emit(self, kind: str, value: object, pos: int) -> None:
        tokens = self.tokens
        tokens.append(_new_tuple(Token, (kind, value, pos)))  # Token(...) without its Python __new__
        if len(tokens) > self.limits.max_nodes:
            raise LimitExceeded(
                f"the answer is too long (more than {self.limits.max_nodes} symbols and numbers)")

    def emit_integer(self, digits: str, pos: int) -> None:
        value = Fraction(int(digits))
        self.out_of_range = self.out_of_range or not number_in_range(value)
        self.emit("NUM", (value, False), pos)

    def run(self) -> list[Token]:
        text, i, n = self.text, 0, len(self.text)
        while i < n:
            c = text[i]
            if c in _ASCII_LETTERS:  # first: the commonest, and no branch below takes a letter
                j = _NAME.match(text, i).end()  # type: ignore[union-attr]
                word = text[i:j]
                if self.ctx.indices and word in _BIG_WORDS:
                    i = self.big_op(_BIG_WORDS[word], i, j)
                else:
                    i = self.word(word, i, j)
            elif c.isspace() or c == "$":
                i += 1
            elif "0" <= c <= "9" or (c == "." and i + 1 < n and _isdigit(text[i + 1])):
                i = self.number(i)
            elif c == "*" and text.startswith("**", i):
                self.emit("OP", "^", i)
                i += 2
            elif c in _OPS:
                self.emit("OP", _OPS[c], i)
                i += 1
            elif c in _OPEN:
                self.open_bracket(c, i)
                i += 1
            elif c in _CLOSE:
                self.close_bracket(c, i)
                i += 1
            elif c in ",;":
                self.emit("COMMA", ",", i)
                i += 1
            elif c in _VULGAR:
                if self.tokens and self.tokens[-1].kind == "NUM" and i and _isdigit(text[i - 1]):
                    raise self.error(f"a mixed number like '{text[i - 1]}{c}' is not accepted: "
                                     f"write it as a sum ({text[i - 1]} + {_VULGAR[c].numerator}"
                                     f"/{_VULGAR[c].denominator}) or a fraction", i - 1)
                self.emit("NUM", (_VULGAR[c], False), i)  # (within range)
                i += 1
            elif c == "|":
                self.emit("BAR", "|", i)
                i += 1
            elif c == "\\":
                i = self.latex(i)
            elif c in _SUPERSCRIPTS or c in _SUPER_SIGNS:
                i = self.superscript(i)
            elif c == "\u221a":
                self.emit("FUNC", "sqrt", i)
                i += 1
            elif c in _BIG_CHARS and self.ctx.indices:
                i = self.big_op(_BIG_CHARS[c], i, i + 1)
            elif c in GREEK_LETTERS:
                i = self.word(GREEK_LETTERS[c], i, i + 1)
            else:
                decomposed = unicodedata.normalize("NFD", c)
                if len(decomposed) == 2 and decomposed[1] == "\u0302" and decomposed[0].isascii() \
                        and decomposed[0].isalpha():
                    i = self.word(decomposed[0] + "_hat", i, i + 1)
                elif c == "=":
                    raise self.error("write only the expression, without '='", i)
                else:
                    raise self.error(f"unexpected character {c!r}", i)
        self.emit("END", None, n)
        return self.tokens

    def open_bracket(self, c: str, i: int) -> None:
        last = self.tokens[-1] if self.tokens else None
        frame = ""
        if last is not None and last.kind == "FUNC":
            frame = str(last.value)
        elif last is not None and last.kind == "BIGCALL":
            frame = str(last.value)  # not a function of one argument: commas separate
        elif last is not None and last.kind == "SIGMA" and "sigma" not in self.ctx.symbols:
            frame = "sigmoid"
        self.frames.append(frame)
        self.depth += 1
        self.emit("LP", c, i)

    def close_bracket(self, c: str, i: int) -> None:
        if self.frames:
            self.frames.pop()
        self.depth = max(0, self.depth - 1)
        self.emit("RP", c, i)

    # -- numbers -----------------------------------------------------------------------------
    def comma_number(self, start: int, int_part: str, i: int) -> tuple[str, str, int] | None:
        """A comma between digits at ``i``: decide what it is. Returns (int_part, frac, end)
        when it is part of the number, None when it separates arguments; raises when the
        reading is ambiguous or not allowed."""
        text, n = self.text, len(self.text)
        j = i + 1
        while j < n and _isdigit(text[j]):
            j += 1
        digits = text[i + 1: j]
        shown = f"{int_part},{digits}"
        frame = self.frames[-1] if self.frames else None
        arities = FUNCTIONS.get(frame or "", ())
        mode = self.ctx.decimal_comma
        if mode is True:
            return int_part, digits, j
        if mode is False:
            if frame:
                return None
            k, groups = i, int_part
            while (k + 4 <= n and text[k] == "," and all(_isdigit(ch) for ch in text[k + 1:k + 4])
                   and (k + 4 == n or not _isdigit(text[k + 4]))):
                groups += text[k + 1: k + 4]
                k += 4
            if k == i or len(int_part) > 3 or (int_part.startswith("0")):
                raise self.error(f"'{shown}': this exam uses a decimal point, not a decimal "
                                 f"comma; write {int_part}.{digits}", start)
            return groups, "", k
        # default rule
        if frame and 1 not in arities:
            return None  # max(0,5): only arguments make sense
        if frame and 2 in arities and (j >= n or text[j] != ","):
            raise AmbiguousReading(
                f"'{frame}({shown})' is ambiguous: write {frame}({int_part}.{digits}) for a "
                f"decimal number, or {frame}({int_part}, {digits}) with a space to give two "
                "arguments", self.text, start,
                [(f"{int_part}.{digits} (decimal comma)", text[:i] + "." + text[i + 1:]),
                 (f"{int_part}, {digits} (two arguments)", text[:i] + ", " + text[i + 1:])])
        if int_part != "0" and len(digits) == 3 and len(int_part) <= 3:
            raise AmbiguousReading(
                f"'{shown}' is ambiguous: write {int_part}.{digits} for a decimal or "
                f"{int_part}{digits} for a whole number", self.text, start,
                [(f"{int_part}.{digits} (decimal comma)", text[:i] + "." + text[i + 1:]),
                 (f"{int_part}{digits} (thousands separator)", text[:i] + text[i + 1:])])
        return int_part, digits, j

    def number(self, i: int) -> int:
        text, n, start = self.text, len(self.text), i
        i = _DIGITS.match(text, i).end()  # type: ignore[union-attr]
        int_part = text[start:i]
        frac_part = ""
        if i < n and text[i] == ".":
            j = _DIGITS.match(text, i + 1).end()  # type: ignore[union-attr]
            frac_part, i = text[i + 1: j], j
        elif i + 1 < n and text[i] == "," and _isdigit(text[i + 1]) and int_part:
            got = self.comma_number(start, int_part, i)
            if got is not None:
                int_part, frac_part, i = got
        exponent = ""
        k = i
        if frac_part and "e" not in self.ctx.symbols and "E" not in self.ctx.symbols \
                and not (self.tokens and self.tokens[-1].kind == "OP"
                         and self.tokens[-1].value == "^"):
            while k < n and text[k] == " ":  # 6.931 e-1: a space before the exponent
                k += 1
        if k < n and text[k] in "eE":
            j = k + 1
            sign = ""
            if j < n and text[j] in _EXP_SIGNS:
                sign = _EXP_SIGNS[text[j]]
                j += 1
            if j < n and _isdigit(text[j]):
                m = _DIGITS.match(text, j).end()  # type: ignore[union-attr]
                if m >= n or not (text[m].isalpha() or text[m] == "_"):
                    if k > i:
                        self.notes.append(f"note: '{text[start:m]}' is read as "
                                          f"{text[start:i]}×10^{sign}{text[j:m]}")
                    exponent, i = sign + text[j:m], m
        digits = len(int_part.lstrip("0")) + len(frac_part)
        if digits > self.limits.max_int_digits:
            raise LimitExceeded(
                f"a number in the answer has more than {self.limits.max_int_digits} digits")
        if len(exponent.lstrip("+-").lstrip("0")) > self.limits.max_exponent_digits:
            raise LimitExceeded("a number in the answer has an exponent that is far too large")
        literal = (int_part or "0") + ("." + frac_part if frac_part else "")
        value, in_range = _literal(literal + ("e" + exponent if exponent else ""))
        self.out_of_range = self.out_of_range or not in_range
        written = len((int_part + frac_part).lstrip("0"))  # significant digits as typed
        self.emit("NUM", (value, bool(frac_part) or bool(exponent), written), start)
        return i

    def superscript(self, i: int) -> int:
        text, n = self.text, len(self.text)
        self.emit("OP", "^", i)
        if text[i] in _SUPER_SIGNS:
            self.emit("OP", _SUPER_SIGNS[text[i]], i)
            i += 1
        start, digits = i, ""
        while i < n and text[i] in _SUPERSCRIPTS:
            digits += _SUPERSCRIPTS[text[i]]
            i += 1
        if not digits:
            raise self.error("a superscript sign must be followed by superscript digits", start)
        self.emit_integer(digits, start)
        return i

    # -- names -------------------------------------------------------------------------------
    def subscript(self, i: int) -> tuple[str, int]:
        """Read ``_x``, ``_12`` or ``_{...}`` after a name; return (suffix, new position)."""
        text, n = self.text, len(self.text)
        if i >= n or text[i] != "_":
            return "", i
        j = i + 1
        if j < n and text[j] == "{":
            k = text.find("}", j)
            if k < 0:
                raise self.error("missing '}' after '_{'", j)
            content = text[j + 1: k].strip()
            if not content or not all(ch.isascii() and (ch.isalnum()) for ch in content):
                raise self.error("a subscript may only contain letters and digits", j)
            return content, k + 1
        k = j
        if k < n and _isdigit(text[k]):
            while k < n and _isdigit(text[k]):
                k += 1
        else:
            while k < n and text[k].isascii() and text[k].isalpha():
                k += 1
        if k == j:
            raise self.error("'_' must be followed by a subscript", i)
        return text[j:k], k

    def word(self, word: str, start: int, i: int) -> int:
        """A name has been read at ``start``; attach a hat / subscript and resolve it."""
        text, n = self.text, len(self.text)
        if i >= n or text[i] not in _AFTER_NAME:  # most names: nothing attached
            self.resolve(word, "", start)
            return i
        if text[i] == "\u0302":
            word, i = word + "_hat", i + 1
        sub, i = self.subscript(i)
        while sub and i < n and text[i] == "_":  # y_hat_i: a hat, then an index
            more, i = self.subscript(i)
            sub += "_" + more
        if i < n and text[i] in _SUBSCRIPTS:  # ŷᵢ, x₁
            k = i
            while k < n and text[k] in _SUBSCRIPTS:
                k += 1
            sub += ("_" if sub else "") + "".join(_SUBSCRIPTS[ch] for ch in text[i:k])
            i = k
        self.resolve(word, sub, start)
        return i

    # -- sums, products, derivatives -------------------------------------------------------
    def big_op(self, op: str, start: int, j: int) -> int:
        """``Σ``/``Π``/``\\sum``/``sum`` at ``start`` (its name ends at ``j``): limits
        (``_i``, ``_{i=1}^m``) make a BIGOP token; ``sum(``/``diff(`` a BIGCALL."""
        text, n = self.text, len(self.text)
        k = self.skip_spaces(j)
        if text.startswith("\\limits", k) or text.startswith("\\nolimits", k):
            k = self.skip_spaces(k + (7 if text.startswith("\\limits", k) else 9))
        index = lower = upper = None
        lower_at = upper_at = k
        while k < n and text[k] in "_^" and op != "diff":
            mark = text[k]
            if (mark == "_" and index is not None) or (mark == "^" and upper is not None):
                raise self.error(f"'{mark}' twice after {_BIG_SHOWN[op]}", k)
            content, at, k = self.limit_text(k + 1)
            if mark == "_":
                index, _, lower = content.partition("=")
                index, lower_at = index.strip(), at + len(index) + 1
                lower = lower if _ else None
                if not (len(index) == 1 and index in self.ctx.indices):
                    raise self.error(f"{_BIG_SHOWN[op]} needs an index letter below it "
                                     f"({', '.join(sorted(self.ctx.indices))}), e.g. "
                                     f"{_BIG_SHOWN[op]}_{min(self.ctx.indices)}", at)
            else:
                upper, upper_at = content, at
            k = self.skip_spaces(k)
        if index is None:
            if upper is None and k < n and text[k] == "(" and text[start].isascii() \
                    and text[start].isalpha():  # sum( and diff(, not Σ(
                self.emit("BIGCALL", op, start)
                return k
            example = ("diff(f, x)" if op == "diff" else
                       f"{_BIG_SHOWN[op]}_i (…), {_BIG_SHOWN[op]}_{{i=1}}^m (…) or {op}(…, i, 1, m)")
            raise self.error(f"write {_BIG_SHOWN[op]} with its index, e.g. {example}", start)
        if (lower is None) != (upper is None):
            raise self.error(f"give both limits of {_BIG_SHOWN[op]} (e.g. {_BIG_SHOWN[op]}_"
                             f"{{{index}=1}}^m) or neither", start)
        bounds = [self.bound(b, at) if b is not None else None
                  for b, at in ((lower, lower_at), (upper, upper_at))]
        self.emit("BIGOP", (op, index, bounds[0], bounds[1]), start)
        return k

    def skip_spaces(self, k: int) -> int:
        while k < len(self.text) and self.text[k] == " ":
            k += 1
        return k

    def limit_text(self, k: int) -> tuple[str, int, int]:
        """After ``_`` or ``^``: ``{…}``, a run of digits or one letter. Returns (content, its
        position, the position after it)."""
        text, n = self.text, len(self.text)
        k = self.skip_spaces(k)
        if k < n and text[k] == "{":
            end = text.find("}", k)
            if end < 0:
                raise self.error("missing '}'", k)
            return text[k + 1:end], k + 1, end + 1
        end = k
        while end < n and _isdigit(text[end]):
            end += 1
        if end == k and k < n and text[k].isascii() and text[k].isalpha():
            end = k + 1
        if end == k:
            raise self.error("expected a limit here (a letter, a number or {…})", k)
        return text[k:end], k, end

    def bound(self, content: str, at: int) -> Node:
        """A limit of a sum, read in the question's names (no sums inside)."""
        import dataclasses

        ctx = dataclasses.replace(self.ctx, indices=frozenset())
        try:
            tokens = _Lexer(content, ctx, self.limits).run()
            return _Parser(tokens, content, ctx, self.limits).parse()
        except AmbiguousReading:
            raise self.error("write this limit as a whole number or a name", at) from None
        except ParseError as err:
            raise ParseError(err.reason, self.text, at + (err.column or 0)) from None

    def resolve(self, word: str, sub: str, pos: int) -> None:
        """Turn a typed name into tokens: a symbol, function, constant, or a product of symbols."""
        ctx = self.ctx
        full = word + ("_" + sub if sub else "")
        canon = canonical_symbol(full)
        if canon in ctx.symbols:
            self.emit("SYM", canon, pos)
            return
        if sub and _isdigit(sub[0]) and canonical_symbol(word + sub) in ctx.symbols:
            self.emit("SYM", canonical_symbol(word + sub), pos)  # x_1 for a declared x1
            return
        if full in FUNCTION_ALIASES:
            self.emit("FUNC", FUNCTION_ALIASES[full], pos)
            return
        if canon == "sigma":
            self.emit("SIGMA", "sigma", pos)
            return
        if full in CONSTANTS or canon == "pi":
            self.emit("CONST", CONSTANTS.get(full, "pi"), pos)
            return
        base, digits = _split_digits(word)
        if digits and not sub and base in FUNCTION_ALIASES and base not in ctx.symbols \
                and not self.followed_by_paren(pos + len(full)):
            self.emit("FUNC", FUNCTION_ALIASES[base], pos)  # ln2 = ln 2
            self.emit_integer(digits, pos + len(base))
            return
        if self.followed_by_paren(pos + len(full)) and len(word) > 1 \
                and canon not in GREEK_NAMES.values() and _segment(word, ctx.symbols) is None:
            raise self.error(f"unknown function '{full}'" + _function_hint(full), pos)
        if ctx.allow_unknown:
            self.emit("SYM", canon, pos)
            return
        if sub:  # yy_hat: the subscript belongs to the last declared piece
            for k in range(1, len(word)):
                tail = canonical_symbol(word[k:] + "_" + sub)
                head = _segment(word[:k], ctx.symbols) if tail in ctx.symbols else None
                if head is not None:
                    self._emit_pieces(head, pos)
                    self.emit("SYM", tail, pos + k)
                    return
        if not sub:
            if digits and base:
                if canonical_symbol(base + "_" + digits) in ctx.symbols:
                    self.emit("SYM", canonical_symbol(base + "_" + digits), pos)
                    return
                # never split x1 into x*1: an undeclared name is an error that names it
                raise self.error(unknown_name_message(canon, ctx.symbols), pos)
            pieces = _segment(word, ctx.symbols)
            if pieces is not None:
                self._emit_pieces(pieces, pos)
                return
        raise self.error(unknown_name_message(canon, ctx.symbols), pos)

    def followed_by_paren(self, i: int) -> bool:
        text, n = self.text, len(self.text)
        while i < n and text[i] == " ":
            i += 1
        return i < n and text[i] == "("

    def _emit_pieces(self, pieces: list[tuple[str, str]], pos: int) -> None:
        for kind, value in pieces:
            self.emit(kind, value, pos)
            pos += 1

    # -- LaTeX -------------------------------------------------------------------------------
    def latex(self, i: int) -> int:
        text, n = self.text, len(self.text)
        j = i + 1
        while j < n and text[j].isascii() and text[j].isalpha():
            j += 1
        name = text[i + 1: j]
        if not name:
            if j < n and text[j] in ",;:! ":
                return j + 1
            if j < n and text[j] in "{}":
                self.emit("LP" if text[j] == "{" else "RP", "(" if text[j] == "{" else ")", i)
                self.depth += 1 if text[j] == "{" else -1
                return j + 1
            if j < n and text[j] in "()":
                return j + 1  # \( \) math-mode delimiters
            raise self.error("unsupported LaTeX command", i)
        if name in _LATEX_SKIP:
            if name in ("left", "right") and j < n and text[j] == ".":
                return j + 1
            return j
        if name in _LATEX_OPS:
            self.emit("OP", _LATEX_OPS[name], i)
            return j
        if name in ("frac", "dfrac", "tfrac"):
            self.emit("FRAC", None, i)
            k = j
            while k < n and text[k] == " ":
                k += 1
            if k + 1 < n and _isdigit(text[k]) and _isdigit(text[k + 1]):  # \frac12
                self.emit_integer(text[k], k)
                self.emit_integer(text[k + 1], k + 1)
                return k + 2
            return j
        if name == "sqrt":
            self.emit("SQRT", None, i)
            return j
        if name == "mid" or name == "vert":
            self.emit("BAR", "|", i)
            return j
        if name in _LATEX_ACCENTS:
            base, k = self.latex_arg_name(j)
            return self.word(base + "_" + _LATEX_ACCENTS[name], i, k)
        if name in _LATEX_NAME_WRAPPERS:
            base, k = self.latex_arg_name(j)
            return self.word(base, i, k)
        if name in ("sum", "prod") and self.ctx.indices:
            return self.big_op(name, i, j)
        if name in FUNCTION_ALIASES:
            sub, k = self.subscript(j)
            self.resolve(name, sub, i)
            return k
        if name in GREEK_NAMES:
            return self.word(name, i, j)
        if name == "infty":
            raise self.error("infinity is not accepted as an answer", i)
        raise self.error(f"the LaTeX command \\{name} is not supported", i)

    def latex_arg_name(self, j: int) -> tuple[str, int]:
        """The name inside ``\\hat{y}``, ``\\hat y``, ``\\hat{\\theta}``, ``\\mathrm{e}``."""
        text, n = self.text, len(self.text)
        while j < n and text[j] == " ":
            j += 1
        if j < n and text[j] == "{":
            k = text.find("}", j)
            if k < 0:
                raise self.error("missing '}'", j)
            content, end = text[j + 1: k].strip(), k + 1
        else:
            if j < n and text[j] == "\\":
                k = j + 1
                while k < n and text[k].isascii() and text[k].isalpha():
                    k += 1
                content, end = text[j:k], k
            else:
                content, end = text[j: j + 1], j + 1
        if content.startswith("\\") and content[1:] in GREEK_NAMES:
            return content[1:], end
        if content in GREEK_LETTERS:
            return GREEK_LETTERS[content], end
        if content and all(ch.isascii() and ch.isalpha() for ch in content):
            return content, end
        raise self.error("expected a name here", j)


#: token kinds that start an operand (a bar too, outside an absolute value: see starts_primary)
_PRIMARY_STARTS = frozenset({"NUM", "SYM", "CONST", "FUNC", "SIGMA", "LP", "FRAC", "SQRT", "BIGOP",
                             "BIGCALL"})


def _split_digits(word: str) -> tuple[str, str]:
    k = len(word)
    while k > 0 and _isdigit(word[k - 1]):
        k -= 1
    return word[:k], word[k:]


def _segment(word: str, symbols: frozenset[str]) -> list[tuple[str, str]] | None:
    """Split an undeclared run of letters into declared symbols, constants and known functions
    (``xy`` -> x, y; ``plogp`` -> p, log, p, read as p*log(p)). Fewest pieces wins; None if
    impossible."""
    n = len(word)
    if n > 40:
        return None
    best: list[list[tuple[str, str]] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, n + 1):
            piece = word[i:j]
            canon = canonical_symbol(piece)
            if canon in symbols:
                token = ("SYM", canon)
            elif piece in CONSTANTS and piece not in symbols:
                token = ("CONST", CONSTANTS[piece])
            elif canon == "pi":
                token = ("CONST", "pi")
            elif piece in FUNCTION_ALIASES and len(piece) > 1:
                token = ("FUNC", FUNCTION_ALIASES[piece])
            else:
                continue
            candidate = best[i] + [token]  # type: ignore[operator]
            if best[j] is None or len(candidate) < len(best[j]):  # type: ignore[arg-type]
                best[j] = candidate
    return best[n]


def _function_hint(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name.lower(), sorted(FUNCTION_ALIASES), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


def unknown_name_message(name: str, symbols: Iterable[str]) -> str:
    """A student-facing message naming the unknown name and what the question uses."""
    used = sorted(symbols)
    if not used:
        return (f"unknown name '{name}'; the answer here is a constant, so it cannot contain "
                "variables: write the number it equals (e.g. 1, not sin(x)^2 + cos(x)^2)")
    return f"unknown name '{name}'; this question uses {', '.join(used)}"


class _Parser:
    def __init__(self, tokens: list[Token], text: str, ctx: Context, limits: Limits):
        self.tokens = tokens
        self.text = text
        self.ctx = ctx
        self.limits = limits
        self.i = 0
        #: the current token, ``tokens[i]`` (kept as an attribute: it is read at every step)
        self.tok = tokens[0]
        self.depth = 0
        self.abs_depth = 0
        self.notes: list[str] = []

    def advance(self) -> Token:
        """Step over the current token (never END: every caller has checked what it is)."""
        tok = self.tok
        self.i += 1
        self.tok = self.tokens[self.i]
        return tok

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def error(self, reason: str, tok: Token | None = None) -> ParseError:
        return ParseError(reason, self.text, (tok or self.tok).pos)

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "OP" and self.tok.value in ops

    def parse(self) -> Node:
        if self.tok.kind == "END":
            raise self.error("the answer is empty")
        node = self.expr()
        if self.tok.kind != "END":
            raise self.unexpected()
        return node

    def unexpected(self) -> ParseError:
        tok = self.tok
        if tok.kind == "RP":
            return self.error(f"unmatched '{tok.value}'")
        if tok.kind == "COMMA":
            return self.error("a comma can only separate function arguments here "
                              "(for a decimal point write 0.5)")
        if tok.kind == "END":
            return self.error("the answer ends too early")
        shown = tok.value if isinstance(tok.value, str) else self.text[tok.pos: tok.pos + 1]
        return self.error(f"unexpected '{shown}'")

    # The steps below test ``tok.kind == "OP"`` inline rather than through :meth:`is_op`: they
    # run for every operand, and a call per test was a third of the parser's time.
    def expr(self) -> Node:
        terms = [self.term()]
        while self.tok.kind == "OP" and self.tok.value in ("+", "-"):
            op = self.advance().value
            term = self.term()
            terms.append(_neg(term) if op == "-" else term)
        return terms[0] if len(terms) == 1 else Add(tuple(terms))

    def starts_primary(self) -> bool:
        kind = self.tok.kind
        if kind in _PRIMARY_STARTS:
            return True
        return kind == "BAR" and self.abs_depth == 0

    def term(self) -> Node:
        node = self.unary()
        factors = [node]
        after_division = False
        while True:
            tok = self.tok
            if tok.kind == "OP":
                if tok.value == "*":
                    self.advance()
                    factors.append(self.unary())
                    after_division = False
                elif tok.value == "/":
                    self.advance()
                    den = self.unary()
                    num = factors[0] if len(factors) == 1 else Mul(tuple(factors))
                    factors = [Div(num, den)]
                    after_division = True
                else:
                    break
            elif self.starts_primary():
                if tok.kind == "NUM" and self.tokens[self.i - 1].kind == "NUM":
                    raise self.error("two numbers next to each other; add an operator")
                if after_division:
                    self.notes.append(
                        "note: a/bc is read as (a/b)·c; write a/(bc) if you meant to divide by bc")
                    after_division = False
                factors.append(self.power())
            else:
                break
        return factors[0] if len(factors) == 1 else Mul(tuple(factors))

    def unary(self) -> Node:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise LimitExceeded(
                f"the answer is nested too deeply (more than {self.limits.max_depth} levels)")
        try:
            tok = self.tok
            if tok.kind == "OP":
                if tok.value == "-":
                    self.advance()
                    return _neg(self.unary())
                if tok.value == "+":
                    self.advance()
                    return self.unary()
            return self.power()
        finally:
            self.depth -= 1

    def power(self) -> Node:
        base = self.postfix()
        if self.tok.kind == "OP" and self.tok.value == "^":
            self.advance()
            return Pow(base, self.unary())
        return base

    def postfix(self) -> Node:
        node = self.primary()
        while self.tok.kind == "OP" and self.tok.value == "!":
            self.advance()
            node = Call("factorial", (node,))
        return node

    def group(self) -> Node:
        """A LaTeX argument: ``{...}`` or a single operand (``\\frac12``, ``\\sqrt x``)."""
        if self.tok.kind == "LP":
            return self.paren()
        return self.postfix()

    def paren(self) -> Node:
        open_tok = self.advance()
        if self.tok.kind == "RP":
            raise self.error("empty parentheses")
        saved, self.abs_depth = self.abs_depth, 0
        node = self.expr()
        self.abs_depth = saved
        self.close(open_tok)
        return node

    def close(self, open_tok: Token) -> None:
        if self.tok.kind != "RP":
            if self.tok.kind == "END":
                raise self.error(f"missing '{_OPEN[open_tok.value]}' to close this", open_tok)
            raise self.unexpected()
        if _CLOSE[self.tok.value] != open_tok.value:
            raise self.error(f"'{self.tok.value}' does not match '{open_tok.value}'")
        self.advance()

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "NUM":
            self.advance()
            value, decimal, *written = tok.value
            return Num(value, decimal, written[0] if written and decimal else 0)
        if tok.kind == "SYM":
            self.advance()
            return Sym(tok.value)
        if tok.kind == "CONST":
            self.advance()
            return Const(tok.value)
        if tok.kind == "SIGMA":
            self.advance()
            if self.tok.kind == "LP":
                return self.call("sigmoid", tok)
            if self.ctx.allow_unknown:
                return Sym("sigma")
            raise self.error(unknown_name_message("sigma", self.ctx.symbols), tok)
        if tok.kind == "FUNC":
            self.advance()
            return self.call(tok.value, tok)
        if tok.kind == "LP":
            return self.paren()
        if tok.kind == "BAR":
            self.advance()
            self.abs_depth += 1
            node = self.expr()
            self.abs_depth -= 1
            if self.tok.kind != "BAR":
                raise self.error("missing '|' to close the absolute value", tok)
            self.advance()
            return Call("abs", (node,))
        if tok.kind == "FRAC":
            self.advance()
            num = self.group()
            den = self.group()
            return Div(num, den)
        if tok.kind == "SQRT":
            self.advance()
            if self.tok.kind == "LP" and self.tok.value == "[":
                index = self.paren()
                return Pow(self.group(), Div(Num(Fraction(1)), index))
            return Call("sqrt", (self.group(),))
        if tok.kind == "BIGOP":
            self.advance()
            op, index, lower, upper = tok.value
            if not self.starts_primary() and not self.is_op("-", "+"):
                raise self.error(f"{_BIG_SHOWN[op]}_{index} needs something after it, e.g. "
                                 f"{_BIG_SHOWN[op]}_{index} (…)")
            start = self.i
            body = self.term()
            if op == "prod" and not self.one_group(start) and _loose_factor(body, index):
                raise self.error(f"a factor after Π_{index} does not involve {index}, so it can "
                                 f"be read inside or outside the product: write Π_{index} (…) "
                                 "with parentheses around what is multiplied", tok)
            return BigOp(op, body, index, lower, upper)
        if tok.kind == "BIGCALL":
            self.advance()
            return self.big_call(tok)
        if tok.kind == "END":
            raise self.error("the answer ends too early; something is missing here")
        raise self.unexpected()

    def one_group(self, start: int) -> bool:
        """Whether the tokens from ``start`` to the current one are one bracketed group."""
        if self.tokens[start].kind != "LP":
            return False
        depth = 0
        for k in range(start, self.i):
            depth += {"LP": 1, "RP": -1}.get(self.tokens[k].kind, 0)
            if depth == 0:
                return k == self.i - 1
        return False

    def big_call(self, tok: Token) -> Node:
        """``sum(body, i)``, ``sum(body, i, 1, m)``, ``prod(…)``, ``diff(body, x)``."""
        op = str(tok.value)
        open_tok = self.advance()
        if self.tok.kind == "RP":
            raise self.error(f"'{op}' needs arguments")
        args, starts = [self.expr()], [open_tok]
        while self.tok.kind == "COMMA":
            self.advance()
            starts.append(self.tok)
            args.append(self.expr())
        self.close(open_tok)
        if op == "diff":
            if len(args) != 2 or not isinstance(args[1], Sym):
                raise self.error("write a derivative as diff(expression, name), e.g. "
                                 "diff(x^2, x)", tok)
            return Deriv(args[0], args[1].name)
        how = f"{op}(expression, i) or {op}(expression, i, 1, m)"
        if len(args) not in (2, 4):
            raise self.error(f"'{op}' takes 2 or 4 arguments: {how}", tok)
        index = args[1]
        if not (isinstance(index, Sym) and index.name in self.ctx.indices):
            raise self.error(f"the second argument of '{op}' is its index letter "
                             f"({', '.join(sorted(self.ctx.indices))}): {how}", starts[1])
        lower, upper = (args[2], args[3]) if len(args) == 4 else (None, None)
        return BigOp(op, args[0], index.name, lower, upper)

    def call(self, fname: str, tok: Token) -> Node:
        typed = "ln" if fname == "ln" else fname
        if self.tok.kind != "LP":
            if not self.starts_primary():
                raise self.error(f"'{typed}' needs an argument, e.g. {typed}(x)")
            if len(FUNCTIONS[fname]) and 1 not in FUNCTIONS[fname]:
                raise self.error(f"'{typed}' takes {FUNCTIONS[fname][0]} arguments in "
                                 f"parentheses, e.g. {typed}(0, x)")
            start = self.i
            factors = [self.power()]  # \ln x, log 2, \exp z; ln 2π = ln(2π)
            while self.tok.kind in ("NUM", "SYM", "CONST") and not self.is_op("^"):
                if self.tok.kind == "NUM" and self.tokens[self.i - 1].kind == "NUM":
                    raise self.error("two numbers next to each other; add an operator")
                factors.append(self.power())
            if self.tok.kind in ("LP", "FRAC", "SQRT") or (
                    self.tok.kind == "BAR" and self.abs_depth == 0):
                raise self.error(f"write parentheses to show what '{typed}' applies to: "
                                 f"{typed}(…)·(…) or {typed}(…(…))")
            if len(factors) > 1:
                shown = self.text[self.tokens[start].pos: self.tok.pos].strip()
                self.notes.append(f"note: '{typed} {shown}' is read as {typed}({shown}): a "
                                  "function without parentheses applies to the whole product "
                                  "that follows it")
                arg: Node = Mul(tuple(factors))
            else:
                arg = factors[0]
            return Call("log" if fname == "ln" else fname, (arg,))
        open_tok = self.advance()
        saved, self.abs_depth = self.abs_depth, 0
        if self.tok.kind == "RP":
            raise self.error(f"'{fname}' needs an argument, e.g. {fname}(x)")
        args = [self.expr()]
        while self.tok.kind == "COMMA":
            self.advance()
            args.append(self.expr())
        self.abs_depth = saved
        self.close(open_tok)
        if len(args) not in FUNCTIONS[fname]:
            arities = FUNCTIONS[fname]
            wanted = (" or ".join(str(k) for k in arities) if len(arities) <= 2
                      else f"{arities[0]} to {arities[-1]}")
            raise self.error(f"'{typed}' takes {wanted} argument(s), not {len(args)}", tok)
        return Call("log" if fname == "ln" else fname, tuple(args))


def _loose_factor(body: Node, index: str) -> bool:
    """A product's body made of factors, one of which does not involve the index."""
    factors: list[Node] = []
    stack = [body]
    while stack:
        n = stack.pop()
        if isinstance(n, Mul):
            stack.extend(n.factors)
        elif isinstance(n, Div):
            stack.extend((n.num, n.den))
        elif isinstance(n, Neg):
            stack.append(n.arg)
        else:
            factors.append(n)
    if len(factors) < 2:
        return False
    from quizgen.maths.nodes import walk

    def uses(n: Node) -> bool:
        return any(isinstance(m, Sym) and (m.name == index or index in m.name.rpartition("_")[2])
                   for m in walk(n))
    return any(not uses(f) for f in factors) and any(uses(f) for f in factors)


def _neg(node: Node) -> Node:
    if isinstance(node, Num):
        return Num(-node.value, node.decimal, node.digits)
    return Neg(node)


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(text: str, limits: Limits) -> None:
    """Refuse an over-long answer or one with control, format or bidi characters (any answer
    type: they would be echoed into messages, reports and terminals)."""
    if len(text) > limits.max_chars:
        raise LimitExceeded(f"the answer is too long ({len(text)} characters; "
                            f"the limit is {limits.max_chars})")
    if text.isascii():  # in ASCII only the C0 controls and DEL are of those categories
        bad = _ASCII_CONTROL.search(text)
        if bad is None:
            return
        text = text[: bad.end()]  # the loop below names it
    for pos, ch in enumerate(text):
        if ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn"):
            raise LimitExceeded(f"the answer contains an invisible control character "
                                f"(U+{ord(ch):04X}) at column {pos + 1}; retype it")


def make_context(symbols: Mapping[str, str] | Iterable[str] | None,
                 allow_unknown: bool = False) -> Context:
    """A :class:`Context` from declared symbol names (canonicalised: ``lambda`` -> ``lam``)."""
    names = frozenset(canonical_symbol(s) for s in (symbols or ()))
    return Context(names, allow_unknown)


_LEADING = re.compile(r"^\s*(?:(?:answer|ans|result)\s*[:=]|=)\s*", re.IGNORECASE)
_UNIT = re.compile(r"(?<=[\w)\]}.!|\u00b2\u00b3\u00b9\u2070-\u2079])\s*"
                   r"(nats?|bits?|%|percent)\s*$", re.IGNORECASE)
#: what a typed unit means
UNITS = {"nat": "nats", "nats": "nats", "bit": "bits", "bits": "bits", "%": "%", "percent": "%"}


def _frame(text: str, ctx: Context) -> tuple[str, str | None]:
    """Blank out (keeping columns) a leading ``=`` or ``answer:``, a trailing sentence ``.`` and
    a trailing unit; return the text and the unit typed."""
    unit = None
    m = _LEADING.match(text)
    if m:
        text = " " * m.end() + text[m.end():]
    stripped = text.rstrip()
    if stripped.endswith(".") and not stripped.endswith(".."):
        cut = len(stripped) - 1
        text = text[:cut] + " " + text[cut + 1:]
    m = _UNIT.search(text)
    word = m.group(1).lower() if m else ""
    # (re's IGNORECASE also matches 'bıts' and 'natſ': not units, their letters are refused)
    if m and word in UNITS and word not in ctx.symbols:
        # a unit glued to a name is part of the name (xbits); after a number or bracket it is not
        before = text[:m.start()].rstrip()
        if m.start(1) == m.start() and word != "%" and before and before[-1].isalpha():
            return text, None
        unit = UNITS[word]
        text = text[:m.start(1)] + " " * (m.end(1) - m.start(1)) + text[m.end(1):]
    return text, unit


def remember_readings(fresh: Callable[[R], R], size: int = 1024,
                      max_chars: int = 256) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Remember the last ``size`` results of a reading of a text of at most ``max_chars``
    characters: a reading is a pure function of the text and its (hashable) arguments, and a
    class repeats its texts (the same answer to every version of a question, an answer that is
    the key's own expression). ``fresh`` gives each caller a result of its own (lists copied,
    trees shared: they are immutable); a refusal (an exception) is not remembered. The
    decorated function's ``forget()`` empties the memory."""
    def wrap(read: Callable[..., R]) -> Callable[..., R]:
        remembered = functools.lru_cache(maxsize=size)(read)

        @functools.wraps(read)
        def reading(text: str, *args: Any, **kwargs: Any) -> R:
            if len(text) > max_chars:  # (a long text's tree is large; and rarely repeated)
                return read(text, *args, **kwargs)
            return fresh(remembered(text, *args, **kwargs))

        reading.forget = remembered.cache_clear  # type: ignore[attr-defined]
        return reading
    return wrap


@remember_readings(lambda read: ParseResult(read.node, list(read.notes), read.symbols, read.unit))
def parse(text: str, ctx: Context, limits: Limits = DEFAULT_LIMITS) -> ParseResult:
    """Parse ``text``; raise :class:`ParseError` or :class:`LimitExceeded` (both have a
    student-facing message). Runs in time linear in the input."""
    check_text(text, limits)
    text, unit = _frame(text, ctx)
    lexer = _Lexer(text, ctx, limits)
    tokens = lexer.run()
    depth = max_depth = 0
    used = []
    sized = lexer.out_of_range  # whether check_magnitudes may refuse the tree (see below)
    for tok in tokens:
        kind = tok.kind
        if kind == "LP":
            depth += 1
            max_depth = max(max_depth, depth)
        elif kind == "RP":
            depth -= 1
        elif kind == "SYM":
            used.append(tok.value)
        elif kind in _SIZED_KINDS and not sized:
            sized = (kind != "OP" and kind != "FUNC") or tok.value in _SIZED_VALUES
    if max_depth > limits.max_depth:
        raise LimitExceeded(
            f"the answer is nested too deeply (more than {limits.max_depth} levels)")
    parser = _Parser(tokens, text, ctx, limits)
    node = parser.parse()
    if sized:
        check_magnitudes(node, limits)
    symbols = frozenset(used)
    if ctx.allow_unknown and any(tok.kind == "SIGMA" for tok in tokens):
        from quizgen.maths.nodes import free_symbols

        symbols = free_symbols(node)
    return ParseResult(node, lexer.notes + parser.notes, symbols, unit)


#: check_magnitudes refuses only a number outside its range (the lexer tells), a power, a
#: factorial or a binomial: most answers have none of these, and it walks the whole tree. A
#: root's index is a power; a sum's bounds are tokens of their own.
_SIZED_KINDS = frozenset({"OP", "FUNC", "SQRT", "BIGOP", "BIGCALL"})
_SIZED_VALUES = frozenset({"^", "!", "factorial", "binomial"})  # of OP and FUNC tokens


def parse_answer(text: str, symbols: Mapping[str, str] | Iterable[str] | None = None, *,
                 allow_unknown: bool = False, limits: Limits = DEFAULT_LIMITS) -> Node:
    """Parse an answer in the context of the declared ``symbols`` (names or a name->domain map).

    With ``allow_unknown`` every unrecognised name is a symbol (for instructor input with no
    declarations). Raises :class:`ParseError` / :class:`LimitExceeded`.
    """
    return parse(text, make_context(symbols, allow_unknown), limits).node
