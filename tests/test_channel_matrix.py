"""One answer, one grade, through every door: a class of 200 (so its key is compact) with a question
of every answer type, and the same answers through each channel that carries them.

Channels: ``quizgen grade`` from CSV and JSON, ``quizgen equiv --key``, ``quizgen practice``, the
practice page, the exam page (save, ``serve --export``, ``grade``), Moodle XML as Moodle scores it
and Canvas QTI as Canvas scores it (tests/lms_scorer.py, from their sources).
"""

from __future__ import annotations

import csv
import functools
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

from quizgen.cli import main  # noqa: E402
from quizgen.generation.key import expand_key  # noqa: E402
from quizgen.web.app import Config, create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CLASS = 200
#: one question per answer type (two for choice: one correct option, several)
QUESTIONS = {
    "numeric": "mle/kl_divergence_value",
    "symbolic": "mle/gaussian_nll",
    "vector": "mle/softmax_gradient_vector",
    "choice": "mle/saturation_choice",
    "multiselect": "mle/proper_scoring_select",
    "truefalse": "mle/overconfidence_truefalse",
    "order": "mle/mse_from_gaussian_order",
    "manual": "mle/noise_model_interview",
    "derivation": "mle/gaussian_mse_derivation",
}


@pytest.fixture(scope="module")
def exam(tmp_path_factory) -> Path:
    """A class of 200 with every answer type, in every format the channels read."""
    out = tmp_path_factory.mktemp("matrix")
    roster = out / "roster.csv"
    roster.write_text("student\n" + "".join(f"s{i:03d}\n" for i in range(CLASS)))
    r = CliRunner().invoke(main, ["make", "-t", "mle", "--questions", ",".join(QUESTIONS.values()),
                                  "--roster", str(roster), "--seed", "20260101",
                                  "--secret", "00112233445566778899aabbccddeeff", "--tokens",
                                  "-f", "json,moodle,qti", "-o", str(out / "exam")])
    assert r.exit_code == 0, r.output
    (out / "make-output.txt").write_text(r.output)
    return out / "exam"


@functools.lru_cache(maxsize=1)
def bank():
    from quizgen.generation.bank import load_bank

    return load_bank()


def load(exam: Path) -> dict:
    return json.loads((exam / "key.json").read_text())


def tokens(exam: Path) -> dict[str, str]:
    return {row["student"]: row["token"] for row in csv.DictReader((exam / "tokens.csv").open())}


def csrf_of(page: str) -> str:
    return re.search(r'<meta name="csrf" content="([0-9a-f]+)"', page).group(1)


# ------------------------------------------------------------------------------ the exam page
@pytest.fixture(scope="module")
def served(exam, tmp_path_factory):
    """``quizgen serve --exam`` on the class of 200 (one app for the module: it renders every page)."""
    db = tmp_path_factory.mktemp("served") / "exam.sqlite"
    client = TestClient(create_app(Config(exam_key=exam / "key.json", db=db, rate=1000.0, burst=1000)))
    yield client, db
    client.app.state.exam.store.close()


def test_the_key_of_a_class_of_200_is_compact(exam):
    key = load(exam)
    assert key["variants"] and all("type" not in q for v in key["versions"] for q in v["questions"])


def test_exam_page_reads_every_type_from_a_compact_key(exam, served):
    """Each question of each sheet gets its own type's help and live preview, not the free-text
    help of a question graded by a person (what the page showed for a compact key)."""
    from quizgen.practice.session import answer_help

    full = expand_key(load(exam))
    client, _ = served
    toks = tokens(exam)
    for version in full["versions"][::40]:
        page = client.get(f"/exam/{toks[version['student']]}").text
        for n, q in enumerate(version["questions"], 1):
            help_text = re.search(rf'<span class="help" id="help{n}">(.*?)</span>', page, re.DOTALL).group(1)
            assert help_text == answer_help(q).replace("'", "&#39;"), (version["student"], q["id"])
            assert ("graded by a person" in help_text) == (q["type"] == "manual")
    version = full["versions"][0]
    tok = toks[version["student"]]
    csrf = csrf_of(client.get(f"/exam/{tok}").text)
    n = next(i for i, q in enumerate(version["questions"], 1) if q["type"] == "symbolic")
    read = client.post(f"/exam/{tok}/read", data={"csrf": csrf, "q": str(n), "answer": "1/2y"}).json()
    assert read["ok"] and read["reading"]["ok"] and read["reading"]["text"] == "(1/2)y"
    assert any("(a/b)·c" in note for note in read["reading"]["notes"])
    bad = client.post(f"/exam/{tok}/read", data={"csrf": csrf, "q": str(n), "answer": "((y"}).json()
    assert not bad["reading"]["ok"] and "^" in bad["reading"]["message"]


