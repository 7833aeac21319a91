"""``quizgen serve``: the practice page and exam mode, a thin Starlette layer over the library.

bank -> :func:`~quizgen.generation.variant.make_variant` -> :func:`~quizgen.generation.key.question_key` ->
:func:`quizgen.grading.item.grade_item` (practice) or the answer store (exam; graded afterwards by
``quizgen grade`` on the exported CSV). Student text is only ever parsed by the grader's parser.

Everything a request needs that does not depend on the request is made before the first one:
the exam's variants and each student's questions as HTML (:func:`load_exam`), and for the
practice page every question's derivation (:func:`prederive`). ``serve --workers N`` forks its
worker processes after that, so they share it and requests only look things up.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from quizgen.kernel.errors import QuizgenError
from quizgen.kernel.resources import shipped
from quizgen.maths.limits import DEFAULT_LIMITS
from quizgen.web.security import (CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, BodyLimit, RateLimit, SecurityHeaders,
                                  csrf_token, csrf_ok, new_session, same_origin, valid_session)

MAX_BODY = 16 * 1024
MAX_ANSWER = DEFAULT_LIMITS.max_chars
MAX_SEED = 2**63 - 1
PRACTICE_CACHE = 4096  # practice variants kept per process (a preview per keystroke reuses one)
STORE_RETRY_SECONDS = 15  # what a page is told to wait before retrying when the store is down


@dataclass
class Config:
    bank_dirs: tuple[str, ...] = ()
    exam_key: Path | None = None
    db: str | Path | None = None  # an SQLite file or a postgresql:// URL (default: answers.sqlite beside the key)
    time_limit: float | None = None  # minutes; None: as stored with the exam (or none)
    grace_seconds: float | None = None  # None: as stored with the exam (default 30)
    decimal_comma: bool | None = None  # the practice page's rule (an exam follows its key)
    rate: float = 5.0  # requests per second per client
    burst: int = 30
    max_body: int = MAX_BODY
    body_timeout: float = 10.0  # seconds a client has to send its request body
    prederive: bool = False  # derive every practice question at start (the CLI does)
    origins: tuple[str, ...] = ()  # extra origins allowed to post (a proxy that rewrites Host)


@dataclass
class ExamState:
    key: dict[str, Any]
    by_token: dict[str, dict[str, Any]]  # token -> version (student, questions)
    entries: dict[str, list[dict[str, Any]]]  # student -> key entries in sheet order (compact keys expanded)
    store: Any
    title: str
    pages: dict[str, list[Markup]] = field(default_factory=dict)  # student -> each question as HTML

    @property
    def settings(self):
        return self.store.settings


@dataclass
class State:
    config: Config
    bank: Any
    env: jinja2.Environment
    secret: bytes = b""
    bank_ids: frozenset = frozenset()
    practice_cache: Any = None
    exam: ExamState | None = None
    entries_cache: dict = field(default_factory=dict)
    store_down: "_Throttle" = field(default_factory=lambda: _Throttle(30.0))


class _Throttle:
    """Say something on stderr at most once per ``seconds`` (a store that is down is reported,
    not logged once per request)."""

    def __init__(self, seconds: float):
        self.seconds, self.last, self.lock = seconds, 0.0, threading.Lock()

    def __call__(self, message: str) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last < self.seconds:
                return
            self.last = now
        print(f"quizgen serve: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- rendering helpers
def _html(text: str) -> str:
    from quizgen.export.markup import markdown_to_html

    return "<p>" + markdown_to_html(text) + "</p>"


def _variant_view(variant: Any, key: dict[str, Any]) -> dict[str, Any]:
    from quizgen.practice.session import answer_help, fmt_points, options_heading

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
        "lines": (key.get("answer") or {}).get("lines", 6) if variant.kind == "derivation" else 1,
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
    session = request.cookies.get(SESSION_COOKIE)
    fresh = not valid_session(session)
    if fresh:
        session = new_session()
    body = state.env.get_template(template).render(csrf=csrf_token(state.secret, session), **context)
    response = HTMLResponse(body, status_code=status)
    if fresh:
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
    return response


def _error(state: State, request: Request, status: int, message: str, **extra: Any) -> Response:
    headers = {"retry-after": str(extra["retry_after"])} if "retry_after" in extra else None
    if _wants_json(request):
        return JSONResponse({"ok": False, "error": message, **extra}, status_code=status, headers=headers)
    response = _page(state, request, "error.html.j2", status=status, message=message)
    if headers:
        response.headers.update(headers)
    return response


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


def _check_csrf(state: State, request: Request, form: dict[str, str]) -> bool:
    """The token matches this browser's session cookie, and the request does not come from another
    origin (a page on another port of the same host can plant cookies, but not forge Origin)."""
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    return same_origin(request.headers, state.config.origins) and \
        csrf_ok(state.secret, request.cookies.get(SESSION_COOKIE), sent)


_DIGITS = re.compile(r"[0-9]{1,19}")


def _int(text: str | None, low: int = 0, high: int = MAX_SEED) -> int | None:
    """A decimal number written with ASCII digits only (``²`` or ``①`` are digits to
    ``str.isdigit`` but not to ``int``), within [low, high]; None otherwise."""
    if text is None or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


# ---------------------------------------------------------------- practice
def _practice_entries(state: State, topic: str, difficulty: str | None):
    from quizgen.practice.session import parse_difficulty, select_entries

    cache_key = (topic, difficulty)
    if cache_key not in state.entries_cache:
        level = parse_difficulty(difficulty)
        state.entries_cache[cache_key] = select_entries(state.bank.topic(topic), level, topic)
    return state.entries_cache[cache_key]


def prederive(bank: Any, progress: Callable[[int, int], None] | None = None,
              warm: Callable[[str], Any] | None = None) -> int:
    """Derive every question of the bank once (:func:`quizgen.generation.variant.compiled`, the library's own
    cache), so no practice request pays for SymPy; ``warm(qid)`` then builds one variant's page
    (its formulas' printed forms and MathML shapes are cached for the next variants). Returns the
    number of questions."""
    from quizgen.generation.variant import compiled

    entries = [e for topic in bank.topics for e in bank.topic(topic)]
    for i, entry in enumerate(entries, 1):
        compiled(entry.question)
        if warm is not None:
            warm(entry.id)
        if progress:
            progress(i, len(entries))
    return len(entries)


def _practice_variant(state: State, qid: str, seed: int):
    """(entry, variant, key) of a practice question; the last :data:`PRACTICE_CACHE` are kept
    (the preview asks for the same variant at each keystroke)."""
    if state.practice_cache is None:
        from quizgen.generation.key import question_key
        from quizgen.generation.variant import make_variant

        def build(qid: str, seed: int):
            entry = state.bank.find(qid)
            variant = make_variant(entry.question, seed, "practice")
            return entry, variant, question_key(variant, 1, state.config.decimal_comma)

        state.practice_cache = functools.lru_cache(maxsize=PRACTICE_CACHE)(build)
    return state.practice_cache(qid, seed)


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


def _practice_page_parts(state: State, qid: str, seed: int = 0) -> dict[str, Any]:
    """What a practice page shows of a variant (built at start for each question, to warm caches)."""
    _, variant, key = _practice_variant(state, qid, seed)
    return _variant_view(variant, key)


def _practice_page(state: State, request: Request, topic: str, difficulty: str | None, qid: str, seed: int,
                   answer: str = "", outcome: dict | None = None, status: int = 200) -> Response:
    entry, variant, key = _practice_variant(state, qid, seed)
    base = {"topic": topic, "difficulty": difficulty or ""}
    return _page(state, request, "practice.html.j2", status=status, q=_variant_view(variant, key), qid=qid,
                 seed=seed, topic=topic, difficulty=difficulty or "", answer=answer, outcome=outcome,
                 subtopic=entry.group,
                 new_variant="/practice?" + urlencode({**base, "qid": qid, "v": secrets.randbelow(10**9)}),
                 next_question="/practice?" + urlencode(base), max_answer=MAX_ANSWER)


def _verdict_message(verdict: Any) -> str:
    """The verdict's message as HTML. A message about an answer that was not read quotes the
    student's text with a caret under a column: shown as plain text, character for character
    (Markdown would turn ``*`` into italics and ``$...$`` into math, and move the caret)."""
    from markupsafe import escape

    if verdict.status in ("rejected", "empty"):
        return f'<pre class="unread">{escape(verdict.message)}</pre>'
    return "".join(_html(part) for part in verdict.message.split("\n"))  # a derivation: a line each


async def practice_answer(request: Request) -> Response:
    from quizgen.grading.item import grade_item
    from quizgen.grading.reading import read_answer
    from quizgen.practice.session import fmt_points, verdict_label

    state: State = request.app.state.q
    form = await _form(request)
    if form is None:
        return _error(state, request, 400, "The submission is malformed; reload the page and try again.")
    if not _check_csrf(state, request, form):
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

    def judge():
        _, variant, key = _practice_variant(state, qid, seed)
        return variant, read_answer(key, answer), grade_item(key, answer)

    variant, reading, verdict = await run_in_threadpool(judge)
    outcome = {"status": verdict.status, "label": verdict_label(verdict), "message": _verdict_message(verdict),
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


async def _read_reply(state: State, request: Request) -> tuple[dict[str, str] | None, Response | None]:
    form = await _form(request)
    if form is None:
        return None, JSONResponse({"ok": False, "error": "malformed request"}, status_code=400)
    if not _check_csrf(state, request, form):
        return None, JSONResponse({"ok": False, "error": "missing or wrong CSRF token; reload the page"}, status_code=403)
    answer = form.get("answer", "")
    if len(answer) > MAX_ANSWER:
        return None, JSONResponse({"ok": False, "error": f"The answer is too long (limit {MAX_ANSWER} characters)."},
                                  status_code=400)
    return form, None


async def api_read(request: Request) -> Response:
    """How an answer to a practice question is read (the live preview): {ok, reading}."""
    from quizgen.grading.reading import read_answer

    state: State = request.app.state.q
    form, refused = await _read_reply(state, request)
    if refused is not None:
        return refused
    seed, qid = _int(form.get("v")), form.get("qid", "")
    if state.exam is not None or seed is None or qid not in state.bank_ids:
        return JSONResponse({"ok": False, "error": "no such question"}, status_code=404)
    reading = await run_in_threadpool(lambda: read_answer(_practice_variant(state, qid, seed)[2], form.get("answer", "")))
    return JSONResponse({"ok": True, "reading": reading.to_dict()})


# ---------------------------------------------------------------- exam
def _exam_question(state: State, token: str, number: str | None):
    """(version, key entry, number) for a token and question number, or None."""
    exam = state.exam
    if exam is None:
        return None
    version = exam.by_token.get(token)
    n = _int(number, 1, 10_000)
    if version is None or n is None or n > len(version["questions"]):
        return None
    return version, exam.entries[version["student"]][n - 1], n


async def exam_read(request: Request) -> Response:
    """How an answer to one exam question is read (the live preview), with the exam's key."""
    from quizgen.grading.reading import read_answer

    state: State = request.app.state.q
    form, refused = await _read_reply(state, request)
    if refused is not None:
        return refused
    found = _exam_question(state, request.path_params["token"], form.get("q"))
    if found is None:
        return JSONResponse({"ok": False, "error": "no such exam question"}, status_code=404)
    reading = await run_in_threadpool(read_answer, found[1], form.get("answer", ""))
    return JSONResponse({"ok": True, "reading": reading.to_dict()})


def _store_down(state: State, request: Request, err: Exception) -> Response:
    state.store_down(f"{err}; students are told their answers are not being saved")
    return _error(state, request, 503, "The server cannot save answers right now (its answer store reports a "
                                       "problem); this answer is NOT saved. Keep this page open: it tries again "
                                       f"every {STORE_RETRY_SECONDS} s. Tell the person running the exam.",
                  retry_after=STORE_RETRY_SECONDS)


async def exam_page(request: Request) -> Response:
    from quizgen.web.store import StoreUnavailable

    state: State = request.app.state.q
    exam = state.exam
    token = request.path_params["token"]
    version = exam.by_token.get(token) if exam else None
    if version is None:
        return _error(state, request, 404, "There is no exam at this link. Check the link your teacher gave you.")
    try:
        remaining, saved = await run_in_threadpool(lambda: (exam.store.start(version["student"]),
                                                            exam.store.answers(version["student"])))
    except StoreUnavailable as err:
        return _store_down(state, request, err)
    return _exam_page(state, request, exam, version, token, remaining, saved)


def _exam_page(state: State, request: Request, exam: ExamState, version: dict, token: str,
               remaining: float | None, saved: dict[int, tuple[str, int]]) -> Response:
    student = version["student"]
    questions = []
    for n, (html, entry) in enumerate(zip(exam.pages[student], exam.entries[student]), 1):
        answer, rev = saved.get(n, ("", 0))
        kind = entry.get("type")
        questions.append({"n": n, "html": html, "answer": answer, "rev": rev,
                          "multiline": kind in ("manual", "derivation"), "preview": kind != "manual"})
    message = {"saved": "Saved."}.get(request.query_params.get("m", ""), None)
    return _page(state, request, "exam.html.j2", title=exam.title, student=student, token=token,
                 questions=questions, remaining=None if remaining is None else max(0, int(remaining)),
                 message=message, max_answer=MAX_ANSWER)


async def exam_save(request: Request) -> Response:
    from quizgen.web.store import StaleRevision, StoreUnavailable, TimeUp

    state: State = request.app.state.q
    exam = state.exam
    token = request.path_params["token"]
    if exam is None or token not in exam.by_token:
        return _error(state, request, 404, "There is no exam at this link.")
    form = await _form(request)
    if form is None:
        return _error(state, request, 400, "The submission is malformed; nothing was changed. Reload the page.")
    if not _check_csrf(state, request, form):
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
    version, entry, n = found
    try:
        new_rev = await run_in_threadpool(exam.store.save, version["student"], n, entry["id"], answer, rev)
    except TimeUp:
        return _error(state, request, 403, "Time is up: the answer was not saved. Your earlier saved answers are kept.",
                      time_up=True)
    except StaleRevision as err:
        return _error(state, request, 409, f"This answer was changed from another tab or window (this page had "
                                           f"revision {rev}, the saved answer is at revision {err.current}): what "
                                           "you typed here was not saved, and the saved answer is unchanged.",
                      rev=err.current, saved=err.answer)
    except StoreUnavailable as err:
        return _store_down(state, request, err)
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
def load_exam(key_path: Path, db: str | Path, bank, env: jinja2.Environment | None = None,
              time_limit: float | None = None, grace: float | None = None, *, writable_check: bool = True) -> ExamState:
    """The exam of ``key_path`` with its store; with ``env``, every student's questions rendered
    as HTML once (the page of a request only adds the saved answers)."""
    from quizgen.generation.key import expand_key
    from quizgen.generation.variant import make_variant
    from quizgen.grading.keyfile import load_key  # validates the key like `quizgen grade` does
    from quizgen.kernel.seeds import root_seed
    from quizgen.web.store import open_store
    from quizgen.web.tokens import tokens_for

    load_key(key_path)
    try:
        # a class of more than 50 has a compact key: a sheet's entries then only name their variant
        # (id, number, variant), and the page needs each entry's type and answer (help, preview)
        key = expand_key(json.loads(Path(key_path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as err:
        raise QuizgenError(f"{key_path}: cannot read the key: {err}") from None
    root = root_seed(int(key["seed"]), key.get("secret") or None)
    entries = {v["student"]: v["questions"] for v in key["versions"]}
    store = open_store(db, key.get("exam_id") or str(key["seed"]),
                       None if time_limit is None else time_limit * 60, grace, writable_check=writable_check)
    tokens = tokens_for(key)
    exam = ExamState(key, {tokens[v["student"]]: v for v in key["versions"]}, entries, store,
                     f"Exam: {key.get('topic', '')}")
    if env is None:
        return exam
    item = env.get_template("exam_item.html.j2")
    rendered: dict[tuple[str, int], Markup] = {}  # students sharing a variant share its HTML
    for version in key["versions"]:
        student, page = version["student"], []
        for n, (kq, entry) in enumerate(zip(version["questions"], entries[version["student"]]), 1):
            variant = make_variant(bank.find(kq["id"]).question, root, student)
            if variant.seed != kq.get("variant_seed"):
                raise QuizgenError(f"{key_path}: {student} / {kq['id']}: the key does not match this "
                                   "bank (was it made with another quizgen version or --bank?)")
            cache_key = (kq["id"], variant.seed, n)
            if cache_key not in rendered:
                rendered[cache_key] = Markup(item.render(n=n, q=_variant_view(variant, entry)))
            page.append(rendered[cache_key])
        exam.pages[student] = page
    return exam


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(shipped("templates") / "serve")),
                              autoescape=True, undefined=jinja2.StrictUndefined, auto_reload=False)


def _warm(state: State) -> None:
    """Before the first request (and before workers are forked): compile every template and import
    what the request handlers import, so no student's request pays for it."""
    import quizgen.grading.item  # noqa: F401
    import quizgen.practice.session  # noqa: F401
    import quizgen.grading.reading  # noqa: F401
    import quizgen.web.store  # noqa: F401

    for name in state.env.list_templates(extensions=["j2"]):
        state.env.get_template(name)
    if state.exam is not None:  # the parser and the readers of each answer type
        from quizgen.grading.reading import read_answer

        seen = set()
        for entries in state.exam.entries.values():
            for entry in entries:
                if entry.get("type") not in seen:
                    seen.add(entry.get("type"))
                    read_answer(entry, "1/2")


@contextlib.asynccontextmanager
async def _lifespan(app: Any):
    """In each worker as it starts: open its own connection to the store (not at a student's request)."""
    state: State = app.state.q
    if state.exam is not None:
        try:
            await run_in_threadpool(state.exam.store.answers, "")
        except QuizgenError as err:
            state.store_down(str(err))
    yield


def create_app(config: Config, progress: Callable[[int, int], None] | None = None) -> Any:
    from quizgen.generation.bank import load_bank

    bank = load_bank(config.bank_dirs)
    env = _environment()
    state = State(config, bank, env)
    state.bank_ids = frozenset(e.id for topic in bank.topics for e in bank.topic(topic))
    if config.exam_key is not None:
        db = config.db or Path(config.exam_key).with_name("answers.sqlite")
        state.exam = load_exam(Path(config.exam_key), db, bank, env, config.time_limit, config.grace_seconds)
        state.secret = state.exam.store.secret()
    else:
        state.secret = secrets.token_bytes(32)
        if config.prederive:
            prederive(bank, progress, warm=lambda qid: _practice_page_parts(state, qid))
    _warm(state)
    routes = [
        Route("/", index),
        Route("/practice", practice),
        Route("/practice/answer", practice_answer, methods=["POST"]),
        Route("/api/read", api_read, methods=["POST"]),
        Route("/exam/{token}", exam_page),
        Route("/exam/{token}/save", exam_save, methods=["POST"]),
        Route("/exam/{token}/read", exam_read, methods=["POST"]),
        Route("/healthz", health),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/static/app.js", _static("app.js", "text/javascript")),
        Route("/static/app.css", _static("app.css", "text/css")),
    ]
    app = Starlette(routes=routes, lifespan=_lifespan)
    app.state.q = state
    known = (lambda token: token in state.exam.by_token) if state.exam is not None else (lambda token: False)
    wrapped = SecurityHeaders(RateLimit(BodyLimit(app, config.max_body, config.body_timeout), config.rate, config.burst,
                                        known=known))
    wrapped.state = state  # for tests and the CLI
    return wrapped
