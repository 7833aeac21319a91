"""Write a :class:`ClassResult` as grades.csv, feedback/<student>.md, summary.md and summary.json.

Renderers are pure functions returning text (easy to test and to call from a notebook);
:func:`write_reports` writes each file with :func:`quizgen.kernel.files.write_atomic` (a new
feedback folder with :func:`quizgen.kernel.files.folder_writer`: filled aside, renamed whole), so an
interrupted run leaves every file either old or new, never torn. Nothing here depends on the clock or on
absolute paths: rerunning on the same inputs gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections import Counter
from functools import lru_cache
from hashlib import sha1
from pathlib import Path
from typing import Any, Callable

from quizgen.grading.batch import ClassResult, GradedAnswer, StudentResult
from quizgen.kernel.files import folder_writer, remove_stale_temporaries, write_atomic

#: The files ``write_reports`` writes at the top of the output folder.
REPORT_FILES = ("grades.csv", "summary.md", "summary.json", "report.html")
#: How many distinct wrong answers the summary lists per question.
TOP_WRONG = 5
WRONG_STATUSES = ("partial", "incorrect", "rejected")
#: Longest answer shown in the summary tables and in feedback (the full text is in summary.json).
SUMMARY_ANSWER_CHARS = 80
FEEDBACK_ANSWER_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


@lru_cache(maxsize=1024)  # a class scores the same few numbers of points, 20,000 times
def fmt_points(x: float) -> str:
    """2.0 -> '2', 0.5 -> '0.5', 2/3 -> '0.6667': short, stable, never scientific notation."""
    text = f"{round(x, 4) + 0.0:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _percent(x: float) -> str:
    return f"{x:.2f}"


# ------------------------------------------------------------------------------ grades.csv


def csv_text(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula: ids come from a roster (often
    an LMS export where students choose their display names), and ``=HYPERLINK(...)`` or
    ``=cmd|...`` would be live in Excel. Such a cell gets a leading ``'`` (OWASP's advice)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grades_csv(result: ClassResult) -> str:
    """One row per student in key order; a blank cell is a question not on that student's sheet."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", *map(csv_text, result.question_ids), "total", "max", "percent"])
    for s in result.students:
        cells = []
        for qid in result.question_ids:
            a = s.answer_for(qid)
            cells.append("" if a is None else fmt_points(a.points))
        writer.writerow([csv_text(s.student), *cells, fmt_points(s.total), fmt_points(s.max_points), _percent(s.percent)])
    return buf.getvalue()


#: ``--gradebook`` layouts of grades.csv.
GRADEBOOKS = ("plain", "moodle", "canvas")


def gradebook_csv(result: ClassResult, gradebook: str = "plain", item: str | None = None) -> str:
    """grades.csv in the layout a gradebook imports: ``plain`` (:func:`grades_csv`), ``moodle``
    (Grades > Import > CSV file: an identity column per kind the export gave, then the grade item)
    or ``canvas`` (Grades > Import: Student, ID, SIS User ID, SIS Login ID, Section, the assignment,
    and a "Points Possible" row). The grade is the total in points; a student with no submission
    gets a blank cell, which neither gradebook imports as a grade."""
    if gradebook == "plain":
        return grades_csv(result)
    item = item or (f"quizgen {result.key.exam_id}" if result.key is not None and result.key.exam_id else "quizgen")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    people = result.people

    def grade(s: StudentResult) -> str:
        return fmt_points(s.total) if s.submitted else ""

    if gradebook == "moodle":
        has_email = any(getattr(p, "email", "") for p in people.values())
        has_idnumber = any(getattr(p, "idnumber", "") for p in people.values())
        writer.writerow(["Username"] + ["Email address"] * has_email + ["ID number"] * has_idnumber + [csv_text(item)])
        for s in result.students:
            p = people.get(s.student)
            row = [getattr(p, "username", "") or s.student]
            row += [getattr(p, "email", "")] * has_email + [getattr(p, "idnumber", "")] * has_idnumber
            writer.writerow([*map(csv_text, row), grade(s)])
        return buf.getvalue()
    if gradebook == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", csv_text(item)])
        possible = max((s.max_points for s in result.students), default=0.0)
        writer.writerow(["Points Possible", "", "", "", "", fmt_points(possible)])
        for s in result.students:
            p = people.get(s.student)
            if p is None:  # not from a Canvas export: our id is the SIS user id
                row = [s.student, "", s.student, "", ""]
            else:
                row = [p.name or s.student, p.canvas_id, p.sis_id, "", p.section]
            writer.writerow([*map(csv_text, row), grade(s)])
        return buf.getvalue()
    raise ValueError(f"unknown gradebook layout {gradebook!r}")


