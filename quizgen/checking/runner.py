"""Check a bank: every question over many seeds, the way ``quizgen check`` reports it.

For each question and each seed ``0 .. N-1`` (the variant of student ``check`` in an exam with
that seed):

- the variant builds, and its key agrees with the question's independent ``check()``
  (:mod:`quizgen.generation.verify`, the same verifier ``make`` uses; nothing is verified twice);
- the sheet and solutions render in Markdown and LaTeX, and the key as JSON;
- the key's own answer, typed as a student would (and followed by its unit, if it declares one,
  which the statement must name), grades correct, and every listed wrong answer
  grades as exactly that misconception (so it is wrong, different from the key and from the other
  wrong answers, and gets the feedback it claims);
- choice options (and reasons) are distinct, and over all seeds the correct option is not always
  in the same position (nor a step order always the same);
- no NaN or infinity in the key or the rendered text;
- the seeds give different variants, and a question with fewer distinct parameter sets than the
  class size is reported (a warning, not a failure).
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from quizgen.checking import content
from quizgen.generation.bank import Entry
from quizgen.generation.question import Steps
from quizgen.kernel.errors import QuizgenError

#: Student id used for every checked variant (seed i = the exam seed i).
STUDENT = "check"
#: How a statement names each unit a numeric answer may declare (the statement must say it).
_UNIT_WORDS = {"nats": ("nats",), "bits": ("bits",), "%": ("%", "percent")}
_NOT_FINITE = re.compile(r"\b(nan|NaN|inf|zoo)\b|\\tilde\{\\infty\}")


@dataclass(frozen=True)
class Failure:
    question: str
    seed: int | None  # None: a failure of the question over all seeds (e.g. options never move)
    message: str

    def line(self) -> str:
        where = f"seed {self.seed}" if self.seed is not None else "all seeds"
        return f"{self.question} {where}: {self.message}"


@dataclass
class QuestionReport:
    id: str
    seeds: int = 0
    distinct: int = 0
    supply: int = 0
    slowest_ms: float = 0.0
    slowest_seed: int | None = None
    derive_ms: float = 0.0
    answers: int = 0  # distinct correct answers over the first class_size seeds
    class_size: int = 0
    failures: list[Failure] = field(default_factory=list)


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text if isinstance(err, QuizgenError) else f"{type(err).__name__}: {text}"


#: The class over which answer diversity is counted (``quizgen check --class-size``).
CLASS_SIZE = 40


def check_question(entry: Entry, seeds: int, class_size: int = CLASS_SIZE) -> QuestionReport:
    """Everything above for one question over ``seeds`` seeds; an error inside the check itself is
    reported as a failure of the question, so one question cannot stop the others."""
    try:
        return _check_question(entry, seeds, class_size)
    except Exception as err:  # noqa: BLE001
        rep = QuestionReport(entry.id, seeds=seeds)
        rep.failures.append(Failure(entry.id, None, f"the check itself failed: {_one_line(err)}"))
        return rep


def _check_question(entry: Entry, seeds: int, class_size: int) -> QuestionReport:
    from quizgen.checking.leftovers import template_syntax
    from quizgen.export import render_exam
    from quizgen.generation.exam import TYPED_KINDS, variant_supply
    from quizgen.generation.key import answer_text, wrong_credit, wrong_text
    from quizgen.generation.variant import _constant, compiled, make_variant
    from quizgen.grading.item import compile_question

    q = entry.question
    rep = QuestionReport(q.id)
    rep.supply = variant_supply(q)
    start = time.perf_counter()
    try:
        compiled(q)
    except Exception as err:  # noqa: BLE001 - a broken question is a failure to report, not a crash
        rep.failures.append(Failure(q.id, None, _one_line(err)))
        return rep
    rep.derive_ms = (time.perf_counter() - start) * 1000
    # a listed mistake that is the same constant in every variant is the belief that the answer is that
    # constant ("a density is at most 1"): a student typing it did make that mistake
    beliefs = {w.name for w in compiled(q).derivation.wrong if _constant(w.expr)}
    statements: set[tuple] = set()
    positions: set[tuple] = set()
    graded: dict[str, list[str]] = {}  # key entry fingerprint -> problems found (each distinct entry graded once)
    truths: set[bool] = set()
    answers: list[str] = []  # each seed's correct answer, as students would compare them
    built = []
    for seed in range(seeds):
        rep.seeds += 1
        t0 = time.perf_counter()
        try:
            v = make_variant(q, seed, STUDENT)
        except Exception as err:  # noqa: BLE001
            rep.failures.append(Failure(q.id, seed, _one_line(err)))
            continue
        elapsed = (time.perf_counter() - t0) * 1000
        if elapsed > rep.slowest_ms:
            rep.slowest_ms, rep.slowest_seed = elapsed, seed
        statements.add((v.statement, tuple(sorted(v.params.items()))))
        built.append((seed, v))
    # one exam holds every seed's variant (a version per seed), rendered once; a failure is then
    # narrowed down to its seeds by rendering them one by one
    for seed, files in _render(entry, built, render_exam):
        if isinstance(files, str):
            rep.failures.append(Failure(q.id, seed, f"does not render: {files}"))
            continue
        problems: list[str] = []
        for name, text in files.items():
            m = _NOT_FINITE.search(text) if isinstance(text, str) else None
            if m:
                problems.append(f"{name} shows '{m.group(0)}' (not a finite number)")
            for left in template_syntax(text) if isinstance(text, str) else ():
                problems.append(f"{name} shows template syntax '{left}' (a text was not filled in)")
        v = dict(built)[seed]
        entry_key = json.loads(files["key.json"])
        problems += _words(q, v, files, entry_key)
        answers.append(content.answer_fingerprint(entry_key))
        if entry_key["type"] == "truefalse":
            truths.add(bool(entry_key["answer"]["value"]))
        if v.options:
            texts = [o.text for o in v.options]
            if len(set(texts)) != len(texts):
                problems.append("two options read the same")
            correct = entry_key["answer"].get("correct") or entry_key["answer"].get("reason", {}).get("correct")
            positions.add(tuple(correct) if isinstance(correct, list) else (correct,))
        unit = entry_key["answer"].get("unit") if entry_key["type"] == "numeric" else None
        if unit and not any(word in v.statement for word in _UNIT_WORDS[unit]):
            problems.append(f"the answer's unit is {unit} but the statement does not say so")
        fingerprint = json.dumps([entry_key["type"], entry_key["answer"], entry_key["known_wrong"]], sort_keys=True)
        if fingerprint not in graded:
            graded[fingerprint] = _grade_key(entry_key, compile_question, answer_text, wrong_text, wrong_credit,
                                             beliefs)
        problems += graded[fingerprint]
        rep.failures += [Failure(q.id, seed, p) for p in problems]
    rep.distinct = len(statements)
    rep.class_size = min(class_size, len(answers))
    rep.answers = len(set(answers[:class_size]))
    if q.kind in TYPED_KINDS and rep.class_size >= 2 and rep.answers < content.diversity_floor(rep.class_size):
        rep.failures.append(Failure(q.id, None, f"only {rep.answers} distinct correct answers over a class of "
                                                f"{rep.class_size} (seeds 0-{rep.class_size - 1}): at least "
                                                f"{content.diversity_floor(rep.class_size)} are needed"))
    if len(truths) == 1 and rep.seeds >= 8:
        rep.failures.append(Failure(q.id, None, f"the statement is {str(next(iter(truths))).lower()} for every seed: "
                                                "the true/false half of the credit is free"))
    same_by_design = isinstance(q.answer, Steps) and not q.params  # a derivation with no numbers
    if rep.seeds >= 2 and rep.distinct == 1 and not same_by_design \
            and not any(f.seed is not None for f in rep.failures):
        rep.failures.append(Failure(q.id, None, f"all {rep.seeds} seeds give the same variant"))
    if len(positions) == 1 and rep.seeds >= 8:
        (only,) = positions
        rep.failures.append(Failure(q.id, None, f"the correct answer is at {', '.join(only)} for every seed"))
    return rep


def _words(q, v, files: dict, entry_key: dict) -> list[str]:
    """The checks of :mod:`quizgen.checking.content` on one seed's texts and key entry."""
    problems = []
    scale = content.answer_scale(entry_key)
    texts = {name: text for name, text in files.items() if name != "key.json"}
    texts["key.json"] = "\n".join(content.json_strings(entry_key))
    for name, text in texts.items():
        for number in content.noise_numbers(text, scale):
            problems.append(f"{name} prints {number} where the value is 0 (rounding noise)")
        if name.endswith(".md") or name == "key.json":
            problems += [f"{name}: {p}" for p in content.grammar(text)]
    problems += content.key_noise(entry_key)
    problems += content.step_starts([s.text for s in v.steps])
    problems += content.premise_problems(q, v)
    return problems


