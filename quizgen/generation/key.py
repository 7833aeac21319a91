"""Key: what grading needs, as the JSON document described in docs/grading.md ("The answer key")."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from quizgen.generation.exam import Exam
from quizgen.generation.variant import KnownWrong, Variant
from quizgen.kernel.decimals import DECIMAL_TYPES

SCHEMA = "quizgen.key/1"


def _wrong(w: KnownWrong, kind: str) -> dict[str, Any]:
    item: dict[str, Any] = {"name": w.name, "feedback": w.feedback, "credit": w.credit}
    if kind == "numeric":
        item["value"] = w.value
    elif kind == "symbolic":
        item["expression"] = w.expression
    elif kind == "vector":
        if w.values is not None:
            item["values"] = list(w.values)
        else:
            item["expressions"] = list(w.expressions or ())
    elif kind == "order":
        item["order"] = list(w.order or ())
    elif kind == "derivation":
        item.update(w.target or {})
    else:  # choice, and the reason of a truefalse
        item["choice"] = w.choice
    return item


def question_key(v: Variant, number: int, decimal_comma: bool | None = None,
                 exact_constants: bool = False) -> dict[str, Any]:
    """One sheet's key entry. ``decimal_comma`` (``make --decimal-comma``/``--decimal-point``)
    goes into the answer of a numeric, symbolic or vector question, where the grader reads it;
    ``exact_constants`` (``make --exact-constants``) into a symbolic one's."""
    answer = dict(v.answer)
    if decimal_comma is not None and v.kind in DECIMAL_TYPES:
        answer["decimal_comma"] = decimal_comma
    if exact_constants and v.kind == "symbolic":
        answer["exact_constants"] = True
    return {
        "number": number,
        "id": v.question_id,
        "title": v.title,
        "variant_seed": v.seed,
        "type": v.kind,
        "points": v.points,
        "answer": answer,
        "known_wrong": [_wrong(w, v.kind) for w in v.known_wrong],
    }


#: A class with more versions than this gets a compact key: each distinct variant is stored once,
#: under "variants", and each sheet refers to it (a class of 8,000 shares a few hundred variants
#: per question; a key listing every entry in full was 196 MB and took seconds to load).
COMPACT_MIN_VERSIONS = 50


def variant_ref(entry: dict[str, Any]) -> str:
    """A short name for a variant's key entry: 16 hex digits of SHA-256 of its canonical JSON."""
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_key(exam: Exam, compact: bool | None = None) -> dict[str, Any]:
    """The key as a JSON-ready dict. ``compact`` (default: more than COMPACT_MIN_VERSIONS
    versions) stores each distinct variant once under "variants" (see docs/grading.md, "Compact keys")."""
    key: dict[str, Any] = {
        "schema": SCHEMA,
        "generator": exam.generator,
        "topic": exam.topic,
        "seed": exam.seed,
        "secret": exam.secret or None,
        "exam_id": exam.id,
        "shuffle": exam.shuffle,
        "pool": exam.pool,
        "questions": list(exam.question_ids),
        "versions": [
            {"student": ver.student, "questions": [question_key(v, n, exam.decimal_comma, exam.exact_constants)
                                                   for n, v in enumerate(ver.variants, 1)]}
            for ver in exam.versions
        ],
    }
    if compact is None:
        compact = len(exam.versions) > COMPACT_MIN_VERSIONS
    return compact_key(key) if compact else key


def compact_key(key: dict[str, Any]) -> dict[str, Any]:
    """The same key with each distinct variant stored once under "variants"."""
    variants: dict[str, dict[str, Any]] = dict(key.get("variants") or {})
    versions = []
    for ver in key["versions"]:
        refs = []
        for q in ver["questions"]:
            if "variant" in q:
                refs.append(q)
                continue
            shared = {k: v for k, v in q.items() if k not in ("number", "variant_seed")}
            ref = variant_ref(shared)
            variants.setdefault(ref, shared)
            item = {"number": q["number"], "id": q["id"], "variant": ref}
            if "variant_seed" in q:
                item["variant_seed"] = q["variant_seed"]
            refs.append(item)
        versions.append({**ver, "questions": refs})
    return {**key, "variants": variants, "versions": versions}


