"""Logistic regression has no closed-form MLE, unlike least squares: is the weight above the least-squares
formula's? (true/false with the reason)."""

from quizgen.generation.authoring import labelled_inputs, truefalse_statement
from quizgen.generation.question import Claim, Derivation, Question, Step, TrueFalse, Wrong

M = 4
DATA = labelled_inputs("The training set:", rows=M)


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import sigmoid

    w = sp.Symbol("w", real=True)
    xs, ys = DATA.column(s, "x"), DATA.column(s, "y")
    # one example's log-likelihood and its derivative in w: (y - sigma(w x)) x
    xv, yv = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    term = yv * sp.log(sigmoid(w * xv)) + (1 - yv) * sp.log(1 - sigmoid(w * xv))
    assert sp.simplify(sp.diff(term, w) - (yv - sigmoid(w * xv)) * xv) == 0
    assert sp.simplify(sp.diff(term, w, 2) + sigmoid(w * xv) * (1 - sigmoid(w * xv)) * xv**2) == 0  # concave
    least_squares = sum((xk * yk for xk, yk in zip(xs, ys)), sp.Integer(0)) / sum((xk**2 for xk in xs), sp.Integer(0))
    assert sp.simplify(sum(((yk - least_squares * xk) * xk for xk, yk in zip(xs, ys)), sp.Integer(0))) == 0

    def score(at, link):  # the slope sum_i (y_i - link(at x_i)) x_i
        return sum(((yk - link(at * xk)) * xk for xk, yk in zip(xs, ys)), sp.Integer(0))

    slope = score(least_squares, sigmoid)
    i = sp.Idx("i")
    X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")
    shown = sp.Eq(sp.Symbol("\\ell'(w)"), sp.Sum((Y[i] - 1 / (1 + sp.exp(-sp.Symbol("w") * X[i]))) * X[i], (i, 1, M)))
    return Derivation(
        answer=Claim(
            truth=slope > 0,
            reason=slope,
            feedback="Decide it with the slope of the log-likelihood at the least-squares value: it is "
                     "${{ values.slope }}$ here, and the log-likelihood is concave, so its maximum lies on the side "
                     "that slope points to.",
        ),
        steps=(
            Step(r"""
                The conditional log-likelihood is
                $\ell(w) = \sum_i [y_i\log\sigma(w x_i) + (1 - y_i)\log(1 - \sigma(w x_i))]$. Using
                $\sigma'(z) = \sigma(z)(1 - \sigma(z))$, its slope is
            """, shown),
            Step(r"""
                Its second derivative, $-\sum_i \sigma(w x_i)(1 - \sigma(w x_i))\,x_i^2$, is negative, so
                $\ell$ is concave, and because both labels occur on one side of 0 its maximum $\hat w$ is
                finite. The equation $\ell'(w) = 0$ has no closed-form solution in general (here it mixes
                sigmoids of different multiples of $w$, because the $|x_i|$ differ), so $\hat w$ is found
                iteratively, e.g. by Newton's method. But comparing $\hat w$ with a given number only needs
                the sign of $\ell'$ there: $\ell'$ falls as $w$ grows, so $\hat w$ is larger than a point
                where $\ell'$ is positive and smaller than one where it is negative.
            """),
            Step(r"""
                The least-squares formula gives
                $w_{\mathrm{LS}} = \sum_i x_i y_i / \sum_i x_i^2 = {{ values.ls }}$; it solves the *linear*
                equation $\sum_i (y_i - w x_i)x_i = 0$, not the logistic one. At $w = w_{\mathrm{LS}}$ the
                logistic slope is
            """, slope),
            Step(r"""
                That is ${{ values.slope }}$, so $\hat w$ is {% if values.slope[0] != '-' %}larger than
                $w_{\mathrm{LS}}$ and the statement is true{% else %}smaller than $w_{\mathrm{LS}}$ and the
                statement is false{% endif %}.
            """),
        ),
        wrong=(
            Wrong("slope_at_zero", score(0, lambda z: sp.Rational(1, 2)), r"""
                That is the slope of the log-likelihood at $w = 0$, where every $\sigma(0) = 1/2$. Its sign
                says whether $\hat w$ is above 0, not whether it is above $w_{\mathrm{LS}}$: evaluate the
                slope at $w_{\mathrm{LS}}$.
            """, 0.0),
            Wrong("linear_residuals", score(least_squares, lambda z: z), r"""
                You used the least-squares residuals $y_i - w x_i$, whose weighted sum is 0 at
                $w_{\mathrm{LS}}$ by construction. The logistic slope has $y_i - \sigma(w x_i)$ instead.
            """, 0.0),
            Wrong("sign_flip", -slope, r"""
                The sign is reversed: the slope of the log-likelihood is $\sum_i (y_i - \sigma(w x_i))x_i$,
                labels minus predictions.
            """, 0.0),
            Wrong("same_as_least_squares",
                  "They are equal: minimising the squared error on the 0/1 labels gives the same weight as maximising "
                  "the Bernoulli likelihood, so $\\hat w = w_{\\mathrm{LS}}$.",
                  "Squared error on 0/1 labels is a different objective from the Bernoulli log-likelihood; their "
                  "stationarity equations differ ($y_i - w x_i$ against $y_i - \\sigma(w x_i)$), and so do their "
                  "solutions.", 0.0),
        ),
        values={"ls": least_squares, "slope": slope},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.authoring import table_arrays

    xs, ys = table_arrays(DATA, p, "x", "y")

    def log_lik(w):  # direct sum of log P(observed label)
        q = 1 / (1 + np.exp(-w * xs))
        return float(np.sum(np.where(ys == 1, np.log(q), np.log(1 - q))))

    # maximise by Newton's method on finite differences, then compare with the least-squares formula
    w, h = 0.0, 1e-4
    for _ in range(100):
        g = (log_lik(w + h) - log_lik(w - h)) / (2 * h)
        c = (log_lik(w + h) - 2 * log_lik(w) + log_lik(w - h)) / h**2
        step = g / c
        w -= step
        if abs(step) < 1e-12:
            break
    least_squares = float(xs @ ys / (xs @ xs))
    slope = (log_lik(least_squares + h) - log_lik(least_squares - h)) / (2 * h)
    return w > least_squares, slope


def _premise(v):
    """What the worked reasoning assumes: labels of both kinds on one side of 0 (so the maximum-likelihood
    weight is finite) and inputs of different sizes (with one size |x|, sigma(w x) takes only the values
    sigma(w|x|) and 1 - sigma(w|x|), and the equation would have a closed-form solution)."""
    xs, ys = DATA.column(v, "x"), DATA.column(v, "y")
    pos = {y for x, y in zip(xs, ys) if x > 0}
    neg = {y for x, y in zip(xs, ys) if x < 0}
    return (len(pos) == 2 or len(neg) == 2) and len({abs(x) for x in xs}) > 1


def _well_posed(v):
    """A finite maximum, and a logistic slope at the least-squares value clear of 0 (at least 0.05),
    so that its sign can be read off a hand computation."""
    import math

    xs, ys = [float(x) for x in DATA.column(v, "x")], [float(y) for y in DATA.column(v, "y")]
    ls = sum(x * y for x, y in zip(xs, ys)) / sum(x * x for x in xs)
    slope = sum((y - 1 / (1 + math.exp(-ls * x))) * x for x, y in zip(xs, ys))
    return _premise(v) and abs(slope) >= 0.05


QUESTION = Question(
    id="mle/logistic_no_closed_form",
    title="No closed form: the logistic weight against the least-squares formula",
    statement=truefalse_statement(
        "A logistic regression without intercept, $P(y = 1 \\mid x) = \\sigma(w x)$, is fitted by maximum "
        "likelihood to the training set below. Unlike linear least squares, whose best weight is "
        "$w_{\\mathrm{LS}} = \\sum_i x_i y_i / \\sum_i x_i^2 = {{ values.ls }}$ here, it has no closed-form solution.",
        "the maximum-likelihood weight $\\hat w$ is larger than $w_{\\mathrm{LS}}$"),
    answer=TrueFalse(truth_credit=0.5, reason_prefix="\\ell'(w_{\\mathrm{LS}}) = ", premise=_premise),
    tables=(DATA,),
    constraint=_well_posed,
    tags=("logistic-regression", "closed-form", "likelihood", "optimisation", "data"),
    difficulty=2,
    points=2,
)