def _render(entry: Entry, built, render_exam):
    """(seed, {"sheet.md", "solutions.md", "sheet.tex", "solutions.tex", "key.json": text} or the error) per seed."""
    from quizgen.generation.exam import Exam, Version
    from quizgen.generation.key import build_key

    if not built:
        return []

    def exam_of(pairs):
        return Exam(topic=entry.topic, seed=0, title=f"check {entry.id}", question_ids=(entry.id,),
                    versions=tuple(Version(f"seed{seed}", (v,)) for seed, v in pairs))

    try:
        files = render_exam(exam_of(built), ["md", "tex"])
        key = build_key(exam_of(built), compact=False)  # one full entry per seed, whatever the count
    except Exception:  # noqa: BLE001 - find the seeds that fail
        out = []
        for seed, v in built:
            try:
                one = render_exam(exam_of([(seed, v)]), ["md", "tex", "json"])
            except Exception as err:  # noqa: BLE001
                out.append((seed, _one_line(err)))
                continue
            entry_key = json.loads(one.pop("key.json"))["versions"][0]["questions"][0]
            out.append((seed, {**one, "key.json": json.dumps(entry_key, allow_nan=False)}))
        return out
    out = []
    single = len(built) == 1
    for i, (seed, v) in enumerate(built):
        suffix = "" if single else f"-seed{seed}"
        per = {kind: files[f"{kind.split('.')[0]}{suffix}.{kind.split('.')[1]}"]
               for kind in ("sheet.md", "solutions.md", "sheet.tex", "solutions.tex")}
        try:
            per["key.json"] = json.dumps(key["versions"][i]["questions"][0], allow_nan=False)
        except ValueError as err:
            out.append((seed, f"key.json: {err}"))
            continue
        out.append((seed, per))
    return out


