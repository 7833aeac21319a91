"""Indexed data and sums in typed answers: what a question declares, whether a line uses its
indices correctly, and how a line becomes an ordinary expression for one sampled data set.

A question with indexed data declares its symbols (``y`` over ``m``: the data y_1..y_m; ``y_hat``
over ``m`` and optimised over: the parameters ŷ_1..ŷ_m; ``sigma``: one number), the sizes to
sample (``m`` in 1, 2, 3, 5) and definitions (``y_hat_i`` = ``sigmoid(theta*x_i)``). A student
writes ``Σ_i (y_i - ŷ_i)^2``, ``\\sum_{i=1}^m …`` or ``sum(…, i, 1, m)``; the parser reads them
into :class:`~quizgen.maths.nodes.BigOp` nodes (nothing runs). :func:`check_indices` refuses a
line whose indices cannot be read as meant (an index outside its sum, two nested sums over one
letter, a sum over data of two different sizes without a range). :func:`expand` then writes a
line out for one *world* (concrete sizes and free-index values) as an ordinary expression over
instance symbols ``y[1]``, ``y[2]``, …, which the existing evaluator and equivalence engine handle;
the work is bounded by :data:`MAX_EXPANDED` nodes per line. Sampling many worlds and many data
draws is how a line is "evaluated by sampling the size m and the data".
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping

import numpy as np

from quizgen.kernel.domains import DOMAINS
from quizgen.maths.names import canonical_symbol
from quizgen.maths.nodes import Add, BigOp, Call, Const, Deriv, Div, Mul, Neg, Node, Num, Pow, Sym, children
from quizgen.maths.parse import Context, ParseError, make_context

#: Letters a sum may bind, unless the question uses one for something else.
INDEX_LETTERS = "ijlnkt"
#: Domains of a whole indexed family: labels in {0, 1}, or a probability vector (positive
#: entries summing to 1 along the last index).
FAMILY_DOMAINS = ("binary", "simplex")
#: Nodes in one line written out for one world: beyond it the line is refused (too large).
MAX_EXPANDED = 20000
#: Largest size sampled for any size symbol.
MAX_SIZE = 8


class IndexProblem(ParseError):
    """A line whose indices cannot be read as meant; ``str()`` says how to write it."""

    def __init__(self, reason: str, text: str = ""):
        super().__init__(reason, text, None)


@dataclass(frozen=True)
class Symbol:
    """A declared name: one number (``over`` empty) or a family indexed over sizes."""

    name: str
    domain: str = "real"
    over: tuple[str, ...] = ()
    param: bool = False  # optimised over (a parameter) rather than given (data)


@dataclass(frozen=True)
class Definition:
    """``name`` (with ``letters`` as its own indices) stands for ``body``."""

    name: str
    letters: tuple[str, ...]
    body: Node


@dataclass(frozen=True)
class World:
    """Concrete sizes and free-index values: one way to write a line out."""

    sizes: tuple[tuple[str, int], ...]
    free: tuple[tuple[str, int], ...] = ()

    def size(self, name: str) -> int:
        return dict(self.sizes)[name]

    def describe(self) -> str:
        return ", ".join(f"{k} = {v}" for k, v in self.sizes + self.free)


@dataclass(frozen=True)
class Declarations:
    """What a question with indexed data declares (see the module docstring)."""

    symbols: Mapping[str, Symbol]
    sizes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    free: Mapping[str, str] = field(default_factory=dict)  # free index letter -> its size
    definitions: Mapping[str, Definition] = field(default_factory=dict)

    # ---------------------------------------------------------------- names
    @property
    def letters(self) -> tuple[str, ...]:
        """The index letters a sum may bind here."""
        taken = set(self.symbols) | set(self.sizes) | set(self.free) | set(self.definitions)
        return tuple(c for c in INDEX_LETTERS if c not in taken)

    def family(self, name: str) -> Symbol | Definition | None:
        return self.definitions.get(name) or self.symbols.get(name)

    def arity(self, name: str) -> int:
        entry = self.symbols.get(name)
        return len(entry.over) if entry is not None else 0

    def over(self, name: str) -> tuple[str, ...]:
        entry = self.symbols.get(name)
        return entry.over if entry is not None else ()

    def names(self) -> frozenset[str]:
        """Every name a line may use (the parser's declared symbols)."""
        subs = self.letters + tuple(self.free)
        out: set[str] = set(self.sizes) | set(self.letters) | set(self.free)
        for name, entry in self.symbols.items():
            if not entry.over:
                out.add(name)
                continue
            for combo in itertools.product(subs, repeat=len(entry.over)):
                out.add(name + "_" + "".join(combo))
        return frozenset(out)

    def context(self, decimal_comma: bool | None = None) -> Context:
        return dataclasses.replace(make_context(self.names()), decimal_comma=decimal_comma,
                                   indices=frozenset(self.letters))

    def split(self, name: str) -> tuple[str, str] | None:
        """``y_hat_ij`` -> (``y_hat``, ``ij``) for an indexed family; None for other names."""
        head, _, tail = name.rpartition("_")
        entry = self.symbols.get(head)
        if entry is not None and entry.over and len(tail) == len(entry.over):
            return head, tail
        return None

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.symbols.items() if s.param)


