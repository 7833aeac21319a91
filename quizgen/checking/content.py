"""What reviewers catch and a number check does not: the words and the listed mistakes of a variant.

``quizgen check`` runs these on every seed it builds, after the key has been verified (template
syntax left in a text is :mod:`quizgen.checking.leftovers`). Each function looks at one thing and
returns the problems it finds, one line each (empty: none):

- :func:`noise_numbers` / :func:`key_noise`: rounding noise (``2.776e-17``) printed or stored where
  the value is 0, i.e. a number below 1e-12 of the answer's scale;
- :func:`grammar`: ``1 pictures``, ``1 of ... are``, ``all 2``, ``0.5 ≈ 0.5``, a truth said twice;
- :func:`step_starts`: a worked step that begins in lower case, the end of the sentence before it;
- :func:`trivial_probes`: typing 0, 1 or -1 must not be named as a listed mistake;
- :func:`order_credit_problems`: every right order earns full credit, and no listed wrong order
  earns less than an unlisted order that gets every pair it gets wrong wrong, and more;
- :func:`answer_fingerprint`: what makes two students' correct answers the same (for diversity).
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any, Callable, Iterable, Mapping

# ---------------------------------------------------------------------------- key texts
def json_strings(value: Any) -> Iterable[str]:
    """Every string inside a JSON value (a key entry): the texts a student or instructor reads."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from json_strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from json_strings(v)


# ---------------------------------------------------------------------------- floating noise
#: Below this fraction of the answer's scale a nonzero number is rounding noise, not a value.
NOISE = 1e-12
_SCIENTIFIC = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?e[-−]\d+\b")


def answer_scale(entry: Mapping[str, Any]) -> float:
    """The size of a key entry's numbers: the largest |value| of the answer (1 when it has none)."""
    a = entry.get("answer", {})
    values = [a["value"]] if entry.get("type") == "numeric" else list(a.get("values") or [])
    values = [abs(float(v)) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return max([v for v in values if v > 0], default=1.0)


def noise_numbers(text: str, scale: float) -> list[str]:
    """Numbers printed in ``text`` that are nonzero but below NOISE x ``scale`` (``2.776e-17`` for 0)."""
    out = []
    for m in _SCIENTIFIC.finditer(text):
        value = abs(float(m.group(0).replace("−", "-")))
        if 0 < value < NOISE * scale:
            out.append(m.group(0))
    return out


def key_noise(entry: Mapping[str, Any]) -> list[str]:
    """Stored numbers of a key entry (the answer and the listed wrong values) that are noise around 0."""
    scale = answer_scale(entry)
    found = []

    def look(where: str, values: Iterable[Any]) -> None:
        for i, v in enumerate(values):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < abs(v) < NOISE * scale:
                found.append(f"{where}[{i}] = {v!r}" if where.endswith("values") else f"{where} = {v!r}")

    a = entry.get("answer", {})
    if entry.get("type") == "numeric":
        look("answer.value", [a.get("value")])
    look("answer.values", a.get("values") or [])
    for w in entry.get("known_wrong", []):
        if "value" in w:
            look(f"wrong answer '{w['name']}'", [w["value"]])
        look(f"wrong answer '{w['name']}' values", w.get("values") or [])
    return [f"{f} is rounding noise around 0 (the answer's scale is {scale:.4g}): store and show 0" for f in found]


# ---------------------------------------------------------------------------- grammar
#: a count of one, 1 or $1$ in prose: not 0/1, T > 1, m - 1, nor a label value as in "the $y = 1$ outcomes"
_ONE = r"(?<![\w.,/^_{$])(?<![-+*/=<>≤≥−]\s)(?<![-+*/=<>≤≥−])(?:\$1\$|1)(?![\w.,/$])"
#: Words ending in s after a count of one that are not plurals (verbs, adverbs):
_NOT_PLURAL = frozenset(
    "as is was has does its this thus us plus minus times means gives equals makes becomes remains stays "
    "lies goes comes counts contributes follows holds sits yields keeps puts sums tends occurs appears "
    "corresponds belongs costs earns wins loses less unless across always perhaps divides softens sharpens "
    "pushes pulls moves shows says".split())
_ONE_PLURAL = re.compile(_ONE + r"\s+([a-z]+s)\b")
_ONE_OF_ARE = re.compile(_ONE + r"\s+of\s+[^.;:!?()]*?\b(are|were|have)\b")
_ALL_TWO = re.compile(r"\ball (?:\$2\$|2|two)\b", re.I)
_SAME_APPROX = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)\s*(?:\\approx|≈)\s*\1(?![\d.]*\d)")
_SUBSCRIPT_ARGS = re.compile(r"_\{[A-Za-z0-9]+\([^{}$]*\)\}")  # H_{2(p)}: a symbol name's argument list in its subscript
_SAID_TWICE = re.compile(r"\bThe (?:statement|claim) is (true|false)\.\s+The (?:statement|claim) is \1\b", re.I)