def _grade_key(entry: dict, compile_question, answer_text, wrong_text, wrong_credit,
               beliefs: set[str] = frozenset()) -> list[str]:
    """The key's own answer grades correct; each known wrong answer is named as itself with its credit."""
    problems = []
    try:
        grader = compile_question(entry)
    except Exception as err:  # noqa: BLE001
        return [f"the key entry does not load: {_one_line(err)}"]
    own = answer_text(entry)
    if own is None:  # manual: never scored
        verdict = grader.grade("an answer")
        if verdict.status != "manual":
            problems.append(f"an interview answer was scored ({verdict.status}) instead of listed for a person")
        return problems
    verdict = grader.grade(own)
    messages = [verdict.message]
    if verdict.status != "correct":
        problems.append(f"the key's own answer {own!r} grades {verdict.status}: {verdict.message}")
    unit = entry["answer"].get("unit") if entry["type"] == "numeric" else None
    if unit:  # the number followed by its unit is right too
        verdict = grader.grade(f"{own} {unit}")
        if verdict.status != "correct":
            problems.append(f"the key's own answer with its unit '{own} {unit}' grades {verdict.status}: "
                            f"{verdict.message}")
    for w in entry.get("known_wrong", []):
        text = wrong_text(entry, w)
        if text is None:  # a derivation's mistake found by what the step does: the corpus tests it
            continue
        verdict = grader.grade(text)
        if verdict.status == "correct":
            problems.append(f"wrong answer '{w['name']}' ({text}) grades correct: it is not wrong")
        elif verdict.misconception != w["name"]:
            other = f"as '{verdict.misconception}'" if verdict.misconception else "as no known mistake"
            problems.append(f"wrong answer '{w['name']}' ({text}) is recognised {other}: "
                            "it coincides with another answer or is not recognised")
        elif not math.isclose(verdict.credit, wrong_credit(entry, w), abs_tol=1e-12):
            problems.append(f"wrong answer '{w['name']}' earns {verdict.credit:g}, not its credit {wrong_credit(entry, w):g}")
        messages.append(verdict.message)
    problems += content.trivial_problems(entry, grader.grade, beliefs)
    if entry["type"] == "order":
        problems += content.order_credit_problems(entry, grader.grade)
    for probe in content.partial_probes(entry):  # the grader's own sentences for a half-right answer
        messages.append(grader.grade(probe).message)
    from quizgen.checking.leftovers import template_syntax

    for text in messages:
        problems += [f"grader feedback: {p}" for p in content.grammar(text)]
        problems += [f"grader feedback shows template syntax '{left}'" for left in template_syntax(text)]
    return problems


