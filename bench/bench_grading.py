"""Benchmark the grading core on a simulated class (run: python bench/bench_grading.py).

Grades 10,000 symbolic answers to 10 questions from this subject on ONE core (correct rewritings
in plain and LaTeX notation, known wrong answers, other wrong answers and junk, drawn with the
repetition real classes show), and measures, in the same run, the naive baseline
``sympy.simplify(sympify(a) - sympify(b)) == 0`` on 200 pairs. Prints answers/second (with the
per-question verdict cache, as the batch grader uses it, and without any cache), the speed-up
over the baseline, and the number of wrong verdicts on the labelled answers (must be 0).
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quizgen.grading import compile_question  # noqa: E402

N_ANSWERS = 10_000
N_BASELINE = 200

G = {"y": "real", "y_hat": "real", "sigma": "positive"}
Z = {"z": "real"}
B = {"y": "unit_interval", "y_hat": "unit_interval", "x": "real"}
PQ = {"p": "unit_interval", "q": "unit_interval"}
KG = {"mu1": "real", "mu2": "real", "s1": "positive", "s2": "positive"}
LR = {"w": "real", "b": "real", "x": "real", "y": "real"}
L3 = {"x1": "real", "x2": "real", "x3": "real", "mu": "real", "sigma": "positive"}

# (expression, symbols, known_wrong {name: expression}, correct answers, other wrong answers)
QUESTIONS = [
    ("(y - y_hat)**2/(2*sigma**2) + log(sigma) + log(2*pi)/2", G,
     {"lost_half": "(y - y_hat)**2/sigma**2 + log(sigma) + log(2*pi)/2",
      "loglik_sign": "-(y - y_hat)**2/(2*sigma**2) - log(sigma) - log(2*pi)/2"},
     ["1/2 log(2 pi sigma^2) + (y-yhat)^2/(2 sigma^2)", "(y-ŷ)²/(2σ²) + ln σ + ln(2π)/2",
      "\\frac{(y-\\hat{y})^2}{2\\sigma^2}+\\ln\\sigma+\\frac12\\log(2\\pi)",
      "(yhat-y)^2/(2sigma^2)+log(sqrt(2pi)sigma)", "0.5*log(2*pi) + log(sigma) + 0.5*(y - y_hat)**2/sigma**2"],
     ["(y-y_hat)^2/(2sigma^2) + log(sigma)", "(y-y_hat)^2/2 + log(sigma) + log(2pi)/2",
      "(y-y_hat)^2/(2sigma^2) + log(sigma^2) + log(2pi)/2"]),
    ("exp(-z)/(1 + exp(-z))**2", Z, {"no_square": "exp(-z)/(1 + exp(-z))"},
     ["σ(z)(1−σ(z))", "\\sigma(z)\\left(1-\\sigma(z)\\right)", "sigmoid(z)*(1-sigmoid(z))",
      "e^z/(1+e^z)^2", "\\frac{e^{-z}}{(1+e^{-z})^2}"],
     ["σ(z)(1+σ(z))", "σ(z)", "-σ(z)(1−σ(z))"]),
    ("log(1 + exp(z))", Z, {"wrong_sign": "log(1 + exp(-z))"},
     ["z + log(1 + exp(-z))", "softplus(z)", "-log(sigmoid(-z))", "\\ln(1+e^{z})", "z - log(σ(z))"],
     ["z + log(1 + exp(z))", "exp(z)", "log(exp(z))"]),
    ("(y_hat - y)*x", B, {"sign": "(y - y_hat)*x", "mse_form": "(y_hat - y)*y_hat*(1 - y_hat)*x"},
     ["(ŷ−y)x", "-(y-\\hat{y})\\cdot x", "x*(y_hat - y)", "x yhat - x y"],
     ["(y_hat - y)", "2(ŷ−y)x", "(ŷ+y)x"]),
    ("(y_hat - y)*y_hat*(1 - y_hat)*x", B, {"dropped_derivative": "(y_hat - y)*x"},
     ["(ŷ−y)ŷ(1−ŷ)x", "x (y_hat^2 - y_hat^3 - y y_hat + y y_hat^2)",
      "(\\hat y - y)\\hat y(1-\\hat y)x"],
     ["2(ŷ−y)ŷ(1−ŷ)x", "(ŷ−y)ŷ(1+ŷ)x", "ŷ(1−ŷ)x"]),
    ("p*log(p/q) + (1 - p)*log((1 - p)/(1 - q))", PQ,
     {"reversed_kl": "q*log(q/p) + (1 - q)*log((1 - q)/(1 - p))",
      "bits": "p*log(p/q)/log(2) + (1 - p)*log((1 - p)/(1 - q))/log(2)"},
     ["p log(p/q) + (1-p) log((1-p)/(1-q))", "p\\ln\\frac{p}{q}+(1-p)\\ln\\frac{1-p}{1-q}",
      "p log p - p log q + (1-p) log(1-p) - (1-p) log(1-q)"],
     ["p log(p/q)", "p log(q/p) + (1-p) log((1-q)/(1-p))"]),
    ("log(s2/s1) + (s1**2 + (mu1 - mu2)**2)/(2*s2**2) - 1/2", KG,
     {"reversed_kl": "log(s1/s2) + (s2**2 + (mu1 - mu2)**2)/(2*s1**2) - 1/2"},
     ["ln(s2/s1) + (s1^2 + (mu1-mu2)^2)/(2 s2^2) - 1/2",
      "\\log s_2 - \\log s_1 + \\frac{s_1^2+(\\mu_1-\\mu_2)^2}{2s_2^2} - \\frac12",
      "1/2 (log(s2^2/s1^2) + s1^2/s2^2 + (mu1-mu2)^2/s2^2 - 1)"],
     ["ln(s2/s1) + (s1^2 + (mu1-mu2)^2)/(2 s2^2)", "ln(s2/s1) + (s1^2 + (mu1-mu2)^2)/(s2^2) - 1/2"]),
    ("-p*log(p) - (1 - p)*log(1 - p)", {"p": "unit_interval"},
     {"bits": "-p*log(p)/log(2) - (1 - p)*log(1 - p)/log(2)"},
     ["-p ln p - (1-p) ln(1-p)", "-(p log(p) + (1 - p) log(1 - p))",
      "-p\\ln p-(1-p)\\ln(1-p)"],
     ["p log p + (1-p) log(1-p)", "-p log p"]),
    ("2*x*(w*x + b - y)", LR, {"sign": "2*x*(y - w*x - b)", "lost_two": "x*(w*x + b - y)"},
     ["2x(wx+b-y)", "-2x(y - wx - b)", "2 w x^2 + 2 b x - 2 x y", "2x\\left(wx+b-y\\right)"],
     ["2(wx+b-y)", "2x(wx-y)"]),
    ("-3*log(sigma) - 3*log(2*pi)/2 - ((x1 - mu)**2 + (x2 - mu)**2 + (x3 - mu)**2)/(2*sigma**2)",
     L3, {"one_term": "-log(sigma) - log(2*pi)/2 - ((x1 - mu)**2 + (x2 - mu)**2 + (x3 - mu)**2)/(2*sigma**2)"},
     ["-(3/2) log(2 pi sigma^2) - ((x1-mu)^2+(x2-mu)^2+(x3-mu)^2)/(2 sigma^2)",
      "-3 log σ - 3/2 log(2π) - ((x_1-μ)^2 + (x_2-μ)^2 + (x_3-μ)^2)/(2σ^2)"],
     ["-3 log σ - 3/2 log(2π) - ((x1-μ)^2 + (x2-μ)^2 + (x3-μ)^2)/σ^2"]),
]

JUNK = [("", "empty"), ("idk", "rejected"), ("((y", "rejected"), ("y = 3", "rejected"),
        ("9**9**9**9", "rejected"), ("\\input{/etc/passwd}", "rejected"),
        ("__import__('os')", "rejected"), ("w*v", "rejected")]


def build_class(rng: random.Random) -> list[tuple[int, str, object]]:
    """(question index, answer text, label): label is "correct", "incorrect", "empty",
    "rejected" or ("known", name)."""
    pools = []
    for expression, _, known, right, wrong in QUESTIONS:
        pool: list[tuple[str, object, float]] = [(a, "correct", 6.0) for a in right]
        pool += [(e, ("known", name), 3.0) for name, e in known.items()]
        pool += [(a, "incorrect", 2.0) for a in wrong]
        pool += [(a, label, 0.5) for a, label in JUNK]
        pools.append(pool)
    answers = []
    for _ in range(N_ANSWERS):
        q = rng.randrange(len(QUESTIONS))
        text, label, _w = rng.choices(pools[q], weights=[w for *_, w in pools[q]])[0]
        if rng.random() < 0.3 and "\\" not in text:  # students vary spacing
            text = text.replace(" ", "") if rng.random() < 0.5 else re.sub(r"(?<!\*)\*(?!\*)", " * ", text)
        answers.append((q, text, label))
    return answers


def make_graders() -> list:
    graders = []
    for expression, symbols, known, _, _ in QUESTIONS:
        graders.append(compile_question({
            "type": "symbolic", "points": 1.0,
            "answer": {"expression": expression, "symbols": symbols},
            "known_wrong": [{"name": n, "expression": e, "feedback": n, "credit": 0.0}
                            for n, e in known.items()]}))
    return graders


def is_wrong(verdict, label) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(label, tuple):
        return verdict.misconception != label[1]
    if label == "incorrect":
        return verdict.status != "incorrect" or verdict.misconception is not None
    return verdict.status != label


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    rng = random.Random(2024)
    answers = build_class(rng)
    distinct = len({(q, t) for q, t, _ in answers})

    graders = make_graders()
    start = time.perf_counter()
    verdicts = [graders[q].grade(text) for q, text, _ in answers]
    cached_time = time.perf_counter() - start
    wrong = [(QUESTIONS[q][0], t, label, v.status, v.misconception)
             for (q, t, label), v in zip(answers, verdicts) if is_wrong(v, label)]

    graders = make_graders()
    start = time.perf_counter()
    for q, text, _ in answers:
        graders[q]._cache.clear()  # no cache at all: every answer parsed and evaluated
        graders[q].grade(text)
    uncached_time = time.perf_counter() - start

    import sympy

    # The baseline gets each answer already in SymPy syntax (our canonical text), so it is
    # timed on sympify + simplify only; pairs with functions SymPy lacks are left out.
    from quizgen.maths.nodes import to_text
    from quizgen.maths.parse import parse_answer

    plain = []
    for q, t, label in answers:
        if label not in ("correct", "incorrect"):
            continue
        text = to_text(parse_answer(t, QUESTIONS[q][1]))
        if not any(f in text for f in ("sigmoid", "softplus", "abs", "log2", "log10")):
            plain.append((QUESTIONS[q][0], text, label == "correct"))
    sample = random.Random(7).sample(plain, min(N_BASELINE, len(plain)))
    baseline_wrong = 0
    start = time.perf_counter()
    for expected, answer, right in sample:
        same = sympy.simplify(sympy.sympify(expected) - sympy.sympify(answer)) == 0
        baseline_wrong += same != right
    baseline_time = time.perf_counter() - start

    rate_cached = len(answers) / cached_time
    rate_uncached = len(answers) / uncached_time
    rate_baseline = len(sample) / baseline_time
    print(f"simulated class: {len(answers)} symbolic answers to {len(QUESTIONS)} questions "
          f"({distinct} distinct texts), one core")
    print(f"grading core, with verdict cache : {rate_cached:10.0f} answers/s "
          f"({cached_time * 1e3 / len(answers):.3f} ms/answer)")
    print(f"grading core, no cache at all    : {rate_uncached:10.0f} answers/s "
          f"({uncached_time * 1e3 / len(answers):.3f} ms/answer)")
    print(f"baseline simplify(sympify(a)-sympify(b))==0 on {len(sample)} pairs: "
          f"{rate_baseline:8.1f} answers/s ({baseline_time * 1e3 / len(sample):.1f} ms/pair)")
    print(f"baseline wrong verdicts (no assumptions) on those pairs: {baseline_wrong}")
    print(f"speed-up vs baseline: {rate_cached / rate_baseline:.0f}x with cache, "
          f"{rate_uncached / rate_baseline:.0f}x without")
    methods: dict[str, int] = {}
    for v in verdicts:
        methods[v.method] = methods.get(v.method, 0) + 1
    print("verdict methods:", ", ".join(f"{k}={n}" for k, n in sorted(methods.items())))
    print(f"wrong verdicts on the labelled answers: {len(wrong)}")
    for item in wrong[:10]:
        print("  WRONG:", item)
    decimals()


def decimals() -> None:
    """The sheet's rule for decimals in place of exact constants (quizgen/grading/rounded.py) costs
    only answers that hold decimals and are not equal as typed: timed on such answers, no cache,
    next to exact answers to the same question in the same run."""
    expected, symbols, known, exact, _ = QUESTIONS[0]
    grader = compile_question({"type": "symbolic", "points": 1, "answer": {"expression": expected, "symbols": symbols},
                               "known_wrong": [{"name": k, "expression": e, "feedback": k, "credit": 0.0}
                                               for k, e in known.items()]})
    grader.grade("(y-y_hat)^2/(2sigma^2) + log(sigma) + 0.9189")  # once: SymPy names the key's constants
    rng = random.Random(11)
    texts = []
    for i in range(300):
        kind = i % 3
        if kind == 0:  # right, a constant to 4 or 5 figures
            texts.append(f"(y-y_hat)^2/(2sigma^2) + log(sigma) + {0.91894 + rng.uniform(-4e-5, 4e-5):.{rng.choice((4, 5))}f}")
        elif kind == 1:  # too few figures
            texts.append(f"{0.5 + rng.uniform(-4e-3, 4e-3):.2f}*(y-y_hat)^2/sigma^2 + log(sigma) + 0.919")
        else:  # wrong, with decimals
            texts.append(f"{rng.uniform(0.1, 2):.4f}*(y-y_hat)^2/sigma^2 + log(sigma) + {rng.uniform(0.1, 2):.4f}")
    plain = [exact[i % len(exact)] + " " * (i // len(exact)) for i in range(300)]  # distinct texts, no decimals
    timings = {}
    for name, batch in (("with decimals", texts), ("exact", plain)):
        start = time.perf_counter()
        for text in batch:
            grader._cache.clear()
            grader.grade(text)
        timings[name] = (time.perf_counter() - start) / len(batch)
    print(f"answers with decimals (the sheet's rule), no cache: {1 / timings['with decimals']:8.0f} answers/s "
          f"({timings['with decimals'] * 1e3:.2f} ms/answer); exact answers to the same question: "
          f"{1 / timings['exact']:8.0f} answers/s ({timings['exact'] * 1e3:.2f} ms/answer)")


if __name__ == "__main__":
    main()