def grammar(text: str) -> list[str]:
    """Generated sentences that read wrong: a singular count with a plural, a number "approximately"
    itself, a truth said twice. ``text`` is Markdown (math between dollars is left as it is)."""
    out = []
    for m in _ONE_PLURAL.finditer(text):
        if m.group(1) not in _NOT_PLURAL and not m.group(1).endswith("ss"):
            out.append(f"'{m.group(0)}' (one, so singular)")
    for m in _ONE_OF_ARE.finditer(text):
        out.append(f"'{m.group(0)}' (one of them, so 'is')")
    for m in _ALL_TWO.finditer(text):
        out.append(f"'{m.group(0)}' (say 'both')")
    for m in _SAME_APPROX.finditer(text):
        out.append(f"'{m.group(0)}' (a number shown as approximately itself)")
    for m in _SUBSCRIPT_ARGS.finditer(text):
        out.append(f"'{m.group(0)}' (the argument list printed inside the subscript: name the symbol H_{{2}}(p))")
    for m in _SAID_TWICE.finditer(text):
        out.append(f"'{m.group(0)[:60]}' (the same truth said twice)")
    return out


def step_starts(steps: Iterable[str]) -> list[str]:
    """Worked steps that begin with a lower-case word: the end of a sentence split off the step before."""
    out = []
    for i, text in enumerate(steps, 1):
        head = text.lstrip()
        if head[:1].isalpha() and head[:1].islower():
            out.append(f"solution step {i} begins in lower case, the rest of a sentence: '{head[:40]}'")
    return out


# ---------------------------------------------------------------------------- listed mistakes
def trivial_probes(entry: Mapping[str, Any]) -> list[str]:
    """What a student types for a trivial answer: 0, 1 and -1 (the zero vector for a vector)."""
    kind = entry.get("type")
    if kind in ("numeric", "symbolic"):
        return ["0", "1", "-1"]
    if kind == "vector":
        n = len(entry["answer"].get("values") or entry["answer"].get("expressions") or [])
        return ["(" + ", ".join(["0"] * n) + ")"]
    return []


def trivial_problems(entry: Mapping[str, Any], grade: Callable[[str], Any], beliefs: Iterable[str] = ()) -> list[str]:
    """A trivial answer (0, 1, -1) named as a listed mistake tells a student who guessed that they made it.
    ``beliefs``: mistakes that are that constant in every variant (the belief "a density is at most 1")."""
    out = []
    for text in trivial_probes(entry):
        verdict = grade(text)
        if verdict.misconception and verdict.misconception not in beliefs:
            out.append(f"typing {text} is recognised as the listed mistake '{verdict.misconception}': "
                       "a listed mistake must differ from 0 and ±1")
    return out


def _fixed_pairs(accepted: list[list[str]]) -> set[tuple[str, str]]:
    """Pairs (a, b) with a before b in every right order: the order the steps must keep."""
    first = accepted[0]
    pairs = set()
    for i, a in enumerate(first):
        for b in first[i + 1:]:
            if all(o.index(a) < o.index(b) for o in accepted):
                pairs.add((a, b))
    return pairs