def check_bank(entries: Sequence[Entry], seeds: int, jobs: int = 1,
               progress: Callable[[QuestionReport], None] = lambda r: None,
               class_size: int = CLASS_SIZE) -> list[QuestionReport]:
    """A report per question, in bank order (``jobs`` worker processes when more than 1)."""
    if jobs <= 1 or len(entries) < 2:
        reports = []
        for e in entries:
            reports.append(check_question(e, seeds, class_size))
            progress(reports[-1])
        return reports

    from quizgen.kernel.workers import pool

    with pool(jobs) as executor:  # Ctrl-C and kill -9 as in grade and make
        futures = [executor.submit(_check_by_path, str(e.path), e.topic, e.subtopic, seeds, class_size) for e in entries]
        reports = []
        for f in futures:
            reports.append(f.result())
            progress(reports[-1])
    return reports


def _check_by_path(path: str, topic: str, subtopic: str, seeds: int, class_size: int) -> QuestionReport:
    """Worker: load one question file and check it (question objects hold functions: pass paths)."""
    from pathlib import Path

    from quizgen.generation.bank import load_question

    q = load_question(Path(path), topic)
    return check_question(Entry(q, Path(path), subtopic), seeds, class_size)


def table(reports: Sequence[QuestionReport]) -> str:
    """The table ``quizgen check`` prints (``answers``: distinct correct answers over the first class-size seeds)."""
    width = max([len("question")] + [len(r.id) for r in reports])
    lines = [f"{'question':<{width}}  seeds  distinct  answers  failures  derive ms  slowest variant",
             f"{'-' * width}  -----  --------  -------  --------  ---------  ---------------"]
    for r in reports:
        slowest = f"{r.slowest_ms:.1f} ms (seed {r.slowest_seed})" if r.slowest_seed is not None else "-"
        answers = f"{r.answers}/{r.class_size}" if r.class_size else "-"
        lines.append(f"{r.id:<{width}}  {r.seeds:>5}  {r.distinct:>8}  {answers:>7}  {len(r.failures):>8}  "
                     f"{r.derive_ms:>9.0f}  {slowest}")
    return "\n".join(lines)


def supply_lines(reports: Sequence[QuestionReport], class_size: int) -> list[str]:
    return [f"{r.id} has at most {r.supply} distinct variant(s), fewer than a class of {class_size}"
            for r in reports if r.supply < class_size]
