"""The authoring model: what a question file in a bank declares.

A question file (``question_bank/<topic>/<name>.py``) defines ``QUESTION = Question(...)``. It is
trusted Python written by an instructor; students never reach it. The file must stay cheap to
import (``quizgen list`` imports every question), so it imports SymPy and NumPy inside
``derive`` and ``check``, not at the top.

- ``params``: the random parameters, each drawn from a finite set of exact decimal values, so
  every number on a sheet has a sensible precision and every draw is reproducible.
- ``derive(s)``: runs ONCE per question, symbolically in the parameters. ``s`` is a namespace of
  SymPy symbols: one per parameter and one per answer symbol (for symbolic answers). It returns a
  :class:`Derivation` — the answer, the worked steps and the known wrong answers, all SymPy
  expressions. The engine substitutes each variant's numbers into them; nothing is typed by hand.
- ``check(p, x)``: an independent NumPy computation of the answer, used to verify every variant's
  key (``p``: parameter values as floats; ``x``: arrays of sample points for the answer symbols).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Mapping, Union

from quizgen.kernel.domains import Domain

#: A line that starts a line of its own when a text is unwrapped: a Markdown list item (``- ``,
#: ``* ``, ``+ ``, ``1. ``, ``1) ``), a table row (``|``), a heading (``#``) or a quote (``>``).
_OWN_LINE = re.compile(r"[-*+] |\d+[.)] |[|#>]")
#: A line that nothing joins: a table row or a heading ends at its line break.
_WHOLE_LINE = re.compile(r"[|#]")


def unwrap(text: str) -> str:
    r'''A text as Markdown reads it, so that a question file can write a long text as an indented block.

    ``statement=r"""`` ends its line; the paragraphs follow, indented with the code, wrapped where
    the author likes and separated by blank lines; ``"""`` closes the block. Unwrapping dedents the
    block, drops the line breaks around it, splits it into paragraphs at blank lines (joined again by
    one blank line, ``"\n\n"``) and joins the lines of a paragraph with one space, as Markdown
    would show them. A line that starts a list item, a table row, a heading or a quote
    (:data:`_OWN_LINE`) keeps its line break, and its indentation for a nested list; the line after
    a table row or a heading starts a line too (a list item or a quote continues, as in Markdown).
    A text of one-line paragraphs separated by one blank line, with no spaces around them, comes
    back unchanged: every text written the old way, as a string with ``"\n\n"`` between paragraphs.
    '''
    if "\n" not in text:
        return text
    paragraphs: list[list[str]] = [[]]  # each a list of output lines
    for line in textwrap.dedent(text).strip("\n").split("\n"):
        lines, words = paragraphs[-1], line.strip()
        if not words:
            if lines:
                paragraphs.append([])
        elif not lines:
            lines.append(words)
        elif _OWN_LINE.match(words) or _WHOLE_LINE.match(lines[-1].lstrip()):
            lines.append(line.rstrip())
        else:
            lines[-1] += " " + words
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


@dataclass(frozen=True)
class Param:
    """A random parameter: drawn uniformly from ``values`` (exact decimal strings)."""

    name: str
    values: tuple[str, ...]
    latex: str | None = None  # how the parameter is written in formulas, e.g. r"\sigma"
    by_row: tuple[tuple[str, ...], ...] = ()  # a table column's values row by row (see by_row()); () = values

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError(f"parameter {self.name!r} has no values to draw from")
        for v in self.values:
            Decimal(v)  # raises on anything that is not an exact decimal
        for row in self.by_row:
            if not set(row) <= set(self.values):
                raise ValueError(f"parameter {self.name!r}: a row's values must be among its values")

    @property
    def domain(self) -> Domain:
        """The strongest domain that holds for every value (used as a SymPy assumption)."""
        fr = [Fraction(v) for v in self.values]
        integral = all(f.denominator == 1 for f in fr)
        if all(f > 0 for f in fr):
            if integral:
                return "positive_integer"
            return "unit_interval" if all(f < 1 for f in fr) else "positive"
        if integral:
            return "integer"
        return "nonnegative" if all(f >= 0 for f in fr) else "real"


def grid(name: str, low: str, high: str, step: str, *, exclude: tuple[str, ...] = (), latex: str | None = None) -> Param:
    """Every multiple of ``step`` from ``low`` to ``high`` inclusive (exact decimals), minus ``exclude``."""
    lo, hi, st = Decimal(low), Decimal(high), Decimal(step)
    excluded = {Decimal(e) for e in exclude}
    values, v = [], lo
    while v <= hi:
        if v not in excluded:
            values.append(_plain(v))
        v += st
    return Param(name, tuple(values), latex)


def _plain(d: Decimal) -> str:
    """A decimal as people write it: 3 not 3.0, 0.25 not 0.250."""
    text = format(d.normalize(), "f")
    return text


def pick(name: str, *values: str, latex: str | None = None) -> Param:
    """A parameter drawn from an explicit list of exact decimal values."""
    return Param(name, tuple(_plain(Decimal(v)) for v in values), latex)


def by_row(name: str, *rows: Param, latex: str | None = None) -> Param:
    """A table column whose cells draw from values of their own, one ``grid``/``pick`` per row.

    For data whose rows differ in range, e.g. the mean confidence of each bin of a reliability
    table: ``by_row("conf", grid("c", "0.51", "0.59", "0.02"), grid("c", "0.61", "0.69", "0.02"))``
    (the row parameters' names are not used). The table must have as many rows.
    """
    if not rows:
        raise ValueError(f"column {name!r} has no rows")
    union = sorted({v for r in rows for v in r.values}, key=Decimal)
    return Param(name, tuple(union), latex, tuple(r.values for r in rows))


@dataclass(frozen=True)
class Step:
    """One line of the worked solution: a sentence (Markdown with $math$) and an optional formula."""

    text: str  # may be written as an indented block (see :func:`unwrap`)
    expr: Any = None  # a SymPy expression or Eq, in the parameter symbols

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", unwrap(self.text))


@dataclass(frozen=True)
class Wrong:
    """A named misconception: the answer it produces (derived in SymPy) and what it says about the mistake."""

    name: str
    expr: Any
    feedback: str  # may be written as an indented block (see :func:`unwrap`)
    credit: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "feedback", unwrap(self.feedback))


@dataclass(frozen=True)
class Right:
    """A correct option of a multiple-select question, with why it is right (shown to a student who missed it)."""

    name: str
    expr: Any
    feedback: str  # may be written as an indented block (see :func:`unwrap`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "feedback", unwrap(self.feedback))


@dataclass(frozen=True)
class Claim:
    """The answer of a :class:`TrueFalse` question: is the statement true for this variant, and why.

    ``truth`` is a SymPy relation in the parameters (``density > 1``) or a plain bool; ``reason`` is
    the correct reason, a SymPy expression (shown as a number or formula) or a sentence (a str).
    ``feedback`` is shown to a student whose true/false part is wrong.
    """

    truth: Any
    reason: Any
    feedback: str = ""


@dataclass(frozen=True)
class Derivation:
    """What ``derive`` returns: all SymPy, all symbolic in the parameters."""

    answer: Any
    steps: tuple[Step, ...] = ()
    wrong: tuple[Wrong, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)  # extra named results the statement may show


#: The units a numeric answer may declare (``Numeric.unit``; the grader reads them after a number).
UNITS = (None, "nats", "bits", "%")


@dataclass(frozen=True)
class Numeric:
    """A number; right within ``max(atol, rtol*|value|)``, or when it matches to ``sigfigs`` figures."""

    rtol: float = 1e-3
    atol: float = 1e-9
    sigfigs: int | None = None
    shown_digits: int = 4  # significant figures shown in the solutions
    #: "nats", "bits" or "%": the unit the statement asks for. A student may type it after the
    #: number or leave it out; another unit is refused with feedback naming both.
    unit: str | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"Numeric.unit must be one of {', '.join(u for u in UNITS if u)} or None, "
                             f"not {self.unit!r}")


@dataclass(frozen=True)
class Symbolic:
    """An expression in the answer symbols, each with the domain a student may assume."""

    symbols: Mapping[str, Domain]


@dataclass(frozen=True)
class Choice:
    """Multiple choice built from the answer and the named misconceptions, shuffled per variant."""

    multiple: bool = False  # several correct options (answer and check() result are then tuples)
    symbols: Mapping[str, Domain] = field(default_factory=dict)  # free symbols of the options, if any


@dataclass(frozen=True)
class TrueFalse:
    """A statement judged true or false AND the reason, chosen among options (see :class:`Claim`).

    ``derive`` returns ``answer=Claim(truth, reason, feedback)`` and the wrong reasons as ``Wrong``
    (their ``expr`` a SymPy expression or a sentence). ``check`` returns ``(truth, reason_value)``
    (``reason_value`` is ``None`` for a sentence). Credit: ``truth_credit`` for the true/false part
    plus ``1 - truth_credit`` for the reason. ``premise``: see below.
    """

    truth_credit: float = 0.5
    symbols: Mapping[str, Domain] = field(default_factory=dict)  # free symbols of the reasons, if any
    reason_prefix: str = ""  # LaTeX put before each expression reason, e.g. "p(\\mu) = "
    #: What the keyed reason assumes, as a predicate on the variant's numbers (``lambda p: ...`` over
    #: the parameters as Fractions, like ``constraint``); every variant's key is checked against it.
    #: ``quizgen check`` requires one when the keyed reason is a sentence (a number is checked by ``check``).
    premise: Callable[[Mapping[str, Fraction]], bool] | None = None


@dataclass(frozen=True)
class Order:
    """Put the steps of a derivation in order. ``derive`` returns ``answer=(step1, step2, ...)``: 4–6
    texts (Markdown, Jinja2 like the statement) in the right order; the sheet shows them shuffled
    per variant and the student answers with their numbers in order, e.g. ``3,1,4,2``. A ``Wrong``
    may name a known wrong order: its ``expr`` a tuple of 0-based indices into the right order.
    ``check`` returns a dict of numbers verified against the derivation's ``values`` (or ``{}``).

    ``commute``: groups of steps whose order does not matter, each a tuple of 0-based indices of
    neighbouring steps in the right order (``((0, 1),)``: the first two may come either way). Every
    order they allow is right, and the key lists the others under ``also_correct``.
    """

    commute: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class Manual:
    """An interview question graded by a person. ``derive`` returns ``answer=`` the model answer
    (Markdown, Jinja2 like the statement); ``rubric`` lists the points an interviewer listens for,
    ``followups`` the follow-up questions. ``check`` returns a dict of numbers verified against the
    derivation's ``values`` (or ``{}``). The grader never scores these: it lists them for a person."""

    rubric: tuple[str, ...] = ()
    followups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vector:
    """A tuple of numbers (no ``symbols``) or of expressions (``symbols`` given), graded component-wise.

    ``derive`` returns ``answer=(e1, e2, ...)`` (or a SymPy Matrix); each ``Wrong.expr`` is a tuple
    of the same length. ``check`` returns the components as an array. Numbers are right within
    ``max(atol, rtol*|value|)`` per component, as for :class:`Numeric`.
    """

    symbols: Mapping[str, Domain] = field(default_factory=dict)
    rtol: float = 1e-3
    atol: float = 1e-9
    sigfigs: int | None = None
    shown_digits: int = 4


@dataclass(frozen=True)
class Declared:
    """A name in a :class:`Steps` question: one number, or a family indexed over sizes
    (``over=("m",)``: y_1..y_m); data given to the problem, or a parameter it optimises over.
    ``domain``: one of the domains, or for a family "binary" (labels in {0, 1}) or "simplex"
    (positive, summing to 1 along its last index)."""

    domain: str = "real"
    over: tuple[str, ...] = ()
    param: bool = False


def data(domain: str = "real", over: str | tuple[str, ...] = ()) -> Declared:
    """Data: a given number, or a family over sizes (``data(over="m")``)."""
    return Declared(domain, (over,) if isinstance(over, str) else tuple(over), False)


def param(domain: str = "real", over: str | tuple[str, ...] = ()) -> Declared:
    """A parameter the problem optimises over (``param(over="m")``: ŷ_1..ŷ_m)."""
    return Declared(domain, (over,) if isinstance(over, str) else tuple(over), True)


@dataclass(frozen=True)
class Line:
    """One line of a derivation: an expression in the question's names (plain syntax, with sums
    such as ``sum((y_i - y_hat_i)^2, i, 1, m)``), the goal ("min"/"max"; None: unchanged), and
    for a model line, why the step holds (Markdown, shown in the solutions)."""

    expression: str
    goal: str | None = None
    why: str = ""


def minimise(expression: str, why: str = "") -> Line:
    return Line(expression, "min", why)


def maximise(expression: str, why: str = "") -> Line:
    return Line(expression, "max", why)


#: What a misconception of a derivation may be recognised by (:class:`Detect`), when not by its lines.
DETECTORS = ("sign_flip", "switch_without_negation", "dropped_term", "lost_factor", "undefined")


@dataclass(frozen=True)
class Detect:
    """A misconception recognised by what the broken step does rather than by its line:
    ``kind`` one of "sign_flip", "switch_without_negation", "dropped_term", "lost_factor",
    "undefined"; ``term`` (for dropped_term / lost_factor) which term or factor it is."""

    kind: str
    term: str | None = None


@dataclass(frozen=True)
class Steps:
    """A derivation the student writes one step per line, graded line by line (each step
    equal / same minimiser / monotone transform / invalid; see quizgen/grading/derivation.py).

    - ``symbols``: name -> :func:`data` / :func:`param`; ``sizes``: size name -> the sizes
      sampled when checking (whole numbers 1..8); ``define``: ``"y_hat_i"`` -> an expression
      (a name that stands for it); ``free``: a free index letter -> its size (an answer "for
      each k");
    - ``start``: the objective the chain starts from (shown in the statement as ``values.start``);
      ``final``: the required last line, related to the student's by ``relation`` ("equal",
      "same_minimiser": a positive multiple plus a term constant in the parameters, or
      "monotone"), described in words by ``final_description`` (Markdown);
    - ``derive`` returns ``answer=`` the model derivation (a tuple of :class:`Line`, from the line
      after ``start``), ``wrong=`` misconceptions whose ``expr`` is a tuple of wrong lines or a
      :class:`Detect`;
    - ``check(p, x)`` gets arrays of sampled data and parameters (``x["y"]`` shaped (n, m), a
      number's (n,), each size an int) and returns ``{"start": …, "final": …}``: both objectives
      computed in NumPy (a derivative by finite differences), independently of the key's text.

    Credit: 1 for a valid chain ending in the final form with at least ``min_lines`` lines; else
    ``prefix_credit`` times the share of the model's steps done validly before the first broken
    one. ``answer_lines``: lines of space left on a printed sheet.
    """

    symbols: Mapping[str, Declared]
    start: Line
    final: Line
    sizes: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: {"m": (1, 2, 3, 5)})
    relation: str = "same_minimiser"
    final_description: str = ""
    define: Mapping[str, str] = field(default_factory=dict)
    free: Mapping[str, str] = field(default_factory=dict)
    prefix_credit: float = 0.5
    min_lines: int = 2
    strict_connectors: bool = False
    answer_lines: int = 8
    #: "optimisation": any valid step (equal, same minimiser, monotone); "equality": every line
    #: equal to the one before (a gradient or a value is computed, not a minimiser kept)
    moves: str = "optimisation"


