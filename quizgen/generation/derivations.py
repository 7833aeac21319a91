"""The seed derivations, done by SymPy from first principles, for question files to build on.

Each function starts from a definition (a density, a divergence, a loss) and lets SymPy do the
algebra; the results and the intermediate steps are what questions show and grade. Nothing here is
a typed-in result: the tests check every function against NumPy (finite differences, direct sums).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


# ---------------------------------------------------------------- Gaussian likelihood -> MSE
def gaussian_pdf(y: sp.Expr, mean: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """The density of N(mean, sigma^2) at y."""
    return sp.exp(-(y - mean) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


def tidy_log(expr: sp.Expr) -> sp.Expr:
    """Split logs of products and powers (valid for the positive quantities used here) and gather terms."""
    return sp.expand_log(expr, force=True)


def gaussian_nll(y: sp.Expr, y_hat: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """Per-sample negative log-likelihood of y ~ N(y_hat, sigma^2), derived from the density."""
    return tidy_log(-sp.log(gaussian_pdf(y, y_hat, sigma)))


@dataclass(frozen=True)
class LogLikelihood:
    total: sp.Expr  # the log-likelihood of m samples, summation kept as a Sum
    residual_sum: sp.Expr  # sum_i (y_hat_i - y_i)^2 as a Sum
    mse: sp.Expr  # (1/m) sum_i (y_hat_i - y_i)^2
    index: sp.Idx
    y: sp.IndexedBase
    y_hat: sp.IndexedBase


def gaussian_log_likelihood(sigma: sp.Expr, m: sp.Expr) -> LogLikelihood:
    """Sum of per-sample log densities over i = 1..m, with terms not depending on i taken out."""
    i = sp.Idx("i")
    y, y_hat = sp.IndexedBase("y"), sp.IndexedBase("yhat")
    per_sample = sp.expand(tidy_log(sp.log(gaussian_pdf(y[i], y_hat[i], sigma))))
    constant = sum((t for t in sp.Add.make_args(per_sample) if not t.has(i)), sp.Integer(0))
    residual = sp.factor(per_sample - constant)  # -(y_i - yhat_i)^2 / (2 sigma^2)
    coeff = sp.simplify(residual / (y_hat[i] - y[i]) ** 2)  # -1/(2 sigma^2), free of i
    rss = sp.Sum((y_hat[i] - y[i]) ** 2, (i, 1, m))
    total = m * constant + coeff * rss
    return LogLikelihood(total, rss, rss / m, i, y, y_hat)


def gaussian_gradient_ratio(sigma: sp.Expr, m: sp.Expr) -> sp.Expr:
    """c with d/dθ log L = c · d/dθ MSE, for predictions y_hat_i = f(x_i; θ) of any model f.

    Both gradients are sums over i of a term times ∂f(x_i; θ)/∂θ; the ratio of the summands is
    free of i, so it is the ratio of the sums.
    """
    theta = sp.Symbol("theta", real=True)
    x, yv = sp.symbols("x_i y_i", real=True)
    f = sp.Function("f")(x, theta)
    ll_term = sp.log(gaussian_pdf(yv, f, sigma))
    mse_term = (f - yv) ** 2 / m
    ratio = sp.simplify(sp.diff(ll_term, theta) / sp.diff(mse_term, theta))
    assert not ratio.has(x, yv, theta), ratio  # the derivation's own claim: a constant
    return ratio


def gaussian_variance_mle(m: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(sigma^2 that maximises the log-likelihood, the residual-sum symbol it is written with)."""
    sigma = sp.Symbol("sigma", positive=True)
    rss = sp.Symbol("S", positive=True)  # sum of squared residuals
    ll = -m * sp.log(sigma) - m * sp.log(2 * sp.pi) / 2 - rss / (2 * sigma**2)
    (root,) = sp.solve(sp.diff(ll, sigma), sigma)
    return sp.simplify(root**2), rss


# ---------------------------------------------------------------- KL -> cross-entropy
def entropy(p: list[sp.Expr], log=sp.log) -> sp.Expr:
    """H(p) = -sum p log p, with 0 log 0 = 0."""
    return -sum((pk * log(pk) for pk in p if pk != 0), sp.Integer(0))


def cross_entropy(p: list[sp.Expr], q: list[sp.Expr], log=sp.log) -> sp.Expr:
    """H(p, q) = -sum p log q (terms with p = 0 contribute nothing)."""
    return -sum((pk * log(qk) for pk, qk in zip(p, q) if pk != 0), sp.Integer(0))


def kl_divergence(p: list[sp.Expr], q: list[sp.Expr], log=sp.log) -> sp.Expr:
    """D_KL(p || q) = sum p log(p/q)."""
    return sum((pk * log(pk / qk) for pk, qk in zip(p, q) if pk != 0), sp.Integer(0))


def bits(x: sp.Expr) -> sp.Expr:
    """log base 2."""
    return sp.log(x, 2)


def cross_entropy_decomposition(k: int = 3) -> sp.Expr:
    """H(p,q) - H(p) - D_KL(p||q) for k symbolic probabilities: SymPy shows it is 0."""
    p = sp.symbols(f"p1:{k + 1}", positive=True)
    q = sp.symbols(f"q1:{k + 1}", positive=True)
    return sp.simplify(tidy_log(cross_entropy(p, q) - entropy(p) - kl_divergence(p, q)))


# ---------------------------------------------------------------- sigmoid output: MSE vs BCE
def sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def in_terms_of_output(expr: sp.Expr, z: sp.Expr, y_hat: sp.Symbol) -> sp.Expr:
    """Rewrite an expression in exp(-z) through the output y_hat = sigmoid(z) (exp(-z) = (1-y_hat)/y_hat)."""
    return sp.factor(sp.simplify(expr.subs(sp.exp(-z), (1 - y_hat) / y_hat)))


def mse_loss(y: sp.Expr, y_hat: sp.Expr) -> sp.Expr:
    return (y - y_hat) ** 2 / 2


def bce_loss(y: sp.Expr, y_hat: sp.Expr) -> sp.Expr:
    return -(y * sp.log(y_hat) + (1 - y) * sp.log(1 - y_hat))


def sigmoid_gradient(loss, theta: sp.Symbol, x: sp.Symbol, y: sp.Symbol, y_hat: sp.Symbol) -> sp.Expr:
    """d loss(y, sigmoid(theta x)) / d theta, by the chain rule in SymPy, written with y_hat."""
    z = theta * x
    return in_terms_of_output(sp.diff(loss(y, sigmoid(z)), theta), z, y_hat)
