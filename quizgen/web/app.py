"""``quizgen serve``: the practice page and exam mode, a thin Starlette layer over the library.

bank -> :func:`~quizgen.variant.make_variant` -> :func:`~quizgen.key.question_key` ->
:func:`quizgen.grading.item.grade_item` (practice) or SQLite (exam; graded afterwards by
``quizgen grade`` on the exported CSV). Student text is only ever parsed by the grader's parser.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from quizgen.errors import QuizgenError
from quizgen.grading.limits import DEFAULT_LIMITS
from quizgen.resources import shipped
from quizgen.web.security import (CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, BodyLimit, RateLimit, SecurityHeaders,
                                  csrf_ok, new_csrf)

MAX_BODY = 16 * 1024
MAX_ANSWER = DEFAULT_LIMITS.max_chars
MAX_SEED = 2**63 - 1
GRACE_SECONDS = 30  # saves this long after the deadline still count (network delay)


@dataclass
class Config:
    bank_dirs: tuple[str, ...] = ()
    exam_key: Path | None = None
    db_path: Path | None = None
    time_limit: float | None = None  # minutes
    decimal_comma: bool | None = None  # the practice page's rule (an exam follows its key)
    rate: float = 5.0  # requests per second per client
    burst: int = 30
    max_body: int = MAX_BODY
    grace_seconds: float = GRACE_SECONDS


@dataclass
class ExamState:
    key: dict[str, Any]
    by_token: dict[str, dict[str, Any]]  # token -> version (student, questions)
    variants: dict[str, list[Any]]  # student -> variants in sheet order
    store: Any
    title: str
    deadline_minutes: float | None
    grace_seconds: float = GRACE_SECONDS


@dataclass
class State:
    config: Config
    bank: Any
    env: jinja2.Environment
    exam: ExamState | None = None
    entries_cache: dict = field(default_factory=dict)


# ---------------------------------------------------------------- rendering helpers
def _html(text: str) -> str:
    from quizgen.export.markup import markdown_to_html

    return "<p>" + markdown_to_html(text) + "</p>"


def _variant_view(variant: Any, key: dict[str, Any]) -> dict[str, Any]:
    from quizgen.practice import answer_help, fmt_points, options_heading

    return {
        "title": variant.title,
        "kind": variant.kind,
        "points": fmt_points(variant.points),
        "statement": _html(variant.statement),
        "tables": [{"caption": t.caption, "headers": [_inline_math(h) for h in t.headers], "rows": t.rows}
                   for t in getattr(variant, "tables", ()) or ()],
        "options_heading": options_heading(variant.kind),
        "options": [{"label": o.label, "html": _html(o.text)} for o in variant.options],
        "figures": _figures(variant, "sheet"),
        "help": answer_help(key),
    }


def _figures(variant: Any, where: str) -> list[str]:
    """The variant's figures for the question (``sheet``) or the worked solution, as ``<img>`` with a
    ``data:`` URI (the policy allows ``img-src data:``), so no figure route is needed."""
    from quizgen.export.html import figure_img

    return [figure_img(ref) for ref in getattr(variant, "figures", ()) if (ref.where == "sheet") == (where == "sheet")]


def _inline_math(latex: str) -> str:
    from quizgen.export.markup import latex_to_mathml

    return latex_to_mathml(latex)


def _page(state: State, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    token = request.cookies.get(CSRF_COOKIE) or new_csrf()
    body = state.env.get_template(template).render(csrf=token, **context)
    response = HTMLResponse(body, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def _error(state: State, request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"ok": False, "error": message}, status_code=status)
    return _page(state, request, "error.html.j2", status=status, message=message)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") or \
        request.headers.get("content-type", "").startswith("application/json")


async def _form(request: Request) -> dict[str, str] | None:
    """The posted fields (form or JSON) as text, or None when the body is not a flat form."""
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            data = json.loads(await request.body())
            if not isinstance(data, dict):
                return None
        else:
            data = dict(await request.form())
    except (ValueError, UnicodeDecodeError, AssertionError):
        return None
    if not all(isinstance(k, str) and isinstance(v, (str, int)) and not isinstance(v, bool) for k, v in data.items()):
        return None
    return {k: str(v) for k, v in data.items()}


def _check_csrf(request: Request, form: dict[str, str]) -> bool:
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    return csrf_ok(request.cookies.get(CSRF_COOKIE), sent)


# ---------------------------------------------------------------- practice
def _practice_entries(state: State, topic: str, difficulty: str | None):
    from quizgen.practice import parse_difficulty, select_entries

    cache_key = (topic, difficulty)
    if cache_key not in state.entries_cache:
        level = parse_difficulty(difficulty)
        state.entries_cache[cache_key] = select_entries(state.bank.topic(topic), level, topic)
    return state.entries_cache[cache_key]


def _practice_variant(state: State, qid: str, seed: int):
    from quizgen.key import question_key
    from quizgen.variant import make_variant

    entry = state.bank.find(qid)
    variant = make_variant(entry.question, seed, "practice")
    return entry, variant, question_key(variant, 1, state.config.decimal_comma)


def _int(text: str | None, low: int = 0, high: int = MAX_SEED) -> int | None:
    if text is None or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if low <= value <= high else None


def _topics(state: State) -> list[str]:
    out = []
    for topic in state.bank.topics:
        out.append(topic)
        out.extend(g for g in state.bank.subtopics(topic) if g != topic)
    return out


async def index(request: Request) -> Response:
    state: State = request.app.state.q
    if state.exam is not None:
        return _page(state, request, "exam_index.html.j2", title=state.exam.title)
    return _page(state, request, "index.html.j2", topics=_topics(state))


async def practice(request: Request) -> Response:
    state: State = request.app.state.q
    if state.exam is not None:
        return _error(state, request, 404, "Practice is off while an exam is being served.")
    q = request.query_params
    topic, difficulty = q.get("topic", ""), q.get("difficulty") or None
    try:
        entries = _practice_entries(state, topic, difficulty)
    except QuizgenError as err:
        return _error(state, request, 400, str(err))
    qid, seed = q.get("qid"), _int(q.get("v"))
    if qid is None or seed is None or qid not in {e.id for e in entries}:
        entry = entries[secrets.randbelow(len(entries))]
        params = {"topic": topic, "difficulty": difficulty or "", "qid": entry.id, "v": secrets.randbelow(10**9)}
        return RedirectResponse("/practice?" + urlencode(params), status_code=303)
    return await run_in_threadpool(_practice_page, state, request, topic, difficulty, qid, seed)


def _practice_page(state: State, request: Request, topic: str, difficulty: str | None, qid: str, seed: int,
                   answer: str = "", outcome: dict | None = None, status: int = 200) -> Response:
    entry, variant, key = _practice_variant(state, qid, seed)
    base = {"topic": topic, "difficulty": difficulty or ""}
    return _page(state, request, "practice.html.j2", status=status, q=_variant_view(variant, key), qid=qid,
                 seed=seed, topic=topic, difficulty=difficulty or "", answer=answer, outcome=outcome,
                 subtopic=entry.group,
                 new_variant="/practice?" + urlencode({**base, "qid": qid, "v": secrets.randbelow(10**9)}),
                 next_question="/practice?" + urlencode(base), max_answer=MAX_ANSWER)


async def practice_answer(request: Request) -> Response:
    from quizgen.grading.item import grade_item
    from quizgen.practice import fmt_points, verdict_label
    from quizgen.reading import read_answer

    state: State = request.app.state.q
    form = await _form(request)
    if form is None:
        return _error(state, request, 400, "The submission is malformed; reload the page and try again.")
    if not _check_csrf(request, form):
        return _error(state, request, 403, "The form has expired or did not come from this page; reload the page.")
    topic, difficulty, qid, seed = form.get("topic", ""), form.get("difficulty") or None, form.get("qid", ""), _int(form.get("v"))
    answer = form.get("answer", "")
    if len(answer) > MAX_ANSWER:
        return _error(state, request, 400, f"The answer is too long ({len(answer)} characters; the limit is {MAX_ANSWER}).")
    try:
        entries = _practice_entries(state, topic, difficulty)
    except QuizgenError as err:
        return _error(state, request, 400, str(err))
    if seed is None or qid not in {e.id for e in entries}:
        return _error(state, request, 400, "The submission names no question of this topic; start again from the practice page.")
    _, variant, key = await run_in_threadpool(_practice_variant, state, qid, seed)
    reading, verdict = await run_in_threadpool(lambda: (read_answer(key, answer), grade_item(key, answer)))
    outcome = {"status": verdict.status, "label": verdict_label(verdict), "message": _html(verdict.message),
               "credit": fmt_points(verdict.credit * 100), "misconception": verdict.misconception,
               "reading": reading.to_dict(),
               "solution": [(_html(s.text), _inline_display(s.latex)) for s in variant.steps]
               if verdict.status in ("correct", "partial", "incorrect", "manual") else []}
    outcome["solution_figures"] = _figures(variant, "solutions") if outcome["solution"] else []
    if _wants_json(request):
        return JSONResponse({"ok": True, **{k: v for k, v in outcome.items() if k not in ("solution", "solution_figures")}})
    return await run_in_threadpool(_practice_page, state, request, topic, difficulty, qid, seed, answer, outcome)


def _inline_display(latex: str | None) -> str | None:
    if not latex:
        return None
    from quizgen.export.markup import latex_to_mathml

    return latex_to_mathml(latex, True)


async def api_read(request: Request) -> Response:
    """How an answer is read (the live preview): {ok, text, mathml, message, notes}."""
    from quizgen.reading import read_answer

    state: State = request.app.state.q
    form = await _form(request)
    if form is None:
        return JSONResponse({"ok": False, "error": "malformed request"}, status_code=400)
    if not _check_csrf(request, form):
        return JSONResponse({"ok": False, "error": "missing or wrong CSRF token; reload the page"}, status_code=403)
    answer = form.get("answer", "")
    if len(answer) > MAX_ANSWER:
        return JSONResponse({"ok": False, "error": f"The answer is too long (limit {MAX_ANSWER} characters)."},
                            status_code=400)
    key = None
    if form.get("token"):
        found = _exam_question(state, form.get("token", ""), form.get("q"))
        if found is None:
            return JSONResponse({"ok": False, "error": "no such exam question"}, status_code=404)
        key = found[1]
    elif state.exam is None:
        seed = _int(form.get("v"))
        qid = form.get("qid", "")
        try:
            state.bank.find(qid)
        except QuizgenError:
            seed = None
        if seed is None:
            return JSONResponse({"ok": False, "error": "no such question"}, status_code=404)
        key = (await run_in_threadpool(_practice_variant, state, qid, seed))[2]
    if key is None:
        return JSONResponse({"ok": False, "error": "no such question"}, status_code=404)
    reading = await run_in_threadpool(read_answer, key, answer)
    return JSONResponse({"ok": True, "reading": reading.to_dict()})


# ---------------------------------------------------------------- exam
def _exam_question(state: State, token: str, number: str | None):
    """(version, key entry, variant, number) for a token and question number, or None."""
    exam = state.exam
    if exam is None:
        return None
    version = exam.by_token.get(token)
    n = _int(number, 1, 10_000)
    if version is None or n is None or n > len(version["questions"]):
        return None
    return version, version["questions"][n - 1], exam.variants[version["student"]][n - 1], n


def _remaining(exam: ExamState, student: str) -> float | None:
    if exam.deadline_minutes is None:
        return None
    started = exam.store.start(student)
    return started + exam.deadline_minutes * 60 - time.time()


async def exam_page(request: Request) -> Response:
    state: State = request.app.state.q
    exam = state.exam
    token = request.path_params["token"]
    version = exam.by_token.get(token) if exam else None
    if version is None:
        return _error(state, request, 404, "There is no exam at this link. Check the link your teacher gave you.")
    student = version["student"]
    return await run_in_threadpool(_exam_page, state, request, exam, version, token)


def _exam_page(state: State, request: Request, exam: ExamState, version: dict, token: str) -> Response:
    student = version["student"]
    remaining = _remaining(exam, student)
    saved = exam.store.answers(student)
    questions = []
    for n, (kq, variant) in enumerate(zip(version["questions"], exam.variants[student]), 1):
        answer, rev = saved.get(n, ("", 0))
        questions.append({"n": n, "view": _variant_view(variant, kq), "answer": answer, "rev": rev,
                          "multiline": variant.kind == "manual"})
    message = {"saved": "Saved.", "stale": None}.get(request.query_params.get("m", ""), None)
    return _page(state, request, "exam.html.j2", title=exam.title, student=student, token=token,
                 questions=questions, remaining=None if remaining is None else max(0, int(remaining)),
                 message=message, max_answer=MAX_ANSWER)


async def exam_save(request: Request) -> Response:
    from quizgen.web.store import StaleRevision

    state: State = request.app.state.q
    exam = state.exam
    token = request.path_params["token"]
    if exam is None or token not in exam.by_token:
        return _error(state, request, 404, "There is no exam at this link.")
    form = await _form(request)
    if form is None:
        return _error(state, request, 400, "The submission is malformed; nothing was changed. Reload the page.")
    if not _check_csrf(request, form):
        return _error(state, request, 403, "The form has expired or did not come from this page; nothing was "
                                           "changed. Reload the page (your saved answers are kept).")
    found = _exam_question(state, token, form.get("q"))
    rev = _int(form.get("rev"), 0, 10**9)
    answer = form.get("answer")
    if found is None or rev is None or answer is None:
        return _error(state, request, 400, "The submission is malformed (question, answer and revision are "
                                           "required); nothing was changed.")
    if len(answer) > MAX_ANSWER:
        return _error(state, request, 400, f"The answer is too long ({len(answer)} characters; the limit is "
                                           f"{MAX_ANSWER}); it was not saved.")
    version, kq, _, n = found
    student = version["student"]
    remaining = _remaining(exam, student)
    if remaining is not None and remaining < -exam.grace_seconds:
        return _error(state, request, 403, "Time is up: the answer was not saved. Your earlier saved answers are kept.")
    try:
        new_rev = await run_in_threadpool(exam.store.save, student, n, kq["id"], answer, rev)
    except StaleRevision as err:
        return _error(state, request, 409, f"This submission is out of date (it was made against revision {rev}, "
                                           f"the saved answer is at revision {err.current}): it was refused and "
                                           "the saved answer is unchanged. Reload the page.")
    if _wants_json(request):
        return JSONResponse({"ok": True, "q": n, "rev": new_rev, "saved_at": time.time()})
    return RedirectResponse(f"/exam/{token}?m=saved#q{n}", status_code=303)


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True})


def _static(name: str, media: str):
    path = shipped("templates") / "serve" / name
    body = path.read_bytes()

    async def endpoint(request: Request) -> Response:
        return Response(body, media_type=media, headers={"cache-control": "max-age=3600"})

    return endpoint


# ---------------------------------------------------------------- app
def load_exam(key_path: Path, db_path: Path, bank, time_limit: float | None) -> ExamState:
    from quizgen.grading.keyfile import load_key  # validates the key like `quizgen grade` does
    from quizgen.seeds import root_seed
    from quizgen.variant import make_variant
    from quizgen.web.store import Store
    from quizgen.web.tokens import tokens_for

    from quizgen.key import expand_key

    load_key(key_path)
    try:
        # a class of more than 50 has a compact key: a sheet's entries then only name their variant
        # (id, number, variant), and the page needs each entry's type and answer (help, preview)
        key = expand_key(json.loads(Path(key_path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as err:
        raise QuizgenError(f"{key_path}: cannot read the key: {err}") from None
    root = root_seed(int(key["seed"]), key.get("secret") or None)
    variants: dict[str, list[Any]] = {}
    for version in key["versions"]:
        vs = []
        for kq in version["questions"]:
            variant = make_variant(bank.find(kq["id"]).question, root, version["student"])
            if variant.seed != kq.get("variant_seed"):
                raise QuizgenError(f"{key_path}: {version['student']} / {kq['id']}: the key does not match this "
                                   "bank (was it made with another quizgen version or --bank?)")
            vs.append(variant)
        variants[version["student"]] = vs
    tokens = tokens_for(key)
    by_token = {tokens[v["student"]]: v for v in key["versions"]}
    store = Store(db_path, key.get("exam_id") or str(key["seed"]))
    title = f"Exam: {key.get('topic', '')}"
    return ExamState(key, by_token, variants, store, title, time_limit)


def create_app(config: Config) -> Any:
    from quizgen.bank import load_bank

    bank = load_bank(config.bank_dirs)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(shipped("templates") / "serve")),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    state = State(config, bank, env)
    if config.exam_key is not None:
        db = config.db_path or Path(config.exam_key).with_name("answers.sqlite")
        state.exam = load_exam(Path(config.exam_key), Path(db), bank, config.time_limit)
        state.exam.grace_seconds = config.grace_seconds
    routes = [
        Route("/", index),
        Route("/practice", practice),
        Route("/practice/answer", practice_answer, methods=["POST"]),
        Route("/api/read", api_read, methods=["POST"]),
        Route("/exam/{token}", exam_page),
        Route("/exam/{token}/save", exam_save, methods=["POST"]),
        Route("/healthz", health),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/static/app.js", _static("app.js", "text/javascript")),
        Route("/static/app.css", _static("app.css", "text/css")),
    ]
    app = Starlette(routes=routes)
    app.state.q = state
    wrapped = SecurityHeaders(RateLimit(BodyLimit(app, config.max_body), config.rate, config.burst))
    wrapped.state = state  # for tests and the CLI
    return wrapped
