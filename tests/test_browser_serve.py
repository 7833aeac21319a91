"""``quizgen serve`` as a person uses it: headless Chromium (Debian ``chromium`` + ``chromium-driver``,
driven by Selenium) against a real server process on a free loopback port.

Screenshots of each page state go to a pytest temporary folder (printed at the end of the run);
with ``QUIZGEN_SCREENSHOTS=docs`` they are also written to ``docs/screenshots/`` for docs/serve.md.
Locally the tests skip when Chromium is missing; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.generation.key import answer_text, question_key
from serving import Server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401

    HAVE_SELENIUM = True
except ImportError:  # pragma: no cover
    HAVE_SELENIUM = False

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and HAVE_SELENIUM) and not os.environ.get("CI"),
    reason="chromium, chromedriver or selenium is not installed here (.ci/run installs them)",
)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def snap(driver, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 5000
    if os.environ.get("QUIZGEN_SCREENSHOTS") == "docs":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)


@pytest.fixture(scope="module")
def driver():
    assert CHROMIUM and CHROMEDRIVER and HAVE_SELENIUM, "CI must have chromium, chromedriver and selenium (.ci/run)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,1100"):
        opts.add_argument(arg)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(60)
    yield d
    d.quit()


def wait(driver, predicate, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(predicate)


# ---------------------------------------------------------------- practice page
@pytest.fixture(scope="module")
def practice_server():
    server = Server().start()
    yield server
    server.stop()


def _variant_key(driver) -> dict:
    from quizgen.generation.bank import load_bank
    from quizgen.generation.variant import make_variant

    qid = driver.find_element("css selector", 'input[name="qid"]').get_attribute("value")
    seed = int(driver.find_element("css selector", 'input[name="v"]').get_attribute("value"))
    return question_key(make_variant(load_bank().find(qid).question, seed, "practice"), 1)


def test_practice_page_preview_and_verdicts_with_the_keyboard(driver, practice_server, shots):
    from selenium.webdriver.common.keys import Keys

    driver.get(practice_server.url + "/")
    snap(driver, shots, "practice-start")
    # keyboard only: choose the sub-topic with the arrow keys, Tab to Start, Enter
    body = driver.find_element("tag name", "body")
    body.send_keys(Keys.TAB)  # the skip link
    topic = driver.find_element("id", "topic")
    for _ in range(20):
        active = driver.switch_to.active_element
        if active.get_attribute("id") == "topic":
            break
        active.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "topic"
    options = [o.get_attribute("value") for o in topic.find_elements("tag name", "option")]
    for _ in range(options.index("mle/regression")):
        driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    for _ in range(10):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        if driver.switch_to.active_element.get_attribute("id") == "start":
            break
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(driver, lambda d: "/practice?" in d.current_url and d.find_elements("id", "answer"))
    assert "mle/regression" in driver.find_element("class name", "crumbs").text
    assert driver.find_elements("css selector", ".statement math"), "the statement has MathML"

    # the sub-topic's draw is random (any answer type); the typing checks below pin a numeric variant
    driver.get(practice_server.url + "/practice?topic=mle%2Fregression&qid=mle%2Fvariance_mle&v=12345")
    wait(driver, lambda d: d.find_elements("id", "answer"))
    key = _variant_key(driver)
    answer = driver.find_element("id", "answer")
    assert driver.switch_to.active_element == answer  # focus starts in the answer box
    answer.send_keys(answer_text(key))
    wait(driver, lambda d: d.find_elements("css selector", "#preview .math math"))
    box = driver.find_element("css selector", "#preview math").rect
    assert box["width"] > 5 and box["height"] > 5  # the MathML is laid out, not raw text
    snap(driver, shots, "practice-preview")
    answer.send_keys(Keys.ENTER)
    verdict = wait(driver, lambda d: d.find_elements("id", "verdict"))[0]
    assert "correct" in verdict.get_attribute("class").split() and verdict.text.startswith("Correct")
    snap(driver, shots, "practice-verdict")

    wrong = "12345.5"
    if key["type"] in ("symbolic", "numeric"):
        w = next((w for w in key["known_wrong"] if w["credit"] > 0), None)
        if w:
            wrong = repr(w["value"]) if key["type"] == "numeric" else w["expression"]
    answer = driver.find_element("id", "answer")
    answer.clear()
    answer.send_keys(wrong)
    wait(driver, lambda d: d.find_elements("css selector", "#preview .math math"))
    answer.send_keys(Keys.ENTER)
    verdict = wait(driver, lambda d: d.find_elements("id", "verdict"))[0]
    assert "correct" not in verdict.get_attribute("class").split()
    assert verdict.find_element("class name", "feedback").text.strip()
    snap(driver, shots, "practice-wrong")

    # an unreadable answer: the preview says why, before anything is submitted
    answer = driver.find_element("id", "answer")
    answer.clear()
    answer.send_keys("2 +* 3")
    wait(driver, lambda d: "column" in d.find_element("css selector", "#preview .msg").text)
    snap(driver, shots, "practice-unreadable")
    logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs


# ---------------------------------------------------------------- exam mode
def test_exam_two_students_restart_and_export(driver, shots, tmp_path):
    from selenium.webdriver.common.keys import Keys

    out = tmp_path / "exam"
    r = CliRunner().invoke(main, ["make", "-t", "mle/regression", "-n", "3", "--versions", "2", "--seed", "11",
                                  "--tokens", "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    key = json.loads((out / "key.json").read_text())
    tokens = {row["student"]: row["token"] for row in csv.DictReader((out / "tokens.csv").open())}
    db = out / "answers.sqlite"
    server = Server("--exam", str(out / "key.json"), "--db", str(db), "--time-limit", "30").start()
    try:
        expected = {}
        for version in key["versions"]:
            student = version["student"]
            driver.get(f"{server.url}/exam/{tokens[student]}")
            assert driver.find_element("id", "student").text == student
            other = "v02" if student == "v01" else "v01"
            assert other not in driver.find_element("tag name", "main").text
            assert driver.find_element("id", "countdown").text.endswith("s")
            points = 0.0
            for n, q in enumerate(version["questions"], 1):
                if q["type"] == "manual":  # graded by a person: 0 points until then
                    text = "overconfident"
                else:
                    text = "999999" if (student == "v02" and n == 1) else answer_text(q)
                    points += 0 if text == "999999" else q["points"]
                field = driver.find_element("id", f"answer{n}")
                field.send_keys(text)
                status = field.find_element("xpath", "ancestor::form").find_element("class name", "saved")
                wait(driver, lambda d, s=status: s.text.startswith("Saved"))
            expected[student] = points
            snap(driver, shots, f"exam-{student}")
        # someone else's link never shows this student's answers
        driver.get(f"{server.url}/exam/{'0' * 24}")
        assert "no exam at this link" in driver.find_element("tag name", "main").text.lower()
        snap(driver, shots, "exam-bad-link")

        server.stop()
        server = Server("--exam", str(out / "key.json"), "--db", str(db), "--time-limit", "30")
        server.port = server.port  # a new port is fine: the answers live in the database
        server.start()
        driver.get(f"{server.url}/exam/{tokens['v02']}")
        assert driver.find_element("id", "answer1").get_attribute("value") in ("999999", "overconfident")
        snap(driver, shots, "exam-after-restart")
        # keyboard: Tab reaches the first answer box
        driver.find_element("tag name", "body").send_keys(Keys.TAB)
        for _ in range(40):
            if driver.switch_to.active_element.get_attribute("id") == "answer1":
                break
            driver.switch_to.active_element.send_keys(Keys.TAB)
        assert driver.switch_to.active_element.get_attribute("id") == "answer1"
    finally:
        server.stop()

    csv_path = tmp_path / "answers.csv"
    r = CliRunner().invoke(main, ["serve", "--exam", str(out / "key.json"), "--db", str(db), "--export", str(csv_path)])
    assert r.exit_code == 0, r.output
    g = CliRunner().invoke(main, ["grade", "--key", str(out / "key.json"), str(csv_path), "--out", str(tmp_path / "g")])
    assert g.exit_code == 0, g.output
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "g" / "grades.csv").open())}
    for student, points in expected.items():
        assert float(rows[student]["total"]) == pytest.approx(points)
    print(f"\nscreenshots: {shots}")


def test_exam_two_tabs_a_refused_save_is_shown_and_resolved(driver, shots, tmp_path):
    """Two tabs of one student: the second tab's save is refused (409). It says so in the error
    style (not as "Saved"), stops saving, shows the saved answer, and after the student's choice the
    screen and the store agree."""
    out = tmp_path / "exam"
    r = CliRunner().invoke(main, ["make", "-t", "mle/regression", "-n", "2", "--versions", "1", "--seed", "5",
                                  "--tokens", "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    token = next(csv.DictReader((out / "tokens.csv").open()))["token"]
    db = out / "answers.sqlite"
    server = Server("--exam", str(out / "key.json"), "--db", str(db), "--workers", "2").start()
    try:
        driver.get(f"{server.url}/exam/{token}")
        first = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.get(f"{server.url}/exam/{token}")
        second = driver.current_window_handle
        driver.switch_to.window(first)
        field = driver.find_element("id", "answer1")
        field.send_keys("0.25")
        status = field.find_element("xpath", "ancestor::form").find_element("class name", "saved")
        wait(driver, lambda d: status.text.startswith("Saved"))
        driver.switch_to.window(second)  # still at revision 0
        field = driver.find_element("id", "answer1")
        form = field.find_element("xpath", "ancestor::form")
        field.send_keys("0.5")
        status = form.find_element("class name", "saved")
        wait(driver, lambda d: "another tab" in status.text)
        assert "error" in status.get_attribute("class").split()
        assert status.value_of_css_property("color") != "rgba(38, 162, 105, 1)"  # not the green of "Saved"
        conflict = form.find_element("class name", "conflict")
        assert conflict.is_displayed() and "0.25" in conflict.text
        snap(driver, shots, "exam-two-tabs-conflict")
        field.send_keys("1")  # typing on does not hammer the server: nothing is sent until a choice
        time.sleep(1.5)
        assert _answers(db) == {"1": ["0.25", 1]}
        form.find_element("class name", "keep-mine").click()
        wait(driver, lambda d: status.text.startswith("Saved"))
        assert _answers(db) == {"1": ["0.51", 2]}
        driver.switch_to.window(first)  # the first tab is now behind: its next save is refused, then it shows the saved one
        field = driver.find_element("id", "answer1")
        form = field.find_element("xpath", "ancestor::form")
        field.send_keys("9")
        wait(driver, lambda d: form.find_element("class name", "conflict").is_displayed())
        form.find_element("class name", "use-saved").click()
        assert field.get_attribute("value") == "0.51" and _answers(db) == {"1": ["0.51", 2]}
        driver.switch_to.window(second)
        driver.close()
        driver.switch_to.window(first)
    finally:
        server.stop()


def _answers(db) -> dict:
    import sqlite3

    with sqlite3.connect(str(db)) as con:
        return {str(n): [a, r] for n, a, r in con.execute("SELECT number, answer, rev FROM qz_answers")}


def test_practice_page_derivation_text_area_reads_each_line(driver, practice_server, shots):
    """A derivation (issue 22): a text area; the preview reads every line as it is typed, the
    line that cannot be read named; Shift+Enter is not needed, Enter starts the next line."""
    from quizgen.generation.bank import load_bank
    from quizgen.generation.variant import make_variant

    qid = "mle/gaussian_mse_derivation"
    driver.get_log("browser")  # what the tests before left in the log is theirs
    driver.get(practice_server.url + f"/practice?topic=mle%2Fderivations&qid={qid.replace('/', '%2F')}&v=77")
    answer = wait(driver, lambda d: d.find_elements("css selector", "textarea#answer"))[0]
    sd = make_variant(load_bank().find(qid).question, 77, "practice").params["sd"]
    answer.send_keys(f"max Σ_i (-(y_i - ŷ_i)^2/(2*{sd}^2) - log(sqrt(2π {sd}^2)))\nmin Σ_i (y_i - ŷ_i)^2")
    wait(driver, lambda d: len(d.find_elements("css selector", "#preview .lines li math")) == 2)
    items = driver.find_elements("css selector", "#preview .lines li")
    assert "Σ_i" in items[1].text and items[0].find_element("tag name", "math").rect["width"] > 5
    answer.send_keys("\nmin Σ_i (y_i")
    wait(driver, lambda d: d.find_elements("css selector", "#preview .lines li.error"))
    assert "Line 3 could not be read" in driver.find_element("css selector", "#preview .msg").text
    snap(driver, shots, "practice-derivation")
    driver.find_element("id", "submit").click()
    verdict = wait(driver, lambda d: d.find_elements("id", "verdict"))[0]
    assert "Line 3 (" in verdict.text  # the unreadable line named; not counted as an attempt
    logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs
