"""Vocabulary shared by the parser and the evaluator: functions, constants, Greek names."""

from __future__ import annotations

import functools

#: canonical function name -> allowed numbers of arguments
FUNCTIONS: dict[str, tuple[int, ...]] = {
    "exp": (1,), "log": (1, 2), "log2": (1,), "log10": (1,), "sqrt": (1,),
    "sigmoid": (1,), "softplus": (1,), "tanh": (1,), "abs": (1,), "factorial": (1,),
    "sin": (1,), "cos": (1,), "tan": (1,), "sinh": (1,), "cosh": (1,),
    "ln": (1,),  # read as log; kept apart so that ln(2,5) can only mean ln(2.5)
    "max": (2, 3, 4, 5, 6, 7, 8), "min": (2, 3, 4, 5, 6, 7, 8), "sign": (1,), "heaviside": (1,),
    "asin": (1,), "acos": (1,), "atan": (1,), "sec": (1,), "csc": (1,), "cot": (1,),
    "sech": (1,), "csch": (1,), "coth": (1,), "asinh": (1,), "acosh": (1,), "atanh": (1,),
    "floor": (1,), "ceil": (1,), "binomial": (2,),
    "acot": (1,), "asec": (1,), "acsc": (1,), "acoth": (1,), "asech": (1,), "acsch": (1,),
}

#: what people type -> canonical function name
FUNCTION_ALIASES: dict[str, str] = {name: name for name in FUNCTIONS}
FUNCTION_ALIASES.update({
    "Abs": "abs", "log_2": "log2", "log_10": "log10", "log_e": "log",
    "lg": "log10", "expit": "sigmoid", "logistic": "sigmoid", "Exp": "exp", "Log": "log",
    "Ln": "ln", "fact": "factorial",
    "Max": "max", "Min": "min", "Heaviside": "heaviside", "step": "heaviside", "theta_step": "heaviside",
    "sgn": "sign", "signum": "sign", "Sign": "sign", "arcsin": "asin", "arccos": "acos",
    "arctan": "atan", "cosec": "csc", "arsinh": "asinh", "arcsinh": "asinh", "arcosh": "acosh",
    "arccosh": "acosh", "artanh": "atanh", "arctanh": "atanh", "ceiling": "ceil",
    "binom": "binomial", "choose": "binomial",
    # the usual spellings of the reciprocal and inverse functions (SymPy's branches: acot(x) =
    # atan(1/x), asec(x) = acos(1/x), acoth(x) = atanh(1/x), ...)
    "cosech": "csch", "cotan": "cot", "arcsec": "asec", "arccsc": "acsc", "arccosec": "acsc",
    "acosec": "acsc", "arccot": "acot", "arccotan": "acot", "arcoth": "acoth", "arccoth": "acoth",
    "arsech": "asech", "arcsech": "asech", "arcsch": "acsch", "arccsch": "acsch",
    "arcosech": "acsch", "arccosech": "acsch", "argsinh": "asinh", "argcosh": "acosh",
    "argtanh": "atanh", "argcoth": "acoth", "argsech": "asech", "argcsch": "acsch",
})

#: ASCII Greek names -> canonical symbol name ("lambda" is a Python keyword elsewhere: "lam")
GREEK_NAMES: dict[str, str] = {
    name: name for name in (
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "pi",
    )
}
GREEK_NAMES.update({
    "lambda": "lam", "lam": "lam", "varepsilon": "epsilon", "vartheta": "theta",
    "varphi": "phi", "varsigma": "sigma", "varrho": "rho",
})

#: Unicode Greek letters -> canonical name
GREEK_LETTERS: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lam", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega",
}

CONSTANTS: dict[str, str] = {"pi": "pi", "e": "E", "E": "E"}


@functools.lru_cache(maxsize=4096)
def canonical_symbol(name: str) -> str:
    """The canonical spelling of a symbol name: ``lambda`` -> ``lam``, ``yhat`` -> ``y_hat``,
    ``x_{i}`` -> ``x_i``. Applied to both the key's declared names and what students type
    (cached: the parser asks for every name it reads, and answers repeat their names)."""
    name = name.replace("{", "").replace("}", "")
    parts = name.split("_")
    head = parts[0]
    if head.endswith("hat") and len(head) > 3 and head[:-3] not in ("", "w"):
        parts = [head[:-3], "hat"] + parts[1:]
        head = parts[0]
    parts[0] = GREEK_NAMES.get(head, head)
    return "_".join(p for p in parts if p)