# ------------------------------------------------------------------------------ the matrix
#
# A case is one answer as a student would give it through each door: typed in quizgen's box (as
# the sheet says to type it), and as the LMS form takes it (a number, an option, blanks...).

SIG = 4  # the sheet: "numbers to at least 4 significant figures"


def sig(x: float) -> str:
    from quizgen.generation.formulas import fmt_number

    return fmt_number(x, SIG)


@dataclass(frozen=True)
class Case:
    kind: str  # a key of QUESTIONS
    name: str  # correct, known:<misconception>, unlisted, wrongtruth, blank, unreadable
    typed: str
    moodle: Any = None  # the LMS response; NOT_SENT: the LMS form cannot send this answer
    canvas: Any = None


NOT_SENT = object()


def _value_at(expression: str, point: dict[str, str]) -> float:
    """A key expression (our plain syntax) at a point, by SymPy: the number an LMS student types."""
    import sympy as sp

    expr = sp.sympify(expression, locals={n: sp.Symbol(n) for n in point})
    return float(expr.subs({sp.Symbol(n): sp.Rational(v) for n, v in point.items()}))


def to_sheet_figures(expression: str) -> str:
    """The key's expression as a student following the sheet may write it: its constant term (or,
    without one, its coefficient) as a decimal to 4 significant figures."""
    import sympy as sp

    expr = sp.sympify(expression)
    symbols = sorted(expr.free_symbols, key=str)
    constant, rest = expr.as_independent(*symbols, as_Add=True)
    if constant != 0:
        return f"{sp.sstr(rest)} + ({sig(float(constant))})"
    coefficient, rest = expr.as_independent(*symbols, as_Add=False)
    return f"({sig(float(coefficient))})*({sp.sstr(rest)})"