# ------------------------------------------------------------------------------- feedback


def feedback_names(students: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Student id -> file name: unsafe characters become ``_``; a clash (also case-insensitive,
    for macOS/Windows) gets a short hash of the real id, so no student overwrites another."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for student in students:
        base = re.sub(r"[^A-Za-z0-9._-]", "_", student).strip("._") or "student"
        if base.lower() in _WINDOWS_RESERVED:
            base = f"{base}_"
        base = base[:80]
        if base.lower() in used:
            base = f"{base}-{sha1(student.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
        used.add(base.lower())
        names[student] = f"{base}.md"
    return names


def md_code(text: str, limit: int | None = None) -> str:
    """``text`` as one inline code span: newlines flattened, control characters shown as ``\\xNN``,
    cut to ``limit`` characters (a 5000-digit answer should not swamp a table), and a fence longer
    than any backtick run inside."""
    flat = " ".join(text.splitlines()) if text else ""
    flat = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", flat)
    if not flat.strip():
        return "(empty)"
    if limit is not None and len(flat) > limit:
        flat = f"{flat[:limit]}... ({len(flat)} characters)"
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


#: ``$…$`` math as pandoc reads it (no space inside the dollars, no digit after the closing one),
#: holding none of the characters that could reach HTML or a code span.
_MATH_SPAN = re.compile(r"\$(?=[^\s$])([^$`<>&\n]*?)(?<=[^\s$\\])\$(?!\d)")
#: TeX commands that a math renderer (MathJax) turns into links, styles or loads: never kept as math.
_UNSAFE_TEX = re.compile(r"\\(href|url|html|class|style|cssId|require|unicode|data|toggle|mmlToken|input|include|def|newcommand)(?![A-Za-z])")


def md_text(text: str, authored: tuple[str, ...] = ()) -> str:
    """Escape characters that would turn a student's or grader's text into Markdown markup (or
    raw HTML), and show control characters as ``\\xNN`` (an ESC would reach a terminal).

    ``$…$`` math (a question's feedback on a misconception) is kept as math, unescaped, so it
    renders in pandoc, GitHub and Jupyter instead of showing doubled backslashes; a lone ``$`` is
    escaped, and a math span holding ``< > & `` or a link/style command is escaped as text.
    ``authored``: the key's own sentences (feedback, explanations), written in Markdown by the
    question's author; where one appears whole it is kept as written (``*is*`` stays emphasis,
    ``$x < 0$`` stays math), and only the text around it is escaped."""
    for sentence in sorted(authored, key=len, reverse=True):
        at = text.find(sentence) if sentence.strip() else -1
        if at >= 0 and not _CONTROL.search(sentence) and "\n" not in sentence and not _UNSAFE_TEX.search(sentence):
            return md_text(text[:at], authored) + sentence + md_text(text[at + len(sentence):], authored)
    flat = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", " ".join(text.splitlines()))
    out, at = [], 0
    for m in _MATH_SPAN.finditer(flat):
        if _UNSAFE_TEX.search(m.group(1)):
            continue
        out.append(_md_escape(flat[at : m.start()]))
        out.append(m.group(0))
        at = m.end()
    out.append(_md_escape(flat[at:]))
    return "".join(out)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>|#!&$])", r"\\\1", text)


def authored_texts(source: str | None) -> tuple[str, ...]:
    """The sentences a key entry's author wrote (feedback on each mistake, explanations, the
    true/false feedback): Markdown, shown as written in a student's feedback."""
    if not source:
        return ()
    entry = json.loads(source)
    answer = entry.get("answer") or {}
    texts = [w.get("feedback", "") for w in entry.get("known_wrong") or []]
    texts += list((answer.get("explain") or {}).values()) + [answer.get("truth_feedback") or ""]
    return tuple(t for t in texts if isinstance(t, str) and t.strip())


@lru_cache(maxsize=4096)  # a class's verdicts repeat a few messages
def _quote(text: str, authored: tuple[str, ...] = ()) -> str:
    """A verdict message as a block quote. Messages echo what the student typed (``unexpected
    character '<'``, the caret display of a parse error), so each line is escaped; the caret
    display (lines indented by two spaces) goes in a code block so the caret stays aligned."""
    out: list[str] = []
    code: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith("  "):
            code.append(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line))
            continue
        if code:
            fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", "".join(code))), default=0))
            out += [">", f"> {fence}", *(f"> {c}" for c in code), f"> {fence}"]
            code = []
        if line:
            out.append(f"> {md_text(line, authored)}")
    return "\n".join(out) or "> (no message)"


