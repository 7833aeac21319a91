"""Cross-entropy of the empirical label distribution against a model = average negative log-likelihood (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

K = 3  # classes


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import cross_entropy, kl_divergence

    n = [s.n1, s.n2, s.n3]
    m = sum(n, sp.Integer(0))
    q = [s.q1, s.q2, 1 - s.q1 - s.q2]
    p_hat = [nk / m for nk in n]
    total_nll = -sum((nk * sp.log(qk) for nk, qk in zip(n, q)), sp.Integer(0))
    avg_nll = total_nll / m
    ce = cross_entropy(p_hat, q)
    assert sp.simplify(sp.expand(ce - avg_nll)) == 0  # the claim of the question, symbolically
    return Derivation(
        answer=ce,
        steps=(
            Step(r"""
                The model gives every label of class $k$ the same probability $q_k$, so the negative
                log-likelihood of the whole data set groups by class: $n_k$ labels each cost $-\log q_k$.
            """, sp.Eq(sp.Symbol("-\\log L"), total_nll)),
            Step(r"""
                Dividing by the number of labels $m = {{ values.m }}$ turns each count into the empirical
                frequency $\hat{p}_k = n_k/m$, and the average negative log-likelihood becomes
                $-\sum_k \hat{p}_k \log q_k$: the cross-entropy $H(\hat{p}, q)$ of the empirical distribution
                against the model. Here $\hat{p} = ({{ values.p1 }}, {{ values.p2 }}, {{ values.p3 }})$ and
                $q_3 = {{ values.q3 }}$:
            """, ce),
            Step(r"""
                So maximising the likelihood of a data set and minimising the cross-entropy between its
                empirical distribution and the model are the same problem; dividing by $m$ only rescales the
                objective and does not move its minimum.
            """),
        ),
        wrong=(
            Wrong("total_not_average", total_nll, r"""
                That is the negative log-likelihood of all $m$ labels together. The cross-entropy weights each
                class by its frequency $n_k/m$, which is the total divided by $m$: the average per label.
            """, 0.25),
            Wrong("unweighted_classes", -sum((sp.log(qk) for qk in q), sp.Integer(0)) / K, r"""
                You averaged $-\log q_k$ over the three classes as if each were equally frequent. The
                cross-entropy averages under the data, so each class counts in proportion to how many labels
                it has.
            """, 0.0),
            Wrong("kl_instead", kl_divergence(p_hat, q), r"""
                That is $D_{\mathrm{KL}}(\hat{p} \,\|\, q)$, the cross-entropy minus the entropy of the
                empirical distribution. It has the same minimiser, but it is not the average negative
                log-likelihood.
            """, 0.25),
            Wrong("reversed", cross_entropy(q, p_hat), r"""
                You weighted $-\log \hat{p}_k$ by the model's $q_k$. The likelihood scores the model's
                probabilities on the observed labels, so the data frequencies are the weights and $-\log q_k$
                is what is averaged.
            """, 0.0),
        ),
        values={"m": m, "p1": p_hat[0], "p2": p_hat[1], "p3": p_hat[2], "q3": q[2]},
    )


def check(p, x):
    import numpy as np

    q = np.array([p["q1"], p["q2"], 1 - p["q1"] - p["q2"]])
    labels = []
    for k, name in enumerate(("n1", "n2", "n3")):
        labels += [k] * int(round(p[name]))
    nll = [-np.log(q[y]) for y in labels]  # one term per label, then the mean
    return float(np.mean(nll))


QUESTION = Question(
    id="mle/dataset_cross_entropy",
    title="Cross-entropy over a data set",
    statement=r"""
        A model with no inputs predicts the same distribution $q = ({{ q1 }}, {{ q2 }}, q_3)$ over
        three classes for every example, with $q_3 = 1 - q_1 - q_2$. A data set of independent
        labels contains ${{ n1 }}$ labels of class 1, ${{ n2 }}$ of class 2 and ${{ n3 }}$ of class 3.

        Compute the cross-entropy $H(\hat{p}, q)$ between the empirical distribution $\hat{p}$ of
        the labels and the model, in nats, to 4 significant figures. (It is also the model's average
        negative log-likelihood per label.)
    """,
    answer=Numeric(rtol=1e-3, unit="nats"),
    params=(
        grid("n1", "2", "9", "1", latex="n_1"),
        grid("n2", "2", "9", "1", latex="n_2"),
        grid("n3", "2", "9", "1", latex="n_3"),
        grid("q1", "0.1", "0.8", "0.1", latex="q_1"),
        grid("q2", "0.1", "0.8", "0.1", latex="q_2"),
    ),
    constraint=lambda v: v["q1"] + v["q2"] < 1,
    tags=("cross-entropy", "likelihood", "kl-divergence", "data"),
    difficulty=2,
    points=2,
)
