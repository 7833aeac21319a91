"""Squared error on a saturated sigmoid: pick the gradient's value among tempting look-alikes (choice)."""

from quizgen.question import Choice, Derivation, Question, Step, Wrong, grid, pick

SHOWN_DIGITS = 4  # options are numbers to this many significant figures


def derive(s):
    import numpy as np
    import sympy as sp

    from quizgen.derivations import bce_loss, mse_loss, sigmoid, sigmoid_gradient

    class Shown(sp.Function):
        """A number as the sheet prints it: rounded to SHOWN_DIGITS significant figures (exact SymPy until then)."""

        _imp_ = staticmethod(np.vectorize(lambda v: float(f"{v:.{SHOWN_DIGITS}g}")))

        @classmethod
        def eval(cls, a):
            if a.is_number:
                return sp.Float(f"{float(a):.{SHOWN_DIGITS}g}", SHOWN_DIGITS)
            return None

    # symbols for the general formula, distinct from the parameters (which the engine replaces with numbers)
    t = sp.Symbol("t", real=True)
    xs, ys = sp.Symbol("x", nonzero=True), sp.Symbol("y", nonnegative=True)
    yh = sp.Symbol("\\hat{y}", positive=True)
    general = sigmoid_gradient(mse_loss, t, xs, ys, yh)  # in y, y_hat, x
    general_bce = sigmoid_gradient(bce_loss, t, xs, ys, yh)
    z = s.theta * s.x
    out = sigmoid(z)
    at = {xs: s.x, ys: s.y, yh: out}
    grad = general.xreplace(at)
    bce = general_bce.xreplace(at)
    d_output = sp.diff(mse_loss(ys, yh), yh).xreplace(at)
    return Derivation(
        answer=Shown(grad),
        steps=(
            Step("The logit is $z = \\theta x = {{ values.z }}$, so the output is $\\hat{y} = \\sigma(z) = {{ values.y_hat }}$, "
                 "far from the label $y = {{ y }}$: the prediction is confidently wrong."),
            Step("By the chain rule through $\\hat{y} = \\sigma(\\theta x)$, the squared-error gradient is",
                 sp.Eq(sp.Symbol("\\partial L / \\partial \\theta"), general)),
            Step("At these values it is ${{ values.grad }}$. The factor $\\hat{y}(1 - \\hat{y}) = {{ values.slope }}$ "
                 "makes it tiny: the sigmoid is saturated, so gradient descent barely moves $\\theta$ although the "
                 "prediction is badly wrong."),
            Step("For comparison, the binary cross-entropy gradient $(\\hat{y} - y)x$ would be ${{ values.bce }}$ here, "
                 "because the sigmoid's derivative cancels in it."),
        ),
        wrong=(
            Wrong("cross_entropy_gradient", Shown(bce),
                  "That is the gradient of the binary cross-entropy, $(\\hat{y} - y)x$. The squared error keeps the "
                  "sigmoid's derivative $\\hat{y}(1-\\hat{y})$ as an extra factor.", 0.0),
            Wrong("sign_flip", Shown(-grad),
                  "The sign is reversed: $\\partial L/\\partial\\hat{y} = \\hat{y} - y$ for $L = \\tfrac12(y - \\hat{y})^2$, "
                  "not $y - \\hat{y}$.", 0.25),
            Wrong("gradient_in_output", Shown(d_output),
                  "That is $\\partial L/\\partial\\hat{y}$ only. The chain rule still has to multiply by "
                  "$\\partial\\hat{y}/\\partial\\theta = \\hat{y}(1-\\hat{y})x$.", 0.0),
            Wrong("dropped_half", Shown(2 * grad),
                  "The $\\tfrac12$ in $L = \\tfrac12(y - \\hat{y})^2$ cancels the 2 from differentiating the square; "
                  "this option is twice the gradient.", 0.25),
            Wrong("gradient_in_logit", Shown(grad / s.x),
                  "That is $\\partial L/\\partial z$, the gradient with respect to the logit. Since $z = \\theta x$, "
                  "the gradient with respect to $\\theta$ has an extra factor $x$.", 0.25),
        ),
        values={
            "z": z, "y_hat": out, "grad": grad, "bce": bce, "slope": out * (1 - out),
        },
    )


def check(p, x):
    import numpy as np

    y, theta, xv = p["y"], p["theta"], p["x"]

    def loss(t):
        return 0.5 * (y - 1 / (1 + np.exp(-t * xv))) ** 2

    h = 1e-3  # fourth-order central difference: error far below the rounding to SHOWN_DIGITS figures
    d = (-loss(theta + 2 * h) + 8 * loss(theta + h) - 8 * loss(theta - h) + loss(theta - 2 * h)) / (12 * h)
    return float(f"{d:.{SHOWN_DIGITS}g}")  # the option is printed to SHOWN_DIGITS figures


def _confidently_wrong(v):
    z = v["theta"] * v["x"]
    return -8 <= z <= -3 if v["y"] == 1 else 3 <= z <= 8


QUESTION = Question(
    id="mle/saturation_choice",
    title="A saturated sigmoid under squared error",
    statement=(
        "A binary classifier outputs $\\hat{y} = \\sigma(\\theta x)$ with the logistic sigmoid $\\sigma(z) = 1/(1 + e^{-z})$ "
        "and is trained with the squared error $L = \\tfrac12 (y - \\hat{y})^2$. For the sample $x = {{ x }}$ with label "
        "$y = {{ y }}$, the current parameter is $\\theta = {{ theta }}$.\n\n"
        "Which of these is $\\partial L / \\partial \\theta$ at these values? (Numbers are rounded to 4 significant figures.)"
    ),
    answer=Choice(),
    derive=derive,
    check=check,
    params=(
        pick("y", "0", "1"),
        grid("theta", "-4", "4", "0.5", exclude=("0",), latex="\\theta"),
        pick("x", "-2.5", "-2", "-1.5", "-0.5", "0.5", "1.5", "2", "2.5"),
    ),
    constraint=_confidently_wrong,
    tags=("sigmoid", "mse", "cross-entropy", "gradient", "saturation"),
    difficulty=2,
    points=2,
)