def cases_for(kind: str, entry: dict) -> list[Case]:
    """The answers of the matrix for one key entry."""
    a, wrongs = entry["answer"], entry["known_wrong"]
    out: list[Case] = []
    if kind == "numeric":
        out.append(Case(kind, "correct", sig(a["value"]), sig(a["value"]), sig(a["value"])))
        out += [Case(kind, f"known:{w['name']}", sig(w["value"]), sig(w["value"]), sig(w["value"])) for w in wrongs]
        other = sig(-3.7 * a["value"] - 1)
        out.append(Case(kind, "unlisted", other, other, other))
    elif kind == "symbolic":
        from quizgen.export.lms import at_point

        p = at_point(a, [w["expression"] for w in wrongs], entry["variant_seed"])
        point = dict(p.point)

        def at(expr: str) -> str:
            return sig(_value_at(expr, point))

        out.append(Case(kind, "correct", a["expression"], at(a["expression"]), at(a["expression"])))
        out.append(Case(kind, "correct4", to_sheet_figures(a["expression"]), at(a["expression"]), at(a["expression"])))
        out += [Case(kind, f"known:{w['name']}", w["expression"], at(w["expression"]), at(w["expression"]))
                for w in wrongs]
        other = f"2*({a['expression']}) + 3"
        out.append(Case(kind, "unlisted", other, at(other), at(other)))
    elif kind == "vector":
        def vec(values):
            return "(" + ", ".join(sig(x) for x in values) + ")", [sig(x) for x in values]

        typed, blanks = vec(a["values"])
        out.append(Case(kind, "correct", typed, blanks, blanks))
        for w in wrongs:
            typed, blanks = vec(w["values"])
            out.append(Case(kind, f"known:{w['name']}", typed, blanks, blanks))
        typed, blanks = vec([-3.7 * x - 1 for x in a["values"]])
        out.append(Case(kind, "unlisted", typed, blanks, blanks))
    elif kind in ("choice", "multiselect"):
        labels = [c["label"] for c in a["choices"]]
        index = {label: i for i, label in enumerate(labels)}

        def pick(chosen: list[str]):
            return (index[chosen[0]] if kind == "choice" else {index[c] for c in chosen})

        out.append(Case(kind, "correct", ", ".join(a["correct"]), pick(a["correct"]), pick(a["correct"])))
        out += [Case(kind, f"known:{w['name']}", w["choice"], pick([w["choice"]]), pick([w["choice"]])) for w in wrongs]
        if kind == "multiselect":  # a right option missed: partial credit
            part = a["correct"][:-1]
            out.append(Case(kind, "unlisted", ", ".join(part), pick(part), pick(part)))
        else:
            listed = set(a["correct"]) | {w["choice"] for w in wrongs}
            out += [Case(kind, "unlisted", label, pick([label]), pick([label])) for label in labels if label not in listed][:1]
        out.append(Case(kind, "unreadable", "Z", NOT_SENT, NOT_SENT))
    elif kind == "truefalse":
        truth = a["value"]
        t, f = ("true", "false") if truth else ("false", "true")
        right = a["reason"]["correct"]
        lms = (0 if truth else 1)  # Canvas lists True first
        out.append(Case(kind, "correct", f"{t}, {right}", truth, lms))
        out.append(Case(kind, "wrongtruth", f"{f}, {right}", not truth, 1 - lms))
        out += [Case(kind, f"known:{w['name']}", f"{t}, {w['choice']}", truth, lms) for w in wrongs]
        out.append(Case(kind, "unreadable", "maybe", NOT_SENT, NOT_SENT))
    elif kind == "order":
        correct = a["correct"]

        def moodle_order(order: list[str]) -> list[int]:
            return [correct.index(label) for label in order]

        out.append(Case(kind, "correct", ", ".join(correct), moodle_order(correct), NOT_SENT))
        out += [Case(kind, f"known:{w['name']}", ", ".join(w["order"]), moodle_order(w["order"]), NOT_SENT)
                for w in wrongs]
        right = [correct, *a.get("also_correct", [])]
        listed = [w["order"] for w in wrongs]
        other = next(o for o in (correct[:k] + correct[k + 1:k + 2] + correct[k:k + 1] + correct[k + 2:]
                                 for k in range(len(correct) - 1)) if o not in right and o not in listed)
        out.append(Case(kind, "unlisted", ", ".join(other), moodle_order(other), NOT_SENT))  # two neighbours swapped
        out += [Case(kind, "commuted", ", ".join(o), moodle_order(o), NOT_SENT) for o in right[1:2]]
        out.append(Case(kind, "unreadable", f"{correct[0]}, {correct[0]}", NOT_SENT, NOT_SENT))
    elif kind == "manual":
        out.append(Case(kind, "answered", "MSE assumes Gaussian noise of one fixed variance.", "MSE...", "MSE..."))
    elif kind == "derivation":  # the LMSs ask for it as an essay: the same text, one step a line
        from quizgen.generation.key import answer_text, wrong_text

        right = answer_text(entry)
        out.append(Case(kind, "correct", right, right, right))
        for w in wrongs:
            text = wrong_text(entry, w)
            if text:
                out.append(Case(kind, f"known:{w['name']}", text, text, text))
        out.append(Case(kind, "unlisted", "min 0", "min 0", "min 0"))
        out.append(Case(kind, "unreadable", "((", "((", "(("))
    if kind in ("numeric", "symbolic"):
        out.append(Case(kind, "unreadable", "((", "((", "(("))
    if kind == "vector":
        out.append(Case(kind, "unreadable", "((", ["(("] * len(a["values"]), ["(("] * len(a["values"])))
    blank_lms = [""] * len(a["values"]) if kind == "vector" else ""
    out.append(Case(kind, "blank", "", blank_lms, NOT_SENT if kind == "order" else blank_lms))
    return out


@dataclass(frozen=True)
class Cell:
    """What a channel gives an answer: points (None: not scored yet, a person grades it, or not
    a try), and which of the key's sentences its feedback shows (misconception names, ``truth``
    for the true/false explanation, ``explain:<label>`` for a right option's explanation)."""

    points: float | None
    shown: frozenset[str]

    def same(self, other: "Cell") -> bool:
        if (self.points is None) != (other.points is None):
            return False
        close = self.points is None or abs(self.points - other.points) <= 1e-5 * max(1.0, abs(other.points))
        return close and self.shown == other.shown


