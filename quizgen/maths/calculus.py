"""Derivatives on our own AST (``diff(f, theta)`` in a line), exact and without SymPy.

A gradient derivation starts from ``diff(loss, theta)``; its value is the derivative written out
by the usual rules, evaluated like any other expression. Only smooth functions are
differentiated; ``abs``, ``max``, ``floor``… are refused with a message, never approximated.
"""

from __future__ import annotations

from fractions import Fraction

from quizgen.maths.nodes import Add, Call, Const, Div, Mul, Neg, Node, Num, Pow, Sym, children

ZERO = Num(Fraction(0))
ONE = Num(Fraction(1))
TWO = Num(Fraction(2))


class NotDifferentiable(ValueError):
    """``str()`` names the function that has no derivative here."""


def differentiate(node: Node, var: str) -> Node:
    """d node / d var (``var`` a symbol name); raises :class:`NotDifferentiable`."""
    return _Diff(var).d(node)


class _Diff:
    def __init__(self, var: str):
        self.var = var
        self.seen: dict[int, tuple[Node, bool]] = {}  # the node is kept: its id stays its own

    def has(self, node: Node) -> bool:
        """Whether ``var`` occurs in ``node`` (memoised: each subtree is looked at once)."""
        got = self.seen.get(id(node))
        if got is None:
            got = (node, node.name == self.var if isinstance(node, Sym)
                   else any(self.has(c) for c in children(node)))
            self.seen[id(node)] = got
        return got[1]

    def d(self, node: Node) -> Node:
        if not self.has(node):
            return ZERO
        return _rule(self, node)


def _rule(self: "_Diff", node: Node) -> Node:
    var = self.var
    kind = type(node)
    if kind is Sym:
        return ONE if node.name == var else ZERO  # type: ignore[union-attr]
    if kind is Add:
        return _add([self.d(t) for t in node.terms])  # type: ignore[union-attr]
    if kind is Neg:
        return _neg(self.d(node.arg))  # type: ignore[union-attr]
    if kind is Mul:
        factors = node.factors  # type: ignore[union-attr]
        terms = []
        for k, f in enumerate(factors):
            d = self.d(f)
            if d != ZERO:
                terms.append(_mul([*factors[:k], d, *factors[k + 1:]]))
        return _add(terms)
    if kind is Div:
        num, den = node.num, node.den  # type: ignore[union-attr]
        dn, dd = self.d(num), self.d(den)
        top = _add([_mul([dn, den]), _neg(_mul([num, dd]))])
        return Div(top, Pow(den, TWO)) if top != ZERO else ZERO
    if kind is Pow:
        base, exp = node.base, node.exp  # type: ignore[union-attr]
        db = self.d(base)
        if not self.has(exp):
            return _mul([exp, Pow(base, _add([exp, Num(Fraction(-1))])), db])
        de = self.d(exp)
        # d b^e = b^e (e' log b + e b'/b)
        return _mul([node, _add([_mul([de, Call("log", (base,))]),
                                 _mul([exp, Div(db, base)]) if db != ZERO else ZERO])])
    if kind is Call:
        return _call(self, node)  # type: ignore[arg-type]
    if kind is Num or kind is Const:
        return ZERO
    raise NotDifferentiable(f"cannot differentiate {type(node).__name__}")


def _call(self: _Diff, node: Call) -> Node:
    name, args = node.fname, node.args
    if name == "log" and len(args) == 2:
        return self.d(Div(Call("log", (args[0],)), Call("log", (args[1],))))
    if len(args) != 1 or name not in _RULES:
        raise NotDifferentiable(f"{name} has no derivative here (it is not smooth, or not "
                                "supported in derivatives)")
    (u,) = args
    du = self.d(u)
    if du == ZERO:
        return ZERO
    return _mul([_RULES[name](u), du])


def _sig(u: Node) -> Node:
    return Call("sigmoid", (u,))


_RULES = {
    "exp": lambda u: Call("exp", (u,)),
    "log": lambda u: Div(ONE, u),
    "log2": lambda u: Div(ONE, Mul((u, Call("log", (TWO,))))),
    "log10": lambda u: Div(ONE, Mul((u, Call("log", (Num(Fraction(10)),))))),
    "sqrt": lambda u: Div(ONE, Mul((TWO, Call("sqrt", (u,))))),
    "sigmoid": lambda u: Mul((_sig(u), Add((ONE, Neg(_sig(u)))))),
    "softplus": _sig,
    "tanh": lambda u: Add((ONE, Neg(Pow(Call("tanh", (u,)), TWO)))),
    "sin": lambda u: Call("cos", (u,)),
    "cos": lambda u: Neg(Call("sin", (u,))),
    "tan": lambda u: Pow(Call("sec", (u,)), TWO),
    "sinh": lambda u: Call("cosh", (u,)),
    "cosh": lambda u: Call("sinh", (u,)),
    "atan": lambda u: Div(ONE, Add((ONE, Pow(u, TWO)))),
    "asinh": lambda u: Div(ONE, Call("sqrt", (Add((Pow(u, TWO), ONE)),))),
}


def _add(terms: list[Node]) -> Node:
    terms = [t for t in terms if t != ZERO]
    if not terms:
        return ZERO
    return terms[0] if len(terms) == 1 else Add(tuple(terms))


def _mul(factors: list[Node]) -> Node:
    if any(f == ZERO for f in factors):
        return ZERO
    factors = [f for f in factors if f != ONE]
    if not factors:
        return ONE
    return factors[0] if len(factors) == 1 else Mul(tuple(factors))


def _neg(node: Node) -> Node:
    return ZERO if node == ZERO else Neg(node)
