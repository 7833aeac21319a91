"""Our own small immutable AST for answers: nothing in it can run code.

Numbers are exact (``Fraction``) as typed; ``decimal`` remembers that a number was written with a
decimal point so messages can show it as typed, and ``digits`` how many significant digits it was
typed with (``0.10025884372280375``: 17), which the reduced fraction does not keep. ``Const`` is ``pi`` or ``E``.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
import operator
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any, Callable, Iterator, TypeVar, Union


class _Hashed:
    """The node classes' base: a slot for the hash each node works out once (see _hash_once)."""

    __slots__ = ("_h",)


def _hash_once(cls: type) -> type:
    """Give a node class a hash worked out once per node (the generated one walks the whole
    subtree on every call, and trees are looked up by structure in several caches): the same
    value as the dataclass's own, kept in the node's ``_h`` slot, which is not a field (not
    compared, not shown, not pickled: a copy in another process, where string hashes differ,
    works it out afresh)."""
    names = tuple(f.name for f in fields(cls) if f.compare)
    values = operator.attrgetter(*names)
    single = len(names) == 1

    def __hash__(self) -> int:  # type: ignore[no-untyped-def]
        try:
            return self._h
        except AttributeError:
            h = hash((values(self),) if single else values(self))
            object.__setattr__(self, "_h", h)
            return h

    cls.__hash__ = __hash__  # type: ignore[assignment]
    return cls


@_hash_once
@dataclass(frozen=True, slots=True)
class Num(_Hashed):
    value: Fraction
    decimal: bool = False
    digits: int = 0  # significant digits as typed (decimals only; 0 otherwise)


@_hash_once
@dataclass(frozen=True, slots=True)
class Sym(_Hashed):
    name: str


@_hash_once
@dataclass(frozen=True, slots=True)
class Const(_Hashed):
    name: str  # "pi" or "E"


@_hash_once
@dataclass(frozen=True, slots=True)
class Add(_Hashed):
    terms: tuple["Node", ...]


@_hash_once
@dataclass(frozen=True, slots=True)
class Mul(_Hashed):
    factors: tuple["Node", ...]


@_hash_once
@dataclass(frozen=True, slots=True)
class Div(_Hashed):
    num: "Node"
    den: "Node"


@_hash_once
@dataclass(frozen=True, slots=True)
class Neg(_Hashed):
    arg: "Node"


@_hash_once
@dataclass(frozen=True, slots=True)
class Pow(_Hashed):
    base: "Node"
    exp: "Node"


@_hash_once
@dataclass(frozen=True, slots=True)
class Call(_Hashed):
    fname: str
    args: tuple["Node", ...]


@_hash_once
@dataclass(frozen=True, slots=True)
class BigOp(_Hashed):
    """A sum (``op`` "sum") or product ("prod") of ``body`` over ``index`` from ``lower`` to
    ``upper`` inclusive; no bounds (None): the index runs over the data it subscripts. Only read
    where a question declares indexed data (``Context.indices``)."""

    op: str
    body: "Node"
    index: str
    lower: "Node | None" = None
    upper: "Node | None" = None


@_hash_once
@dataclass(frozen=True, slots=True)
class Deriv(_Hashed):
    """The derivative of ``body`` in the symbol ``var`` (``diff(f, theta)``)."""

    body: "Node"
    var: str


Node = Union[Num, Sym, Const, Add, Mul, Div, Neg, Pow, Call, BigOp, Deriv]