def solution_text(entry: dict[str, Any]) -> str:
    """The correct answer of a key entry as a student should read it (``--show-solutions``)."""
    answer = entry.get("answer") or {}
    kind = entry.get("type")
    if kind == "numeric":
        value = f"{answer.get('value'):.6g}"
        exact = answer.get("exact")
        text = f"{exact} ≈ {value}" if exact and exact != value else value
        return text + (f" {answer['unit']}" if answer.get("unit") else "")
    if kind == "symbolic":
        return str(answer.get("expression", ""))
    if kind == "choice":
        texts = {c.get("label"): c.get("text", "") for c in answer.get("choices", [])}
        return "; ".join(f"{label}: {texts.get(label, '')}" for label in answer.get("correct", []))
    if kind == "truefalse":
        return "true" if answer.get("value") else "false"
    return ""


#: Rendered feedback sections by content: a class repeats the same answers, verdicts and numbers.
_SECTION_CACHE: dict[tuple, str] = {}
_SECTION_CACHE_SIZE = 50_000


@lru_cache(maxsize=4096)
def _authored(source: str | None) -> tuple[str, ...]:
    """:func:`authored_texts` of a key entry, parsed once per variant (students share variants)."""
    return authored_texts(source)


def _answer_section(a: GradedAnswer, solution: str | None = None) -> str:
    verdict = a.verdict
    if verdict is None:
        seen: tuple = ()
    else:
        # Only the authored sentences inside the message can change how it is shown (md_text keeps
        # a sentence it finds; the others never match), so equal messages of different variants
        # share one rendering.
        message = verdict.message
        seen = (verdict.status, message, bool(verdict.detail.get("steps")),
                tuple(t for t in _authored(a.key_source) if t in message))
    key = (a.number, a.title, a.question_id, a.answer, a.points, a.points_possible, solution, seen)
    text = _SECTION_CACHE.get(key)
    if text is None:
        if len(_SECTION_CACHE) >= _SECTION_CACHE_SIZE:
            _SECTION_CACHE.clear()
        text = _SECTION_CACHE[key] = _render_answer_section(a, solution, seen[-1] if seen else ())
    return text


@lru_cache(maxsize=4096)  # the same few questions on every sheet
def _section_head(number: int, title: str, question_id: str) -> str:
    heading = f"## Question {number}" + (f": {md_text(title)}" if title else "")
    return f"{heading}\n\n- Question id: {md_code(question_id)}"


def _render_answer_section(a: GradedAnswer, solution: str | None = None, authored: tuple[str, ...] = ()) -> str:
    lines = [_section_head(a.number, a.title, a.question_id)]
    if solution is not None:
        lines.append(f"- Correct answer: {solution}")
    if a.answer is None:
        lines += ["- Your answer: (none submitted)", "- Verdict: unanswered",
                  f"- Points: 0 / {fmt_points(a.points_possible)}", "", "> No answer was received for this question."]
    else:
        assert a.verdict is not None
        # a derivation: its steps as the grader read and numbered them ("Line 3" in the feedback
        # is the third; `;` and `=` outside brackets start a step, as a new line does)
        steps = []
        if a.verdict.detail.get("steps"):
            from quizgen.grading.derivation import split_steps  # (a class without derivations never loads it)

            steps = split_steps(a.answer)
        if len(steps) > 1:
            lines.append("- Your answer:")
            lines += [f"    {k}. {md_code(step, FEEDBACK_ANSWER_CHARS)}" for k, step in steps]
        else:
            lines.append(f"- Your answer: {md_code(a.answer, FEEDBACK_ANSWER_CHARS)}")
        lines += [f"- Verdict: {a.verdict.status}",
                  f"- Points: {fmt_points(a.points)} / {fmt_points(a.points_possible)}", "",
                  _quote(a.verdict.message, authored)]
    return "\n".join(lines)


