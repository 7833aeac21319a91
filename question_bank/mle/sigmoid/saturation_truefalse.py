"""Squared error on a sigmoid: does a wrong output get a larger gradient than an output of 0.5? (true/false with the reason)"""

from quizgen.generation.question import Claim, Derivation, Question, Step, TrueFalse, Wrong, grid, pick


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, in_terms_of_output, sigmoid

    u = sp.Symbol("u", real=True)
    yh = sp.Symbol("\\hat{y}", positive=True)
    y = sp.Symbol("y", real=True)
    general = in_terms_of_output(sp.diff((sigmoid(u) - y) ** 2, u), u, yh)  # 2 (y_hat - y) y_hat (1 - y_hat)
    # this example: label s.y, logit on the wrong side; z = +-|z| so that the output points away from the label
    z = s.zmag * (1 - 2 * s.y)  # y = 1 -> z = -|z| (output near 0); y = 0 -> z = +|z| (output near 1)
    out = sigmoid(z)
    grad = general.xreplace({yh: out, y: s.y})
    at_half = general.xreplace({yh: sp.Rational(1, 2), y: s.y})
    return Derivation(
        answer=Claim(
            truth=sp.Abs(grad) > sp.Abs(at_half),
            reason=grad,
            feedback="Compute the gradient instead of guessing from how wrong the output is: with the squared error "
                     "it is $2(\\hat{y} - y)\\,\\hat{y}(1 - \\hat{y}) = {{ values.grad }}$ here, against "
                     "${{ values.at_half }}$ at $\\hat{y} = 0.5$. The error grows as the output moves away from the label, "
                     "but the sigmoid's slope $\\hat{y}(1 - \\hat{y})$ shrinks, and far out it wins.",
        ),
        steps=(
            Step("By the chain rule through $\\hat{y} = \\sigma(z)$, with $\\sigma'(z) = \\hat{y}(1 - \\hat{y})$,",
                 sp.Eq(sp.Symbol("\\partial L/\\partial z"), general)),
            Step(r"""
                At $z = {{ values.z }}$ the output is $\hat{y} = {{ values.out }}$, so
                $\partial L/\partial z = {{ values.grad }}$; at $z = 0$ the output is $0.5$ and
                $\partial L/\partial z = {{ values.at_half }}$.
            """),
            Step(r"""
                The error factor $\hat{y} - y$ is larger here, but the slope
                $\hat{y}(1 - \hat{y}) = {{ values.slope }}$ is smaller than its value $1/4$ at $z = 0$. {% if
                values.verdict == '1' %}At this moderate logit the error still wins, so the statement is
                true.{% else %}This far out the sigmoid is saturated and the slope wins, so the statement is
                false: the more confidently wrong the output, the less the squared error corrects it.{% endif
                %}
            """),
            Step(r"""
                With the binary cross-entropy the gradient is $\hat{y} - y = {{ values.bce }}$, which grows
                with the error all the way to $\pm 1$; and at $\hat{y} = 0.5$ both losses have a healthy
                gradient, so an output initialised at 0.5 learns either way.
            """),
        ),
        wrong=(
            Wrong("cross_entropy_gradient", out - s.y, r"""
                That is the binary cross-entropy's gradient $\hat{y} - y$, where the sigmoid's slope cancels.
                The squared error keeps the factor $\hat{y}(1 - \hat{y})$, which is what makes it saturate.
            """, 0.0),
            Wrong("no_sigmoid_slope", 2 * (out - s.y), r"""
                That is $\partial L/\partial\hat{y}$. The logit acts through the sigmoid, so the chain rule
                multiplies by $\sigma'(z) = \hat{y}(1 - \hat{y})$.
            """, 0.0),
            Wrong("more_wrong_more_gradient",
                  "No computation is needed: a loss always pushes harder on an output that is further from its "
                  "label, so the statement is true.",
                  "That holds for the cross-entropy but not for the squared error on a sigmoid: its gradient carries "
                  "$\\hat{y}(1 - \\hat{y})$, which goes to 0 as the output saturates at the wrong end.", 0.0),
        ),
        values={"z": z, "out": out, "grad": grad, "at_half": at_half, "slope": out * (1 - out), "bce": out - s.y,
                "verdict": sp.Piecewise((1, sp.Abs(grad) > sp.Abs(at_half)), (0, True))},
    )


def check(p, x):
    import numpy as np

    y = p["y"]
    z = p["zmag"] if y == 0 else -p["zmag"]

    def loss(t):
        return (1 / (1 + np.exp(-t)) - y) ** 2

    def slope(t, h=1e-4):
        return (-loss(t + 2 * h) + 8 * loss(t + h) - 8 * loss(t - h) + loss(t - 2 * h)) / (12 * h)

    here, at_zero = slope(z), slope(0.0)
    return abs(here) > abs(at_zero), here


QUESTION = Question(
    id="mle/saturation_truefalse",
    title="Does a wrong sigmoid output learn faster?",
    statement=r"""
        A binary classifier outputs $\hat{y} = \sigma(z) = 1/(1 + e^{-z})$ and is trained with the
        squared error $L = (\hat{y} - y)^2$. An example with label $y = {{ y }}$ currently has the
        logit $z = {{ values.z }}$, so its output is on the wrong side of 0.5.

        Statement: this example's gradient $\partial L/\partial z$ is larger in magnitude than it
        would be at $z = 0$, where $\hat{y} = 0.5$. Is the statement true or false, and which reason
        shows it?
    """,
    answer=TrueFalse(truth_credit=0.5, reason_prefix="\\partial L/\\partial z = "),
    params=(pick("y", "0", "1"), grid("zmag", "0.2", "4", "0.2", latex="|z|")),
    tags=("sigmoid", "mse", "saturation", "gradient", "initialisation"),
    difficulty=2,
    points=2,
)
