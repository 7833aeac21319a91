"""``report.html``: the class report as one self-contained file (plots inline as SVG).

It holds what ``summary.json`` holds, laid out for reading: the class score distribution, per
question the mean, difficulty, discrimination, a histogram of scores and the misconceptions
(summed over every student's variant), the needs-review list and the rows not graded.
The charts are plain SVG written here. The page loads nothing from
anywhere (no scripts, no stylesheets, no fonts) and is well-formed XHTML, so any browser or XML
parser reads it. Reruns give the same bytes (fixed SVG ids, no dates).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Sequence

from quizgen.grading.batch import ClassResult

_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; }
code { background: #f4f4f4; padding: 0 0.2em; }
figure { margin: 0.5em 0; }
.q { border-top: 1px solid #ccc; margin-top: 1.5em; }
"""


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _stat(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def bar_svg(labels: Sequence[str], counts: Sequence[int], *, xlabel: str, ylabel: str = "students",
            title: str = "", width: float = 6.0, height: float = 2.6) -> str:
    """A bar chart of counts as an inline ``<svg>`` element (``width`` x ``height`` inches).

    Written directly: a bar chart of a few counts is a few rectangles and labels, and drawing it
    with matplotlib cost a grade run more than a second (its import, then a tenth of a second a
    chart), most of the time a small class takes."""
    w, h = round(width * 96), round(height * 96)
    left, right, top, bottom = 52, 10, 24 if title else 10, 40
    plot_w, plot_h = w - left - right, h - top - bottom
    step = _tick_step(max(counts, default=0))
    y_max = max(step * -(-max(counts, default=0) // step), step)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    text = 'font-family="sans-serif" font-size="11" fill="#222"'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">',
           f"<title>{_e(title or ylabel + ' by ' + xlabel)}</title>"]
    if title:
        out.append(f'<text x="{left + plot_w / 2:g}" y="15" text-anchor="middle" {text}>{_e(title)}</text>')
    for tick in range(0, y_max + 1, step):
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                   'stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" {text}>{tick}</text>')
    band = plot_w / max(len(counts), 1)
    for i, (label, count) in enumerate(zip(labels, counts)):
        x = left + i * band
        out.append(f'<rect x="{x + 0.1 * band:.1f}" y="{y(count):.1f}" width="{0.8 * band:.1f}" '
                   f'height="{top + plot_h - y(count):.1f}" fill="#4878a8"><title>{_e(label)}: {count}</title></rect>')
        out.append(f'<text x="{x + band / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" {text}>'
                   f"{_e(label)}</text>")
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#222"/>')
    out.append(f'<text x="{left + plot_w / 2:g}" y="{h - 6}" text-anchor="middle" {text}>{_e(xlabel)}</text>')
    out.append(f'<text transform="translate(14 {top + plot_h / 2:g}) rotate(-90)" text-anchor="middle" {text}>'
               f"{_e(ylabel)}</text>")
    out.append("</svg>")
    return "".join(out)


def _tick_step(largest: int) -> int:
    """The gridline step: the smallest of 1, 2, 5, 10, 20, 50, ... with at most 6 steps to ``largest``."""
    power = 1
    while True:
        for mantissa in (1, 2, 5):
            if largest <= 6 * mantissa * power:
                return mantissa * power
        power *= 10


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> list[str]:
    out = ["<table>", "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>"]
    for row in rows:
        cells = "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return out


def report_html(result: ClassResult, data: dict[str, Any]) -> str:
    """The page, from the class result and its summary (:func:`quizgen.grading.report.summary_data`)."""
    d = data
    dist = d["distribution"]
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE html>",
           '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">', "<head>", '<meta charset="utf-8"/>',
           "<title>Grading report</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           "<h1>Grading report</h1>",
           f"<p>Key <code>{_e(d['key'])}</code>; submissions <code>{_e(d['submissions'])}</code> "
           f"({_e(d['form'])} form). Students in the key: {d['students']}; with a submission: {d['submitted']}; "
           f"answers graded: {d['answers_graded']}; rows not graded: {d['problem_count']}.</p>",
           '<h2 id="distribution">Class score distribution</h2>']
    if dist["count"]:
        out.append(f"<p>Mean {_stat(dist['mean'])}%, median {_stat(dist['median'])}%, standard deviation "
                   f"{_stat(dist['sd'])}, lowest {_stat(dist['min'])}%, highest {_stat(dist['max'])}% "
                   f"({dist['count']} students).</p>")
        labels = [f"{10 * i}–{10 * i + 10}" for i in range(10)]
        out.append("<figure>" + bar_svg(labels, dist["bins"], xlabel="percent of points") + "</figure>")
        out += _table(["percent", *labels], [["students", *map(str, dist["bins"])]], numeric=range(1, 11))
    else:
        out.append("<p>No submissions.</p>")

    out.append('<h2 id="questions">Questions</h2>')
    out.append("<p>Difficulty: the mean score as a fraction of the points (1 = everyone right). Discrimination: "
               "the point-biserial correlation between a question's score and the rest of the sheet. "
               "Upper–lower: mean score of the top 27% of the class minus that of the bottom 27%.</p>")
    rows = [[f"<code>{_e(q['id'])}</code>", f"{_stat(q['mean_points'])} / {_stat(q['mean_max_points'])}",
             _stat(q["mean_percent"]), f"{q['answered']} / {q['students']}", str(q["correct"]),
             _stat(q["difficulty"]), _stat(q["discrimination"]), _stat(q["upper_lower"])] for q in d["questions"]]
    out += _table(["question", "mean points", "mean %", "answered", "correct", "difficulty", "discrimination",
                   "upper–lower"], rows, numeric=range(1, 8))
    for q in d["questions"]:
        out.append(f'<div class="q"><h3><code>{_e(q["id"])}</code></h3>')
        if q["histogram"]:
            out.append("<figure>" + bar_svg([h["points"] for h in q["histogram"]], [h["count"] for h in q["histogram"]],
                                            xlabel="points", width=4.0, height=2.2) + "</figure>")
        if q["misconceptions"]:
            out.append("<p>Misconceptions recognised (all variants):</p>")
            out += _table(["misconception", "students"], [[_e(m["name"]), str(m["count"])] for m in q["misconceptions"]],
                          numeric=[1])
        if q["common_wrong"]:
            out.append("<p>Most common wrong answers:</p>")
            out += _table(["answer", "count", "misconception", "verdict"],
                          [[f"<code>{_e(_short(w['answer']))}</code>", str(w["count"]), _e(w["misconception"] or "–"),
                            _e(w["status"])] for w in q["common_wrong"]], numeric=[1])
        out.append("</div>")

    out.append('<h2 id="needs-review">Needs review</h2>')
    if d["needs_review"]:
        out.append("<p>Scored 0 until you decide.</p>")
        out += _table(["student", "question", "answer", "why"],
                      [[_e(r["student"]), f"{r['number']} (<code>{_e(r['question'])}</code>)",
                        f"<code>{_e(_short(r['answer'] or ''))}</code>", _e(r["message"])] for r in d["needs_review"]])
    else:
        out.append("<p>None.</p>")
    out.append('<h2 id="problems">Rows not graded</h2>')
    if d["problems"]:
        out.append("<ul>" + "".join(f"<li>{_e(p['file'])}{', ' + _e(p['where']) if p['where'] else ''}: "
                                    f"{_e(p['message'])}</li>" for p in d["problems"])
                   + "".join(f"<li>... and {u['count']:,} more of this kind, not listed: {_e(u['kind'])}</li>"
                             for u in d["problems_not_listed"]) + "</ul>")
    else:
        out.append("<p>None.</p>")
    if d["missing"]:
        out.append('<h2 id="missing">Missing students</h2>')
        out.append("<p>" + ", ".join(_e(s) for s in d["missing"]) + "</p>")
    out += ["</body>", "</html>"]
    return _CONTROL.sub("\ufffd", "\n".join(out)) + "\n"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML, even escaped


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[:limit]}… ({len(flat)} characters)"