def feedback_md(student: StudentResult, name: str | None = None,
                solutions: dict[str, str] | None = None) -> str:
    """The Markdown a student receives: their answers, verdicts, messages and points; with
    ``name`` (from the roster) the heading greets them by name; with ``solutions`` ({question
    id: correct answer}) each question shows its correct answer."""
    who = f"{md_text(name)} ({md_text(student.student)})" if name else md_text(student.student)
    parts = [f"# Feedback for {who}", "",
             f"Score: **{fmt_points(student.total)} / {fmt_points(student.max_points)}** "
             f"({_percent(student.percent)}%)"]
    if not student.submitted:
        parts += ["", "No submission was received from you, so every question scores 0."]
    for a in student.answers:
        parts += ["", _answer_section(a, None if solutions is None else solutions.get(a.question_id, ""))]
    return "\n".join(parts) + "\n"


# -------------------------------------------------------------------------------- summary


def _normalise(answer: str) -> str:
    return " ".join(answer.split())


def _question_summary(result: ClassResult, qid: str) -> dict[str, Any]:
    answers = [a for s in result.students if (a := s.answer_for(qid)) is not None]
    statuses = Counter(a.status for a in answers)
    groups: dict[str, list[GradedAnswer]] = {}
    for a in answers:
        if a.answer is not None and a.verdict is not None and a.verdict.status in WRONG_STATUSES:
            groups.setdefault(_normalise(a.answer), []).append(a)
    wrong = []
    # only the most common are listed: their misconception and verdict are all that is needed
    for text, group in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))[:TOP_WRONG]:
        names = Counter(a.verdict.misconception for a in group if a.verdict and a.verdict.misconception)
        kinds = Counter(a.status for a in group)
        wrong.append({
            "answer": text,
            "count": len(group),
            "misconception": min(names, key=lambda n: (-names[n], n)) if names else None,
            "status": min(kinds, key=lambda n: (-kinds[n], n)),
        })
    possible = math.fsum(a.points_possible for a in answers)
    earned = math.fsum(a.points for a in answers)
    stats = item_statistics(result, qid)
    misconceptions = Counter(a.verdict.misconception for a in answers if a.verdict is not None and a.verdict.misconception)
    return {
        "id": qid,
        "difficulty": stats["difficulty"],
        "discrimination": stats["discrimination"],
        "upper_lower": stats["upper_lower"],
        "histogram": stats["histogram"],
        "misconceptions": [{"name": n, "count": c} for n, c in sorted(misconceptions.items(), key=lambda i: (-i[1], i[0]))],
        "students": len(answers),
        "answered": sum(1 for a in answers if a.answer is not None and a.status != "empty"),
        "correct": statuses["correct"],
        "mean_points": round(earned / len(answers), 4) if answers else 0.0,
        "mean_max_points": round(possible / len(answers), 4) if answers else 0.0,
        "mean_percent": round(100.0 * earned / possible, 2) if possible > 0 else 0.0,
        "unreadable": statuses["rejected"],
        "common_wrong": wrong,
    }


