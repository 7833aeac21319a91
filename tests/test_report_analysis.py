"""After grading (issue 8 §4): item analysis, class distribution, needs review, report.html, and
feedback with the roster name and (optionally) the correct answers. The figures are checked on a
class of four students small enough to work out by hand."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.grading.batch import grade_class
from quizgen.grading.report import summary_data

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "grade"
SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def class_key() -> dict:
    """The fixture key (5 points: nll 2, entropy 1, kl 1, mse 1), with bob's nll and dan's entropy
    as variants of their own (other numbers), so misconception counts must add over variants."""
    key = json.loads((FIXTURES / "key.json").read_text())
    for v in key["versions"]:
        for q in v["questions"]:
            if v["student"] == "bob" and q["id"] == "mle/gaussian_nll":
                q["answer"]["expression"] = "(y - y_hat)**2/(2*sigma**2) + 1"
                q["known_wrong"][0]["expression"] = "(y - y_hat)**2/sigma**2 + 1"
            if v["student"] == "dan" and q["id"] == "mle/bernoulli_entropy":
                q["answer"].update(value=2.143, exact=None)
                q["known_wrong"][0]["value"] = -2.143
    return key


#            nll (2)                            entropy (1)  kl (1)  mse (1)   total
ANSWERS = {
    "alice": ["(y - y_hat)**2/(2*sigma**2)", "0.693", "B", "true"],   # 2 + 1 + 1 + 1 = 5   100%
    "bob": ["(y - y_hat)**2/sigma**2 + 1", "-0.693", "B", "true"],    # 0.5 + 0 + 1 + 1 = 2.5  50%
    "carol": ["y", "0.693", "A", "false"],                            # 0 + 1 + 0 + 0 = 1   20%
    "dan": ["(y - y_hat)**2/sigma**2", "2,143", "A", "true"],         # 0.5 + 0 + 0 + 1 = 1.5 30%
}
IDS = ["mle/gaussian_nll", "mle/bernoulli_entropy", "mle/kl_direction", "mle/mse_is_gaussian"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    (folder / "key.json").write_text(json.dumps(class_key()))
    rows = ["student,question,answer"] + [f'{s},{qid},"{a}"' for s, answers in ANSWERS.items()
                                          for qid, a in zip(IDS, answers)]
    (folder / "subs.csv").write_text("\n".join(rows) + "\n")
    (folder / "roster.csv").write_text("student,name\nalice,Alice Archer\nbob,Bob Brown\ncarol,Carol Chen\ndan,Dan Diaz\n")
    return folder


def test_the_scores_are_the_hand_computed_ones(graded):
    result = grade_class(graded / "key.json", graded / "subs.csv", jobs=1)
    assert [s.total for s in result.students] == [5.0, 2.5, 1.0, 1.5]


def test_item_analysis_by_hand(graded):
    d = summary_data(grade_class(graded / "key.json", graded / "subs.csv", jobs=1))
    q = {x["id"]: x for x in d["questions"]}
    # difficulty = mean fraction of the points: nll (1 + .25 + 0 + .25)/4, entropy 2/4, kl 2/4, mse 3/4
    assert [q[i]["difficulty"] for i in IDS] == [0.375, 0.5, 0.5, 0.75]
    # upper-lower 27% of 4 students = 1 each: alice (100%) minus carol (20%)
    assert [q[i]["upper_lower"] for i in IDS] == [1.0, 0.0, 1.0, 1.0]
    # point-biserial with the rest of the sheet. kl: item (1, 1, 0, 0), rest (4/4, 1.5/4, 1/4, 1.5/4);
    # deviations (.5, .5, -.5, -.5) and (.5, -.125, -.25, -.125): r = .375 / sqrt(1 * .34375) = 0.6396
    assert q["mle/kl_direction"]["discrimination"] == 0.6396
    # entropy: item (1, 0, 1, 0), rest (1, .625, 0, .375): the products cancel, r = 0
    assert q["mle/bernoulli_entropy"]["discrimination"] == 0.0
    # histogram of points: nll 0 (carol), 0.5 (bob, dan), 2 (alice)
    assert q["mle/gaussian_nll"]["histogram"] == [{"points": "0", "count": 1}, {"points": "0.5", "count": 2},
                                                 {"points": "2", "count": 1}]
    # lost_half from two different variants (bob's has "+ 1"): two raw texts, one misconception
    assert q["mle/gaussian_nll"]["misconceptions"] == [{"name": "lost_half", "count": 2}]
    assert sorted(w["count"] for w in q["mle/gaussian_nll"]["common_wrong"]) == [1, 1, 1]
    assert q["mle/kl_direction"]["misconceptions"] == [{"name": "reversed_kl", "count": 2}]


def test_class_distribution_and_needs_review_by_hand(graded):
    d = summary_data(grade_class(graded / "key.json", graded / "subs.csv", jobs=1))
    dist = d["distribution"]
    # percents 100, 50, 20, 30
    assert dist["bins"] == [0, 0, 1, 1, 0, 1, 0, 0, 0, 1]
    assert (dist["mean"], dist["median"], dist["min"], dist["max"]) == (50.0, 40.0, 20.0, 100.0)
    assert dist["sd"] == 30.82  # sqrt((50² + 0² + 30² + 20²) / 4) = sqrt(950)
    # "2,143" is 2.143 (right for dan's variant) or 2143: a person decides
    assert [(r["student"], r["question"], r["answer"]) for r in d["needs_review"]] == \
        [("dan", "mle/bernoulli_entropy", "2,143")]
    assert {r["text"] for r in d["needs_review"][0]["readings"]} == {"2.143", "2143"}


def test_cli_writes_summary_and_a_self_contained_report(graded):
    out = graded / "g"
    r = CliRunner().invoke(main, ["grade", "--key", str(graded / "key.json"), str(graded / "subs.csv"),
                                  "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    md = (out / "summary.md").read_text()
    assert "| Difficulty | Discrimination | Upper-lower |" in md
    assert "| `mle/kl_direction` | 0.5 / 1 | 50.00 | 4 / 4 | 2 | 0 | 0.50 | 0.64 | 1.00 |" in md
    assert "## Needs review (scored 0 until you decide)" in md and "dan, question 4" in md
    assert "mean 50.00%, median 40.00%" in md
    assert "`mle/gaussian_nll`: 0 points: 1, 0.5 points: 2, 2 points: 1; misconceptions (all variants): lost\\_half 2" in md
    html = (out / "report.html").read_text()
    root = ET.fromstring(html.encode())  # well-formed XHTML
    assert root.tag == f"{XHTML}html"
    svgs = list(root.iter(f"{SVG}svg"))
    assert len(svgs) == 5  # the class distribution and one histogram per question
    for tag in ("script", "link", "img", "iframe", "object"):
        assert not list(root.iter(f"{XHTML}{tag}")), tag
    assert "src=" not in html and "@import" not in html
    assert not re.search(r"url\((?!#)", html)  # only the SVGs' own clip paths
    assert not re.search(r'href="(?!#)', html)
    kl_row = next(tr for tr in root.iter(f"{XHTML}tr")
                  if [c.text for c in tr.iter(f"{XHTML}code")] == ["mle/kl_direction"] and len(tr) == 8)
    assert [td.text for td in kl_row][1:] == ["0.50 / 1.00", "50.00", "4 / 4", "2", "0.50", "0.64", "1.00"]
    assert "2,143" in html and "reversed_kl" in html


def test_report_html_does_not_let_student_text_in(graded, tmp_path):
    subs = tmp_path / "subs.csv"
    subs.write_text('student,question,answer\nalice,mle/gaussian_nll,"<script>alert(1)</script>"\n'
                    'bob,mle/gaussian_nll,"]]></svg>\x01&amp;"\n')
    r = CliRunner().invoke(main, ["grade", "--key", str(graded / "key.json"), str(subs), "--out", str(tmp_path / "g")])
    html = (tmp_path / "g" / "report.html").read_text()
    ET.fromstring(html.encode())
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_feedback_names_the_student_and_shows_solutions_on_request(graded):
    base = ["grade", "--key", str(graded / "key.json"), str(graded / "subs.csv"), "--jobs", "1"]
    r = CliRunner().invoke(main, [*base, "--out", str(graded / "plain")])
    plain = (graded / "plain" / "feedback" / "dan.md").read_text()
    assert plain.startswith("# Feedback for dan\n") and "Correct answer" not in plain
    r = CliRunner().invoke(main, [*base, "--out", str(graded / "full"), "--roster", str(graded / "roster.csv"),
                                  "--show-solutions"])
    assert r.exit_code == 0, r.output
    dan = (graded / "full" / "feedback" / "dan.md").read_text()
    assert dan.startswith("# Feedback for Dan Diaz (dan)\n")
    assert "- Correct answer: `2.143`" in dan  # his own variant's value
    assert "- Correct answer: B: KL(data \\|\\| model)" in dan
    bob = (graded / "full" / "feedback" / "bob.md").read_text()
    assert "- Correct answer: `(y - y_hat)**2/(2*sigma**2) + 1`" in bob
    assert "- Correct answer: `log(2) ≈ 0.693147`" in bob and "- Correct answer: `true`" in bob
    bad = CliRunner().invoke(main, [*base, "--out", str(graded / "x"), "--roster", str(graded / "subs.csv")])
    assert bad.exit_code == 2 and "needs 'student' and 'name' columns" in bad.output


def test_grading_and_its_report_never_import_matplotlib():
    # the charts are written as SVG directly: matplotlib's import alone cost a grade run most of a second
    code = ("import sys\nfrom quizgen.grading.batch import grade_class\nfrom quizgen.grading.report import summary_md\n"
            f"r = grade_class({str(FIXTURES / 'key.json')!r}, {str(FIXTURES / 'long.csv')!r}, jobs=1)\n"
            "summary_md(r)\nprint('matplotlib' in sys.modules)\n"
            "from quizgen.grading.html_report import report_html\nfrom quizgen.grading.report import summary_data\n"
            "report_html(r, summary_data(r))\nprint('matplotlib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("counts", [[0, 0, 0], [3, 0, 7], [1667, 12, 400, 0], [1] * 10])
def test_a_bar_chart_shows_each_count_to_scale_on_integer_gridlines(counts):
    from quizgen.grading.html_report import bar_svg

    labels = [f"b{i}" for i in range(len(counts))]
    root = ET.fromstring(bar_svg(labels, counts, xlabel="points", title="Q1"))
    bars = list(root.iter(f"{SVG}rect"))
    assert [b.find(f"{SVG}title").text for b in bars] == [f"{lab}: {c}" for lab, c in zip(labels, counts)]
    heights = [float(b.get("height")) for b in bars]
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars}
    assert len(bottoms) == 1  # every bar stands on the axis
    ticks = [int(t.text) for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks[0] == 0 and max(ticks) >= max(counts) and len(ticks) <= 7
    assert len({b - a for a, b in zip(ticks, ticks[1:])}) <= 1  # evenly spaced
    top = max(ticks)
    axis = bottoms.pop()
    plot_height = axis - min(float(line.get("y1")) for line in root.iter(f"{SVG}line"))
    for h, c in zip(heights, counts):
        assert abs(h - plot_height * c / top) < 0.11
    words = {t.text for t in root.iter(f"{SVG}text")}
    assert {"points", "students", "Q1", *labels} <= words