AnswerSpec = Union[Numeric, Symbolic, Choice, TrueFalse, Order, Manual, Vector, Steps]

KINDS = {Numeric: "numeric", Symbolic: "symbolic", Choice: "choice", TrueFalse: "truefalse",
         Order: "order", Manual: "manual", Vector: "vector", Steps: "derivation"}


@dataclass(frozen=True)
class Table:
    """A small random data set, drawn per variant and shown as a table in every format.

    Each column is a :class:`Param` (``grid``/``pick``): every cell is drawn from its values. The
    cell in row ``i`` (1-based) of column ``x`` becomes the parameter ``x<i>`` (``x1``, ``x2``, ...),
    so ``derive`` sees it as ``s.x1``, ``check`` as ``p["x1"]`` and a ``constraint`` as ``p["x1"]``;
    :meth:`column` collects a column from any of these. ``headers`` gives a column's LaTeX heading
    (default: the column's ``latex`` or its name). A column made with :func:`by_row` draws each
    row's cell from that row's values. ``labels`` are fixed row names shown as a first column
    (LaTeX-safe text such as ``[0.5, 0.6)``), headed by ``label_header`` (LaTeX); they are not drawn.
    """

    name: str
    columns: tuple[Param, ...]
    rows: int
    caption: str = ""  # Markdown, shown above the table (a Jinja2 template like the statement)
    headers: Mapping[str, str] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    label_header: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.rows <= 30:
            raise ValueError(f"table {self.name!r}: rows must be from 1 to 30, not {self.rows}")
        if not self.columns:
            raise ValueError(f"table {self.name!r} has no columns")
        for c in self.columns:
            if c.by_row and len(c.by_row) != self.rows:
                raise ValueError(f"table {self.name!r}: column {c.name!r} has values for {len(c.by_row)} rows, "
                                 f"the table {self.rows}")
        if self.labels and len(self.labels) != self.rows:
            raise ValueError(f"table {self.name!r}: {len(self.labels)} labels for {self.rows} rows")

    def cell_params(self) -> tuple[Param, ...]:
        return tuple(Param(f"{c.name}{i}", c.by_row[i - 1] if c.by_row else c.values, f"{c.latex or c.name}_{{{i}}}")
                     for i in range(1, self.rows + 1) for c in self.columns)

    def column(self, source: Any, name: str) -> list[Any]:
        """The cells of column ``name``, row by row, from ``s`` (derive), ``p`` (check) or a constraint's dict."""
        keys = [f"{name}{i}" for i in range(1, self.rows + 1)]
        if isinstance(source, Mapping):
            return [source[k] for k in keys]
        return [getattr(source, k) for k in keys]

    def header(self, column: Param) -> str:
        return self.headers.get(column.name) or column.latex or column.name