_CHILDREN = {
    Add: lambda n: n.terms,
    Mul: lambda n: n.factors,
    Div: lambda n: (n.num, n.den),
    Neg: lambda n: (n.arg,),
    Pow: lambda n: (n.base, n.exp),
    Call: lambda n: n.args,
    BigOp: lambda n: tuple(c for c in (n.body, n.lower, n.upper) if c is not None),
    Deriv: lambda n: (n.body,),
}
_LEAF = lambda n: ()  # noqa: E731 - Num, Sym, Const


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``."""
    return _CHILDREN.get(type(node), _LEAF)(node)


def walk(node: Node) -> Iterator[Node]:
    """All nodes, iteratively (answers may be deep; no recursion limit surprises)."""
    stack = [node]
    pop, extend, kids = stack.pop, stack.extend, _CHILDREN
    while stack:
        current = pop()
        yield current
        get = kids.get(type(current))
        if get is not None:
            extend(get(current))


F = TypeVar("F", bound=Callable[..., Any])


def per_node(size: int = 4096) -> Callable[[F], F]:
    """Cache a pure function of one node (and hashable extra arguments) by the node's identity.

    A question's expected expression and its known wrong answers are analysed for every answer
    compared with them; the same tree object comes back each time. The entry holds the node, so
    its ``id`` cannot be reused by another tree while cached. Past ``size`` entries the least
    recently used goes: a class's stream of one-off answers does not push out the key's trees."""
    def wrap(fn: F) -> F:
        cache: OrderedDict[tuple, tuple[Node, Any]] = OrderedDict()

        @functools.wraps(fn)
        def cached(node: Node, *extra: Any) -> Any:
            key = (id(node), *extra)
            hit = cache.get(key)
            if hit is not None and hit[0] is node:
                cache.move_to_end(key)
                return hit[1]
            value = fn(node, *extra)
            cache[key] = (node, value)
            if len(cache) > size:
                cache.popitem(last=False)
            return value

        return cached  # type: ignore[return-value]

    return wrap


@per_node()
def free_symbols(node: Node) -> frozenset[str]:
    """Names of the symbols used in ``node``."""
    return frozenset(n.name for n in walk(node) if isinstance(n, Sym))


def _num_text(value: Fraction, decimal: bool = False) -> str:
    if decimal:
        return repr(float(value))
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


_PREC = {"add": 1, "mul": 2, "neg": 3, "pow": 4, "atom": 5}


def to_text(node: Node) -> str:
    """Canonical plain-syntax text (SymPy-style ``**``); parses back to an equal tree."""
    return _text(node)[0]


def _text(node: Node) -> tuple[str, int]:
    if isinstance(node, Num):
        text = _num_text(node.value, node.decimal)
        if node.value < 0 or "/" in text or "e" in text:
            return "(" + text + ")", _PREC["atom"]
        return text, _PREC["atom"]
    if isinstance(node, Sym):
        return node.name, _PREC["atom"]
    if isinstance(node, Const):
        return node.name, _PREC["atom"]
    if isinstance(node, Call):
        return node.fname + "(" + ", ".join(_text(a)[0] for a in node.args) + ")", _PREC["atom"]
    if isinstance(node, Add):
        parts = []
        for i, term in enumerate(node.terms):
            if isinstance(term, Neg):
                text = _wrap(term.arg, _PREC["mul"])
                parts.append(("-" if i == 0 else " - ") + text)
            else:
                parts.append(("" if i == 0 else " + ") + _wrap(term, _PREC["add"] + 1))
        return "".join(parts), _PREC["add"]
    if isinstance(node, Mul):
        return "*".join(_wrap(f, _PREC["mul"]) for f in node.factors), _PREC["mul"]
    if isinstance(node, Div):
        return _wrap(node.num, _PREC["mul"]) + "/" + _wrap(node.den, _PREC["mul"] + 1), _PREC["mul"]
    if isinstance(node, Neg):
        return "-" + _wrap(node.arg, _PREC["pow"]), _PREC["neg"]
    if isinstance(node, Pow):
        return _wrap(node.base, _PREC["pow"] + 1) + "**" + _wrap(node.exp, _PREC["pow"]), _PREC["pow"]
    if isinstance(node, BigOp):
        bounds = [node.lower, node.upper] if node.lower is not None else []
        args = [_text(node.body)[0], node.index] + [_text(b)[0] for b in bounds]  # type: ignore[arg-type]
        return node.op + "(" + ", ".join(args) + ")", _PREC["atom"]
    if isinstance(node, Deriv):
        return "diff(" + _text(node.body)[0] + ", " + node.var + ")", _PREC["atom"]
    raise TypeError(f"not a node: {node!r}")


def _wrap(node: Node, min_prec: int) -> str:
    text, prec = _text(node)
    return text if prec >= min_prec else "(" + text + ")"
