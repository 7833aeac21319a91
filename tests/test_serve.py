"""``quizgen serve``: the practice page and exam mode, in-process (Starlette's TestClient), with
each hardening rule tested: nothing executed, bounded sizes, CSRF, rate limit, malformed and
replayed submissions refused without disturbing stored answers; answers survive a restart and the
export grades with ``quizgen grade``."""

from __future__ import annotations

import csv
import json
import re
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

from quizgen.cli import main  # noqa: E402
from quizgen.generation.key import answer_text  # noqa: E402
from quizgen.web.app import Config, create_app  # noqa: E402
from serving import PgSchema, Server, postgres_base, store_db  # noqa: E402,F401 - store_db is a fixture

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOPIC = "mle/regression"


@pytest.fixture(scope="module")
def exam_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exam") / "ex"
    # a pinned secret: the questions drawn (and so which one is a free-text interview) are fixed
    r = CliRunner().invoke(main, ["make", "-t", TOPIC, "-n", "3", "--versions", "2", "--seed", "7",
                                  "--secret", "0123456789abcdef0123456789abcdef", "--tokens",
                                  "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def tokens(exam_dir: Path) -> dict[str, str]:
    return {row["student"]: row["token"] for row in csv.DictReader((exam_dir / "tokens.csv").open())}


def key(exam_dir: Path) -> dict:
    return json.loads((exam_dir / "key.json").read_text())


def csrf_of(page: str) -> str:
    return re.search(r'<meta name="csrf" content="([0-9a-f]+)"', page).group(1)


def exam_client(exam_dir: Path, db, **cfg) -> TestClient:
    return TestClient(create_app(Config(exam_key=exam_dir / "key.json", db=db, **cfg)))


def save(client, token, csrf, q, rev, answer, **extra):
    data = {"csrf": csrf, "q": str(q), "rev": str(rev), "answer": answer, **extra}
    return client.post(f"/exam/{token}/save", data=data, headers={"accept": "application/json"})


# ---------------------------------------------------------------- practice page
def test_practice_draws_a_question(practice_client):
    r = practice_client.get(f"/practice?topic={TOPIC}", follow_redirects=False)
    assert r.status_code == 303 and "qid=mle%2F" in r.headers["location"]
    assert practice_client.get(r.headers["location"]).status_code == 200


@pytest.fixture(scope="module")
def practice_client() -> TestClient:
    return TestClient(create_app(Config()))


# The practice page draws a random question of the sub-topic; these tests type numeric answers, so
# they pin one numeric question and variant (the draw itself is tested in test_practice_draws_a_question).
PINNED = {"qid": "mle/variance_mle", "v": "12345"}


def _practice_page(client, topic=TOPIC):
    page = client.get(f"/practice?topic={topic}&qid={PINNED['qid']}&v={PINNED['v']}")
    assert page.status_code == 200
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    return page, fields


def _practice_key(fields):
    from quizgen.generation.bank import load_bank
    from quizgen.generation.key import question_key
    from quizgen.generation.variant import make_variant

    v = make_variant(load_bank().find(fields["qid"]).question, int(fields["v"]), "practice")
    return question_key(v, 1)


def test_practice_page_question_verdict_and_feedback(practice_client):
    c = practice_client
    home = c.get("/")
    assert home.status_code == 200 and 'value="mle/regression"' in home.text
    page, fields = _practice_page(c)
    assert "<math" in page.text and 'id="preview"' in page.text and "New variant" in page.text
    k = _practice_key(fields)
    right = c.post("/practice/answer", data={**fields, "answer": answer_text(k)})
    assert right.status_code == 200 and 'class="verdict correct"' in right.text and "Worked solution" in right.text
    wrong = next(w for w in k["known_wrong"] if w["credit"] > 0)
    typed = repr(wrong["value"]) if k["type"] == "numeric" else wrong.get("expression")
    if typed:
        r = c.post("/practice/answer", data={**fields, "answer": typed})
        assert 'class="verdict partial"' in r.text and "credit" in r.text


def test_live_preview_endpoint_returns_mathml(practice_client):
    c = practice_client
    page, fields = _practice_page(c)
    r = c.post("/api/read", json={"qid": fields["qid"], "v": fields["v"], "answer": "1/2"},
               headers={"x-csrf-token": fields["csrf"]})
    body = r.json()
    assert r.status_code == 200 and body["reading"]["ok"] and "<mfrac>" in body["reading"]["mathml"]
    r = c.post("/api/read", json={"qid": fields["qid"], "v": fields["v"], "answer": "2 +* 3"},
               headers={"x-csrf-token": fields["csrf"]})
    assert not r.json()["reading"]["ok"] and "column" in r.json()["reading"]["message"]
    r = c.post("/api/read", json={"qid": fields["qid"], "v": fields["v"], "answer": "1"})
    assert r.status_code == 403  # no CSRF header


def test_no_answer_is_executed(practice_client, tmp_path):
    marker = tmp_path / "pwned"
    page, fields = _practice_page(practice_client)
    for evil in (f"__import__('os').system('touch {marker}')", f"open('{marker}', 'w')", "{{7*7}}", "<script>x</script>"):
        r = practice_client.post("/practice/answer", data={**fields, "answer": evil})
        assert r.status_code == 200 and "<script>x" not in r.text
        # 7*7 is not computed anywhere (links are left out: their random variant seeds may hold 49)
        assert "49" not in re.sub(r'<math.*?</math>|href="[^"]*"', "", r.text.split('id="verdict"')[-1])
    assert not marker.exists()


def test_figures_are_shown_as_data_uri_images(practice_client):
    """A sheet figure with the question, a solutions figure only in the worked solution after an
    answer: the PNG's own bytes inline (the policy allows data: images, nothing from elsewhere)."""
    import base64

    from quizgen.generation.bank import load_bank
    from quizgen.generation.figures import png
    from quizgen.generation.variant import make_variant

    def shown(html):
        return [base64.b64decode(d) for d in re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="[^"]{40,}"', html)]

    bank = load_bank()
    page = practice_client.get("/practice?topic=mle/calibration&qid=mle/reliability_ece&v=7")
    (ref,) = make_variant(bank.find("mle/reliability_ece").question, 7, "practice").figures
    assert shown(page.text) == [png(ref)]
    assert "img-src 'self' data:;" in page.headers["content-security-policy"]

    page = practice_client.get("/practice?topic=mle/sigmoid&qid=mle/saturation_choice&v=7")
    assert page.status_code == 200 and shown(page.text) == []  # its figure would give the answer away
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    answered = practice_client.post("/practice/answer", data={**fields, "answer": "A"})
    (ref,) = make_variant(bank.find("mle/saturation_choice").question, 7, "practice").figures
    assert "Worked solution" in answered.text and shown(answered.text) == [png(ref)]


def test_exam_page_shows_the_sheet_figures_only(tmp_path):
    out = tmp_path / "ex"
    r = CliRunner().invoke(main, ["make", "-t", "mle", "-q", "reliability_ece,saturation_choice", "--versions", "1",
                                  "--seed", "7", "--tokens", "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = exam_client(out, tmp_path / "a.sqlite").get(f"/exam/{tokens(out)['v01']}").text
    # the reliability diagram is on the sheet; saturation_choice's picture belongs to its solution
    assert page.count('<img src="data:image/png;base64,') == 1 and 'alt="Reliability diagram' in page


def test_practice_forms_need_the_csrf_token(practice_client):
    page, fields = _practice_page(practice_client)
    r = practice_client.post("/practice/answer", data={**fields, "csrf": "0" * 32, "answer": "1"})
    assert r.status_code == 403 and "expired" in r.text


def test_security_headers_and_local_assets(practice_client):
    r = practice_client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "http" not in re.sub(r'xmlns="http://www.w3.org/1998/Math/MathML"', "", r.text)  # no CDN
    assert practice_client.get("/static/app.js").status_code == 200


def test_serve_binds_loopback_by_default():
    r = CliRunner().invoke(main, ["serve", "--help"])
    assert "default: 127.0.0.1" in r.output


# ---------------------------------------------------------------- bounds
def test_request_size_and_answer_length_are_bounded(exam_dir, tmp_path):
    c = exam_client(exam_dir, tmp_path / "a.sqlite")
    tok = tokens(exam_dir)["v01"]
    csrf = csrf_of(c.get(f"/exam/{tok}").text)
    r = save(c, tok, csrf, 1, 0, "x" * 20_000)
    assert r.status_code == 413 and "too large" in r.json()["error"]
    r = save(c, tok, csrf, 1, 0, "1" * 2001)
    assert r.status_code == 400 and "too long" in r.json()["error"]
    assert save(c, tok, csrf, 1, 0, "1").status_code == 200


def test_rate_limit_per_client(exam_dir, tmp_path):
    c = exam_client(exam_dir, tmp_path / "a.sqlite", rate=0.5, burst=3)
    tok = tokens(exam_dir)["v01"]
    codes = [c.get(f"/exam/{tok}").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429
    r = c.get(f"/exam/{tok}")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "saved answers are kept" in r.json()["error"]
    other = tokens(exam_dir)["v02"]
    assert c.get(f"/exam/{other}").status_code == 200  # another student is not throttled


# ---------------------------------------------------------------- exam mode
def test_each_student_sees_only_their_own_version(exam_dir, tmp_path):
    c = exam_client(exam_dir, tmp_path / "a.sqlite")
    toks = tokens(exam_dir)
    a, b = c.get(f"/exam/{toks['v01']}").text, c.get(f"/exam/{toks['v02']}").text
    assert 'id="student">v01<' in a and "v02" not in a and 'id="student">v01<' not in b
    assert a.split('class="question"', 1)[1] != b.split('class="question"', 1)[1]  # other numbers
    assert c.get("/exam/" + "0" * 24).status_code == 404
    assert c.get("/exam/" + toks["v01"][:-1] + "x").status_code == 404
    # a page of one student cannot save into another's: the token in the path decides
    csrf = csrf_of(a)
    assert save(c, toks["v01"], csrf, 1, 0, "1").status_code == 200
    assert "1" == c.app.state.exam.store.answers("v01")[1][0] and not c.app.state.exam.store.answers("v02")


def test_malformed_and_replayed_submissions_are_refused_and_change_nothing(exam_dir, store_db):
    c = exam_client(exam_dir, store_db)
    tok = tokens(exam_dir)["v01"]
    csrf = csrf_of(c.get(f"/exam/{tok}").text)
    assert save(c, tok, csrf, 1, 0, "first").json()["rev"] == 1
    store = c.app.state.exam.store
    before = store.answers("v01")
    bad = [
        save(c, tok, csrf, 1, 0, "replayed"),  # replay of the first save (revision 0)
        save(c, tok, csrf, 1, "x", "junk"),  # revision not a number
        save(c, tok, csrf, 99, 1, "junk"),  # no such question
        save(c, tok, "f" * 32, 1, 1, "junk"),  # wrong CSRF token
        c.post(f"/exam/{tok}/save", content=b"[1, 2]", headers={"content-type": "application/json", "accept": "application/json"}),
        c.post(f"/exam/{tok}/save", data={"csrf": csrf, "q": "1"}, headers={"accept": "application/json"}),
    ]
    assert [r.status_code for r in bad] == [409, 400, 400, 403, 400, 400]
    # the refusal says what is stored, so the other tab can show it (JS: tests/test_browser_serve.py)
    assert "another tab" in bad[0].json()["error"] and "unchanged" in bad[0].json()["error"]
    assert bad[0].json()["rev"] == 1 and bad[0].json()["saved"] == "first"
    assert all(r.json()["error"] for r in bad)
    assert store.answers("v01") == before
    assert save(c, tok, csrf, 1, 1, "second").json()["rev"] == 2
    # without JavaScript: a plain form post redirects back to the page, which shows the answer
    r = c.post(f"/exam/{tok}/save", data={"csrf": csrf, "q": "2", "rev": "0", "answer": "0.5"}, follow_redirects=True)
    assert r.status_code == 200 and 'value="0.5"' in r.text and "Saved." in r.text
    c.app.state.exam.store.close()


def test_answers_survive_a_restart_and_the_export_grades(exam_dir, tmp_path, store_db):
    db = store_db
    k = key(exam_dir)
    toks = tokens(exam_dir)
    c = exam_client(exam_dir, db)
    expected = {}
    for version in k["versions"]:
        student, tok = version["student"], toks[version["student"]]
        csrf = csrf_of(c.get(f"/exam/{tok}").text)
        points = 0.0
        for n, q in enumerate(version["questions"], 1):
            if q["type"] == "manual":  # graded by a person: 0 until then
                assert save(c, tok, csrf, n, 0, "overconfident").status_code == 200
                continue
            wrong = student == "v02" and n == 1
            assert save(c, tok, csrf, n, 0, "12345" if wrong else answer_text(q)).status_code == 200
            points += 0 if wrong else q["points"]
        expected[student] = points
    c.app.state.exam.store.close()
    # restart: a new app on the same database shows the saved answers
    c2 = exam_client(exam_dir, db)
    page = c2.get(f"/exam/{toks['v02']}").text
    assert 'value="12345"' in page
    c2.app.state.exam.store.close()
    out = tmp_path / "answers.csv"
    r = CliRunner().invoke(main, ["serve", "--exam", str(exam_dir / "key.json"), "--db", str(db), "--export", str(out)])
    assert r.exit_code == 0, r.output
    g = CliRunner().invoke(main, ["grade", "--key", str(exam_dir / "key.json"), str(out), "--out", str(tmp_path / "grades")])
    assert g.exit_code == 0, g.output
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "grades" / "grades.csv").open())}
    for student, points in expected.items():
        assert float(rows[student]["total"]) == pytest.approx(points), rows[student]
    assert 'value="12345"' in page


def test_time_limit_countdown_and_deadline(exam_dir, store_db):
    c = exam_client(exam_dir, store_db, time_limit=0.5 / 60, grace_seconds=0)
    tok = tokens(exam_dir)["v01"]
    page = c.get(f"/exam/{tok}").text
    assert 'id="countdown"' in page and 'role="timer"' in page
    csrf = csrf_of(page)
    assert save(c, tok, csrf, 1, 0, "early").status_code == 200
    time.sleep(0.7)
    r = save(c, tok, csrf, 1, 1, "late")
    assert r.status_code == 403 and "Time is up" in r.json()["error"]
    assert c.app.state.exam.store.answers("v01")[1][0] == "early"
    c.app.state.exam.store.close()
    # the limit and the grace are stored with the exam: a restart without the flags keeps them
    again = exam_client(exam_dir, store_db)
    assert again.app.state.exam.settings.time_limit == pytest.approx(0.5) and again.app.state.exam.settings.grace == 0
    assert save(again, tok, csrf_of(again.get(f"/exam/{tok}").text), 1, 1, "later").status_code == 403
    assert 'data-remaining="0"' in again.get(f"/exam/{tok}").text
    # the grace counts: a deadline just passed still takes saves within it
    graced = exam_client(exam_dir, store_db, grace_seconds=60)
    assert save(graced, tok, csrf_of(graced.get(f"/exam/{tok}").text), 1, 1, "within grace").status_code == 200
    for client in (again, graced):
        client.app.state.exam.store.close()


def test_export_needs_an_exam_and_a_database(exam_dir, tmp_path):
    r = CliRunner().invoke(main, ["serve", "--export", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "--export needs --exam" in r.output
    r = CliRunner().invoke(main, ["serve", "--exam", str(exam_dir / "key.json"), "--db", str(tmp_path / "none.sqlite"),
                                  "--export", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "no answers database" in r.output


# ---------------------------------------------------------------- issue 20: defects, each with a test
def test_numbers_written_with_other_digits_are_refused(exam_dir, tmp_path, practice_client):
    """``²`` and ``①`` are digits to str.isdigit but not to int(): 400, never 500."""
    c = exam_client(exam_dir, tmp_path / "a.sqlite")
    tok = tokens(exam_dir)["v01"]
    csrf = csrf_of(c.get(f"/exam/{tok}").text)
    for q, rev in (("²", "0"), ("①", "0"), ("1", "²"), ("١", "0")):
        r = save(c, tok, csrf, q, rev, "1")
        assert r.status_code == 400 and "malformed" in r.json()["error"], (q, rev)
    assert c.post(f"/exam/{tok}/read", json={"q": "²", "answer": "1"}, headers={"x-csrf-token": csrf}).status_code == 404
    assert c.app.state.exam.store.answers("v01") == {}
    r = practice_client.get(f"/practice?topic={TOPIC}&qid={PINNED['qid']}&v=²", follow_redirects=False)
    assert r.status_code == 303  # not a seed: a fresh draw
    c.app.state.exam.store.close()


def test_rate_limit_buckets_are_bounded_and_made_up_tokens_share_the_address():
    from quizgen.web.security import RateLimit

    limit = RateLimit(None, rate=1, burst=2, max_clients=3, known=lambda t: t in {"a", "b", "c", "d"})
    scope = lambda path, ip="10.0.0.1": {"path": path, "client": (ip, 1)}  # noqa: E731
    assert limit.client(scope("/exam/a/save")) == "exam:a"
    assert limit.client(scope("/exam/made-up/save")) == limit.client(scope("/exam/other-made-up")) == "ip:10.0.0.1"
    assert limit.allow("exam:a") == 0 and limit.allow("exam:a") == 0 and limit.allow("exam:a") > 0  # a's burst is used
    for who in ("exam:b", "exam:c"):
        limit.allow(who)
    limit.allow("exam:b")  # b is now more recent than c
    limit.allow("exam:d")  # a fourth client: only the least recently used bucket (a) goes
    assert len(limit) == 3 and set(limit._buckets) == {"exam:b", "exam:c", "exam:d"}
    limit.allow("exam:c")
    assert limit._buckets["exam:b"].tokens < 2  # b kept its state: nothing was reset


def test_exam_preview_is_limited_per_student_not_per_classroom(exam_dir, tmp_path):
    """A classroom shares one address: one student's previews do not throttle another's."""
    c = exam_client(exam_dir, tmp_path / "a.sqlite", rate=0.5, burst=3)
    toks = tokens(exam_dir)
    a, b = toks["v01"], toks["v02"]
    csrf = csrf_of(c.get(f"/exam/{a}").text)
    codes = [c.post(f"/exam/{a}/read", json={"q": "1", "answer": "1/2"}, headers={"x-csrf-token": csrf}).status_code
             for _ in range(4)]
    assert codes[:2] == [200, 200] and codes[-1] == 429
    csrf_b = csrf_of(c.get(f"/exam/{b}").text)
    assert c.post(f"/exam/{b}/read", json={"q": "1", "answer": "1/2"}, headers={"x-csrf-token": csrf_b}).status_code == 200
    c.app.state.exam.store.close()


def test_csrf_is_bound_to_the_session_and_to_the_origin(exam_dir, tmp_path):
    c = exam_client(exam_dir, tmp_path / "a.sqlite")
    tok = tokens(exam_dir)["v01"]
    page = c.get(f"/exam/{tok}")
    csrf = csrf_of(page.text)
    assert "qz_session" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    # a page on another port of this host can plant a cookie of its choosing: it has no token that fits
    planted = TestClient(c.app)
    planted.cookies.set("qz_session", "a" * 32)
    assert save(planted, tok, "a" * 32, 1, 0, "forged").status_code == 403
    assert save(planted, tok, csrf, 1, 0, "forged").status_code == 403  # another session's token
    # the browser says where the request comes from: another port is another origin
    host = "testserver"
    for headers in ({"origin": "http://testserver:9999"}, {"sec-fetch-site": "same-site"},
                    {"sec-fetch-site": "cross-site"}, {"origin": "null"}):
        r = c.post(f"/exam/{tok}/save", data={"csrf": csrf, "q": "1", "rev": "0", "answer": "x"},
                   headers={"accept": "application/json", **headers})
        assert r.status_code == 403, headers
    ok = c.post(f"/exam/{tok}/save", data={"csrf": csrf, "q": "1", "rev": "0", "answer": "mine"},
                headers={"accept": "application/json", "origin": f"http://{host}", "sec-fetch-site": "same-origin"})
    assert ok.status_code == 200
    assert c.app.state.exam.store.answers("v01") == {1: ("mine", 1)}
    c.app.state.exam.store.close()


def test_not_read_verdict_shows_the_answer_as_typed(practice_client):
    """The message of an answer that could not be read quotes it with a caret under a column: plain
    text, not Markdown (``*`` stays, ``$`` stays, the caret keeps its column)."""
    page, fields = _practice_page(practice_client)
    typed = "$a$ *b* ^c"
    r = practice_client.post("/practice/answer", data={**fields, "answer": typed})
    verdict = r.text.split('id="verdict"', 1)[1]
    assert 'class="verdict rejected"' in r.text and "Not read" in verdict
    pre = re.search(r'<pre class="unread">(.*?)</pre>', verdict, re.S).group(1)
    assert "  $a$ *b* ^c\n" in pre and "<em>" not in verdict and "<math" not in verdict.split("</pre>")[0]
    lines = pre.splitlines()
    assert lines[-1].index("^") == lines[-2].index("a")  # the caret under the first unknown name


def test_a_store_that_cannot_be_written_is_said_at_start(exam_dir, tmp_path):
    r = CliRunner().invoke(main, ["serve", "--exam", str(exam_dir / "key.json"), "--db", str(tmp_path / "no" / "a.sqlite")])
    assert r.exit_code == 2 and "cannot write the answers database" in r.output and "Traceback" not in r.output


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB file system of its own (tmpfs), so the disk can really fill up and go read-only.
    Needs root (CI runs as root); elsewhere the test skips, and fails under CI=true."""
    import os
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs: {done.stderr}")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_or_read_only_is_a_clear_503_and_nothing_acknowledged_is_lost(exam_dir, small_disk, capfd):
    import subprocess

    c = exam_client(exam_dir, small_disk / "answers.sqlite")
    tok = tokens(exam_dir)["v01"]
    csrf = csrf_of(c.get(f"/exam/{tok}").text)
    assert save(c, tok, csrf, 1, 0, "kept").status_code == 200
    with open(small_disk / "filler", "wb") as f:  # fill the disk to the last byte
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    rev = 1
    while (r := save(c, tok, csrf, 1, rev, "y" * 1500)).status_code == 200:  # the WAL may still take a page or two
        rev += 1
        assert rev < 50
    assert r.status_code == 503 and "NOT saved" in r.json()["error"] and r.headers["retry-after"] == "15"
    err = capfd.readouterr().err
    assert "disk is full" in err and err.count("quizgen serve:") == 1
    assert save(c, tok, csrf, 1, rev, "again").status_code == 503
    assert "quizgen serve:" not in capfd.readouterr().err  # said once, not at every request
    c.app.state.exam.store.close()
    (small_disk / "filler").unlink()
    again = exam_client(exam_dir, small_disk / "answers.sqlite")
    assert again.app.state.exam.store.answers("v01")[1][1] == rev  # every acknowledged save is there
    again.app.state.exam.store.close()
    # a read-only database: said at start, in one line (exit status 2), not at the first save
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    r = CliRunner().invoke(main, ["serve", "--exam", str(exam_dir / "key.json"), "--db", str(small_disk / "answers.sqlite")])
    assert r.exit_code == 2 and "cannot write the answers database" in r.output and "read-only" in r.output, r.output


def test_a_read_only_postgresql_is_said_at_start(exam_dir):
    from serving import PgSchema

    schema = PgSchema(postgres_base())
    try:
        url = schema.url + "%20-cdefault_transaction_read_only%3Don"
        r = CliRunner().invoke(main, ["serve", "--exam", str(exam_dir / "key.json"), "--db", url])
        assert r.exit_code == 2 and "read-only transaction" in r.output and "quizgen:***@" in r.output
    finally:
        schema.drop()


def test_exam_pages_are_rendered_once_when_the_exam_is_loaded(exam_dir, tmp_path, monkeypatch):
    c = exam_client(exam_dir, tmp_path / "a.sqlite")
    exam = c.app.state.exam
    assert set(exam.pages) == {v["student"] for v in key(exam_dir)["versions"]}

    def no(*args, **kwargs):
        raise AssertionError("a request derived or rendered a question")

    import quizgen.generation.variant
    import quizgen.web.app

    monkeypatch.setattr(quizgen.generation.variant, "make_variant", no)
    monkeypatch.setattr(quizgen.web.app, "_variant_view", no)
    tok = tokens(exam_dir)["v01"]
    page = c.get(f"/exam/{tok}")
    assert page.status_code == 200 and str(exam.pages["v01"][0]) in page.text
    exam.store.close()


def test_practice_questions_are_derived_before_the_first_request(monkeypatch):
    import quizgen.generation.variant
    from quizgen.generation.bank import load_bank
    from quizgen.web.app import prederive

    bank = load_bank()
    seen, warmed = [], []
    monkeypatch.setattr(quizgen.generation.variant, "compiled", lambda q: seen.append(q.id))
    n = prederive(bank, warm=warmed.append)
    every = sorted(e.id for t in bank.topics for e in bank.topic(t))
    assert n == len(every) and sorted(seen) == every and sorted(warmed) == every
    r = CliRunner().invoke(main, ["serve", "--help"])
    assert "--workers" in r.output


def test_store_concurrency_one_winner_per_revision(store_db):
    """Two connections (two workers, or two machines) saving the same question at once: each
    revision is won by exactly one save, and every acknowledged save is in the log."""
    import threading

    from quizgen.web.store import StaleRevision, open_store

    stores = [open_store(store_db, "concurrency"), open_store(store_db, "concurrency")]
    acked: list[tuple[int, str]] = []
    lock = threading.Lock()

    def hammer(store, name):
        for i in range(30):
            current = store.answers("s1").get(1, ("", 0))[1]
            try:
                rev = store.save("s1", 1, "q", f"{name}{i}", current)
            except StaleRevision:
                continue
            with lock:
                acked.append((rev, f"{name}{i}"))

    threads = [threading.Thread(target=hammer, args=(s, n)) for s, n in zip(stores * 2, "abcd")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    revs = sorted(r for r, _ in acked)
    assert revs == list(range(1, len(revs) + 1))  # no revision acknowledged twice, none skipped
    log = stores[0].log()
    assert sorted((rev, a) for _, _, a, rev in log) == sorted(acked)
    assert stores[1].answers("s1")[1] == max(acked)[::-1]
    for s in stores:
        s.close()


# ---------------------------------------------------------------- a real server: workers, kill -9, slow clients
def _raw(port: int, data: bytes, *, read: bool = True, timeout: float = 20) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        if not read:
            return b""
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def test_kill_9_under_load_keeps_every_acknowledged_save(exam_dir, store_db):
    """Two workers share the store; the whole server is killed (-9) while students save: every
    save that was acknowledged is in the log, and a restarted server shows the latest answers."""
    import threading

    import httpx

    from quizgen.web.store import open_store

    from processes import children

    server = Server("--exam", str(exam_dir / "key.json"), "--db", str(store_db), "--workers", "2", "--rate", "1000").start()
    toks = tokens(exam_dir)
    acked: list[tuple[str, int, int, str]] = []
    errors: list[str] = []
    stop = threading.Event()

    def student(name: str, token: str, n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5) as c:
            csrf = csrf_of(c.get(f"/exam/{token}").text)
            rev, i = 0, 0
            while not stop.is_set():
                i += 1
                try:
                    r = c.post(f"/exam/{token}/save", data={"csrf": csrf, "q": str(n), "rev": str(rev), "answer": f"{name}-{n}-{i}"},
                               headers={"accept": "application/json"})
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:
                    rev = r.json()["rev"]
                    acked.append((name, n, rev, f"{name}-{n}-{i}"))
                else:
                    errors.append(f"{r.status_code} {r.text}")

    threads = [threading.Thread(target=student, args=(s, t, n)) for s, t in toks.items() for n in (1, 2)]
    for t in threads:
        t.start()
    time.sleep(3)
    assert len(children(server.proc.pid)) == 2  # two workers, forked by the server
    server.kill9()
    stop.set()
    for t in threads:
        t.join(10)
    assert not errors and len(acked) > 20
    store = open_store(store_db, key(exam_dir)["exam_id"], writable_check=False)
    logged = {(s, n, rev): a for s, n, a, rev in store.log()}
    assert all(logged.get((s, n, rev)) == a for s, n, rev, a in acked)
    stored = {s: store.answers(s) for s in toks}
    store.close()
    for s in toks:
        for n in (1, 2):
            last = max((rev, a) for name, m, rev, a in acked if name == s and m == n)
            # the latest acknowledged save, or one the server committed but could not answer before it died
            assert stored[s][n] == last[::-1] or (stored[s][n][1] > last[0] and logged[(s, n, stored[s][n][1])])
    again = Server("--exam", str(exam_dir / "key.json"), "--db", str(store_db), "--workers", "1").start()
    try:
        for s, t in toks.items():
            page = httpx.get(f"{again.url}/exam/{t}").text
            assert all(f'value="{stored[s][n][0]}"' in page for n in (1, 2))
    finally:
        again.stop()


@pytest.fixture(scope="module")
def live(exam_dir):
    server = Server("--exam", str(exam_dir / "key.json"), "--db", str(exam_dir / "live.sqlite"),
                    "--workers", "2", "--host", "0.0.0.0").start()
    yield server
    server.stop()


def test_exposed_bind_warns_in_one_line(live):
    import httpx

    assert httpx.get(live.url + "/healthz").status_code == 200
    out = live.stop()
    warnings_ = [line for line in out.splitlines() if "warning" in line]
    assert len(warnings_) == 1 and "plain HTTP" in warnings_[0] and "HTTPS" in warnings_[0]
    live.start()


def test_a_chunked_body_over_16_kib_is_413(live, exam_dir):
    tok = tokens(exam_dir)["v01"]
    chunk = b"answer=" + b"x" * 9000
    body = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (chunk, chunk)) + b"0\r\n\r\n"
    head = (f"POST /exam/{tok}/save HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n").encode()
    reply = _raw(live.port, head + body)
    assert reply.startswith(b"HTTP/1.1 413") and b"too large" in reply


def test_slow_clients_are_timed_out_and_an_abandoned_upload_logs_nothing(live, exam_dir):
    import socket

    from quizgen.web.security import HEADER_TIMEOUT

    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", live.port), timeout=HEADER_TIMEOUT + 10) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
        assert s.recv(100) == b""  # closed by the server
    assert HEADER_TIMEOUT - 1 < time.monotonic() - start < HEADER_TIMEOUT + 5
    tok = tokens(exam_dir)["v01"]
    head = (f"POST /exam/{tok}/save HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\nanswer=12").encode()
    _raw(live.port, head, read=False)  # half a body, then gone
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as s:  # a body that never completes
        s.sendall(head)
        assert s.recv(1000).startswith(b"HTTP/1.1 408")
    time.sleep(0.5)
    out = live.stop()
    assert "Traceback" not in out and "Exception" not in out, out
    live.start()


def test_preview_mathml_has_no_stray_space_in_parentheses(practice_client):
    """Stretchy fences around a line of text are drawn with space inside them (``ln ( σ ( z ) )``
    in Chromium with Latin Modern Math): parentheses stretch only around something tall."""
    page, fields = _practice_page(practice_client)

    def mathml(answer):
        r = practice_client.post("/api/read", json={"qid": "mle/gaussian_nll", "v": "7", "answer": answer},
                                 headers={"x-csrf-token": fields["csrf"]})
        return r.json()["reading"]["mathml"]

    plain = mathml("ln(sigmoid(y))")
    assert plain.count('<mo stretchy="false">&#x00028;</mo>') == 2 and 'stretchy="true"' not in plain
    tall = mathml("ln(1/(y+1))")
    assert 'stretchy="true"' in tall and "<mfrac>" in tall
