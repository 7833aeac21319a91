"""What the LMS writers (Moodle XML, Canvas QTI) share: question text as LMS HTML, tolerances,
grade fractions, and symbolic answers turned into numbers at given values.

LMS editors render TeX between ``\\(…\\)`` and ``\\[…\\]`` (Moodle's MathJax filter, Canvas's math
handling); MathML would be stripped by their HTML cleaners, so math goes in as TeX.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from quizgen.export.markup import MATH, html_escape

# ---------------------------------------------------------------- text


@functools.lru_cache(maxsize=65536)
def lms_html(text: str) -> str:
    """Question text (Markdown with ``$math$``) as the HTML an LMS editor holds, math as ``\\(…\\)``."""
    out = []
    for i, part in enumerate(MATH.split(text)):
        if i % 2:
            if part.startswith("$$"):
                out.append(r"\[" + html_escape(part[2:-2].strip()) + r"\]")
            else:
                out.append(r"\(" + html_escape(part[1:-1].strip()) + r"\)")
            continue
        for j, chunk in enumerate(re.split(r"(`[^`]*`)", part)):
            if j % 2:
                out.append("<code>" + html_escape(chunk[1:-1]) + "</code>")
                continue
            chunk = html_escape(chunk)
            chunk = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", chunk)
            chunk = re.sub(r"\*(.+?)\*", r"<em>\1</em>", chunk)
            out.append(chunk)
    return "<p>" + re.sub(r"\n\s*\n", "</p><p>", "".join(out)).strip() + "</p>"


def tex_html(latex: str, display: bool = False) -> str:
    latex = html_escape(latex.strip())
    return rf"\[{latex}\]" if display else rf"\({latex}\)"


def table_html(tables) -> str:
    """A variant's data tables (headers are LaTeX) as HTML tables."""
    out = []
    for t in tables:
        rows = "".join("<tr>" + "".join(f"<td>{html_escape(c)}</td>" for c in row) + "</tr>" for row in t.rows)
        head = "".join(f"<th>{tex_html(h)}</th>" for h in t.headers)
        caption = f"<caption>{lms_html(t.caption)[3:-4]}</caption>" if t.caption else ""
        out.append(f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return "".join(out)


def figure_html(src: str, alt: str) -> str:
    """A figure as LMS HTML: an ``<img>`` at the figure's size in CSS pixels (5 × 3 in at 96 px/in),
    so the 200-dpi PNG stays sharp on a high-resolution screen; ``max-width`` keeps it inside a phone."""
    from quizgen.generation.figures import SIZE

    width, height = round(SIZE[0] * 96), round(SIZE[1] * 96)
    return (f'<p><img src="{html_escape(src)}" alt="{html_escape(alt)}" width="{width}" height="{height}" '
            'style="max-width: 100%; height: auto;"></p>')


def truefalse_wrong_feedback(answer: Mapping, known_wrong: Sequence) -> str:
    """What ``quizgen grade`` tells a student who gave the wrong truth value (question text):
    the known wrong value's feedback, else the statement's truth and why."""
    known = next((w.feedback for w in known_wrong if w.choice is None and w.feedback), "")
    if known:
        return known
    why = answer.get("truth_feedback") or ""
    return f"The statement is {str(bool(answer['value'])).lower()}." + (f" {why}" if why else "")


def missed_explanation_note(v, how: str) -> str:
    """The note for a multiple-select question that explains its right options: an LMS shows the
    feedback of the options a student chose, so the explanation of one they missed is not shown."""
    if v.answer.get("multiple") and v.answer.get("explain"):
        return f"the explanation of a right option the student missed is not shown ({how})"
    return ""


# ---------------------------------------------------------------- numbers


def number_text(value: float) -> str:
    """A float as an LMS reads it and shows it: 12 significant figures (a key's float computed as
    -0.05 is written -0.05, not -0.0499999999999999; 1e-12 of it is far inside any tolerance),
    plain decimal where reasonable."""
    if value == 0:
        return "0"
    text = format(value, ".12g")
    if "e" in text and 1e-6 <= abs(value) < 1e15:
        text = format(float(text), ".15f").rstrip("0").rstrip(".")
    return text


def tolerance(answer: Mapping, value: float) -> float:
    """The key's acceptance band around ``value`` as one absolute tolerance: ``max(atol, rtol*|v|)``,
    and half a unit in the last significant figure when the key accepts ``sigfigs`` figures."""
    tol = max(float(answer.get("atol") or 0.0), float(answer.get("rtol") or 0.0) * abs(value))
    sig = answer.get("sigfigs")
    if sig and value != 0:
        tol = max(tol, 0.5 * 10 ** (math.floor(math.log10(abs(value))) - int(sig) + 1))
    return float(format(tol, ".6g"))


def sigfig_texts(value: float, tol: float, sigfigs: int) -> list[str]:
    """Every number written with at most ``sigfigs`` significant figures within ``tol`` of
    ``value``, as text, each also without its leading 0 (0.4683 and .4683; -0.3 and -0.3000):
    what a text-matching LMS blank (Canvas's fill in the blank) must accept to grade a number
    typed to the sheet's figures as the key's tolerance does."""
    from decimal import Decimal

    if value == 0:
        return ["0", "0.0", "-0"]
    out: list[str] = []
    low, high = Decimal(repr(value - tol)), Decimal(repr(value + tol))
    exponents = sorted({math.floor(math.log10(abs(x))) for x in (value - tol, value + tol, value) if x})
    for figures in range(1, sigfigs + 1):
        for exponent in exponents:
            step = Decimal(1).scaleb(exponent - figures + 1)
            k = math.ceil(low / step)
            while k * step <= high:
                number = k * step
                if number and math.floor(math.log10(abs(number))) == exponent:
                    text = format(number.quantize(step), "f")
                    for spelling in (text, text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text):
                        if spelling not in out:
                            out.append(spelling)
                k += 1
    return out


#: The grade fractions Moodle accepts on import (its question bank refuses any other).
MOODLE_GRADES = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0)


def moodle_fraction(credit: float) -> str:
    """A credit (−1…1) as a Moodle fraction in percent, the nearest value Moodle accepts."""
    sign = -1 if credit < 0 else 1
    nearest = min(MOODLE_GRADES, key=lambda g: abs(g - abs(credit)))
    text = format(round(100 * nearest, 5), ".5f").rstrip("0").rstrip(".")
    return ("-" if sign < 0 and nearest else "") + text


def fraction_is_exact(credit: float) -> bool:
    return any(abs(abs(credit) - g) < 1e-6 for g in MOODLE_GRADES)


# ---------------------------------------------------------------- symbolic answers at given values

#: Values tried for each domain, in order (a variant's seed picks where to start).
_POINTS = {
    "real": ("0.7", "1.3", "-0.4", "2.1", "-1.6"),
    "positive": ("1.5", "0.8", "2.5", "3.2", "1.2"),
    "nonnegative": ("1.5", "0.5", "2.5", "3.5", "0.8"),
    "unit_interval": ("0.3", "0.65", "0.8", "0.2", "0.45"),
    "integer": ("3", "2", "5", "-2", "4"),
    "positive_integer": ("3", "2", "5", "4", "6"),
    "nonnegative_integer": ("3", "2", "5", "4", "6"),
}


@dataclass(frozen=True)
class AtPoint:
    """A symbolic answer evaluated at given values: the point, the answer and each known wrong's value."""

    point: tuple[tuple[str, str], ...]  # (symbol, exact decimal), in the key's symbol order
    value: float
    wrong: tuple[tuple[int, float], ...]  # (index into known_wrong, value) for those that differ here


def _candidates(symbols: tuple[tuple[str, str], ...], start: int) -> list[dict[str, str]]:
    """The five points tried, in order, for symbols with these domains (the seed picks the start)."""
    return [{n: _POINTS[d][(start + attempt + i) % 5] for i, (n, d) in enumerate(symbols)} for attempt in range(5)]