def _mean(xs: list[float]) -> float:
    return math.fsum(xs) / len(xs)


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when either variable does not vary (or fewer than 3 students)."""
    if len(xs) < 3:
        return None
    mx, my = _mean(xs), _mean(ys)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 1e-15 or syy <= 1e-15:
        return None
    return sxy / math.sqrt(sxx * syy)


#: Share of the class in each of the upper and lower groups of the upper-lower index.
UPPER_LOWER_SHARE = 0.27


def item_statistics(result: ClassResult, qid: str) -> dict[str, Any]:
    """Item analysis of one question over the students who submitted and had it on their sheet.

    - ``difficulty``: the mean score as a fraction of the question's points (1 = everyone right).
    - ``discrimination``: point-biserial (Pearson) correlation between the score on this question
      and the score on the rest of the sheet (both as fractions), so the item is not correlated
      with itself; None when either does not vary or there are fewer than 3 students.
    - ``upper_lower``: mean score (fraction) of the top 27% of students by total percent minus that
      of the bottom 27% (at least one student each; ties broken by student id).
    - ``histogram``: how many students got each number of points.
    """
    rows = [(s, a) for s in result.students if s.submitted and (a := s.answer_for(qid)) is not None]
    rows = [(s, a) for s, a in rows if a.points_possible > 0]
    if not rows:
        return {"difficulty": None, "discrimination": None, "upper_lower": None, "histogram": []}
    frac = [a.points / a.points_possible for _, a in rows]
    rest = [((s.total - a.points) / (s.max_points - a.points_possible)) if s.max_points > a.points_possible else 0.0
            for s, a in rows]
    r = _pearson(frac, rest)
    upper_lower = None
    if len(rows) >= 2:
        k = max(1, round(UPPER_LOWER_SHARE * len(rows)))
        ranked = sorted(range(len(rows)), key=lambda i: (-rows[i][0].percent, rows[i][0].student))
        upper_lower = round(_mean([frac[i] for i in ranked[:k]]) - _mean([frac[i] for i in ranked[-k:]]), 4)
    counts = Counter(a.points for _, a in rows)
    return {
        "difficulty": round(_mean(frac), 4),
        "discrimination": None if r is None else round(r, 4),
        "upper_lower": upper_lower,
        "histogram": [{"points": fmt_points(p), "count": counts[p]} for p in sorted(counts)],
    }


def class_distribution(result: ClassResult) -> dict[str, Any]:
    """Percent scores of the students who submitted: counts in ten bins (0-10, ..., 90-100; 100
    falls in the last) and the usual figures."""
    scores = sorted(s.percent for s in result.students if s.submitted)
    bins = [0] * 10
    for x in scores:
        bins[min(9, int(x // 10))] += 1
    if not scores:
        return {"bins": bins, "count": 0, "mean": None, "median": None, "sd": None, "min": None, "max": None}
    n = len(scores)
    median = scores[n // 2] if n % 2 else (scores[n // 2 - 1] + scores[n // 2]) / 2
    mean = _mean(scores)
    return {"bins": bins, "count": n, "mean": round(mean, 2), "median": round(median, 2),
            "sd": round(math.sqrt(math.fsum((x - mean) ** 2 for x in scores) / n), 2),
            "min": round(scores[0], 2), "max": round(scores[-1], 2)}


def needs_review(result: ClassResult) -> list[dict[str, Any]]:
    """Answers the grader could not decide (an ambiguous number such as ``2,143``, an equivalence
    neither sampling nor proof settled): scored 0 until a person looks at them."""
    out = []
    for s in result.students:
        for a in s.answers:
            if a.verdict is not None and a.verdict.detail.get("needs_review"):
                item: dict[str, Any] = {"student": s.student, "question": a.question_id, "number": a.number,
                                        "answer": a.answer, "message": a.verdict.message}
                if a.verdict.detail.get("readings"):
                    item["readings"] = a.verdict.detail["readings"]
                out.append(item)
    return out


def summary_data(result: ClassResult) -> dict[str, Any]:
    """The summary as plain data (this is summary.json)."""
    total = math.fsum(s.total for s in result.students)
    possible = math.fsum(s.max_points for s in result.students)
    return {
        "key": result.key_name,
        "submissions": result.submissions_name,
        "form": result.form,
        "students": len(result.students),
        "submitted": len(result.students) - len(result.missing),
        "missing": list(result.missing),
        "rows_read": result.rows,
        "answers_graded": result.graded,
        "class_mean_percent": round(100.0 * total / possible, 2) if possible > 0 else 0.0,
        "distribution": class_distribution(result),
        "needs_review": needs_review(result),
        "questions": [_question_summary(result, qid) for qid in result.question_ids],
        "problems": [{"file": p.file, "where": p.where, "message": p.message} for p in result.problems],
        "problem_count": result.problem_count,  # "problems" lists the first of each kind
        "problems_not_listed": [{"kind": kind, "count": n} for kind, n in result.unlisted],
        "ignored_columns": list(result.ignored_columns),
        "exit_status": result.exit_code,
        "manual_review": [{"student": s.student, "question": a.question_id, "answer": a.answer}
                          for s in result.students for a in s.answers if a.status == "manual"],
    }


def _stat(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def summary_json(result: ClassResult, data: dict[str, Any] | None = None) -> str:
    return json.dumps(data if data is not None else summary_data(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def summary_md(result: ClassResult, data: dict[str, Any] | None = None) -> str:
    """The instructor's one-page overview (``data``: ``summary_data(result)``, if computed already)."""
    d = data if data is not None else summary_data(result)
    lines = ["# Grading summary", "",
             f"Key: {md_code(d['key'])}; submissions: {md_code(d['submissions'])} ({d['form']} form)", "",
             f"- Students in the key: {d['students']}; with a submission: {d['submitted']}; "
             f"missing: {len(d['missing'])}",
             f"- Rows read: {d['rows_read']}; answers graded: {d['answers_graded']}; "
             f"problems (not graded): {d['problem_count']}",
             f"- Class mean: {_percent(d['class_mean_percent'])}%", "",
             "## Questions", "",
             "| Question | Mean points | Mean % | Answered | Correct | Unreadable | Difficulty | Discrimination | Upper-lower |",
             "|---|---|---|---|---|---|---|---|---|"]
    for q in d["questions"]:
        lines.append(f"| {md_code(q['id'])} | {fmt_points(q['mean_points'])} / {fmt_points(q['mean_max_points'])} "
                     f"| {_percent(q['mean_percent'])} | {q['answered']} / {q['students']} | {q['correct']} "
                     f"| {q['unreadable']} | {_stat(q['difficulty'])} | {_stat(q['discrimination'])} "
                     f"| {_stat(q['upper_lower'])} |")
    dist = d["distribution"]
    lines += ["", "## Class score distribution", ""]
    if dist["count"]:
        lines += [f"{dist['count']} students with a submission: mean {_percent(dist['mean'])}%, median "
                  f"{_percent(dist['median'])}%, standard deviation {_percent(dist['sd'])}, lowest "
                  f"{_percent(dist['min'])}%, highest {_percent(dist['max'])}%.", "",
                  "| Percent | " + " | ".join(f"{10 * i}-{10 * i + 10}" for i in range(10)) + " |",
                  "|---" * 11 + "|", "| Students | " + " | ".join(str(c) for c in dist["bins"]) + " |"]
    else:
        lines += ["No submissions."]
    lines += ["", "## Scores per question", ""]
    for q in d["questions"]:
        hist = ", ".join(f"{h['points']} points: {h['count']}" for h in q["histogram"]) or "no answers"
        mis = ", ".join(f"{md_text(m['name'])} {m['count']}" for m in q["misconceptions"]) or "none"
        lines.append(f"- {md_code(q['id'])}: {hist}; misconceptions (all variants): {mis}")
    lines += ["", "## Needs review (scored 0 until you decide)", ""]
    lines += [f"- {md_text(r['student'])}, question {r['number']} ({md_code(r['question'])}): "
              f"{md_code(r['answer'] or '', SUMMARY_ANSWER_CHARS)}: {md_text(r['message'])}"
              for r in d["needs_review"]] or ["None."]
    lines += ["", "## Most common wrong answers"]
    any_wrong = False
    for q in d["questions"]:
        if not q["common_wrong"]:
            continue
        any_wrong = True
        lines += ["", f"### {md_code(q['id'])}", "", "| Answer | Count | Misconception | Verdict |", "|---|---|---|---|"]
        for w in q["common_wrong"]:
            cell = md_code(w["answer"], SUMMARY_ANSWER_CHARS).replace("|", "\\|")  # GFM: a pipe in a table cell needs a backslash
            lines.append(f"| {cell} | {w['count']} "
                         f"| {md_text(w['misconception'] or '-')} | {w['status']} |")
    if not any_wrong:
        lines += ["", "None."]
    lines += ["", "## Problems (rows not graded)", ""]
    lines += [f"- {md_text(p['file'])}" + (f", {md_text(p['where'])}" if p["where"] else "") + f": {md_text(p['message'])}"
              for p in d["problems"]] or ["None."]
    lines += [f"- ... and {u['count']:,} more of this kind, not listed: {md_text(u['kind'])}"
              for u in d["problems_not_listed"]]
    if d["manual_review"]:  # interview answers: never scored automatically
        lines += ["", "## To grade by hand (scored 0 until graded)", ""]
        lines += [f"- {md_text(r['student'])}, {md_code(r['question'])}: "
                  f"{md_code(r['answer'], SUMMARY_ANSWER_CHARS)}" for r in d["manual_review"]]
    lines += ["", "## Missing students (no submission, scored 0)", ""]
    lines += [f"- {md_text(s)}" for s in d["missing"]] or ["None."]
    if d["ignored_columns"]:
        lines += ["", "## Ignored columns", "", ", ".join(md_code(c) for c in d["ignored_columns"])]
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------------------- writing