def _wrong_pairs(order: tuple[str, ...], fixed: set[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    pos = {label: i for i, label in enumerate(order)}
    return frozenset((a, b) for a, b in fixed if pos[a] > pos[b])


def accepted_orders(entry: Mapping[str, Any]) -> list[list[str]]:
    a = entry["answer"]
    return [list(a["correct"])] + [list(o) for o in a.get("also_correct", [])]


def order_credit_problems(entry: Mapping[str, Any], grade: Callable[[str], Any]) -> list[str]:
    """Every order of the steps, graded: the right ones earn 1, and a listed mistake earns at least as
    much as any unlisted order that puts wrong every pair the mistake puts wrong, and another."""
    accepted = accepted_orders(entry)
    labels = sorted(accepted[0])
    if len(labels) > 7:
        return []
    fixed = _fixed_pairs(accepted)
    listed = {tuple(w["order"]): w for w in entry.get("known_wrong", [])}
    right = {tuple(o) for o in accepted}
    out = []
    credit: dict[tuple[str, ...], float] = {}
    for perm in itertools.permutations(labels):
        verdict = grade(", ".join(perm))
        credit[perm] = verdict.credit
        if perm in right and verdict.status != "correct":
            out.append(f"the right order {', '.join(perm)} grades {verdict.status}")
    for order, w in listed.items():
        wrong = _wrong_pairs(order, fixed)
        worse = [(credit[p], p) for p in credit
                 if p not in listed and p not in right and _wrong_pairs(p, fixed) > wrong]
        if worse:
            best, p = max(worse)
            if best > credit[order] + 1e-12:
                out.append(f"the listed wrong order '{w['name']}' ({', '.join(order)}) earns {credit[order]:g}, "
                           f"but the worse order {', '.join(p)} (every pair it gets wrong, and more) earns {best:g}")
    return out


# ---------------------------------------------------------------------------- answer diversity
def answer_fingerprint(entry: Mapping[str, Any]) -> str:
    """A key entry's correct answer as two students would compare them (see :func:`quizgen.generation.exam.answer_fingerprint`)."""
    from quizgen.generation.exam import answer_fingerprint as fingerprint

    return fingerprint(entry["type"], entry["answer"])


def diversity_floor(class_size: int) -> int:
    """The fewest distinct correct answers a typed question may give a class: half of it."""
    return math.ceil(class_size / 2)


def partial_probes(entry: Mapping[str, Any]) -> list[str]:
    """Answers that are partly right, so that the grader's own sentences about them are read too."""
    a = entry["answer"]
    kind = entry["type"]
    if kind == "choice" and a.get("multiple"):
        wrong = [c["label"] for c in a["choices"] if c["label"] not in a["correct"]]
        return [a["correct"][0]] + ([f"{a['correct'][0]}, {wrong[0]}"] if wrong else [])
    if kind == "vector" and "values" in a:
        return ["(" + ", ".join([repr(a["values"][0])] + ["0"] * (len(a["values"]) - 1)) + ")"]
    if kind == "truefalse" and "reason" in a:
        return [f"{'false' if a['value'] else 'true'}, {a['reason']['correct']}"]
    return []


# ---------------------------------------------------------------------------- true/false premises
def premise_problems(q: Any, v: Any) -> list[str]:
    """A true/false question whose keyed reason is a sentence declares the premise of that sentence
    as a predicate on the variant's numbers (``TrueFalse(premise=...)``; building the variant checks it)."""
    if q.kind != "truefalse" or getattr(q.answer, "premise", None) is not None:
        return []
    keyed = next((o for o in v.options if o.name == "correct"), None)
    if keyed is not None and not keyed.expression:
        return ["the keyed reason is a sentence, but the question declares no TrueFalse(premise=...) "
                "that checks it against each variant's numbers"]
    return []
