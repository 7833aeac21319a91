"""Binary cross-entropy as the negative log-likelihood of Bernoulli labels under a sigmoid output (symbolic)."""

from quizgen.generation.question import Derivation, Question, Step, Symbolic, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, mse_loss, sigmoid

    z, n1, n0 = s.z, s.n1, s.n0
    y_hat = sp.Symbol("\\hat{y}", positive=True)
    likelihood = y_hat**n1 * (1 - y_hat) ** n0  # independent Bernoulli labels, all at the same input
    nll_in_output = sp.expand_log(-sp.log(likelihood), force=True)
    assert sp.simplify(nll_in_output - (n1 * bce_loss(1, y_hat) + n0 * bce_loss(0, y_hat))) == 0  # = summed BCE
    nll = nll_in_output.xreplace({y_hat: sigmoid(z)})
    # 1 - sigmoid(z) = sigmoid(-z), and -log(1/(1 + e^u)) = log(1 + e^u): the softplus form
    assert sp.simplify(1 - sigmoid(z) - sigmoid(-z)) == 0
    softplus = sp.expand_log(n1 * -sp.log(sigmoid(z)) + n0 * -sp.log(sigmoid(-z)), force=True)
    for zv in (-2, sp.Rational(1, 3), 3):
        assert abs(sp.N((softplus - nll).subs(z, zv))) < 1e-12
    return Derivation(
        answer=softplus,
        steps=(
            Step(r"""
                Write $\hat{y} = \sigma(z)$ for the model's $P(y = 1)$. Each label is a Bernoulli draw, so its
                probability is $\hat{y}^{\,y}(1 - \hat{y})^{1 - y}$: $\hat{y}$ for a 1 and $1 - \hat{y}$ for a 0.
                The labels are independent, so the likelihood of all of them is the product:
            """, sp.Eq(sp.Symbol("L"), likelihood)),
            Step(r"""
                Its negative logarithm turns the product into a sum. This is the binary cross-entropy
                $-y\log\hat{y} - (1 - y)\log(1 - \hat{y})$ added over the labels:
            """, sp.Eq(sp.Symbol("-\\log L"), nll_in_output)),
            Step(r"""
                With $\hat{y} = \sigma(z) = 1/(1 + e^{-z})$ and $1 - \sigma(z) = 1/(1 + e^{z})$, each
                $-\log\frac{1}{1 + e^{u}}$ is $\log(1 + e^{u})$:
            """, softplus),
            Step(r"""
                Minimising it in $z$ sets $\sigma(z) = n_1/(n_1 + n_0)$: the fitted probability is the
                fraction of positive labels, as maximum likelihood for a Bernoulli parameter should give.
            """),
        ),
        wrong=(
            Wrong("likelihood_not_nll", likelihood.xreplace({y_hat: sigmoid(z)}), r"""
                That is the likelihood itself, a product of probabilities. The loss is its negative logarithm,
                which turns the product into a sum and is minimised where the likelihood is maximised.
            """, 0.25),
            Wrong("log_likelihood_sign", -softplus, r"""
                That is the log-likelihood, which training maximises. The loss to minimise is its negative;
                with probabilities below 1 every $-\log$ term is positive.
            """, 0.5),
            Wrong("positives_only", n1 * bce_loss(1, sigmoid(z)), r"""
                You kept only the labels equal to 1. A label 0 has probability $1 - \sigma(z)$ and contributes
                $-\log(1 - \sigma(z))$, so without those terms the loss would push $\sigma(z)$ to 1.
            """, 0.0),
            Wrong("swapped_classes", n0 * bce_loss(1, sigmoid(z)) + n1 * bce_loss(0, sigmoid(z)), r"""
                The roles of the classes are swapped: $\sigma(z)$ is the probability of $y = 1$, so the $n_1$
                positive labels cost $-\log\sigma(z)$ each and the $n_0$ zeros $-\log(1 - \sigma(z))$.
            """, 0.0),
            Wrong("squared_error", n1 * mse_loss(1, sigmoid(z)) + n0 * mse_loss(0, sigmoid(z)), r"""
                That is the squared error $\tfrac12(y - \hat{y})^2$ summed over the labels, the loss of a
                Gaussian model. A Bernoulli likelihood gives logarithms of the probabilities instead.
            """, 0.0),
        ),
    )


def check(p, x):
    import numpy as np

    z = np.asarray(x["z"], dtype=float)
    labels = [1] * int(round(p["n1"])) + [0] * int(round(p["n0"]))
    total = np.zeros_like(z)
    for y in labels:  # -log P(y) under Bernoulli(sigmoid(z)), one label at a time
        prob_one = 1 / (1 + np.exp(-z))
        total -= np.log(prob_one if y == 1 else 1 - prob_one)
    return total


QUESTION = Question(
    id="mle/bernoulli_nll_sigmoid",
    title="Binary cross-entropy from the Bernoulli likelihood",
    statement=r"""
        At one input, a data set has ${{ n1 }}$ independent labels $y = 1$ and ${{ n0 }}$ labels
        $y = 0$. A model outputs a logit $z$ for this input and predicts
        $P(y = 1) = \sigma(z) = 1/(1 + e^{-z})$.

        Give the negative log-likelihood of all these labels as an expression in `z`.
    """,
    answer=Symbolic({"z": "real"}),
    params=(grid("n1", "2", "9", "1", latex="n_1"), grid("n0", "2", "9", "1", latex="n_0")),
    constraint=lambda v: v["n1"] != v["n0"],
    tags=("cross-entropy", "sigmoid", "likelihood", "classification"),
    difficulty=2,
    points=2,
)