def read_roster_names(path: str | os.PathLike[str]) -> dict[str, str]:
    """{student id: name} from a roster CSV with ``student`` and ``name`` columns (the roster
    ``quizgen make --roster`` read). Rows without a name are left out."""
    from quizgen.kernel.errors import EXIT_USAGE, QuizgenError

    from quizgen.kernel.files import read_user_text

    path = Path(path)
    text = read_user_text(path, "roster", EXIT_USAGE)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    if "student" not in header or "name" not in header:
        raise QuizgenError(f"{path}: the roster needs 'student' and 'name' columns (found: "
                           f"{', '.join(header) or 'nothing'})", EXIT_USAGE)
    si, ni = header.index("student"), header.index("name")
    names = {}
    for row in reader:
        if len(row) > max(si, ni) and row[si].strip() and row[ni].strip():
            names[row[si].strip()] = " ".join(row[ni].split())
    return names


_SOLUTION_CACHE: dict[str, str] = {}  # by key entry: students share variants


def student_solutions(result: ClassResult, student: str | StudentResult) -> dict[str, str]:
    """{question id: correct answer} of the variants the student answered: their version of the
    key, or those an LMS drew for them (a blank one of those is not known: not shown)."""
    if isinstance(student, StudentResult):
        graded: StudentResult | None = student
        student = student.student
    else:
        graded = next((s for s in result.students if s.student == student), None)
    sources = {a.question_id: a.key_source for a in graded.answers if a.key_source is not None} if graded else {}
    version = result.key.version(student) if result.key is not None else None
    if version is not None:
        for kq in version.questions:
            sources.setdefault(kq.id, kq.source)
    out = {}
    for qid, source in sources.items():
        if not source:
            out[qid] = "(not known: the export does not say which variant you were given)"
            continue
        shown = _SOLUTION_CACHE.get(source)
        if shown is None:
            entry = json.loads(source)
            text = solution_text(entry)
            shown = _SOLUTION_CACHE[source] = md_text(text) if entry.get("type") == "choice" else md_code(text)  # choice texts hold $math$
        out[qid] = shown
    return out


