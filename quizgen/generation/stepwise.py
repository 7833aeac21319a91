"""Derivation questions (:class:`~quizgen.generation.question.Steps`): the key entry, the model derivation
with each step's kind, and the checks that stop ``make`` on an author's mistake.

The key is the question's declarations, its objective, the required final form, the model lines
and the misconceptions, all as text the grader reads with its own parser. Three checks before a
key is used: (1) every model step is a valid step and the last one has the final form, as the
grader itself classifies them; (2) no misconception's wrong line is a valid step from the
objective (a right line would be named a mistake); (3) ``check()`` computes the objective and the
final form in NumPy, independently of the key's text: both must equal the key's expressions at
sampled data and parameters, and (by a plain pairwise comparison, not the grader's classifier)
order every pair of parameter points alike, or, for relation "equal", agree.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from quizgen.kernel.errors import QuestionError
from quizgen.generation.question import DETECTORS, Detect, Line, Question, Steps

GOALS = ("min", "max")


@dataclass(frozen=True)
class ModelStep:
    """One model line as the solutions show it."""

    expression: str
    goal: str
    kind: str  # equal | same_minimiser | monotone
    transform: str | None
    why: str
    latex: str


@dataclass(frozen=True)
class Built:
    """Everything a variant of a derivation question needs (the same for every variant)."""

    answer: dict[str, Any]
    known_wrong: tuple[tuple[str, str, float, dict[str, Any]], ...]  # name, feedback, credit, target
    model: tuple[ModelStep, ...]
    start_latex: str
    final_latex: str


def declared(spec: Steps) -> dict[str, dict[str, Any]]:
    """The key's ``answer.symbols``: name -> {"domain", "over", "param"}."""
    out = {}
    for name, d in spec.symbols.items():
        entry: dict[str, Any] = {"domain": d.domain}
        if d.over:
            entry["over"] = list(d.over)
        if d.param:
            entry["param"] = True
        out[name] = entry
    return out


@dataclass(frozen=True)
class Texts:
    """A derivation question's texts with one variant's parameter values filled in."""

    start: Line
    final: Line
    model: tuple[Line, ...]
    wrong: tuple[Any, ...]  # Wrong entries, their lines filled in
    define: tuple[tuple[str, str], ...]
    params: tuple[tuple[str, float], ...]


def texts(q: Question, model: Any, wrong: tuple[Any, ...], fill: Any,
          pvals: Mapping[str, float]) -> Texts:
    """The question's lines with ``fill`` (a Jinja render of one text) applied to each."""
    import dataclasses

    spec: Steps = q.answer  # type: ignore[assignment]
    if not isinstance(model, (tuple, list)) or not all(isinstance(m, Line) for m in model) or not model:
        raise QuestionError(f"{q.id}: a Steps question's derive() must return answer= the model "
                            "derivation (a tuple of Lines)")

    def line(x: Line) -> Line:
        return dataclasses.replace(x, expression=fill(x.expression))

    def filled(w: Any) -> Any:
        if isinstance(w.expr, Detect):
            term = fill(w.expr.term) if w.expr.term is not None else None
            return dataclasses.replace(w, expr=Detect(w.expr.kind, term), feedback=fill(w.feedback))
        forms = tuple(w.expr) if isinstance(w.expr, (tuple, list)) else (w.expr,)
        if not all(isinstance(f, Line) for f in forms):
            raise QuestionError(f"{q.id}: misconception '{w.name}' must give its wrong lines (Lines) "
                                "or a Detect")
        return dataclasses.replace(w, expr=tuple(line(f) for f in forms), feedback=fill(w.feedback))

    return Texts(line(spec.start), line(spec.final), tuple(line(m) for m in model),
                 tuple(filled(w) for w in wrong),
                 tuple((k, fill(v)) for k, v in spec.define.items()), tuple(sorted(pvals.items())))


