"""Logistic regression has no closed-form MLE, unlike least squares (true/false with the reason)."""

from quizgen.generation.authoring import labelled_inputs
from quizgen.generation.question import Claim, Derivation, Question, Step, TrueFalse, Wrong, pick

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
    i = sp.Idx("i")
    X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")
    shown = sp.Eq(sp.Sum((Y[i] - 1 / (1 + sp.exp(-sp.Symbol("w") * X[i]))) * X[i], (i, 1, M)), 0)
    least_squares = sum((xk * yk for xk, yk in zip(xs, ys)), sp.Integer(0)) / sum((xk**2 for xk in xs), sp.Integer(0))
    return Derivation(
        answer=Claim(
            truth=False,
            reason="The zero-gradient equation $\\sum_i (y_i - \\sigma(w x_i))\\,x_i = 0$ is nonlinear in $w$ and "
                   "has no closed-form solution; $w$ is found iteratively.",
            feedback="The claim is false. Least squares has a closed form because its gradient is linear in the "
                     "parameters; the logistic log-likelihood's gradient is not, and its maximiser here is not "
                     "the least-squares slope.",
        ),
        steps=(
            Step("The conditional log-likelihood is $\\sum_i [y_i\\log\\sigma(w x_i) + (1 - y_i)\\log(1 - \\sigma(w x_i))]$. "
                 "Using $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$, its derivative in $w$ simplifies to "
                 "$\\sum_i (y_i - \\sigma(w x_i)) x_i$, and the maximum is where it vanishes:", shown),
            Step("Each term is a different nonlinear function of $w$, and no algebra isolates $w$: the equation is "
                 "transcendental. (The log-likelihood is concave, so there is a single maximum when the classes "
                 "overlap, but it is found by iterating, e.g. Newton's method.)"),
            Step("The suggested formula $\\sum_i x_i y_i / \\sum_i x_i^2 = {{ values.ls }}$ is the least-squares "
                 "slope of the 0/1 labels. It solves the *linear* equation $\\sum_i (y_i - w x_i) x_i = 0$, not the "
                 "logistic one, so it is not the maximum-likelihood estimate."),
        ),
        wrong=(
            Wrong("true_same_as_least_squares",
                  "Minimising the squared error on the 0/1 labels gives the same weight as maximising the "
                  "Bernoulli likelihood.",
                  "Squared error on 0/1 labels is a different objective from the Bernoulli log-likelihood; their "
                  "stationarity equations differ ($y_i - w x_i$ against $y_i - \\sigma(w x_i)$), and so do their "
                  "solutions.", 0.0),
            Wrong("not_concave",
                  "The log-likelihood is not concave in $w$; with several local maxima no formula can pick one.",
                  "The logistic log-likelihood *is* concave in $w$ (its second derivative is "
                  "$-\\sum_i \\sigma(1-\\sigma)x_i^2 < 0$). The reason there is no closed form is that the "
                  "stationarity equation is nonlinear in $w$, not that there are several maxima.", 0.0),
            Wrong("true_normal_equations",
                  "The logit $z = w x$ is linear in $w$, so the normal equations apply.",
                  "The model is linear in $w$ inside the sigmoid, but the likelihood is not a quadratic in $w$; the "
                  "normal equations come from a quadratic loss and do not apply here.", 0.0),
        ),
        values={"ls": least_squares},
    )


def check(p, x):
    import numpy as np

    xs, ys = np.array(DATA.column(p, "x")), np.array(DATA.column(p, "y"))

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
    claim_holds = abs(w - least_squares) <= 1e-6 * max(1.0, abs(w))
    return claim_holds, None


def _overlapping(v):
    from fractions import Fraction

    # labels of both kinds on both sides of 0: the maximum-likelihood weight is finite
    xs, ys = DATA.column(v, "x"), DATA.column(v, "y")
    pos = [y for x, y in zip(xs, ys) if x > 0]
    neg = [y for x, y in zip(xs, ys) if x < 0]
    overlap = len(set(pos)) == 2 or len(set(neg)) == 2
    # and neither slope is 0: at w = 0 the least-squares slope and the logistic score (sum of (y - 1/2) x) could
    # both vanish, and then the formula would happen to give the maximum-likelihood weight
    return overlap and sum(x * y for x, y in zip(xs, ys)) != 0 and sum((y - Fraction(1, 2)) * x for x, y in zip(xs, ys)) != 0


QUESTION = Question(
    id="mle/logistic_no_closed_form",
    title="Does logistic regression have a closed form?",
    statement=(
        "A logistic regression without intercept, $P(y = 1 \\mid x) = \\sigma(w x)$, is fitted by maximum likelihood "
        "to the training set below.\n\n"
        "Statement: as for linear least squares, the maximum-likelihood weight has a closed form here, namely "
        "$\\hat w = \\sum_i x_i y_i / \\sum_i x_i^2$. Is the statement true or false, and why?"
    ),
    answer=TrueFalse(truth_credit=0.5),
    derive=derive,
    check=check,
    tables=(DATA,),
    constraint=_overlapping,
    tags=("logistic-regression", "closed-form", "likelihood", "optimisation", "data"),
    difficulty=2,
    points=2,
)
