"""Conditional log-likelihood of labels given inputs under a logistic model: supervised MLE's objective (numeric)."""

from quizgen.generation.authoring import labelled_inputs
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 4
LABELS = (1, 0, 0, 1)  # the label column of the table (drawn, and kept to this pattern by the constraint)
DATA = labelled_inputs("The labelled examples:", rows=M)


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import sigmoid

    xs = DATA.column(s, "x")
    w, b = s.w, s.b
    probs = [sigmoid(w * xk + b) for xk in xs]  # P(y = 1 | x_i)
    # p(y | x) = q^y (1 - q)^(1 - y) for a label y in {0, 1}
    # the labels are the fixed pattern LABELS (the constraint keeps the drawn table to it); each example
    # contributes log q_i if its label is 1 and log(1 - q_i) if it is 0: the log of q^y (1 - q)^(1 - y)
    per_example = [sp.log(q**yk * (1 - q) ** (1 - yk)) for q, yk in zip(probs, LABELS)]
    answer = sum(per_example, sp.Integer(0))
    ones_only = sum((sp.log(q) for q in probs), sp.Integer(0))
    product = sp.Mul(*(q**yk * (1 - q) ** (1 - yk) for q, yk in zip(probs, LABELS)))
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                Supervised learning models the labels *given* the inputs: the model is the conditional
                distribution $p(y \mid x; w, b)$, a Bernoulli with $P(y = 1 \mid x) = \sigma(wx + b)$. The
                inputs themselves are not modelled, so they contribute nothing to the likelihood.
            """),
            Step(r"""
                One example's probability is $q_i^{y_i}(1 - q_i)^{1 - y_i}$ with $q_i = \sigma(w x_i + b)$:
                $q_i$ when the label is 1 and $1 - q_i$ when it is 0. Here $q_1, \dots, q_4 = {{ values.q1 }},
                {{ values.q2 }}, {{ values.q3 }}, {{ values.q4 }}$.
            """),
            Step(r"""
                The examples are independent, so the conditional log-likelihood is the sum of the log
                probabilities of the observed labels; maximising it over $w, b$ is the conditional MLE, and
                its negative is the binary cross-entropy summed over the data:
            """, answer),
        ),
        wrong=(
            Wrong("probability_of_one_for_all", ones_only, r"""
                You used $\log q_i = \log P(y = 1 \mid x_i)$ for every example. An example labelled 0
                contributes the probability of its own label, $\log(1 - q_i)$.
            """, 0.0),
            Wrong("negative_log_likelihood", -answer, r"""
                That is the negative log-likelihood (the cross-entropy loss). The log-likelihood of
                probabilities below 1 is negative.
            """, 0.5),
            Wrong("likelihood_not_log", product, r"""
                That is the likelihood, the product of the probabilities; the question asks for its logarithm,
                the sum of the log-probabilities.
            """, 0.25),
        ),
        values={f"q{k}": q for k, q in enumerate(probs, 1)},
    )


def check(p, x):
    import numpy as np

    xs, ys = np.array(DATA.column(p, "x")), np.array(DATA.column(p, "y"))
    q = 1 / (1 + np.exp(-(p["w"] * xs + p["b"])))
    # the probability of each observed label, read off a simulated two-outcome table: P(label) = q or 1 - q
    table = np.stack([1 - q, q], axis=1)  # column 0: P(y = 0 | x), column 1: P(y = 1 | x)
    assert np.allclose(table.sum(axis=1), 1)
    return float(np.sum(np.log(table[np.arange(len(ys)), ys.astype(int)])))


def _mixed(v):
    return tuple(DATA.column(v, "y")) == LABELS


QUESTION = Question(
    id="mle/conditional_loglik",
    title="Conditional log-likelihood of labels",
    statement=r"""
        A logistic model predicts $P(y = 1 \mid x) = \sigma(w x + b)$, with
        $\sigma(z) = 1/(1 + e^{-z})$, $w = {{ w }}$ and $b = {{ b }}$. Treat the four labelled
        examples below as independent.

        Compute the conditional log-likelihood $\sum_{i} \log p(y_i \mid x_i; w, b)$ of the labels
        (natural logarithm), to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(grid("w", "-2", "2", "0.5", exclude=("0",)), grid("b", "-1", "1", "0.5")),
    tables=(DATA,),
    constraint=_mixed,
    tags=("likelihood", "conditional-mle", "logistic-regression", "supervised", "data"),
    difficulty=2,
    points=2,
)