def declarations(symbols: Mapping[str, Mapping], *, sizes: Mapping[str, Iterable[int]] | None = None,
                 free: Mapping[str, str] | None = None,
                 define: Mapping[str, str] | None = None) -> Declarations:
    """Declarations from key.json-like data; raises ValueError naming what is malformed.

    ``symbols``: name -> {"domain", "over" (list of size names), "param" (bool)}; ``sizes``:
    size name -> the sizes to sample; ``free``: free index letter -> its size; ``define``:
    ``name_<letters>`` -> expression text (read with these declarations)."""
    syms: dict[str, Symbol] = {}
    sizes = {canonical_symbol(k): tuple(int(v) for v in vals) for k, vals in (sizes or {}).items()}
    for size, vals in sizes.items():
        if not vals or any(not 1 <= v <= MAX_SIZE for v in vals):
            raise ValueError(f"size '{size}': the sizes to sample must be whole numbers from 1 "
                             f"to {MAX_SIZE}")
    for raw, spec in symbols.items():
        name = canonical_symbol(raw)
        if not isinstance(spec, Mapping):
            raise ValueError(f"symbol '{raw}': expected an object with its domain")
        domain = spec.get("domain", "real")
        over = tuple(canonical_symbol(s) for s in spec.get("over", ()))
        if domain not in DOMAINS and not (over and domain in FAMILY_DOMAINS):
            raise ValueError(f"symbol '{raw}': unknown domain '{domain}'")
        for s in over:
            if s not in sizes:
                raise ValueError(f"symbol '{raw}' is indexed over '{s}', which is not a size")
        if len(over) > 2:
            raise ValueError(f"symbol '{raw}': at most two indices")
        syms[name] = Symbol(name, domain, over, bool(spec.get("param", False)))
    free_map = {k: canonical_symbol(v) for k, v in (free or {}).items()}
    for letter, size in free_map.items():
        if len(letter) != 1 or size not in sizes:
            raise ValueError(f"free index '{letter}' must be one letter over a declared size")
    decl = Declarations(syms, sizes, free_map, {})
    defs: dict[str, Definition] = {}
    for raw, text in (define or {}).items():
        split = decl.split(canonical_symbol(raw))
        name, letters = split if split else (canonical_symbol(raw), "")
        if name not in syms:
            raise ValueError(f"definition '{raw}': declare '{name}' as a symbol first")
        from quizgen.maths.parse import parse

        body = parse(text, decl.context()).node
        defs[name] = Definition(name, tuple(letters), body)
    decl = Declarations(syms, sizes, free_map, defs)
    for d in defs.values():
        check_indices(d.body, decl, bound=frozenset(d.letters))
    return decl


