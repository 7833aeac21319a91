"""Mutation testing of the grading core (issue 19 §6): would the tests notice a wrong grader?

Run: python bench/mutate_grading.py [--per-module N] [--seed S] [--jobs J] [--module NAME ...]
                                    [--list] [--out FILE]

Not part of CI (it runs the tests once per mutant: tens of minutes). For each module of the
grading core (equiv, evaluate, sampling, numeric, choice, structured) it lists every place a
small mutator of our own can change (no dependency: Python's ``ast``):

- a comparison flipped (``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``,
  ``is`` ↔ ``is not``);
- an operator swapped (``+`` ↔ ``-``, ``*`` ↔ ``/``, ``&`` ↔ ``|``, ``and`` ↔ ``or``), a ``not``
  dropped;
- a constant changed (0 ↔ 1, an integer + 1, a float × 10, True ↔ False);
- a statement deleted (an assignment, a call, a ``raise``, a ``return`` that is not the last
  statement of its function, a ``continue``/``break``);

draws a reproducible sample of them (``--per-module``, default 40; ``--seed``; the same for a
module run alone with ``--module``), and runs the tests
that cover that module against each mutant, on a copy of the package (the working tree is never
touched). A mutant is *killed* when a test fails (or the run times out), *survives* otherwise.
Survivors listed in :data:`EQUIVALENT` (mutants that cannot change behaviour, each with its
reason) are reported apart; the score is killed / (sampled - equivalent). The report prints per
module: sites, sampled, killed, equivalent, survived (each with its line and change), score.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: module -> candidate paths (the engine moves from quizgen/grading to quizgen/maths in issue 23)
MODULES = {
    "equiv": ["quizgen/maths/equiv.py", "quizgen/grading/equiv.py"],
    "evaluate": ["quizgen/maths/evaluate.py", "quizgen/grading/evaluate.py"],
    "sampling": ["quizgen/maths/sampling.py", "quizgen/grading/sampling.py"],
    "numeric": ["quizgen/grading/numeric.py"],
    "choice": ["quizgen/grading/choice.py"],
    "structured": ["quizgen/grading/structured.py"],
}
_ENGINE_TESTS = ["tests/grading/test_engine_kills.py", "tests/grading/test_real_line.py",
                 "tests/grading/test_fast_paths.py",
                 "tests/grading/test_sampling.py", "tests/grading/test_equiv_rules.py",
                 "tests/grading/test_equiv_corpus.py", "tests/grading/test_names_and_domains.py",
                 "tests/grading/test_adversarial.py",
                 "tests/grading/test_equiv_corpus_big.py::test_grader_on_the_whole_corpus"]
#: the tests run against a mutant of each module (fast enough to run hundreds of times)
TESTS = {
    "equiv": _ENGINE_TESTS, "evaluate": _ENGINE_TESTS, "sampling": _ENGINE_TESTS,
    "numeric": ["tests/test_answer_types.py", "tests/grading/test_item.py",
                "tests/grading/test_mutation_kills.py", "tests/grading/test_numeric_fast.py"],
    "choice": ["tests/test_answer_types.py", "tests/grading/test_item.py",
               "tests/grading/test_mutation_kills.py"],
    "structured": ["tests/test_answer_types.py", "tests/grading/test_item.py",
                   "tests/grading/test_mutation_kills.py"],
}

#: Survivors that cannot change behaviour: (module, line, change) -> why. Filled in from runs;
#: a line number moves when the module changes, so each entry also names the source line.
EQUIVALENT: dict[tuple[str, str], str] = {
    ("evaluate", "delete: if v.shape == (size,): | if v.shape == (size,):"):
        "without the shortcut an array of the right size is broadcast and copied: the same values",
    ("evaluate", "< -> <= | self.taint = self.taint | (np.isinf(base) & ~integer & (exp > -2) & (exp < 1)) \\"):
        "an exponent of exactly 1 is an integer, which the taint excludes anyway",
    ("evaluate", "> -> >= | arg = np.where((arg > high) & (arg <= high + _EDGE * abs(high)), high, arg)"):
        "an argument exactly on the end is put on the end: the same value",
    ("evaluate", "< -> <= | arg = np.where((arg < low) & (arg >= low - _EDGE * abs(low)), low, arg)"):
        "an argument exactly on the end is put on the end: the same value",
    ("evaluate", "delete: if len(_FOLDED) > 2048: | if len(_FOLDED) > 2048:"):
        "only bounds the cache's memory: folded constants are the same kept or not",
    ("evaluate", ">= -> > | if len(_FOLDS) >= 4096:"):
        "one more entry before the cache starts again (a bound on memory)",
    ("evaluate", "4096 -> 4097 | if len(_MP_CONSTANTS) >= 4096:"):
        "one more entry before the cache starts again (a bound on memory)",
    ("evaluate", "* -> / | if abs(exp) * ((abs(mp.mag(base)) + 3) * 0.7 + 1) > _MP_MAX_ARG \\"):
        "dividing by 0.7 only loosens the cheap bound: more powers go to the exact test with the "
        "log, which decides the same (the other '*' of the line makes the bound too small and is "
        "killed by test_high_precision_bounds_its_work_by_exponent_times_log_base_plus_one)",
    ("equiv", "1e-06 -> 9.999999999999999e-06 | if v is not None and 1e-6 <= v <= 1e6:"):
        "a constant between 1e-6 and 1e-5 then counts as far from 1: more high precision, "
        "which decides the same",
    ("equiv", "12 -> 13 | dps, eps = need, mpmath.mpf(10) ** -(need - 12)"):
        "agreement asked to 13 digits short of the working precision instead of 12: both far "
        "above its rounding, the same outcomes",
    ("evaluate", "delete: return np.array(np.broadcast_to(np.asarray(v, dtype=dtype),  | "
                 "return np.array(np.broadcast_to(np.asarray(v, dtype=dtype), (size,)))"):
        "np.full broadcasts a 0-d or 1-element array to the same values",
    ("evaluate", "delete: raise TypeError(f'not a node: {node!r}') | raise TypeError(f\"not a node: {node!r}\")"):
        "every node class is handled above: the line is a guard against a new class",
    ("evaluate", "<= -> < | arg = np.where((arg > high) & (arg <= high + _EDGE * abs(high)), high, arg)"):
        "a float argument exactly equal to high + 4 eps |high| is never met (snapped or not, "
        "asin of it is the end's value within rounding)",
    ("evaluate", "is -> is not | if cached is not None and cached[0] is root:"):
        "the cache holds its root, so an id found there is always that root: the mutant only "
        "folds the constants again, to the same values",
    ("evaluate", "1 -> 0 | for n in walk(node) if isinstance(n, Num)), default=1)"):
        "without a number the digits give max(60, 40 or 42) = 60 either way",
    ("evaluate", "> -> >= | if isinstance(got, tuple) and got[1] > 1 and abs(got[0]) < got[1] * 10.0 ** (20 "):
        "at a cancellation scale of exactly 1 the retry adds 30 digits and rounds to the same float",
    ("evaluate", "0 -> 1 | scale = [mp.mpf(0)]"):
        "a starting scale of 1 only lifts the agreement threshold for values below 1; the retry "
        "with the digits that scale asks for then decides as before",
    ("equiv", "delete: if not candidates: | if not candidates:"):
        "with no candidate every point agreed closely, so either sampling decided (then None "
        "follows: nothing agreed in high precision) or too few points agreed (None again)",
    ("sampling", "* -> / | large = large * np.where(t < 0.5, -1.0, 1.0)"):
        "dividing by -1 or 1 is multiplying by it",
    ("sampling", "< -> <= | return np.where(t < 0.05, 0.0, _magnitudes(u, v, w))"):
        "a uniform double equals 0.05 exactly with probability 2^-53",
    ("evaluate", "0 -> 1 | return math.inf if x > 0 else 0.0"):
        "math.gamma never overflows for a negative argument (it returns -0.0 or a subnormal): "
        "the branch for x <= 0 is never taken",
    ("evaluate", "delete: return v.astype(dtype) | return v.astype(dtype)  # (a copy)"):
        "the general path copies the same values (the shortcut only saves a broadcast)",
    ("evaluate", "0.0 -> 1.0 | inside = 2.0 if low == 1.0 else 0.0"):
        "the stand-in argument is used only where the point is outside the domain or a pole, "
        "whose values are replaced by NaN (undefined or unknown) whatever it gives",
    ("evaluate", "delete: return (_num(value), False) | return _num(value), False"):
        "a rational constant then goes through 60-digit high precision, which rounds to the "
        "same float (a double rounding would need the value within 1e-60 of a midpoint)",
    ("evaluate", "40 -> 41 | dps = max(60, 2 * digits + 40)"):
        "one more digit before the value is rounded to a float: the same float",
    ("evaluate", "is not -> is | if id(n) not in symbolic and kind is not Num and kind is not Const and not withi"):
        "fewer parts kept in the cache of constant parts: they are computed again, to the same "
        "values (the cache only saves time)",
    ("evaluate", "0.7 -> 7.0 | if abs(exp) * ((abs(mp.mag(base)) + 3) * 0.7 + 1) > _MP_MAX_ARG \\"):
        "a looser bound only sends more powers to the exact test with the log, which decides "
        "the same (the bound only saves the log)",
    ("evaluate", "or -> and | if isinstance(value, mp.mpc) or not mp.isfinite(value):"):
        "no function computed in high precision returns a complex or infinite value: every "
        "domain edge and pole raises _Undefined first (a defensive check)",
    ("numeric", "0 -> 1 | if value == 0 or not math.isfinite(value) or sigfigs >= 17:"):
        "0 rounded through Decimal is 0 (and -0.0 stays -0.0); 1 returned as is is 1 rounded",
    ("numeric", ">= -> > | if value == 0 or not math.isfinite(value) or sigfigs >= 17:"):
        "repr has at most 17 significant digits: rounding it to 17 changes nothing",
    ("numeric", "17 -> 18 | if value == 0 or not math.isfinite(value) or sigfigs >= 17:"):
        "repr has at most 17 significant digits: rounding it to 17 changes nothing",
    ("numeric", "1 -> 0 | quantum = Decimal(1).scaleb(exact.adjusted() - sigfigs + 1)"):
        "quantize uses only its argument's exponent: 0E+k and 1E+k have the same",
    ("choice", "1 -> 0 | elif single_chars and len(low) > 1 and all(ch in by_lower for ch in low):"):
        "a one-letter part that is a label is taken by the branch before; one that is not "
        "fails this one too",
    ("equiv", "delete: if id(n) in symbolic: | if id(n) in symbolic:"):
        "exact_value raises for a symbol anyway (then the children are looked at): the check "
        "only saves time",
    ("equiv", "0 -> 1 | return any(seen for seen, _ in found), max((most for _, most in found), default="):
        "the default is for no tree at all, and _literal_digits is always given one or two",
    ("equiv", "1e-12 -> 1e-11 | agree = e.ok & a.ok & (np.abs(a.values - e.values) <= RTOL * size + 1e-12)"):
        "only values above 1e12 are taken, where RTOL * size >= 1000 dwarfs either absolute term",
    ("equiv", "** -> * | lost = int(mpmath.log10(scale)) - int(mpmath.log10(max(size, gap, "
              "mpmath.mpf(10)"):
        "in that branch gap > 10^-(dps-12) > 0, so the third term never wins the max",
    ("evaluate", "20 -> 21 | if isinstance(got, tuple) and got[1] > 1 and abs(got[0]) < got[1] "
                 "* 10.0 ** (20 "):
        "a wider trigger for the retry with more digits: the retry gives the same value",
    ("evaluate", "delete: return None | return None  # complex or infinite: no real value"):
        "unreachable: every function raises _Undefined before a complex value, and mpmath "
        "numbers never overflow (the points are finite floats)",
    ("evaluate", "> -> >= | return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan), x < 0"):
        "if it is the inner x > 0 (a guard against log(0) warnings), the outer where still "
        "gives NaN at 0; the outer one is killed (exp(log(x)) at 0)",
    ("evaluate", "* -> / | arg = np.where((arg < low) & (arg >= low - _EDGE * abs(low)), low, arg)"):
        "every finite end of an inverse function's domain is ±1, where _EDGE * 1 = _EDGE / 1",
    ("evaluate", "delete: _FOLDED[id(root)] = (root, out) | _FOLDED[id(root)] = (root, out)"):
        "the cache of folded constants: without it they are folded again, to the same values",
    ("evaluate", "+ -> - | digits = max((len(str(abs(n.value.numerator))) + len(str(n.value.denominator))"):
        "a constant's working precision two digits lower: the retry with the digits its "
        "cancellation needs makes up for it",
    ("evaluate", "< -> <= | if n == mp.floor(n) and n < 0:"):
        "n = 0 reaches this line only with k = 0 (0 <= n < k returned before): "
        "binomial(0, 0) = (-1)^0 binomial(-1, 0) = 1",
    ("sampling", "< -> <= | return np.where(v < INTEGER_LARGE_SHARE, large, small)"):
        "a uniform double equals 0.35 exactly with probability 2^-53: never for any seed tried",
    ("sampling", "delete: if not names: | if not names:"):
        "with no symbols the meshgrid of nothing gives the same empty dict",
    ("sampling", "< -> <= | return np.where(v < _EDGES[0], moderate,"):
        "a uniform double equals a share's edge exactly with probability 2^-53",
    ("sampling", "< -> <= | np.where(v < _EDGES[1], near_one, np.where(v < _EDGES[2], quarters, whole)))"):
        "a uniform double equals a share's edge exactly with probability 2^-53",
    ("sampling", "< -> <= | large = large * np.where(t < 0.5, -1.0, 1.0)"):
        "a uniform double equals 0.5 exactly with probability 2^-53",
    ("evaluate", "delete: return (np.power(base, float(n)), b1) | "
                 "return np.power(base, float(n)), b1"):
        "the fast path for an exponent 0..64: the general path computes the same power (an "
        "integer exponent: no domain error, no pole, no taint)",
    ("equiv", ">= -> > | return (bool(values.ok.sum() >= needed) and not values.hidden and not values.unk"):
        "a stricter guard only sends more identical trees to the full comparison, which gives the "
        "status the shortcut gives (the shortcut's premise, tested)",
    ("equiv", "1e-12 -> 1e-11 | close = gap <= RTOL * magnitude + 1e-12"):
        "a gap of 1e-12..1e-11 on values below 1e-3 then counts as close: high precision still "
        "looks at it, as one of the largest relative gaps instead of a near point, same outcome",
    ("equiv", "& -> | | both = e.ok & a.ok & pts.loose"):
        "where a side has no value its value is NaN or infinite, which both filters after it drop "
        "(a finite gap, a finite size)",
    ("equiv", "20 -> 21 | if gap > mpmath.mpf(10) ** -(dps - 20) * scale + eps:  # far above rounding here"):
        "a threshold ten times higher sends a gap of 1e-34..1e-33 of the terms' size to the retry "
        "with more digits, which finds the same difference (its values shown as the same floats)",
    ("evaluate", "0 -> 1 | return np.where(base == 0, np.nan, out / np.where(base == 0, 1.0, base)), \\"):
        "(the second 0, the stand-in denominator; the first is killed by a test) where the base's "
        "log is 1 the stand-in is the same 1.0, and where it is 0 the outer where gives NaN anyway",
    ("evaluate", "1.0 -> 10.0 | self._record_unseen(np.where(np.isfinite(m), m, -1.0))"):
        "the mark of a point where a function's unseen part does not count only needs to be "
        "negative: -10 is never recorded either (0 <= share is required)",
    ("evaluate", "1.0 -> 10.0 | return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan), x < 0"):
        "the stand-in argument of log where x <= 0: the value there is replaced by NaN",
    ("evaluate", "1.0 -> 10.0 | value = np.power(np.where(bad | pole, 1.0, base), exp)"):
        "the stand-in base at points already flagged undefined or a pole: the value there is "
        "replaced by NaN or never read",
    ("evaluate", "delete: if x < 0 and x == mp.floor(x): | if x < 0 and x == mp.floor(x):"):
        "mpmath's gamma raises ValueError at its poles, which mp_evaluate reads as undefined too",
    ("equiv", "> -> >= | near = np.flatnonzero(both & (gap > 1e-13 * size + 1e-12) & np.isfinite(gap))"):
        "a float gap exactly equal to 1e-13 * size + 1e-12 (the size includes the gap): at most "
        "one more breakpoint goes to high precision, which agrees or sees a real difference",
    ("numeric", "delete: if _PLAIN.fullmatch(text): | if _PLAIN.fullmatch(text):"):
        "the plain-decimal fast path is only a shortcut: without it the parser reads the same "
        "value, unit and notes (tests/grading/test_numeric_fast.py holds the two equal)",
    ("numeric", "delete: return (float(text) + 0.0, None, []) | return float(text) + 0.0, None, []  # "
                "(+ 0.0: -0 is 0, as the parser reads it)"):
        "the same shortcut skipped: the parser's reading follows, and is the same",
    ("equiv", "> -> >= | bad = np.flatnonzero(both & (gap > EXACT_FAR * size + 1e-9) & (size < 1e300))"):
        "a float gap exactly equal to 1e-6 * size + 1e-9 at a breakpoint: such a point goes to "
        "high precision instead (see _loose_near), which tells the same",
    ("equiv", "1e-300 -> 1e-299 | rel = gap[near] / np.maximum(size[near], 1e-300)"):
        "a floor against dividing by 0: only values below 1e-299 are ranked differently",
    ("equiv", "1e-300 -> 1e-299 | cancellation = np.maximum(exp_s.scale[both], ans_s.scale[both]) / "
              "np.maximum(mag"):
        "a floor against dividing by 0: only values below 1e-299 are ranked differently",
    ("equiv", "0 -> 1 | uncomputed_special: int = 0  # of those, special points (beside a breakpoint, th"):
        "_unknown_points sets the count before it reads it: the default is never used",
    ("equiv", "False -> True | only_big: bool = False, absolute: bool = False,"):
        "_decide always passes only_big: the default is never used",
    ("equiv", "delete: return None | return None  # nothing to check in high precision"):
        "with no point to check, _precise finds nothing either way: enough close points would "
        "have given it candidates (up to 3 of them), and with none, none agree",
    ("equiv", "+ -> - | if gap > mpmath.mpf(10) ** -(dps - 20) * scale + eps:  # far above rounding here"):
        "moves the threshold by 2e-38 against a rounding allowance of 1e-30 times the terms' size",
    ("evaluate", "< -> <= | if 0 <= part[top] < HIDDEN:"):
        "a term exactly 1e-13 of its sum's largest at its best point: one more point goes to "
        "high precision, which agrees or sees a real difference",
    ("evaluate", "delete: if n < 0: | if n < 0:  # 0^-n: a pole, or an underflowed base: unknown"):
        "0^-n is then inf instead of NaN: both are 'unknown' (not finite, not a domain error), and "
        "a nonzero base gives the same power either way",
    ("evaluate", "<= -> < | if type(exp_node) is Num and exp_node.value.denominator == 1 and abs(exp_node.va"):
        "the fast path for an integer exponent computes the same power as the general path",
    ("evaluate", "| -> & | value = np.power(np.where(bad | pole, 1.0, base), exp)"):
        "the stand-in base only spares numpy's warnings: the value at a point with no real value "
        "or a pole is replaced by NaN, or flagged undefined, right after",
    ("evaluate", "delete: _FOLDS.clear() | _FOLDS.clear()"):
        "only bounds the cache's memory: a folded constant is the same value recomputed or not",
    ("evaluate", "delete: return | return  # constants only: worked out exactly or in high precision already"):
        "an early exit: a sum of constants only is folded before it is evaluated, and reaches "
        "here only when high precision cannot compute it (exp(exp(100)) + 1): its largest "
        "term is then infinite, no point is usable, and nothing is recorded either way",
    ("evaluate", "delete: if not usable.any(): | if not usable.any():"):
        "an early exit: with no usable point every share is -1 and nothing is recorded either way",
    ("evaluate", "delete: if base == 0 and k < 0: | if base == 0 and k < 0:"):
        "Fraction(0) to a negative power raises ZeroDivisionError by itself",
    ("evaluate", "delete: if den == 0: | if den == 0:"):
        "an mpmath division by zero raises ZeroDivisionError, which mp_evaluate reads as no value too",
    ("evaluate", "delete: if n == mp.floor(n) and 0 <= n < k: | if n == mp.floor(n) and 0 <= n < k:"):
        "mpmath's binomial(n, k) is 0 there too (binomial(2, 5) = 0)",
    ("evaluate", "> -> >= | if size * abs(k.numerator) > MAX_EXACT_DIGITS:"):
        "a power of exactly 2,000 digits goes to high precision instead of exact arithmetic: the "
        "same value to the digits compared",
    ("evaluate", "delete: return (-1) ** int(k) * mp.binomial(k - n - 1, k) | return (-1) ** int(k) * mp.binomial(k - n - 1, k)"):
        "mpmath's binomial(n, k) gives the same (-1)^k binomial(k - n - 1, k) at negative integers n "
        "(checked for n = -12..-1, k = 0..11)",
    ("equiv", "delete: i = int(i) | i = int(i)"):
        "a numpy integer indexes the arrays and names the point as an int does, and the list "
        "of agreeing indices is concatenated by numpy either way",
    ("equiv", "> -> >= | if gap > mpmath.mpf(10) ** -(dps - 20) * scale + eps:  # far above "
              "rounding here"):
        "an mpmath gap exactly equal to that threshold: never in practice (a gap of 0 agreed "
        "before)",
    ("evaluate", "* -> / | return math.inf * signs[0] * signs[1] * signs[2]"):
        "the signs are ±1: dividing by one is multiplying by it",
    ("evaluate", "delete: self.scale: np.ndarray | float = 0.0 | "
                 "self.scale: np.ndarray | float = 0.0"):
        "run() sets scale to 0 before every evaluation, and nothing reads it before run()",
    ("evaluate", "64 -> 65 | if type(exp_node) is Num and exp_node.value.denominator == 1 and "
                 "abs(exp_node.va"):
        "the fast path for an integer exponent computes the same power as the general path",
    ("evaluate", "> -> >= | self.taint = self.taint | (np.isinf(base) & ~integer & (exp > -2) & "
                 "(exp < 1)) \\"):
        "exp = -2 is an integer, which ~integer already excludes",
    ("evaluate", "2.0 -> 20.0 | inside = 2.0 if low == 1.0 else 0.0"):
        "a stand-in argument inside the domain at points returned as undefined (outside) or "
        "poles (NaN): the value there is never read",
    ("structured", "> -> >= | if n > len(parts) == 1:"):
        "reached only when len(parts) != n, so with one part n is not 1: n > 1 and n >= 1 agree",
    ("structured", "False -> True | return rejected(f\"Component {i + 1} does not have a real, "
                   "finite value.\", \"numer"):
        "a refused component's verdict is returned at once: its 'right' flag is never read",
    ("structured", "False -> True | if comparison.against(k.target[i], want_relation=False, "
                   "target_symbols=free_symb"):
        "a known wrong vector's match reads only .equivalent; the relation is only computed "
        "(lazily, slower), never used",
}


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int  # position in the module's list of sites
    line: int
    change: str  # e.g. "< -> <=", "delete: x = 1"
    source_line: str


_COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
            ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
          ast.FloorDiv: ast.Div, ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd,
          ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
           ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+",
           ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.BitAnd: "&",
           ast.BitOr: "|", ast.Pow: "**", ast.Mod: "%", ast.And: "and", ast.Or: "or"}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.add(id(body[0].value))
    return out


def _in_annotation(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        for ann in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if ann is not None:
                out.update(id(n) for n in ast.walk(ann))
    return out


def sites(tree: ast.Module) -> list[tuple[ast.AST, str, object]]:
    """Every (node, kind, detail) a mutant can change, in source order."""
    skip = _docstrings(tree) | _in_annotation(tree)
    found: list[tuple[ast.AST, str, object]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in _COMPARE:
                    found.append((node, "compare", k))
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _BINOP:
            found.append((node, "binop", None))
        elif isinstance(node, ast.BoolOp):
            found.append((node, "boolop", None))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.append((node, "not", None))
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (str, bytes)) \
                and node.value is not None and node.value is not Ellipsis:
            found.append((node, "constant", None))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.For, ast.While, ast.If,
                               ast.With, ast.Try)):
            for body in ("body", "orelse", "finalbody"):
                stmts = getattr(node, body, None) or []
                for k, stmt in enumerate(stmts):
                    if _deletable(stmt, stmts, k, node):
                        found.append((node, "delete", (body, k)))
    found.sort(key=lambda s: (getattr(s[0], "lineno", 0), getattr(s[0], "col_offset", 0),
                              s[1], str(s[2])))
    return found


def _deletable(stmt: ast.stmt, stmts: list[ast.stmt], k: int, parent: ast.AST) -> bool:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return False  # a docstring
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Pass,
                         ast.Global, ast.Nonlocal)):
        return False
    if isinstance(stmt, ast.Return) and isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            and k == len(stmts) - 1:
        return False  # the function's last return: deleting it is a type change, not a bug
    return isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise,
                             ast.Return, ast.Continue, ast.Break, ast.If, ast.For))


def mutate(source: str, index: int) -> tuple[str, int, str]:
    """The source with site ``index`` changed: (new source, line, description)."""
    tree = ast.parse(source)
    node, kind, detail = sites(tree)[index]
    line = getattr(node, "lineno", 0)
    if kind == "compare":
        old = node.ops[detail]  # type: ignore[attr-defined]
        node.ops[detail] = _COMPARE[type(old)]()  # type: ignore[attr-defined]
        change = f"{_SYMBOL[type(old)]} -> {_SYMBOL[_COMPARE[type(old)]]}"
    elif kind == "binop":
        old = node.op  # type: ignore[attr-defined]
        node.op = _BINOP[type(old)]()  # type: ignore[attr-defined]
        change = f"{_SYMBOL[type(old)]} -> {_SYMBOL[_BINOP[type(old)]]}"
    elif kind == "boolop":
        old = node.op  # type: ignore[attr-defined]
        node.op = ast.Or() if isinstance(old, ast.And) else ast.And()  # type: ignore[attr-defined]
        change = f"{_SYMBOL[type(old)]} -> {'or' if isinstance(old, ast.And) else 'and'}"
    elif kind == "not":
        replacement = node.operand  # type: ignore[attr-defined]
        _replace(tree, node, replacement)
        change = "not dropped"
    elif kind == "constant":
        value = node.value  # type: ignore[attr-defined]
        if isinstance(value, bool):
            new = not value
        elif isinstance(value, int):
            new = 1 if value == 0 else (0 if value == 1 else value + 1)
        elif isinstance(value, float):
            new = 1.0 if value == 0 else value * 10
        else:
            new = value
        node.value = new  # type: ignore[attr-defined]
        change = f"{value!r} -> {new!r}"
    else:
        body, k = detail  # type: ignore[misc]
        stmts = getattr(node, body)
        stmt = stmts[k]
        line = stmt.lineno
        change = "delete: " + ast.unparse(stmt).splitlines()[0][:60]
        stmts[k] = ast.Pass(lineno=stmt.lineno, col_offset=stmt.col_offset)
    return ast.unparse(tree) + "\n", line, change


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new


def _path(module: str) -> Path:
    for candidate in MODULES[module]:
        if (ROOT / candidate).exists():
            return ROOT / candidate
    raise SystemExit(f"module {module}: none of {MODULES[module]} exists")


def _run_tests(copy_root: Path, tests: list[str], timeout: float) -> tuple[bool, float]:
    """(tests passed?, seconds) in a copy of the checkout, its package first on the path."""
    env = dict(os.environ, PYTHONPATH=str(copy_root), PYTHONDONTWRITEBYTECODE="1")
    existing = [t for t in tests if (copy_root / t.split("::")[0]).exists()]
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                               *existing], cwd=copy_root, env=env, capture_output=True,
                              timeout=timeout)
        passed = proc.returncode == 0
    except subprocess.TimeoutExpired:
        passed = False  # a mutant that makes the tests hang is noticed
    return passed, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-module", type=int, default=40)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--module", action="append", choices=sorted(MODULES))
    parser.add_argument("--list", action="store_true", help="only list the sampled mutants")
    parser.add_argument("--out", help="also write the report to this file")
    args = parser.parse_args()
    modules = args.module or list(MODULES)
    plan: list[Mutant] = []
    counts: dict[str, int] = {}
    sources: dict[str, str] = {}
    for module in modules:
        source = _path(module).read_text(encoding="utf-8")
        sources[module] = source
        every = sites(ast.parse(source))
        counts[module] = len(every)
        # one generator per module: a module's sample does not depend on the others run with it
        rng = random.Random(f"{args.seed}:{module}")
        chosen = sorted(rng.sample(range(len(every)), min(args.per_module, len(every))))
        lines = source.splitlines()
        for index in chosen:
            _, line, change = mutate(source, index)
            plan.append(Mutant(module, index, line, change, lines[line - 1].strip()[:80]))
    if args.list:
        for m in plan:
            print(f"{m.module}:{m.line}: {m.change}    | {m.source_line}")
        return

    # each worker gets a copy of the checkout (package, tests, bank, templates): the tests and
    # the code under test stay as they were at the start, whatever is edited meanwhile
    copies = []
    tmp = tempfile.mkdtemp(prefix="quizgen-mutants-")
    ignore = shutil.ignore_patterns("__pycache__", ".git", ".venv", "*.pyc", ".pytest_cache")
    for j in range(max(1, args.jobs)):
        dest = Path(tmp) / f"w{j}"
        shutil.copytree(ROOT, dest, ignore=ignore)
        copies.append(dest)
    baseline: dict[str, float] = {}
    for module in modules:  # the unmutated tests must pass, and set the timeout
        passed, took = _run_tests(copies[0], TESTS[module], 3600)
        if not passed:
            raise SystemExit(f"the tests of {module} fail without any mutant: fix them first")
        baseline[module] = took
    results: dict[Mutant, bool] = {}
    free = list(copies)

    def run(m: Mutant) -> None:
        root = free.pop()
        target = root / _path(m.module).relative_to(ROOT)
        print(f"{time.strftime('%H:%M:%S')} {m.module}:{m.line}: {m.change}", flush=True)
        try:
            mutated, _, _ = mutate(sources[m.module], m.index)
            target.write_text(mutated, encoding="utf-8")
            passed, _ = _run_tests(root, TESTS[m.module], 3 * baseline[m.module] + 30)
            results[m] = not passed
            print(f"{time.strftime('%H:%M:%S')}   {'killed' if not passed else 'SURVIVED'}",
                  flush=True)
        finally:
            target.write_text(sources[m.module], encoding="utf-8")
            free.append(root)

    with ThreadPoolExecutor(max_workers=len(copies)) as pool:
        list(pool.map(run, plan))
    shutil.rmtree(tmp, ignore_errors=True)
    report = _report(modules, plan, results, counts, baseline, args)
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n", encoding="utf-8")


def _report(modules: list[str], plan: list[Mutant], results: dict[Mutant, bool],
            counts: dict[str, int], baseline: dict[str, float], args: argparse.Namespace) -> str:
    out = [f"mutation testing of the grading core: seed {args.seed}, up to {args.per_module} "
           f"mutants per module; load {os.getloadavg()[0]:.2f}"]
    out.append(f"{'module':<12}{'sites':>7}{'sampled':>9}{'killed':>8}{'equivalent':>12}"
               f"{'survived':>10}{'score':>8}{'tests s':>9}")
    total_k = total_n = 0
    survivors: list[str] = []
    for module in modules:
        mine = [m for m in plan if m.module == module]
        killed = sum(1 for m in mine if results.get(m))
        equivalent = [m for m in mine if not results.get(m) and
                      (m.module, f"{m.change} | {m.source_line}") in EQUIVALENT]
        survived = [m for m in mine if not results.get(m) and m not in equivalent]
        scored = len(mine) - len(equivalent)
        score = killed / scored if scored else 1.0
        total_k, total_n = total_k + killed, total_n + scored
        out.append(f"{module:<12}{counts[module]:>7}{len(mine):>9}{killed:>8}"
                   f"{len(equivalent):>12}{len(survived):>10}{100 * score:>7.0f}%"
                   f"{baseline[module]:>9.0f}")
        survivors += [f"  survived {m.module}:{m.line}: {m.change}    | {m.source_line}"
                      for m in survived]
        survivors += [f"  equivalent {m.module}:{m.line}: {m.change} ("
                      f"{EQUIVALENT[(m.module, f'{m.change} | {m.source_line}')]})"
                      for m in equivalent]
    out.append(f"{'all':<12}{'':>7}{len(plan):>9}{total_k:>8}{'':>12}{'':>10}"
               f"{100 * total_k / max(1, total_n):>7.0f}%")
    return "\n".join(out + survivors)


if __name__ == "__main__":
    main()