def expand_key(key: dict[str, Any]) -> dict[str, Any]:
    """The same key with every sheet's entries in full (no "variants"): what a compact key means."""
    variants = key.get("variants")
    if not variants:
        return key
    versions = []
    for ver in key["versions"]:
        full = []
        for q in ver["questions"]:
            if "variant" in q:
                entry = {"number": q["number"], **variants[q["variant"]]}
                if "variant_seed" in q:
                    entry["variant_seed"] = q["variant_seed"]
                full.append(entry)
            else:
                full.append(q)
        versions.append({**ver, "questions": full})
    out = {k: v for k, v in key.items() if k != "variants"}
    out["versions"] = versions
    return out


def dumps(key: dict[str, Any]) -> str:
    """Stable bytes: sorted keys, fixed indent, shortest float repr, a final newline."""
    return json.dumps(key, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def answer_text(entry: dict[str, Any]) -> str | None:
    """A key entry's own answer typed as a student would (None for a manual question: nothing to type)."""
    a = entry["answer"]
    kind = entry["type"]
    if kind == "symbolic":
        return a["expression"]
    if kind == "numeric":
        return repr(a["value"])
    if kind == "choice":
        return ", ".join(a["correct"])
    if kind == "truefalse":
        text = "true" if a["value"] else "false"
        return f"{text}, {a['reason']['correct']}" if "reason" in a else text
    if kind == "order":
        return ", ".join(a["correct"])
    if kind == "vector":
        parts = [repr(v) for v in a["values"]] if "values" in a else list(a["expressions"])
        return "(" + ", ".join(parts) + ")"
    if kind == "derivation":  # the model derivation, one line each, min/max on every line
        return "\n".join(f"{step['goal']} {step['expression']}" for step in a["model"])
    return None


def wrong_text(entry: dict[str, Any], wrong: dict[str, Any]) -> str | None:
    """A known wrong answer of a key entry typed as a student would (a truefalse reason with the right truth);
    None for a derivation's mistake that only its effect on a step defines (a term dropped)."""
    kind = entry["type"]
    if kind == "symbolic":
        return wrong["expression"]
    if kind == "numeric":
        return repr(wrong["value"])
    if kind == "truefalse":
        if "reason" in entry["answer"]:
            return f"{'true' if entry['answer']['value'] else 'false'}, {wrong['choice']}"
        return "true" if wrong["value"] else "false"
    if kind == "order":
        return ", ".join(wrong["order"])
    if kind == "vector":
        parts = [repr(v) for v in wrong["values"]] if "values" in wrong else list(wrong["expressions"])
        return "(" + ", ".join(parts) + ")"
    if kind == "derivation":  # its first wrong line as a one-line derivation, or a line that does it
        form = (wrong.get("forms") or [None])[0]
        if form:
            return f"{form.get('goal', 'min')} {form['expression']}"
        first = entry["answer"]["model"][0]  # the model's first step, then the mistake made on it
        other = {"min": "max", "max": "min"}[first["goal"]]
        made = {"sign_flip": f"{first['goal']} -({first['expression']})",
                "switch_without_negation": f"{other} {first['expression']}"}
        return made.get(wrong.get("detect", ""))
    return wrong["choice"]


def wrong_credit(entry: dict[str, Any], wrong: dict[str, Any]) -> float:
    """The credit ``wrong_text`` earns: the entry's credit, plus the true/false part for a truefalse reason."""
    a = entry["answer"]
    if entry["type"] == "truefalse" and "reason" in a:
        share = a.get("truth_credit", 0.5)
        return share + (1 - share) * wrong["credit"]
    return wrong["credit"]