# ---------------------------------------------------------------- reading indices
def check_indices(node: Node, decl: Declarations, text: str = "",
                  bound: frozenset[str] = frozenset()) -> None:
    """Raise :class:`IndexProblem` when an index is used where it means nothing, a sum reuses a
    bound letter, or a sum without limits runs over data of two sizes (or none)."""
    free = frozenset(decl.free)
    stack: list[tuple[Node, frozenset[str]]] = [(node, bound)]
    while stack:
        n, scope = stack.pop()
        if isinstance(n, Sym):
            _check_sym(n.name, decl, scope | free, text)
        elif isinstance(n, BigOp):
            shown = "Σ" if n.op == "sum" else "Π"
            if n.index in scope:
                raise IndexProblem(f"two nested sums both use the index {n.index}; give the inner "
                                  "one another letter", text)
            if n.index in free:
                raise IndexProblem(f"{n.index} already names the entry this answer is about; use "
                                  f"another letter for the {'sum' if n.op == 'sum' else 'product'}",
                                  text)
            if n.lower is None:
                sizes = _sizes_of(n.index, n.body, decl)
                if len(sizes) != 1:
                    which = (f"its terms are indexed over both {' and '.join(sorted(sizes))}"
                             if sizes else f"nothing in it is indexed by {n.index}")
                    raise IndexProblem(f"write the range of {shown}_{n.index}, e.g. "
                                      f"{shown}_{{{n.index}=1}}^{min(decl.sizes or ['m'])} "
                                      f"(…): {which}", text)
            else:
                stack.append((n.lower, scope))
                stack.append((n.upper, scope))  # type: ignore[arg-type]
            stack.append((n.body, scope | {n.index}))
        elif isinstance(n, Deriv):
            split = decl.split(n.var)
            base = split[0] if split else n.var
            if base not in decl.params:
                raise IndexProblem(f"a derivative is taken in a parameter "
                                  f"({', '.join(decl.params) or 'none here'}), not in {n.var}", text)
            _check_sym(n.var, decl, scope | free, text)
            stack.append((n.body, scope))
        else:
            for child in children(n):
                stack.append((child, scope))


def _check_sym(name: str, decl: Declarations, scope: frozenset[str], text: str) -> None:
    split = decl.split(name)
    if split is not None:
        family, letters = split
        loose = [c for c in letters if c not in scope]
        if loose:
            raise IndexProblem(f"'{name}' uses the index {loose[0]} outside a sum over "
                              f"{loose[0]}; put the whole summand in parentheses: "
                              f"Σ_{loose[0]} (…)", text)
    elif name in decl.letters and name not in scope:
        raise IndexProblem(f"the index {name} only means something inside a sum over it", text)


def _sizes_of(letter: str, body: Node, decl: Declarations) -> set[str]:
    """The sizes of the data that ``letter`` subscripts in ``body``."""
    out: set[str] = set()
    stack = [body]
    while stack:
        n = stack.pop()
        if isinstance(n, Sym):
            split = decl.split(n.name)
            if split is not None:
                over = decl.over(split[0])
                out.update(size for c, size in zip(split[1], over) if c == letter)
        elif isinstance(n, BigOp) and n.index == letter:
            continue
        stack.extend(children(n))
    return out


# ---------------------------------------------------------------- writing a line out
class TooLarge(Exception):
    """A line written out for a world exceeds :data:`MAX_EXPANDED` nodes."""


def instance(family: str, values: Iterable[int]) -> str:
    """The name of one entry of a family: ``y[3]``, ``y[2,1]`` (no typed name looks like it)."""
    return family + "[" + ",".join(str(v) for v in values) + "]"


def expand(node: Node, decl: Declarations, world: World) -> Node:
    """``node`` written out for ``world``: sums and products become sums and products of
    terms, sizes and index values numbers, definitions their bodies, derivatives their results.
    Raises :class:`IndexProblem` (an index out of range) or :class:`TooLarge`.

    Cached: a class writes the same lines again and again, and the same written-out object lets
    the evaluator reuse what it computed once about it (its constants, in high precision)."""
    key = (node, id(decl), world)
    got = _EXPANDED.get(key)
    if got is None or got[0] is not decl:
        got = (decl, _Expander(decl, world).run(node, {}))  # decl kept: its id stays its own
        if len(_EXPANDED) >= 4096:
            _EXPANDED.clear()
        _EXPANDED[key] = got
    return got[1]


_EXPANDED: dict[tuple[Node, int, World], tuple["Declarations", Node]] = {}