def write_reports(result: ClassResult, out_dir: str | os.PathLike[str], *, names: dict[str, str] | None = None,
                  show_solutions: bool = False, html: bool = True, gradebook: str = "plain",
                  item: str | None = None, phases: Callable[[str, int], Callable[[int], None]] | None = None) -> list[Path]:
    """Write every output file atomically into ``out_dir`` (created if needed; existing files with
    the same names are replaced, other files are left alone; a new feedback folder appears whole, or
    not at all). grades.csv is written last, so
    when it is new, everything else already is. ``names``: {student id: name} from a roster, shown
    in feedback; ``show_solutions``: feedback shows each correct answer; ``html``: report.html;
    ``gradebook``/``item``: the layout of grades.csv and its grade item (:func:`gradebook_csv`)."""
    out = Path(out_dir)
    roster_names = names or {}
    written: list[Path] = []
    # a run killed with kill -9 (no cleanup possible) may have left temporary files behind
    # (and the temporary feedback folder, .feedback.XXXXXXXX.tmp, of a first run into ``out``)
    remove_stale_temporaries(out, lambda name: name in REPORT_FILES or name == "feedback")
    remove_stale_temporaries(out / "feedback", lambda name: name.endswith(".md"))
    names = feedback_names([s.student for s in result.students])
    advance = phases("Writing", len(result.students) + 4) if phases is not None else None
    with folder_writer(out / "feedback") as write:  # a new feedback folder appears whole, at the end
        for s in result.students:
            write(names[s.student], feedback_md(s, roster_names.get(s.student),
                                                student_solutions(result, s) if show_solutions else None))
            written.append(out / "feedback" / names[s.student])
            if advance is not None:
                advance(1)
    data = summary_data(result)
    outputs = [("summary.json", summary_json(result, data)), ("summary.md", summary_md(result, data))]
    if html:
        from quizgen.grading.html_report import report_html

        outputs.append(("report.html", report_html(result, data)))
    outputs.append(("grades.csv", gradebook_csv(result, gradebook, item)))
    for name, text in outputs:
        write_atomic(out / name, text)
        written.append(out / name)
    if advance is not None:
        advance(4)
    return written
