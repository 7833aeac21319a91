"""Squared error on a saturated sigmoid: pick the gradient's value among tempting look-alikes (choice)."""

from quizgen.generation.question import Choice, Derivation, Figure, Question, Step, Wrong, grid, pick

# The options are kept apart by construction, not by rounding. Relative to the gradient g, the
# misconceptions are -g, 2g, g/x, g/s and g/(s x), where s = y_hat(1 - y_hat) <= 0.046 for a logit of
# size 3 or more and |x| >= 1.5. So every two options differ in sign or by a factor of at least 1.5,
# and 4 significant figures can never make two of them print alike (tests/test_figures_and_fixes.py
# checks this over every parameter set the question can draw).


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, mse_loss, sigmoid_gradient
    from quizgen.generation.derivations import sigmoid

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
        answer=grad,
        steps=(
            Step(r"""
                The logit is $z = \theta x = {{ values.z }}$, so the output is
                $\hat{y} = \sigma(z) = {{ values.y_hat }}$, far from the label $y = {{ y }}$: the prediction
                is confidently wrong.
            """),
            Step(r"""
                By the chain rule through $\hat{y} = \sigma(\theta x)$, the squared-error gradient is the
                error $\hat{y} - y$, times the sigmoid's slope $\hat{y}(1 - \hat{y})$, times
                $\partial z/\partial\theta = x$:
            """, sp.Eq(sp.Symbol("\\partial L / \\partial \\theta"), general)),
            Step(r"""
                At these values it is ${{ values.grad }}$. The sigmoid is flat this far from 0: its slope
                $\hat{y}(1 - \hat{y}) = {{ values.slope }}$ shrinks the gradient, so gradient descent barely
                moves $\theta$ although the prediction is badly wrong.
            """),
            Step(r"""
                For comparison, the binary cross-entropy gradient $(\hat{y} - y)x$ would be ${{ values.bce }}$
                here: the derivative of its logarithm divides by $\hat{y}(1 - \hat{y})$ and cancels the slope,
                so a confident mistake is corrected quickly.
            """),
        ),
        wrong=(
            Wrong("cross_entropy_gradient", bce, r"""
                That is the gradient of the binary cross-entropy, $(\hat{y} - y)x$, where the logarithm's
                derivative cancels the sigmoid's slope. The squared error has no logarithm, so it keeps the
                slope $\hat{y}(1-\hat{y})$ as an extra factor.
            """, 0.0),
            Wrong("sign_flip", -grad, r"""
                The sign is reversed: $\partial L/\partial\hat{y} = \hat{y} - y$ for
                $L = \tfrac12(y - \hat{y})^2$, because the loss grows as $\hat{y}$ moves away from $y$; it is
                not $y - \hat{y}$.
            """, 0.25),
            Wrong("gradient_in_output", d_output, r"""
                That is $\partial L/\partial\hat{y}$ only. $\theta$ acts on the loss through $\hat{y}$, so the
                chain rule still multiplies by $\partial\hat{y}/\partial\theta = \hat{y}(1-\hat{y})x$.
            """, 0.0),
            Wrong("dropped_half", 2 * grad, r"""
                The $\tfrac12$ in $L = \tfrac12(y - \hat{y})^2$ cancels the 2 from differentiating the square;
                this option is twice the gradient.
            """, 0.25),
            Wrong("gradient_in_logit", grad / s.x, r"""
                That is $\partial L/\partial z$, the gradient with respect to the logit. Since $z = \theta x$,
                the gradient with respect to $\theta$ has an extra factor $x$.
            """, 0.25),
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

    h = 1e-4  # fourth-order central difference: truncation error ~h^4, far below the 1e-6 tolerance
    return (-loss(theta + 2 * h) + 8 * loss(theta + h) - 8 * loss(theta - h) + loss(theta - 2 * h)) / (12 * h)


def _confidently_wrong(v):
    z = v["theta"] * v["x"]
    return -8 <= z <= -3 if v["y"] == 1 else 3 <= z <= 8


QUESTION = Question(
    id="mle/saturation_choice",
    title="A saturated sigmoid under squared error",
    statement=r"""
        A binary classifier outputs $\hat{y} = \sigma(\theta x)$ with the logistic sigmoid
        $\sigma(z) = 1/(1 + e^{-z})$ and is trained with the squared error
        $L = \tfrac12 (y - \hat{y})^2$. For the sample $x = {{ x }}$ with label $y = {{ y }}$, the
        current parameter is $\theta = {{ theta }}$.

        Which of these is $\partial L / \partial \theta$ at these values? (Numbers are rounded to 4
        significant figures.)
    """,
    answer=Choice(),
    params=(
        pick("y", "0", "1"),
        grid("theta", "-4", "4", "0.5", exclude=("0",), latex="\\theta"),
        pick("x", "-3", "-2.5", "-2", "-1.5", "1.5", "2", "2.5", "3"),
    ),
    constraint=_confidently_wrong,
    tags=("sigmoid", "mse", "cross-entropy", "gradient", "saturation"),
    figures=(
        Figure("sigmoid_slope", where="solutions",  # the same picture for every variant: drawn once per class
               alt="The sigmoid and its slope sigma(z)(1 - sigma(z)); the slope is below 0.05 in the shaded regions "
                   "|z| > 2.9, where the squared-error gradient nearly vanishes. This sample's logit, "
                   "z = {{ values.z }}, lies in one of them."),
    ),
    difficulty=2,
    points=2,
)