class _Expander:
    def __init__(self, decl: Declarations, world: World):
        self.decl = decl
        self.sizes = dict(world.sizes)
        self.free = dict(world.free)
        self.count = 0
        self.defs: dict[tuple[str, tuple[int, ...]], Node] = {}
        self.ranges: dict[BigOp, str] = {}

    def tick(self, k: int = 1) -> None:
        self.count += k
        if self.count > MAX_EXPANDED:
            raise TooLarge()

    def run(self, n: Node, env: Mapping[str, int]) -> Node:
        self.tick()
        kind = type(n)
        if kind is Num or kind is Const:
            return n
        if kind is Sym:
            return self.sym(n.name, env)  # type: ignore[union-attr]
        if kind is Add:
            return Add(tuple(self.run(t, env) for t in n.terms))  # type: ignore[union-attr]
        if kind is Mul:
            return Mul(tuple(self.run(f, env) for f in n.factors))  # type: ignore[union-attr]
        if kind is Div:
            return Div(self.run(n.num, env), self.run(n.den, env))  # type: ignore[union-attr]
        if kind is Neg:
            return Neg(self.run(n.arg, env))  # type: ignore[union-attr]
        if kind is Pow:
            return Pow(self.run(n.base, env), self.run(n.exp, env))  # type: ignore[union-attr]
        if kind is Call:
            return Call(n.fname, tuple(self.run(a, env) for a in n.args))  # type: ignore[union-attr]
        if kind is BigOp:
            return self.big(n, env)  # type: ignore[arg-type]
        if kind is Deriv:
            from quizgen.maths.calculus import differentiate

            body = self.run(n.body, env)  # type: ignore[union-attr]
            var = self.sym(n.var, env)  # type: ignore[union-attr]
            if not isinstance(var, Sym):
                raise IndexProblem(f"cannot differentiate in {n.var}")  # type: ignore[union-attr]
            out = differentiate(body, var.name)
            self.tick(_size(out))
            return out
        raise TypeError(f"not a node: {n!r}")

    def sym(self, name: str, env: Mapping[str, int]) -> Node:
        if name in env:
            return Num(Fraction(env[name]))
        if name in self.free:
            return Num(Fraction(self.free[name]))
        if name in self.sizes:
            return Num(Fraction(self.sizes[name]))
        split = self.decl.split(name)
        if split is None:
            definition = self.decl.definitions.get(name)
            return self.defined(name, ()) if definition is not None else Sym(name)
        family, letters = split
        values = []
        for letter, size in zip(letters, self.decl.over(family)):
            value = env.get(letter, self.free.get(letter))
            if value is None:  # check_indices refuses this first
                raise IndexProblem(f"'{name}' uses the index {letter} outside a sum over it")
            if not 1 <= value <= self.sizes[size]:
                raise IndexProblem(f"{family}_{letter} is used with {letter} = {value}, but the "
                                  f"data are numbered from 1 to {size}")
            values.append(value)
        if family in self.decl.definitions:
            return self.defined(family, tuple(values))
        return Sym(instance(family, values))

    def defined(self, family: str, values: tuple[int, ...]) -> Node:
        key = (family, values)
        out = self.defs.get(key)
        if out is None:
            definition = self.decl.definitions[family]
            out = self.defs[key] = self.run(definition.body, dict(zip(definition.letters, values)))
        else:
            self.tick(_size(out))
        return out

    def big(self, n: BigOp, env: Mapping[str, int]) -> Node:
        if n.lower is None:
            size = self.ranges.get(n)
            if size is None:
                (size,) = _sizes_of(n.index, n.body, self.decl)
                self.ranges[n] = size
            low, high = 1, self.sizes[size]
        else:
            low = _integer(self.run(n.lower, env), "lower")
            high = _integer(self.run(n.upper, env), "upper")  # type: ignore[arg-type]
        if high - low + 1 > 4 * MAX_SIZE:
            raise TooLarge()
        terms = [self.run(n.body, {**env, n.index: v}) for v in range(low, high + 1)]
        if not terms:
            return Num(Fraction(0 if n.op == "sum" else 1))
        if len(terms) == 1:
            return terms[0]
        return Add(tuple(terms)) if n.op == "sum" else Mul(tuple(terms))


def _integer(node: Node, which: str) -> int:
    value = _constant(node)
    if value is None or value.denominator != 1:
        raise IndexProblem(f"the {which} limit of a sum must be a whole number or a size")
    return int(value)


