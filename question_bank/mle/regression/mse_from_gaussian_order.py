"""From Gaussian noise to the mean squared error: put the steps of the derivation in order (ordered steps)."""

from quizgen.generation.question import Derivation, Order, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_nll

    y, y_hat = sp.Symbol("y_i", real=True), sp.Symbol("\\hat{y}_i", real=True)
    nll = gaussian_nll(y, y_hat, s.sd)
    constant = sp.simplify(nll.subs(y, y_hat))  # what is left of one term's NLL when the residual is 0
    assert sp.simplify(nll - constant - (y - y_hat) ** 2 / (2 * s.sd**2)) == 0
    return Derivation(
        answer=(
            "Model each target as $y_i = f_\\theta(x_i) + \\varepsilon_i$ with Gaussian noise "
            "$\\varepsilon_i \\sim \\mathcal{N}(0, \\sigma^2)$, $\\sigma = {{ sd }}$ fixed.",
            "Assume the $m$ examples are independent and identically distributed, so the conditional likelihood "
            "is the product $\\prod_i p(y_i \\mid x_i; \\theta)$.",
            "Take the logarithm: the product becomes a sum of log-densities, and the maximiser does not move.",
            "Negate to get the negative log-likelihood; each term is $\\frac{(y_i - \\hat{y}_i)^2}{2\\sigma^2}$ plus "
            "the constant $\\log(\\sigma\\sqrt{2\\pi}) = {{ values.constant }}$.",
            "Drop the constant and multiply by $2\\sigma^2/m > 0$: the minimiser is unchanged and the objective is "
            "the mean squared error $\\frac{1}{m}\\sum_i (y_i - \\hat{y}_i)^2$.",
        ),
        steps=(
            Step(r"""
                The noise model and the independence assumption come first, in either order: together they say
                that the likelihood is a product of one Gaussian density per example.
            """),
            Step(r"""
                Independence is what turns the joint likelihood into a product, and only a product becomes a
                sum under the logarithm. One term of the negative log-likelihood is
            """, nll),
            Step("Its value at a zero residual, the part that does not depend on $\\theta$, is", constant),
            Step(r"""
                Positive scaling and dropping constants do not move the minimiser, which is why minimising the
                MSE is maximum likelihood under fixed-variance Gaussian noise.
            """),
        ),
        wrong=(
            Wrong("log_before_product", (0, 2, 1, 3, 4), r"""
                The logarithm turns a product into a sum only once the likelihood *is* a product, and that
                needs the independence assumption first.
            """, 0.8),
        ),
        values={"constant": constant},
    )


def check(p, x):
    import numpy as np

    sd = p["sd"]
    # the constant is minus the log of the normal density at a zero residual: normalise the bell curve numerically
    t = np.linspace(-12 * sd, 12 * sd, 200_001)
    f = np.exp(-(t**2) / (2 * sd**2))
    area = np.sum((f[1:] + f[:-1]) / 2) * (t[1] - t[0])
    return {"constant": np.log(area)}


QUESTION = Question(
    id="mle/mse_from_gaussian_order",
    title="From Gaussian noise to the MSE, step by step",
    statement=r"""
        The steps below derive the mean squared error as a maximum-likelihood objective for a
        regression model with Gaussian noise of standard deviation $\sigma = {{ sd }}$. They are
        shuffled: put them in order (where two steps may come either way, both orders are right).
    """,
    answer=Order(commute=((0, 1),)),  # the noise model and the iid assumption, either way
    params=(grid("sd", "0.1", "10", "0.1", latex="\\sigma"),),
    tags=("gaussian", "mse", "likelihood", "iid"),
    difficulty=1,
    points=2,
)