@functools.lru_cache(maxsize=1024)
def build(q: Question, t: Texts) -> Built:
    """Check and build a derivation question's key for one variant's texts (cached)."""
    model, wrong = t.model, t.wrong
    from quizgen.maths.display import to_latex
    from quizgen.maths.indexed import check_indices, declarations
    from quizgen.maths.parse import ParseError, parse
    from quizgen.maths.steps import VALID, relate, seeded

    spec: Steps = q.answer  # type: ignore[assignment]
    if spec.relation not in ("equal", "same_minimiser", "monotone"):
        raise QuestionError(f"{q.id}: Steps.relation must be equal, same_minimiser or monotone")
    if spec.moves not in ("optimisation", "equality"):
        raise QuestionError(f"{q.id}: Steps.moves must be optimisation or equality")
    try:
        decl = declarations(declared(spec), sizes=spec.sizes, free=spec.free, define=dict(t.define))
    except (ValueError, ParseError) as err:
        raise QuestionError(f"{q.id}: {getattr(err, 'reason', None) or err}") from None
    ctx = decl.context()

    def read(line: Line, where: str, goal: str | None) -> tuple[Any, str]:
        if not isinstance(line, Line):
            raise QuestionError(f"{q.id}: {where} must be a Line")
        g = line.goal or goal
        if g not in GOALS:
            raise QuestionError(f"{q.id}: {where} needs a goal (min or max)")
        try:
            node = parse(line.expression, ctx).node
            check_indices(node, decl, line.expression)
        except ParseError as err:
            raise QuestionError(f"{q.id}: {where} {line.expression!r}: {err.reason}") from None
        return node, g

    start, start_goal = read(t.start, "start", None)
    final, final_goal = read(t.final, "final", None)
    space = seeded(decl, q.id, "model")
    steps, previous, goal = [], start, start_goal
    for k, line in enumerate(model):
        node, g = read(line, f"model line {k + 1}", goal)
        r = relate(space, previous, node, g != goal)
        if r.kind not in VALID or (spec.moves == "equality" and r.kind != "equal"):
            raise QuestionError(f"{q.id}: model line {k + 1} ({line.expression!r}) is not a valid "
                                f"step: {r.kind}, {r.reason}")
        steps.append(ModelStep(line.expression, g, r.kind, r.transform, line.why,
                               _goal_latex(g, decl, spec.moves) + to_latex(node)))
        previous, goal = node, g
    last = relate(space, final, previous, goal != final_goal)
    wanted = {"equal": ("equal",), "same_minimiser": ("equal", "same_minimiser")}.get(spec.relation, VALID)
    if last.kind not in wanted or (spec.relation != "monotone" and goal != final_goal):
        raise QuestionError(f"{q.id}: the last model line does not have the final form "
                            f"({spec.relation} to {t.final.expression!r}, {final_goal}): {last.kind}")
    known = []
    for w in wrong:
        target: dict[str, Any]
        if isinstance(w.expr, Detect):
            if w.expr.kind not in DETECTORS:
                raise QuestionError(f"{q.id}: misconception '{w.name}': detect one of {', '.join(DETECTORS)}")
            target = {"detect": w.expr.kind}
            if w.expr.term is not None:
                read(Line(w.expr.term, "min"), f"misconception '{w.name}' term", None)
                target["term"] = {"expression": w.expr.term}
        else:
            target = {"forms": []}
            for f in w.expr:
                node, g = read(f, f"misconception '{w.name}'", start_goal)
                r = relate(space, start, node, g != start_goal)
                if r.kind == "equal" or (spec.moves == "optimisation" and r.valid):
                    raise QuestionError(f"{q.id}: misconception '{w.name}': the line {f.expression!r} is a "
                                        "valid step from the objective, so it cannot name a mistake")
                target["forms"].append({"expression": f.expression, "goal": g})
        known.append((w.name, w.feedback, float(w.credit), target))
    verify(q, dict(t.params), decl, start, start_goal, final, final_goal, spec.relation)
    answer = {
        "symbols": declared(spec),
        "sizes": {k: list(v) for k, v in spec.sizes.items()},
        "start": {"expression": t.start.expression, "goal": start_goal},
        "final": {"expression": t.final.expression, "goal": final_goal, "relation": spec.relation,
                  "description": spec.final_description},
        "model": [{"expression": s.expression, "goal": s.goal, "kind": s.kind} for s in steps],
        "credit": {"prefix": spec.prefix_credit, "min_lines": spec.min_lines,
                   "strict_connectors": spec.strict_connectors},
        "lines": spec.answer_lines,
    }
    if spec.moves != "optimisation":
        answer["moves"] = spec.moves
    if t.define:
        answer["define"] = dict(t.define)
    if spec.free:
        answer["free"] = dict(spec.free)
    return Built(answer, tuple(known), tuple(steps),
                 _goal_latex(start_goal, decl, spec.moves) + to_latex(start),
                 _goal_latex(final_goal, decl, spec.moves) + to_latex(final))