def _constant(node: Node) -> Fraction | None:
    """Exact value of a limit (numbers, +, -, *)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg):
        v = _constant(node.arg)
        return None if v is None else -v
    if isinstance(node, (Add, Mul)):
        parts = [_constant(c) for c in (node.terms if isinstance(node, Add) else node.factors)]
        if any(p is None for p in parts):
            return None
        out = Fraction(0) if isinstance(node, Add) else Fraction(1)
        for p in parts:
            out = out + p if isinstance(node, Add) else out * p  # type: ignore[operator]
        return out
    return None


def _size(node: Node) -> int:
    from quizgen.maths.nodes import walk

    return sum(1 for _ in walk(node))


# ---------------------------------------------------------------- worlds and samples
def worlds(decl: Declarations) -> list[World]:
    """The worlds a line is checked in: the declared sizes in turn (each size list cycled to
    the longest), each with every value of the free indices."""
    names = sorted(decl.sizes)
    count = max((len(decl.sizes[n]) for n in names), default=1)
    out: list[World] = []
    for t in range(count):
        sizes = tuple((n, decl.sizes[n][t % len(decl.sizes[n])]) for n in names)
        free = sorted(decl.free.items())
        ranges = [range(1, dict(sizes)[size] + 1) for _, size in free]
        for values in itertools.product(*ranges):
            out.append(World(sizes, tuple((letter, v) for (letter, _), v in zip(free, values))))
    return out


def instance_domains(decl: Declarations, world: World) -> dict[str, tuple[str, bool]]:
    """Every instance symbol of ``world`` -> (domain, is a parameter)."""
    out: dict[str, tuple[str, bool]] = {}
    for name, s in decl.symbols.items():
        if name in decl.definitions:
            continue
        if not s.over:
            out[name] = (s.domain, s.param)
            continue
        ranges = [range(1, world.size(size) + 1) for size in s.over]
        for values in itertools.product(*ranges):
            out[instance(name, values)] = (s.domain, s.param)
    return out


def sample(decl: Declarations, world: World, rng: np.random.Generator, n_data: int,
           n_param: int) -> dict[str, np.ndarray]:
    """Complex arrays of ``n_data * n_param`` points: data symbols take ``n_data`` draws, each
    repeated over ``n_param`` independent parameter points (point ``d * n_param + j``)."""
    env: dict[str, np.ndarray] = {}
    for name in sorted(decl.symbols):
        s = decl.symbols[name]
        if name in decl.definitions:
            continue
        count = n_data * n_param if s.param else n_data
        shape = tuple(world.size(size) for size in s.over)
        entries = int(np.prod(shape)) if shape else 1
        if s.domain == "binary":
            block = rng.integers(0, 2, size=(count, entries)).astype(float)
        elif s.domain == "simplex":
            block = _simplex(rng, count, entries // shape[-1], shape[-1])
        else:
            block = _moderate(s.domain, rng, count * entries).reshape(count, entries)
        if not s.param:
            block = np.repeat(block, n_param, axis=0)
        if not s.over:
            env[name] = block[:, 0].astype(np.float64)
            continue
        for k, values in enumerate(itertools.product(*(range(1, d + 1) for d in shape))):
            env[instance(name, values)] = block[:, k].astype(np.float64)
    return env


def _moderate(domain: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """Values of one domain at moderate magnitudes (0.1 to 3, both signs for "real"): a
    likelihood is a product of up to :data:`MAX_SIZE` densities, which the wider ranges of
    single-expression sampling would underflow to 0 at most points."""
    from quizgen.maths.sampling import sample_domain

    u, sign = rng.random(n), rng.random(n)
    if domain == "real":
        return np.exp(np.log(0.1) + (np.log(3.0) - np.log(0.1)) * u) * np.where(sign < 0.5, -1, 1)
    if domain in ("positive", "nonnegative"):
        values = np.exp(np.log(0.25) + (np.log(4.0) - np.log(0.25)) * u)
        return np.where(sign < 0.05, 0.0, values) if domain == "nonnegative" else values
    return sample_domain(domain, rng, n)


#: a simplex's entries are multiples of 2^-20 summing to exactly 1, in floats and in exact
#: arithmetic alike: a step using sum_k p_k = 1 then holds in the 50-digit check too
_DYADIC = 2**20


def _simplex(rng: np.random.Generator, count: int, rows: int, k: int) -> np.ndarray:
    weights = rng.gamma(1.0, size=(count, rows, k)) + 1e-3
    scaled = weights / weights.sum(axis=2, keepdims=True) * (_DYADIC - k)
    counts = np.floor(scaled).astype(np.int64) + 1  # every entry at least 2^-20
    short = _DYADIC - counts.sum(axis=2)  # 0 .. k-1 left to hand out, to the largest remainders
    order = np.argsort(-(scaled - np.floor(scaled)), axis=2)
    for extra in range(k):
        give = (short > extra)
        idx = order[..., extra]
        np.put_along_axis(counts, idx[..., None],
                          np.take_along_axis(counts, idx[..., None], axis=2) + give[..., None], axis=2)
    return (counts / _DYADIC).reshape(count, rows * k)
