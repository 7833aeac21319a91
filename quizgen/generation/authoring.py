"""Authoring helpers: the pieces many question files share, written once.

A question file should say only what is its own: the derivation, the independent check, the
words. What several files draw or show the same way lives here (see the README, *Writing
questions*, for a question written with them):

- shared grids: :func:`label`, :func:`nonzero_input`, :func:`weight`;
- :class:`ClassPair`: two distributions over three classes, ``p = (p1, p2, 1 - p1 - p2)`` and ``q``;
- :func:`data_table` and :func:`table_arrays`: a small data set shown as a table, and its
  columns as NumPy arrays for ``check``;
- :func:`reliability_table` and :func:`predictions`: a reliability table of confidence bins,
  and the individual predictions it summarises (for ``check``);
- :func:`bernoulli`: a binary distribution as the list ``[t, 1 - t]``;
- statement shapes: :func:`truefalse_statement`.

Everything here is plain data or a plain function: a question built with the helpers is the
same question, byte for byte, as one that spells them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from quizgen.generation.question import Param, Table, by_row, grid, pick


# ---------------------------------------------------------------------------- shared grids
def label(name: str = "y", latex: str | None = None) -> Param:
    """A binary label, 0 or 1."""
    return pick(name, "0", "1", latex=latex)


def nonzero_input(name: str = "x", latex: str | None = None) -> Param:
    """An input from -2 to 2 in steps of 0.5, never 0 (an input of 0 carries no gradient)."""
    return grid(name, "-2", "2", "0.5", exclude=("0",), latex=latex)


def weight(name: str = "w", latex: str | None = None) -> Param:
    """A positive factor from 0.1 to 10 in steps of 0.1 other than 1 (a weight or a temperature whose
    effect must show: with 1 a mistake that drops it would give the right answer)."""
    return grid(name, "0.1", "10", "0.1", exclude=("1",), latex=latex)


def bernoulli(t: Any) -> list[Any]:
    """A binary distribution ``[P(1), P(0)]`` from ``P(1) = t`` (SymPy or NumPy alike)."""
    return [t, 1 - t]


# ---------------------------------------------------------------------------- three classes
@dataclass(frozen=True)
class ClassPair:
    """Two distributions over three classes, each drawn as its first two probabilities on a grid
    (the third completes it to 1): the data ``p = (p1, p2, p_3)`` and the model's ``q``.

    ``params`` are the four grids (``p1``, ``p2``, ``q1``, ``q2``); ``constraint`` keeps draws where
    both are distributions with a positive third class and ``q`` differs from ``p``. In ``derive``,
    ``pair.symbolic(s)`` gives the two as lists of three SymPy expressions; in ``check``,
    ``pair.arrays(p)`` as NumPy arrays. A statement writes one as ``({{ p1 }}, {{ p2 }}, p_3)``.
    """

    p: str = "p"
    q: str = "q"
    low: str = "0.1"
    high: str = "0.8"
    step: str = "0.1"

    @property
    def params(self) -> tuple[Param, ...]:
        return tuple(grid(f"{d}{k}", self.low, self.high, self.step) for d in (self.p, self.q) for k in (1, 2))

    def constraint(self, v: Mapping[str, Any]) -> bool:
        p1, p2, q1, q2 = (v[f"{d}{k}"] for d in (self.p, self.q) for k in (1, 2))
        return p1 + p2 < 1 and q1 + q2 < 1 and (p1, p2) != (q1, q2)

    def symbolic(self, s: Any) -> tuple[list[Any], list[Any]]:
        return tuple(self._three(getattr(s, f"{d}1"), getattr(s, f"{d}2")) for d in (self.p, self.q))  # type: ignore[return-value]

    def arrays(self, p: Mapping[str, float]):
        import numpy as np

        return tuple(np.array(self._three(p[f"{d}1"], p[f"{d}2"])) for d in (self.p, self.q))

    @staticmethod
    def _three(first: Any, second: Any) -> list[Any]:
        return [first, second, 1 - first - second]


# ---------------------------------------------------------------------------- data tables
def data_table(caption: str, *columns: Param, rows: int, indexed: bool = True, name: str = "data") -> Table:
    """A data set of ``rows`` rows, one drawn column per ``grid``/``pick``, shown under ``caption``.

    ``indexed`` heads each column with its name and the row index (``x_i``); otherwise with its
    ``latex`` or its name. For the common binary data set see :func:`labelled_inputs`.
    """
    headers = {c.name: f"{c.latex or c.name}_i" for c in columns} if indexed else {}
    return Table(name, columns=columns, rows=rows, caption=caption, headers=headers)


def labelled_inputs(caption: str, rows: int, *, indexed: bool = True, x: Param | None = None) -> Table:
    """Inputs ``x`` (default :func:`nonzero_input`) with binary labels ``y``: the data of a logistic model."""
    return data_table(caption, x or nonzero_input(), label(), rows=rows, indexed=indexed)


def table_arrays(table: Table, p: Mapping[str, float], *names: str):
    """The named columns of a drawn table as NumPy arrays (in ``check``): ``xs, ys = table_arrays(DATA, p, "x", "y")``."""
    import numpy as np

    arrays = tuple(np.array(table.column(p, n)) for n in names)
    return arrays if len(arrays) > 1 else arrays[0]


# ---------------------------------------------------------------------------- reliability tables
def reliability_table(edges: tuple[str, ...], below: float, above: float) -> Table:
    """A reliability table over the confidence bins between ``edges`` (the last bin closed).

    Row ``b`` draws its count ``n`` from 100 to 500, its mean confidence ``c`` inside the bin
    (``lo + 0.01`` to ``hi - 0.01`` in steps of 0.02) and its accuracy ``a`` from ``below`` under the
    bin's lowest confidence to ``above`` over its highest (at most 0.99, steps of 0.02, so that
    ``a * n`` is a whole number of correct predictions). The question's constraint says how far
    each accuracy may be from its confidence.
    """
    lows = [float(e) for e in edges[:-1]]
    conf = tuple(grid("c", f"{lo + 0.01:.2f}", f"{lo + 0.09:.2f}", "0.02") for lo in lows)
    acc = tuple(grid("a", f"{lo + 0.01 - below:.2f}", f"{min(lo + 0.09 + above, 0.99):.2f}", "0.02") for lo in lows)
    return Table(
        "bins",
        columns=(grid("n", "100", "500", "100"), by_row("c", *conf), by_row("a", *acc)),
        rows=len(lows),
        headers={"n": "n_b", "c": "\\mathrm{conf}_b", "a": "\\mathrm{acc}_b"},
        labels=tuple(f"[{lo}, {hi}{']' if hi == edges[-1] else ')'}" for lo, hi in zip(edges, edges[1:])),
        label_header="\\text{bin}",
    )


def predictions(table: Table, p: Mapping[str, float]):
    """The individual predictions a reliability table summarises (for ``check``): their confidences
    and whether each is correct, as two NumPy arrays (``a_b * n_b`` right in bin ``b``)."""
    import numpy as np

    confidences, correct = [], []
    for b in range(1, table.rows + 1):
        n = int(round(p[f"n{b}"]))
        k = int(round(p[f"a{b}"] * n))
        assert abs(k - p[f"a{b}"] * n) < 1e-6  # a whole number of correct predictions
        confidences += [p[f"c{b}"]] * n
        correct += [1.0] * k + [0.0] * (n - k)
    return np.array(confidences), np.array(correct)


# ---------------------------------------------------------------------------- statement shapes
def truefalse_statement(setting: str, claim: str, ask: str = "and which reason shows it?") -> str:
    """The statement of a true/false question: the setting, a blank line, then
    ``Statement: <claim>. Is the statement true or false, <ask>``."""
    return f"{setting}\n\nStatement: {claim}. Is the statement true or false, {ask}"
