"""Maximum-likelihood class probability of a categorical distribution from counts (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

CLASSES = ("cat", "dog", "bird", "fish")


def derive(s):
    import sympy as sp

    counts = [getattr(s, f"n_{c}") for c in CLASSES]
    K = len(counts)
    pis = sp.symbols(f"pi1:{K + 1}", positive=True)
    lam = sp.Symbol("lambda_", positive=True)
    log_lik = sum((n * sp.log(pi) for n, pi in zip(counts, pis)), sp.Integer(0))
    # maximise under the constraint sum(pi) = 1 with a Lagrange multiplier
    lagrangian = log_lik - lam * (sum(pis) - 1)
    sol = sp.solve([sp.diff(lagrangian, v) for v in (*pis, lam)], [*pis, lam], dict=True)[0]
    total = sum(counts, sp.Integer(0))
    answer = sp.simplify(sol[pis[1]])
    n_dog = counts[1]
    return Derivation(
        answer=answer,
        steps=(
            Step("Each label is an independent draw from a categorical distribution with probabilities "
                 "$\\pi_{\\text{cat}}, \\dots, \\pi_{\\text{fish}}$, so the log-likelihood of the counts is $\\sum_k n_k \\log \\pi_k$ "
                 "(each label of class $k$ contributes one $\\log \\pi_k$):", log_lik.xreplace(
                     dict(zip(pis, sp.symbols("pi_cat pi_dog pi_bird pi_fish", positive=True))))),
            Step(r"""
                The probabilities must add up to 1, so we maximise with a Lagrange multiplier $\lambda$:
                setting the derivative of $\sum_k n_k\log\pi_k - \lambda(\sum_k \pi_k - 1)$ in $\pi_k$ to zero
                gives $n_k/\pi_k = \lambda$, so every $\pi_k$ is proportional to its count, and the constraint
                gives $\lambda = \sum_k n_k = {{ values.total }}$.
            """),
            Step("The estimate for \"dog\" is therefore its share of the labels:", answer),
        ),
        wrong=(
            Wrong("add_one_smoothing", (n_dog + 1) / (total + K), r"""
                Adding 1 to every count (Laplace smoothing) gives the posterior mean under a uniform prior on
                the probabilities, a Bayesian estimate. The maximum-likelihood estimate uses the counts as
                they are.
            """, 0.25),
            Wrong("odds", n_dog / (total - n_dog), r"""
                That is the ratio of "dog" labels to all the other labels, the odds of "dog". A probability
                divides by the total number of labels, including the dogs themselves.
            """, 0.0),
            Wrong("uniform", sp.Rational(1, K), r"""
                One over the number of classes ignores the data. The likelihood is larger when classes seen
                more often get more probability, so the maximum follows the counts.
            """, 0.0),
        ),
        values={"total": total},
    )


def check(p, x):
    import numpy as np

    n = np.array([p[f"n_{c}"] for c in CLASSES])
    # gradient ascent on the log-likelihood sum_k n_k log softmax(z)_k, over unconstrained logits z
    z = np.zeros(len(n))
    for _ in range(20000):
        q = np.exp(z - z.max())
        q /= q.sum()
        grad = n - n.sum() * q
        z += grad / (n.sum() * q.max())  # a step no longer than the curvature allows
        if np.max(np.abs(grad)) < 1e-12 * n.sum():
            break
    q = np.exp(z - z.max())
    return float((q / q.sum())[1])


QUESTION = Question(
    id="mle/categorical_mle",
    title="Maximum-likelihood class probability",
    statement=r"""
        An image data set has ${{ n_cat }}$ {{ 'picture' | plural(n_cat) }} labelled cat,
        ${{ n_dog }}$ labelled dog, ${{ n_bird }}$ labelled bird and ${{ n_fish }}$ labelled fish.
        Model the labels as independent draws from a categorical distribution with unknown class
        probabilities $\pi_{\text{cat}}, \pi_{\text{dog}}, \pi_{\text{bird}}, \pi_{\text{fish}}$
        (adding up to 1).

        Compute the maximum-likelihood estimate of $\pi_{\text{dog}}$, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=tuple(grid(f"n_{c}", "1", "30", "1") for c in CLASSES),
    tags=("likelihood", "mle", "categorical", "classification"),
    difficulty=1,
    points=1,
)