@dataclass(frozen=True)
class Figure:
    """A picture for the question, drawn by matplotlib from the variant's numbers (see ``quizgen/figures.py``).

    - ``kind``: the drawing: ``sigmoid_slope``, ``loss_vs_output``, ``reliability`` or ``likelihood``;
    - ``alt``: what the picture shows, in words (a Jinja template like the statement; it is the
      Markdown alt text, so a reader who cannot see the picture loses nothing);
    - ``args``: the drawing's arguments from the variant's parameters (exact decimal strings);
      a figure is drawn once per distinct result, so keep it to the numbers the picture needs;
    - ``where``: ``"sheet"`` (with the question) or ``"solutions"`` (only with the worked solution,
      for a picture that would give the answer away).
    """

    kind: str
    alt: str
    args: Callable[[Mapping[str, str]], Mapping[str, Any]] | None = None
    where: str = "sheet"

    def __post_init__(self) -> None:
        if self.where not in ("sheet", "solutions"):
            raise ValueError(f"Figure.where must be 'sheet' or 'solutions', not {self.where!r}")


@dataclass(frozen=True, eq=False)  # identity hash: a loaded question is cached by object
class Question:
    """One question of a bank. See the module docstring for the roles of ``derive`` and ``check``.

    ``statement`` may be written as an indented block (see :func:`unwrap`). ``derive`` and
    ``check`` left out are the question file's own functions of those names (the bank loader
    fills them in; see ``quizgen.generation.bank.load_question``).
    """

    id: str
    title: str
    statement: str  # a Jinja2 template (Markdown with $math$); sees the parameters and ``values``
    answer: AnswerSpec
    derive: Callable[[Any], Derivation] | None = None
    check: Callable[[Mapping[str, float], Mapping[str, Any]], Any] | None = None
    params: tuple[Param, ...] = ()
    constraint: Callable[[Mapping[str, Fraction]], bool] | None = None
    tags: tuple[str, ...] = ()
    difficulty: int = 1  # 1 easy, 2 medium, 3 hard
    points: float = 1.0
    symbol_latex: Mapping[str, str] = field(default_factory=dict)  # e.g. {"y_hat": r"\hat{y}"}
    tables: tuple[Table, ...] = ()  # data sets shown with the statement; their cells join ``params``
    figures: tuple[Figure, ...] = ()  # pictures drawn from the variant's numbers

    def __post_init__(self) -> None:
        object.__setattr__(self, "statement", unwrap(self.statement))
        cells = tuple(p for t in self.tables for p in t.cell_params())
        # every cell is a parameter like any other: drawn, substituted, verified, cached (added
        # once: dataclasses.replace runs this again on params that already end with them)
        if cells and tuple(self.params[-len(cells):]) != cells:
            object.__setattr__(self, "params", tuple(self.params) + cells)

    @property
    def kind(self) -> str:
        return KINDS[type(self.answer)]


#: Modules a question file may have imported before the generation side became a package.
MOVED_MODULES = {f"quizgen.{name}": f"quizgen.generation.{name}" for name in ("question", "derivations", "numopt", "formulas")}


def failure(what: str, err: Exception) -> str:
    """One line for an exception raised by a question file's code, with the new name of a moved module."""
    moved = MOVED_MODULES.get(getattr(err, "name", None) or "") if isinstance(err, ModuleNotFoundError) else None
    if moved:
        return f"{what}: imports {err.name}, which is now {moved}: change the import"  # type: ignore[attr-defined]
    return f"{what}: {type(err).__name__}: {err}"
