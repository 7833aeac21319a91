"""The review's findings in the shipped questions, each checked by NumPy written apart from the derivations.

Every misconception's number or expression is recomputed here from its own description (direct
sums, finite differences), so a feedback line that says what the mistake was is true for every
variant, and every choice key is the right answer, not only an answer distinct from the others.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from quizgen.generation.bank import load_bank
from quizgen.generation.variant import make_variant

BANK = load_bank()
SEEDS = range(60)


def _variants(qid: str, seeds=SEEDS):
    q = BANK.find(qid).question
    return q, [make_variant(q, seed, "student") for seed in seeds]


def _wrong(v, name):
    (w,) = [w for w in v.known_wrong if w.name == name]
    return w


def _expr(text: str, **symbols) -> sp.Expr:
    """A key expression (our own trusted output, never a student's) as SymPy, for a numeric comparison."""
    return sp.sympify(text, locals={n: sp.Symbol(n) for n in symbols})


def test_variance_mle_misconceptions_are_what_their_feedback_says():
    q, vs = _variants("mle/variance_mle")
    for v in vs:
        r = np.array([float(v.params[f"r{k}"]) for k in range(1, 5)])
        assert v.answer["value"] == pytest.approx(np.mean(r**2), rel=1e-12)
        assert _wrong(v, "divided_by_m_minus_1").value == pytest.approx(np.sum(r**2) / 3, rel=1e-12)
        assert _wrong(v, "centred_on_sample_mean").value == pytest.approx(np.var(r), rel=1e-12)
        assert _wrong(v, "sample_variance").value == pytest.approx(np.var(r, ddof=1), rel=1e-12)
        m1 = _wrong(v, "divided_by_m_minus_1").feedback
        # the mean is known here: the feedback must not call S/(m-1) "the unbiased variance"
        assert "already unbiased" in m1 and "known" in m1
        assert "unbiased sample variance" not in m1
    # S/m is unbiased when the mean is known: the average of r^2 over many draws is sigma^2
    rng = np.random.default_rng(0)
    draws = rng.normal(0.0, 1.5, size=(200_000, 4))
    assert np.mean(np.mean(draws**2, axis=1)) == pytest.approx(1.5**2, rel=0.01)
    assert np.mean(np.sum(draws**2, axis=1) / 3) == pytest.approx(1.5**2 * 4 / 3, rel=0.01)


def test_bernoulli_kl_extra_sigmoid_factor_is_the_squared_error_gradient_over_T():
    q, vs = _variants("mle/bernoulli_kl_gradient", range(20))
    for v in vs:
        T = float(v.params["T"])
        w = _wrong(v, "extra_sigmoid_factor")
        fn = sp.lambdify(sp.symbols("p q"), _expr(w.expression, p=1, q=1))
        for pd, qv in ((0.3, 0.6), (0.8, 0.1), (0.55, 0.9)):
            theta = T * np.log(qv / (1 - qv))
            h = 1e-5

            def sq(t):
                return 0.5 * (1 / (1 + np.exp(-t / T)) - pd) ** 2

            fd = (sq(theta + h) - sq(theta - h)) / (2 * h)
            assert fn(pd, qv) == pytest.approx(fd, rel=1e-6)
            assert fn(pd, qv) == pytest.approx((qv - pd) * qv * (1 - qv) / T, rel=1e-9)
        assert "q(1-q)/T" in w.feedback and "(q - p)/T" in w.feedback


def test_sigmoid_bce_weight_is_per_example():
    q, (v,) = _variants("mle/sigmoid_bce_gradient", [1])
    assert "class-weighted" not in q.statement
    assert "per-example" in v.statement


def test_gaussian_nll_step_names_the_term_not_its_position():
    q, vs = _variants("mle/gaussian_nll", range(5))
    for v in vs:
        text = " ".join(s.text for s in v.steps)
        assert "first term" not in text and "squared-residual term" in text


def _theta_gradient(f, q, h=1e-5):
    theta = np.log(q / (1 - q))
    at = lambda t: f(1 / (1 + np.exp(-t)))  # noqa: E731
    return (at(theta + h) - at(theta - h)) / (2 * h)


def test_kl_choice_keys_are_the_options_with_the_kl_gradient():
    """Finite differences in the logit for every option: the correct ones have gradient q - p, no other does."""
    q, vs = _variants("mle/kl_cross_entropy_choice", range(30))
    qs = np.linspace(0.05, 0.95, 19)
    for v in vs:
        pd = float(v.params["p"])
        target = _theta_gradient(lambda m: pd * np.log(pd / m) + (1 - pd) * np.log((1 - pd) / (1 - m)), qs)
        np.testing.assert_allclose(target, qs - pd, rtol=1e-6, atol=1e-8)
        for o in v.options:
            fn = sp.lambdify(sp.Symbol("q"), _expr(o.expression, q=1), "numpy")
            same = np.allclose(_theta_gradient(fn, qs), target, rtol=1e-5, atol=1e-7)
            assert same == (o.label in v.answer["correct"]), (v.params, o.name, o.expression)


def test_kl_choice_correct_options_share_their_shape_with_wrong_ones():
    q, vs = _variants("mle/kl_cross_entropy_choice", range(10))
    for v in vs:
        def shape(o):  # a weighted sum of log-ratios, or a weighted sum of logs
            return "ratio" if r"\log{\left(\frac" in o.text else "log"

        for o in v.options:
            if o.label in v.answer["correct"]:
                alike = [w for w in v.options if w.label not in v.answer["correct"] and shape(w) == shape(o)]
                assert len(alike) >= 2, (o.name, [w.name for w in alike])


def _saturation_parameter_sets():
    q = BANK.find("mle/saturation_choice").question
    values = {p.name: p.values for p in q.params}
    for combo in itertools.product(*values.values()):
        drawn = dict(zip(values, combo))
        if q.constraint({k: Fraction(x) for k, x in drawn.items()}):
            yield drawn


def test_saturation_options_are_apart_by_construction_over_every_parameter_set():
    """The misconceptions differ from the gradient and from each other by sign or a factor >= 1.5, everywhere."""
    sets = list(_saturation_parameter_sets())
    assert len(sets) > 50
    for d in sets:
        y, theta, x = float(d["y"]), float(d["theta"]), float(d["x"])
        out = 1 / (1 + np.exp(-theta * x))
        s = out * (1 - out)
        g = (out - y) * s * x
        values = [g, -g, 2 * g, g / x, g / s, g / (s * x)]
        for a, b in itertools.combinations(values, 2):
            assert np.sign(a) != np.sign(b) or max(abs(a), abs(b)) / min(abs(a), abs(b)) >= 1.5 - 1e-9, d


def test_saturation_key_is_the_finite_difference_gradient_as_printed():
    q, vs = _variants("mle/saturation_choice", range(40))
    for v in vs:
        y, theta, x = (float(v.params[k]) for k in ("y", "theta", "x"))

        def loss(t):
            return 0.5 * (y - 1 / (1 + np.exp(-t * x))) ** 2

        h = 1e-6
        fd = (loss(theta + h) - loss(theta - h)) / (2 * h)
        shown = {o.label: float(re.sub(r"[$\s]", "", o.text)) for o in v.options}
        (correct,) = v.answer["correct"]
        assert shown[correct] == pytest.approx(fd, rel=6e-4)  # 4 significant figures
        assert len(set(shown.values())) == len(shown)
        for label, value in shown.items():
            if label != correct:
                assert abs(value - fd) > 0.3 * abs(fd)