def _skeleton(text: str) -> str:
    from lms_scorer import plain

    return re.sub(r"[\W_]+", "", plain(text.replace("\\(", " ").replace("\\)", " ").replace("$", " "))).casefold()


def shown_in(text: str, entry: dict, render=lambda s: s) -> frozenset[str]:
    """The key's sentences that ``text`` shows (each sentence as ``render`` writes it)."""
    have = _skeleton(text)
    a = entry["answer"]
    names = {w["name"] for w in entry["known_wrong"] if w.get("feedback") and _skeleton(render(w["feedback"])) in have}
    if a.get("truth_feedback") and _skeleton(render(a["truth_feedback"])) in have:
        names.add("truth")
    names |= {f"explain:{k}" for k, v in (a.get("explain") or {}).items() if _skeleton(render(v)) in have}
    return frozenset(names)


def reference(entry: dict, typed: str) -> Cell:
    """What ``quizgen grade`` gives the answer: the library call every channel should agree with."""
    from quizgen.grading.item import grade_item

    v = grade_item(entry, typed)
    return Cell(None if v.status == "manual" else v.credit * entry["points"], shown_in(v.message, entry))


def _feedback_files(folder: Path) -> dict[tuple[str, str], tuple[float | None, str]]:
    """(student, question id) -> (points, message) from ``grade``'s feedback/<student>.md."""
    out = {}
    for path in (folder / "feedback").glob("*.md"):
        student = path.stem
        for section in path.read_text().split("\n## ")[1:]:
            qid = re.search(r"- Question id: `([^`]+)`", section).group(1)
            verdict = re.search(r"- Verdict: (\S+)", section).group(1)
            points = float(re.search(r"- Points: ([\d.]+) /", section).group(1))
            message = " ".join(line[2:] for line in section.splitlines() if line.startswith("> "))
            out[(student, qid)] = (None if verdict == "manual" else points, message)
    return out


def grade_files(exam: Path, answers: Path, out: Path) -> dict[tuple[str, str], tuple[float | None, str]]:
    r = CliRunner().invoke(main, ["grade", "--key", str(exam / "key.json"), str(answers), "--out", str(out)])
    assert r.exit_code == 0, r.output
    return _feedback_files(out)


def practice_terminal(qid: str, kind: str) -> tuple[dict, list[tuple[Case, Cell]]]:
    """``quizgen practice``: a seed whose first question is ``qid``, every case typed at the prompt in
    one session (an empty line first: before any graded answer it asks for an answer), each
    verdict read back: its credit, and the feedback it prints."""
    from quizgen.practice.unicode import markdown_to_unicode
    from quizgen.practice.session import Session

    group = bank().find(qid).group
    entries = list(bank().topic(group))
    seed = next(s for s in range(1000) if Session(entries, s)._order(0)[0].id == qid)
    item = Session(entries, seed, group).next_question()
    cases = sorted(cases_for(kind, item.key), key=lambda c: c.typed != "")
    if kind == "derivation":  # its lines, then an empty line ends it ("=" would be kept as a line)
        lines = "".join(c.typed + "\n" + ("\n" if c.typed else "") for c in cases) + "q\n"
    else:
        lines = "".join(("= " if c.typed[:1].isalpha() else "") + c.typed + "\n" for c in cases) + "q\n"
    r = CliRunner().invoke(main, ["practice", "--topic", group, "--seed", str(seed)], input=lines)
    assert r.exit_code == 0, r.output
    blocks = r.output.split("answer> ")[1:len(cases) + 1]
    out = []
    for case, block in zip(cases, blocks):
        shown = shown_in(block, item.key, markdown_to_unicode)
        if "graded by a person" in block or "not counted: try again" in block or "Type an answer" in block:
            credit = None
        elif "✓ Correct" in block:
            credit = 1.0
        else:
            partial = re.search(r"credit ([\d.]+)%", block)
            credit = float(partial.group(1)) / 100 if partial else 0.0
        out.append((case, Cell(None if credit is None else credit * item.key["points"], shown)))
    return item.key, out