def _goal_latex(goal: str, decl: Any, moves: str = "optimisation") -> str:
    """``\\min_{\\hat{y}}`` before an objective; nothing before a line of an equality derivation."""
    from quizgen.maths.display import _sym_latex

    if moves == "equality":
        return ""
    params = ", ".join(_sym_latex(p) for p in decl.params)
    return f"\\{goal}_{{{params}}}\\ " if params else f"\\{goal}\\ "


# ---------------------------------------------------------------- the independent check
N_DATA, N_PARAM = 8, 12


def verify(q: Question, pvals: Mapping[str, float], decl: Any, start: Any, start_goal: str,
           final: Any, final_goal: str, relation: str) -> None:
    """check() against the key (see the module docstring); raises QuestionError naming the
    question and the point."""
    from quizgen.maths.evaluate import evaluate
    from quizgen.maths.indexed import expand, sample, worlds
    from quizgen.kernel.seeds import digest

    rng = np.random.default_rng(digest("verify", q.id, *sorted(pvals.items())) % 2**63)
    n = N_DATA * N_PARAM
    sign = 1 if start_goal == final_goal else -1
    for world in worlds(decl):
        env = sample(decl, world, rng, N_DATA, N_PARAM)
        arrays = _arrays(decl, world, env)
        try:
            with np.errstate(all="ignore"):
                got = q.check(dict(pvals), arrays)
        except Exception as err:
            raise QuestionError(f"{q.id}: check() failed: {type(err).__name__}: {err}") from None
        if not isinstance(got, Mapping) or not {"start", "final"} <= set(got):
            raise QuestionError(f"{q.id}: check() of a Steps question must return {{'start': …, 'final': …}}")
        ours = {}
        for name, node in (("start", start), ("final", final)):
            with np.errstate(all="ignore"):
                values, _ = evaluate(expand(node, decl, world), env, n)
            ref = np.broadcast_to(np.asarray(got[name], dtype=float), (n,))
            ok = np.isfinite(values) & np.isfinite(ref)
            if ok.sum() < n // 2:
                raise QuestionError(f"{q.id}: the key's {name} and check() have too few finite values "
                                    f"({world.describe()})")
            bad = ok & ~np.isclose(values.real, ref, rtol=1e-6, atol=1e-9)
            if bad.any():
                i = int(np.argmax(bad))
                raise QuestionError(f"{q.id}: the key's {name} is {values[i].real!r} but check() gives "
                                    f"{ref[i]!r} at {_point(env, i)} ({world.describe()})")
            ours[name] = np.where(ok, ref, np.nan).reshape(N_DATA, N_PARAM)
        s, f = ours["start"], ours["final"]
        if relation == "equal":
            continue  # already: both equal check()'s, which computes them independently
        for d in range(N_DATA):
            keep = np.isfinite(s[d]) & np.isfinite(f[d])
            ds = s[d][keep][:, None] - s[d][keep][None, :]
            df = f[d][keep][:, None] - f[d][keep][None, :]
            clear = (np.abs(ds) > 1e-9 * np.abs(s[d][keep]).max()) & (np.abs(df) > 1e-9 * np.abs(f[d][keep]).max())
            if (np.sign(ds) != sign * np.sign(df))[clear].any():
                raise QuestionError(f"{q.id}: check() orders two parameter points differently by the "
                                    f"objective and by the final form ({world.describe()}): the final "
                                    "form does not have the objective's minimiser")


def _arrays(decl: Any, world: Any, env: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """check()'s view of a sample: each family as an array (n, sizes...), numbers (n,), sizes int."""
    from quizgen.maths.indexed import instance

    out: dict[str, Any] = {name: size for name, size in world.sizes}
    for name, s in decl.symbols.items():
        if name in decl.definitions:
            continue
        if not s.over:
            out[name] = env[name].real.copy()
            continue
        shape = tuple(world.size(size) for size in s.over)
        columns = [env[instance(name, idx)].real
                   for idx in itertools.product(*(range(1, k + 1) for k in shape))]
        out[name] = np.stack(columns, axis=1).reshape((-1,) + shape)
    out.update({letter: value for letter, value in world.free})
    return out


def _point(env: Mapping[str, np.ndarray], i: int) -> str:
    return "{" + ", ".join(f"{k}={float(v[i].real):.4g}" for k, v in sorted(env.items())) + "}"