@functools.lru_cache(maxsize=65536)
def _values(expression: str, symbols: tuple[tuple[str, str], ...], start: int) -> tuple[float, ...]:
    """Our own key expression (never student text) at the five candidate points, through the
    grader's safe parser and evaluator (one vectorised pass); NaN where undefined or complex."""
    import numpy as np

    from quizgen.maths.evaluate import evaluate
    from quizgen.maths.parse import make_context, parse

    points = _candidates(symbols, start)
    try:
        node = parse(expression, make_context(dict(symbols))).node
        env = {n: np.array([complex(float(p[n])) for p in points]) for n, _ in symbols}
        values, _ = evaluate(node, env, len(points))
    except Exception:
        return (math.nan,) * len(points)
    out = []
    for v in values:
        real = abs(v.imag) <= 1e-12 * max(1.0, abs(v.real))
        out.append(float(v.real) if real and math.isfinite(v.real) else math.nan)
    return tuple(out)


#: How a symbolic question asked as its value at a point is graded, by the LMS and by ``grade``
#: reading the LMS's responses: the value within this relative tolerance.
AT_POINT_TOLERANCE = {"rtol": 1e-3, "atol": 1e-9}


def at_point(answer: Mapping, wrong_expressions: Sequence[str], seed: int) -> AtPoint | None:
    """Values for the answer symbols where the answer is finite and away from 0, chosen among the
    candidates so that as many known wrong expressions as possible differ there from the answer
    and from each other by more than 10 tolerances (the first such point; each one that does not is
    left out of the LMS question, which then cannot tell that mistake apart)."""
    return _at_point(answer["expression"], tuple(answer["symbols"].items()), tuple(wrong_expressions), seed % 5)


@functools.lru_cache(maxsize=65536)
def _at_point(expression: str, symbols: tuple[tuple[str, str], ...], wrong_expressions: tuple[str, ...],
              start: int) -> AtPoint | None:
    answers = _values(expression, symbols, start)
    best: AtPoint | None = None
    for attempt, point in enumerate(_candidates(symbols, start)):
        value = answers[attempt]
        if not math.isfinite(value) or abs(value) < 1e-9:
            continue
        tol = tolerance(AT_POINT_TOLERANCE, value)
        wrong: list[tuple[int, float]] = []
        for i, expr in enumerate(wrong_expressions):
            wv = _values(expr, symbols, start)[attempt]
            if math.isfinite(wv) and abs(wv - value) > 10 * tol and all(abs(wv - w) > 10 * tol for _, w in wrong):
                wrong.append((i, wv))
        here = AtPoint(tuple((n, point[n]) for n, _ in symbols), value, tuple(wrong))
        if best is None or len(here.wrong) > len(best.wrong):
            best = here
        if len(wrong) == len(wrong_expressions):
            break
    return best


def unseparated_note(fmt: str, items: Sequence, options) -> None:
    """Tell (once per question) how many students' symbolic variants have a known mistake that
    gives, at the values asked, the answer's value or another mistake's: the LMS cannot name it."""
    seen: dict[str, list] = {}
    for number, _student, v in items:
        if v.kind == "symbolic" and v.known_wrong:
            p = at_point(v.answer, [w.expression or "" for w in v.known_wrong], v.seed)
            if p is not None:
                seen.setdefault(v.question_id, [number, 0, 0])
                seen[v.question_id][1] += len(p.wrong) < len(v.known_wrong)
                seen[v.question_id][2] += 1
    for qid, (number, short, total) in seen.items():
        if short:
            options.tell(f"{fmt}: question {number} ({qid}, symbolic): for {short} of {total} students a known "
                         "mistake gives, at the values asked, the right value or another mistake's: it is not "
                         "recognised there")


def point_sentence(p: AtPoint) -> str:
    given = ", ".join(f"<code>{html_escape(n)}</code> = {v}" for n, v in p.point)
    return (f"<p>Give the <strong>value</strong> of your expression at {given}, "
            "to at least 4 significant figures.</p>")
