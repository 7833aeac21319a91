"""How much larger the cross-entropy gradient is than the squared-error gradient at a sigmoid output (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, in_terms_of_output, sigmoid

    z = s.z
    u = sp.Symbol("u", real=True)  # a free logit, for the general formulas
    yh = sp.Symbol("\\hat{y}", positive=True)
    y = sp.Symbol("y", real=True)  # the label in the general formulas (the parameter s.y is its value here)
    slope = in_terms_of_output(sp.diff(sigmoid(u), u), u, yh)  # y_hat (1 - y_hat)
    g_bce = in_terms_of_output(sp.diff(bce_loss(y, sigmoid(u)), u), u, yh)  # y_hat - y
    g_mse = in_terms_of_output(sp.diff((sigmoid(u) - y) ** 2, u), u, yh)  # 2 (y_hat - y) y_hat (1 - y_hat)
    ratio = sp.factor(sp.simplify(g_bce / g_mse))
    assert not ratio.has(y)  # the label cancels: the ratio depends on the output only
    out = sigmoid(z)
    answer = ratio.xreplace({yh: out})
    bce_loss_value = bce_loss(s.y, out)
    return Derivation(
        answer=answer,
        steps=(
            Step("Write $\\hat{y} = \\sigma(z)$. The sigmoid's derivative, written with its own output, is",
                 sp.Eq(sp.Symbol("\\sigma'(z)"), slope)),
            Step(r"""
                For the binary cross-entropy,
                $\partial L/\partial\hat{y} = (\hat{y} - y)/(\hat{y}(1 - \hat{y}))$, and multiplying by
                $\sigma'(z)$ cancels the denominator:
            """, sp.Eq(sp.Symbol("\\partial L_{\\mathrm{BCE}}/\\partial z"), g_bce)),
            Step("For the squared error the factor $\\sigma'(z)$ stays:",
                 sp.Eq(sp.Symbol("\\partial L_{\\mathrm{SE}}/\\partial z"), g_mse)),
            Step(r"""
                Their ratio does not depend on the label $y = {{ y }}$, only on the output
                $\hat{y} = \sigma({{ z }}) = {{ values.y_hat }}$:
            """, sp.Eq(sp.Symbol("r"), ratio)),
            Step(r"""
                Here $r = {{ values.r }}$. Since $\hat{y}(1 - \hat{y}) \le 1/4$, the ratio is at least 2 and
                grows without bound as the output saturates towards 0 or 1. When that saturated output is
                wrong, the squared error barely moves $z$ while the cross-entropy still pushes with the full
                error $\hat{y} - y$.
            """),
        ),
        wrong=(
            Wrong("inverted", 1 / answer, r"""
                That is the squared-error gradient divided by the cross-entropy one, $2\hat{y}(1 - \hat{y})$.
                The question asks how many times larger the cross-entropy gradient is, so the ratio is the
                other way up.
            """, 0.25),
            Wrong("missed_factor_two", ratio.xreplace({yh: out}) * 2, r"""
                Differentiating $(\hat{y} - y)^2$ gives $2(\hat{y} - y)$; this loss has no $\tfrac12$ in front
                to cancel the 2, so the squared-error gradient carries it and the ratio has $2$ in the
                denominator.
            """, 0.5),
            Wrong("slope_at_origin", ratio.xreplace({yh: sp.Rational(1, 2)}), r"""
                You used the sigmoid's slope at $z = 0$, which is $1/4$. The slope is $\hat{y}(1 - \hat{y})$
                at the current output, and away from $z = 0$ it is smaller, which makes the ratio larger.
            """, 0.0),
            Wrong("ratio_of_losses", bce_loss_value / (out - s.y) ** 2, r"""
                You divided the loss values, not their gradients. How fast training moves $z$ depends on the
                slopes $\partial L/\partial z$, and those differ by the factor $2\sigma'(z)$.
            """, 0.0),
        ),
        values={"y_hat": out, "r": answer},
    )


def check(p, x):
    import numpy as np

    z, y = p["z"], p["y"]

    def sig(t):
        return 1 / (1 + np.exp(-t))

    def bce(t):
        return -(y * np.log(sig(t)) + (1 - y) * np.log(1 - sig(t)))

    def se(t):
        return (sig(t) - y) ** 2

    h = 1e-4

    def slope(f):  # fourth-order central difference in z
        return (-f(z + 2 * h) + 8 * f(z + h) - 8 * f(z - h) + f(z - 2 * h)) / (12 * h)

    return slope(bce) / slope(se)


QUESTION = Question(
    id="mle/bce_mse_gradient_ratio",
    title="Cross-entropy against squared error at a sigmoid",
    statement=r"""
        A binary classifier outputs $\hat{y} = \sigma(z) = 1/(1 + e^{-z})$ from a logit $z$. For one
        example with label $y = {{ y }}$ the current logit is $z = {{ z }}$. Compare two losses: the
        binary cross-entropy $L_{\mathrm{BCE}} = -y\log\hat{y} - (1 - y)\log(1 - \hat{y})$ and the
        squared error $L_{\mathrm{SE}} = (\hat{y} - y)^2$.

        Compute the ratio $r = \dfrac{\partial L_{\mathrm{BCE}}/\partial z}{\partial
        L_{\mathrm{SE}}/\partial z}$ at this $z$, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(pick("y", "0", "1"), grid("z", "-6", "6", "0.1", exclude=("0",))),
    tags=("sigmoid", "mse", "cross-entropy", "gradient", "saturation"),
    difficulty=2,
    points=2,
)