def practice_page(client: TestClient, qid: str, kind: str) -> tuple[dict, list[tuple[Case, Cell]]]:
    """The practice page: a variant of ``qid`` (``v=`` pins it), each case's answer posted to Check."""
    from quizgen.export.markup import markdown_to_html
    from quizgen.generation.key import question_key
    from quizgen.generation.variant import make_variant

    seed = 4242
    entry = question_key(make_variant(bank().find(qid).question, seed, "practice"), 1)
    group = bank().find(qid).group
    csrf = csrf_of(client.get(f"/practice?topic={group}&qid={qid}&v={seed}").text)
    out = []
    for case in cases_for(kind, entry):
        r = client.post("/practice/answer", headers={"accept": "application/json"},
                        data={"csrf": csrf, "topic": group, "difficulty": "", "qid": qid, "v": str(seed),
                              "answer": case.typed}).json()
        assert r["ok"], r
        points = None if r["status"] == "manual" else float(r["credit"]) / 100 * entry["points"]
        out.append((case, Cell(points, shown_in(r["message"], entry, markdown_to_html))))
    return entry, out


@pytest.fixture(scope="module")
def matrix(exam, served, tmp_path_factory) -> dict[str, dict[tuple[str, str], tuple[Cell, Cell]]]:
    """channel -> (type, case) -> (the channel's cell, the reference cell for the same answer)."""
    from lms_scorer import canvas_items, moodle_questions

    tmp = tmp_path_factory.mktemp("channels")
    key = expand_key(load(exam))
    entries = {(v["student"], q["id"]): q for v in key["versions"] for q in v["questions"]}
    numbers = {(v["student"], q["id"]): n for v in key["versions"] for n, q in enumerate(v["questions"], 1)}
    plan = []  # (kind, case, student, entry)
    for kind, qid in QUESTIONS.items():
        count = len(cases_for(kind, entries[("s000", qid)]))
        for i in range(count):
            student = f"s{i:03d}"
            entry = entries[(student, qid)]
            plan.append((kind, cases_for(kind, entry)[i], student, entry))
    out: dict[str, dict] = {}

    def put(channel: str, kind: str, case: Case, cell: Cell, ref: Cell) -> None:
        out.setdefault(channel, {})[(kind, case.name)] = (cell, ref)

    refs = {(kind, case.name): reference(entry, case.typed) for kind, case, _, entry in plan}
    # quizgen grade: one CSV and one JSON file for the whole plan
    rows = [{"student": s, "question": e["id"], "answer": c.typed} for _, c, s, e in plan]
    with (tmp / "answers.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, ["student", "question", "answer"])
        w.writeheader()
        w.writerows(rows)
    (tmp / "answers.json").write_text(json.dumps(rows))
    for channel, name in (("grade csv", "answers.csv"), ("grade json", "answers.json")):
        got = grade_files(exam, tmp / name, tmp / channel.replace(" ", "-"))
        for kind, case, student, entry in plan:
            points, message = got[(student, entry["id"])]
            put(channel, kind, case, Cell(points, shown_in(message, entry)), refs[(kind, case.name)])
    # quizgen equiv --key, on the compact key cut to the students of the plan (each call loads and
    # checks the whole key: 200 students' worth, 70 times, would be most of this test's time)
    compact = load(exam)
    keep = {student for _, _, student, _ in plan}
    versions = [v for v in compact["versions"] if v["student"] in keep]
    refs_used = {q["variant"] for v in versions for q in v["questions"]}
    small = {**compact, "versions": versions,
             "variants": {k: v for k, v in compact["variants"].items() if k in refs_used}}
    (tmp / "key-small.json").write_text(json.dumps(small))
    for kind, case, student, entry in plan:
        r = CliRunner().invoke(main, ["equiv", "--key", str(tmp / "key-small.json"), "--question", entry["id"],
                                      "--student", student, "--json", case.typed])
        v = json.loads(r.output)
        cell = Cell(None if v["status"] == "manual" else v["credit"] * entry["points"], shown_in(v["message"], entry))
        put("equiv --key", kind, case, cell, refs[(kind, case.name)])
    # the exam page: saved, exported by serve --export, graded
    client, db = served
    toks = tokens(exam)
    csrfs: dict[str, str] = {}
    for kind, case, student, entry in plan:
        tok = toks[student]
        if student not in csrfs:
            csrfs[student] = csrf_of(client.get(f"/exam/{tok}").text)
        r = client.post(f"/exam/{tok}/save", headers={"accept": "application/json"},
                        data={"csrf": csrfs[student], "q": str(numbers[(student, entry["id"])]), "rev": "0",
                              "answer": case.typed})
        assert r.status_code == 200, r.text
    r = CliRunner().invoke(main, ["serve", "--exam", str(exam / "key.json"), "--db", str(db),
                                  "--export", str(tmp / "exported.csv")])
    assert r.exit_code == 0, r.output
    got = grade_files(exam, tmp / "exported.csv", tmp / "exam-grades")
    for kind, case, student, entry in plan:
        points, message = got[(student, entry["id"])]
        put("exam page", kind, case, Cell(points, shown_in(message, entry)), refs[(kind, case.name)])
    # Moodle XML and Canvas QTI as they score them (the quiz's mark set to the key's points)
    moodle = moodle_questions((exam / "moodle.xml").read_bytes())
    canvas = canvas_items((exam / "canvas-qti.zip").read_bytes())
    for kind, case, student, entry in plan:
        m = moodle.get(f"{entry['id']}:{student}")
        if m is not None and case.moodle is not NOT_SENT:
            s = m.score(case.moodle)
            points = None if s.points is None else s.points / m.mark * entry["points"]
            put("moodle", kind, case, Cell(points, shown_in(" ".join(s.feedback), entry)), refs[(kind, case.name)])
        title = f"{numbers[(student, entry['id'])]:02d} {entry['title']} [{student}]"
        title = title if title in canvas else None
        if title is not None and case.canvas is not NOT_SENT:
            s = canvas[title].score(case.canvas)
            points = None if s.points is None else s.points / canvas[title].points * entry["points"]
            put("canvas", kind, case, Cell(points, shown_in(" ".join(s.feedback), entry)), refs[(kind, case.name)])
    # practice, in the terminal and on the page: their own variants, the same answers to them
    page = TestClient(create_app(Config(rate=1000.0, burst=1000)))  # many answers, one client: no rate limit
    for kind, qid in QUESTIONS.items():
        entry, cells = practice_terminal(qid, kind)
        for case, cell in cells:
            put("practice", kind, case, cell, reference(entry, case.typed))
        entry, cells = practice_page(page, qid, kind)
        for case, cell in cells:
            put("practice page", kind, case, cell, reference(entry, case.typed))
    return out


TRUTH_ONLY = ("the LMS asks for the truth alone (its true/false type): the reason part is not carried and the "
              "truth earns the full points")
#: Where a channel and ``quizgen grade`` differ, and why: each pattern (channel|type|case, shell
#: wildcards) must match a cell that differs, and every cell that differs must match one. The
#: second item is what ``make`` says about that type for that format (None: not an export).
DOCUMENTED: dict[str, tuple[str, str | None]] = {
    "moodle|truefalse|known:*": (TRUTH_ONLY, "a reason part, if any, is left out"),
    "moodle|truefalse|wrongtruth": (TRUTH_ONLY, "a reason part, if any, is left out"),
    "canvas|truefalse|known:*": (TRUTH_ONLY, "a reason part is left out"),
    "canvas|truefalse|wrongtruth": (TRUTH_ONLY, "a reason part is left out"),
    "moodle|order|known:*": ("Moodle grades every order by its rule (the longest run, as quizgen grades an order "
                             "it does not know): a known wrong order's own credit and feedback are not carried",
                             "a known wrong order's own credit and feedback are not carried"),
    "moodle|order|commuted": ("Moodle's ordering question has one right order: another order of steps that may come "
                              "either way earns only its longest run, where quizgen gives it full marks",
                              "another right order of steps that may come either way earns only its longest run"),
    "moodle|multiselect|unlisted": ("Moodle shows the feedback of the options chosen: the explanation of a right "
                                    "option the student missed is not shown", "a right option the student missed"),
    "canvas|multiselect|unlisted": ("Canvas shows the comments of the options chosen: the explanation of a right "
                                    "option the student missed is not shown", "a right option the student missed"),
    "moodle|vector|known:*": ("Moodle scores each blank on its own: the components of a known wrong vector that "
                              "equal the right ones earn their share, where quizgen gives the misconception's credit",
                              "each scored on its own"),
    "canvas|choice|known:*": ("Canvas gives a question with one right option all or nothing: a misconception's "
                              "partial credit is 0 (its feedback is shown)", "all or nothing"),
    "canvas|numeric|*": ("Canvas gives a numerical question all or nothing and one comment for every wrong "
                         "answer: the list of the recognised mistakes and their values", "all or nothing"),
    "canvas|symbolic|*": ("as for numeric: all or nothing, one comment listing the recognised mistakes",
                          "all or nothing"),
    "canvas|vector|*": ("Canvas scores each blank on its own by its text (the components of a known wrong vector "
                        "that equal the right ones earn their share) and gives one comment listing the recognised "
                        "mistakes", "each scored on its own"),
    "moodle|derivation|*": ("Moodle asks for a derivation as an essay (plain text, one step a line) that a person "
                            "grades: it gives no points of its own; quizgen grade grades the Responses report as any answer",
                            "grade the responses report with `quizgen grade`"),
    "canvas|derivation|*": ("Canvas asks for a derivation as an essay that a person grades: it gives no points of its "
                            "own; quizgen grade grades the exported responses as any answer",
                            "grade the exported responses with `quizgen grade`"),
    "practice|*|blank": ("in practice an empty answer is not a try: it asks for an answer and waits", None),
    "practice|*|unreadable": ("in practice an unreadable answer is not a try: it says how to write it and waits", None),
}
#: Types a channel does not carry at all (``make`` says "dropped" for each such question).
NOT_CARRIED = {("canvas", "order")}
CHANNELS = ("grade csv", "grade json", "equiv --key", "exam page", "moodle", "canvas", "practice", "practice page")


def differences(matrix) -> dict[str, tuple[Cell, Cell]]:
    return {f"{channel}|{kind}|{case}": cells for channel, by_case in matrix.items()
            for (kind, case), cells in by_case.items() if not cells[0].same(cells[1])}


def test_every_answer_type_is_in_the_matrix():
    from quizgen.export.base import ANSWER_TYPES

    kinds = {"choice" if k == "multiselect" else k for k in QUESTIONS}
    assert kinds == set(ANSWER_TYPES)  # a new type joins the matrix with a question of its own
    for k, qid in QUESTIONS.items():
        entry = {"type": bank().find(qid).question.kind}
        assert entry["type"] == ("choice" if k == "multiselect" else k), qid


def test_every_type_reaches_every_channel_or_is_said_not_to(matrix):
    for channel in CHANNELS:
        for kind in QUESTIONS:
            has = any(k == kind for k, _ in matrix.get(channel, {}))
            assert has == ((channel, kind) not in NOT_CARRIED), (channel, kind)


def test_the_same_answer_gets_the_same_points_and_feedback_everywhere_or_a_documented_difference(matrix):
    from fnmatch import fnmatchcase

    found = differences(matrix)
    undocumented = {cell: pair for cell, pair in found.items() if not any(fnmatchcase(cell, p) for p in DOCUMENTED)}
    assert not undocumented, "\n".join(f"{c}: {a} against grade's {b}" for c, (a, b) in undocumented.items())
    stale = [p for p in DOCUMENTED if not any(fnmatchcase(cell, p) for cell in found)]
    assert not stale, f"documented differences that no longer differ: {stale}"


def test_make_says_how_each_format_differs(exam, matrix):
    """What ``make`` printed for this exam names each difference of an export, and each type it drops."""
    said = (exam.parent / "make-output.txt").read_text()
    fmt = {"moodle": "moodle", "canvas": "qti"}
    for pattern, (_, phrase) in DOCUMENTED.items():
        channel, kind, _ = pattern.split("|")
        if phrase is None:
            continue
        qid = QUESTIONS[kind]
        lines = [line for line in said.splitlines() if line.startswith(f"quizgen: note: {fmt[channel]}: ") and f"({qid}," in line]
        assert any(phrase in line for line in lines), (pattern, lines)
    for channel, kind in NOT_CARRIED:
        assert re.search(rf"note: {fmt[channel]}: question \d+ \({QUESTIONS[kind]}, {kind}\) dropped", said)


def test_the_formats_page_lists_each_difference_with_its_reason():
    """docs/formats.md's table of channel differences is this test's DOCUMENTED, row for row."""
    from docpages import page

    table = page("docs/formats.md").split("<!-- channels-table -->", 1)[1].split("<!-- /channels-table -->", 1)[0]
    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", table, re.M))
    rows.pop("channel / type / answer")
    assert rows == {pattern.replace("|", " / "): why for pattern, (why, _) in DOCUMENTED.items()}
