"""Each seed derivation checked against an independent NumPy computation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from quizgen.generation import derivations as D

rng = np.random.default_rng(20261121)
y, y_hat, x, theta = sp.symbols("y y_hat x theta", real=True)
sigma = sp.Symbol("sigma", positive=True)
m = sp.Symbol("m", positive=True, integer=True)


def normal_logpdf(v, mean, sd):
    return np.log(np.exp(-((v - mean) ** 2) / (2 * sd**2)) / np.sqrt(2 * np.pi * sd**2))


def test_gaussian_nll_matches_log_density():
    f = sp.lambdify((y, y_hat, sigma), D.gaussian_nll(y, y_hat, sigma), "numpy")
    ys, yh, sd = rng.normal(size=50), rng.normal(size=50), rng.uniform(0.2, 3, 50)
    np.testing.assert_allclose(f(ys, yh, sd), -normal_logpdf(ys, yh, sd), rtol=1e-12)


def test_gaussian_nll_has_the_textbook_shape():
    nll = D.gaussian_nll(y, y_hat, sigma)
    expected = (y - y_hat) ** 2 / (2 * sigma**2) + sp.log(sigma) + sp.log(2 * sp.pi) / 2
    assert sp.simplify(sp.expand_log(nll - expected, force=True)) == 0


@pytest.mark.parametrize("n", [1, 3, 7])
def test_total_log_likelihood_equals_direct_sum(n):
    ll = D.gaussian_log_likelihood(sigma, m)
    data_y, data_yhat, sd = rng.normal(size=n), rng.normal(size=n), 1.7
    concrete = ll.total.subs(m, n).doit()
    concrete = concrete.subs({ll.y[k + 1]: data_y[k] for k in range(n)} | {ll.y_hat[k + 1]: data_yhat[k] for k in range(n)})
    value = float(concrete.subs(sigma, sd))
    assert value == pytest.approx(normal_logpdf(data_y, data_yhat, sd).sum(), rel=1e-12)


def test_total_log_likelihood_closed_form_terms():
    ll = D.gaussian_log_likelihood(sigma, m)
    S = sp.Symbol("S")
    closed = -m * sp.log(sigma) - m * sp.log(2 * sp.pi) / 2 - S / (2 * sigma**2)
    assert sp.simplify(sp.expand_log(ll.total.subs(ll.residual_sum, S) - closed, force=True)) == 0


def test_gradient_ratio_by_finite_differences():
    c = D.gaussian_gradient_ratio(sigma, m)
    n, sd = 6, 0.8
    xs, ys = rng.normal(size=n), rng.normal(size=n)

    def loglik(t):
        return normal_logpdf(ys, t * xs, sd).sum()

    def mse(t):
        return np.mean((t * xs - ys) ** 2)

    t0, h = 0.3, 1e-5
    g_ll = (loglik(t0 + h) - loglik(t0 - h)) / (2 * h)
    g_mse = (mse(t0 + h) - mse(t0 - h)) / (2 * h)
    assert float(c.subs({m: n, sigma: sd})) == pytest.approx(g_ll / g_mse, rel=1e-6)
    assert c.could_extract_minus_sign()  # a negative multiple: maximising L is minimising MSE


def test_variance_mle_maximises_the_numeric_likelihood():
    est, S = D.gaussian_variance_mle(m)
    residuals = rng.normal(scale=1.3, size=9)
    value = float(est.subs({S: float(np.sum(residuals**2)), m: 9}))
    grid = np.linspace(0.05, 6, 200001)
    ll = [-(9 / 2) * np.log(2 * np.pi * v) - np.sum(residuals**2) / (2 * v) for v in grid[::100]]
    coarse = grid[::100][int(np.argmax(ll))]
    assert value == pytest.approx(coarse, abs=0.01)
    assert value == pytest.approx(np.mean(residuals**2), rel=1e-12)


def test_cross_entropy_is_entropy_plus_kl():
    assert D.cross_entropy_decomposition(3) == 0
    p, q = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
    ps, qs = [sp.Float(v) for v in p], [sp.Float(v) for v in q]
    h_pq = float(D.cross_entropy(ps, qs))
    assert h_pq == pytest.approx(-(p * np.log(q)).sum(), rel=1e-10)
    assert float(D.entropy(ps) + D.kl_divergence(ps, qs)) == pytest.approx(h_pq, rel=1e-10)


def test_one_hot_cross_entropy_is_minus_log_of_true_class():
    q = [sp.Rational(1, 5), sp.Rational(1, 2), sp.Rational(3, 10)]
    p = [0, 1, 0]
    assert D.cross_entropy(p, q) == -sp.log(sp.Rational(1, 2))
    assert D.entropy(p) == 0  # so the cross-entropy equals the KL divergence here
    assert sp.simplify(D.kl_divergence(p, q) - D.cross_entropy(p, q)) == 0


def _fd_sigmoid_grad(loss, ys, xs, yh):
    th = np.log(yh / (1 - yh)) / xs
    h = 1e-6
    f = lambda t: loss(ys, 1 / (1 + np.exp(-t * xs)))  # noqa: E731
    return (f(th + h) - f(th - h)) / (2 * h)


def test_sigmoid_gradients_by_finite_differences():
    ys, xs, yh = rng.integers(0, 2, 40).astype(float), rng.uniform(0.3, 2, 40), rng.uniform(0.05, 0.95, 40)
    mse = sp.lambdify((y, y_hat, x), D.sigmoid_gradient(D.mse_loss, theta, x, y, y_hat), "numpy")
    bce = sp.lambdify((y, y_hat, x), D.sigmoid_gradient(D.bce_loss, theta, x, y, y_hat), "numpy")
    np.testing.assert_allclose(mse(ys, yh, xs), _fd_sigmoid_grad(lambda a, b: 0.5 * (a - b) ** 2, ys, xs, yh), rtol=1e-5, atol=1e-8)
    bce_np = lambda a, b: -(a * np.log(b) + (1 - a) * np.log(1 - b))  # noqa: E731
    np.testing.assert_allclose(bce(ys, yh, xs), _fd_sigmoid_grad(bce_np, ys, xs, yh), rtol=1e-5, atol=1e-8)


def test_mse_gradient_vanishes_when_confidently_wrong_but_bce_does_not():
    g_mse = D.sigmoid_gradient(D.mse_loss, theta, x, y, y_hat)
    g_bce = D.sigmoid_gradient(D.bce_loss, theta, x, y, y_hat)
    assert sp.limit(g_mse.subs({y: 1, x: 1}), y_hat, 0) == 0
    assert sp.limit(g_bce.subs({y: 1, x: 1}), y_hat, 0) == -1
    assert sp.simplify(g_mse / g_bce) == y_hat * (1 - y_hat)
