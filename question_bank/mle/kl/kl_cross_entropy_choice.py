"""Which training objectives share the gradient of D_KL(p_data || p_model) for a Bernoulli model (choice, several correct)."""

from quizgen.generation.question import Choice, Derivation, Question, Right, Step, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bits, cross_entropy, entropy, in_terms_of_output, kl_divergence, sigmoid

    p, q = s.p, s.q
    theta = sp.Symbol("theta", real=True)

    def bern(t):
        return [t, 1 - t]

    # Every option has one of the two shapes of the correct ones: a weighted sum of two log-ratios
    # (like the KL divergence) or a weighted sum of two logs (like the cross-entropy). Telling them
    # apart needs the gradient, not the look.
    objectives = {
        "kl": lambda t: kl_divergence(bern(p), bern(t)),
        "cross_entropy": lambda t: cross_entropy(bern(p), bern(t)),
        "reversed_kl": lambda t: kl_divergence(bern(t), bern(p)),
        "kl_in_bits": lambda t: kl_divergence(bern(p), bern(t), log=bits),
        "log_likelihood": lambda t: -cross_entropy(bern(p), bern(t)),
        "swapped_labels": lambda t: cross_entropy([1 - p, p], bern(t)),
        "model_entropy": lambda t: entropy(bern(t)),
    }
    # each objective as an expression in q, and its gradient in the logit theta (q = sigmoid(theta)), written with q
    expr = {k: f(q) for k, f in objectives.items()}
    grad = {k: in_terms_of_output(sp.diff(f(sigmoid(theta)), theta), theta, q) for k, f in objectives.items()}
    # the reversed divergence reads better through the chain rule in q: dD/dq times dq/dtheta
    dq = in_terms_of_output(sp.diff(sigmoid(theta), theta), theta, q)
    rev = dq * sp.diff(expr["reversed_kl"], q)
    for pv, qv in ((sp.Rational(3, 10), sp.Rational(3, 5)), (sp.Rational(4, 5), sp.Rational(1, 10))):
        assert abs(sp.N((rev - grad["reversed_kl"]).subs({p: pv, q: qv}))) < 1e-12
    grad["reversed_kl"] = rev
    assert sp.simplify(grad["cross_entropy"] - grad["kl"]) == 0
    assert sp.simplify(grad["kl"] - (q - p)) == 0
    assert sp.simplify(tidy(expr["cross_entropy"] - expr["kl"] - entropy(bern(p)))) == 0
    for k in ("reversed_kl", "kl_in_bits", "log_likelihood", "swapped_labels", "model_entropy"):
        assert sp.simplify(grad[k] - grad["kl"]) != 0, k

    return Derivation(
        answer=(
            Right("kl", expr["kl"], r"""
                This is $D_{\mathrm{KL}}(p \,\|\, q)$ itself, written out for two outcomes: its gradient in
                $\theta$ is $q - p$ by definition of the question.
            """),
            Right("cross_entropy", expr["cross_entropy"], r"""
                This is the cross-entropy $H(p, q) = D_{\mathrm{KL}}(p \,\|\, q) + H(p)$. The data entropy
                $H(p)$ has no $\theta$ in it, so the two have the same gradient, $q - p$.
            """),
        ),
        steps=(
            Step(r"""
                The options come in two shapes, sums of log-ratios and sums of logs, so looks do not settle
                it: compare gradients. With $q = \sigma(\theta)$ the chain rule gives
                $\partial/\partial\theta = q(1-q)\,\partial/\partial q$. For the target,
                $D_{\mathrm{KL}}(p \,\|\, q) = p\log\frac{p}{q} + (1-p)\log\frac{1-p}{1-q}$, the $q(1-q)$
                cancels the denominators of the logarithms' derivatives and leaves
            """, grad["kl"]),
            Step(r"""
                The cross-entropy $H(p, q) = -p\log q - (1-p)\log(1-q)$ equals
                $D_{\mathrm{KL}}(p \,\|\, q) + H(p)$. The data entropy $H(p) = {{ values.data_entropy }}$ does
                not change with $\theta$, so adding it leaves the gradient unchanged:
            """, grad["cross_entropy"]),
            Step(r"""
                The reversed divergence $D_{\mathrm{KL}}(q \,\|\, p)$ has the same shape with the roles
                swapped: it averages the log-ratio under the model, and its gradient keeps a logarithm:
            """, grad["reversed_kl"]),
            Step(r"""
                The same divergence in bits divides every logarithm by $\log 2$. It has the same minimiser,
                but every gradient is $1/\log 2 \approx 1.443$ times larger:
            """, grad["kl_in_bits"]),
            Step(r"""
                The log-likelihood $p\log q + (1-p)\log(1-q)$ is the negative cross-entropy; it is maximised,
                not minimised, so its gradient has the opposite sign:
            """, grad["log_likelihood"]),
            Step(r"""
                Swapping the weights, $-(1-p)\log q - p\log(1-q)$, is the cross-entropy of the flipped labels;
                it pulls $q$ towards $1 - p$:
            """, grad["swapped_labels"]),
            Step("The model's own entropy $H(q) = -q\\log q - (1-q)\\log(1-q)$ contains no data at all:",
                 grad["model_entropy"]),
            Step(r"""
                So exactly two options have the gradient $q - p$ for every $\theta$: the KL divergence itself
                and the cross-entropy.
            """),
        ),
        wrong=(
            Wrong("reversed_kl", expr["reversed_kl"], r"""
                This is $D_{\mathrm{KL}}(q \,\|\, p)$, with the roles of data and model swapped. KL divergence
                is not symmetric: this one averages the log-ratio under the model, and its gradient
                $q(1-q)\log\frac{q(1-p)}{p(1-q)}$ is not $q - p$.
            """, 0.0),
            Wrong("kl_in_bits", expr["kl_in_bits"], r"""
                This is the right divergence measured in bits: every logarithm is divided by $\log 2$. It has
                the same minimiser, but its gradient is $(q - p)/\log 2$, so it is not the same gradient; the
                step size changes by the factor $1/\log 2$.
            """, 0.0),
            Wrong("log_likelihood", expr["log_likelihood"], r"""
                This is the log-likelihood, the negative of the cross-entropy. Its gradient is $p - q$: it is
                the objective to maximise, and it agrees with the KL gradient only after a change of sign.
            """, 0.0),
            Wrong("swapped_labels", expr["swapped_labels"], r"""
                The weights are swapped: this is the cross-entropy for labels with $P(y = 1) = 1 - p$. Its
                gradient $q - (1 - p)$ pulls the model towards the wrong probability.
            """, 0.0),
            Wrong("model_entropy", expr["model_entropy"], r"""
                This is the entropy $H(q)$ of the model alone; it contains no data, so its gradient cannot be
                $q - p$. It is the data entropy $H(p)$ that drops out of the gradient.
            """, 0.0),
        ),
        values={"data_entropy": entropy(bern(p))},
    )


def tidy(e):
    from quizgen.generation.derivations import tidy_log

    return tidy_log(e)


def check(p, x):
    """The two correct objectives by direct sums over the two outcomes, after checking their claim:
    the same gradient in the logit as the KL divergence, by finite differences."""
    import numpy as np

    pd, q = p["p"], np.asarray(x["q"])
    data = np.array([pd, 1 - pd])

    def model(m):
        return np.stack([m, 1 - m])

    def kl(m):
        return np.sum(data[:, None] * np.log(data[:, None] / model(m)), axis=0)

    def ce(m):
        return -np.sum(data[:, None] * np.log(model(m)), axis=0)

    theta = np.log(q / (1 - q))
    h = 1e-5

    def in_theta(f):
        def at(t):
            return f(1 / (1 + np.exp(-t)))
        return (at(theta + h) - at(theta - h)) / (2 * h)

    g_kl = in_theta(kl)
    if not (np.allclose(in_theta(ce), g_kl, rtol=1e-6, atol=1e-8)):
        raise AssertionError("cross-entropy and KL gradients differ")
    return kl(q), ce(q)


QUESTION = Question(
    id="mle/kl_cross_entropy_choice",
    title="Objectives with the KL gradient",
    statement=r"""
        Binary labels follow a Bernoulli distribution with $P(y = 1) = p = {{ p }}$. A model with
        one logit $\theta$ predicts $P(y = 1) = q = \sigma(\theta)$, and is trained by gradient
        descent on $D_{\mathrm{KL}}(p_{\text{data}} \,\|\, p_{\text{model}})$.

        Which of these objectives, written in $q$, have exactly the same gradient with respect to
        $\theta$ as that KL divergence, for every $\theta$? Select all that apply.
    """,
    answer=Choice(multiple=True, symbols={"q": "unit_interval"}),
    params=(grid("p", "0.01", "0.99", "0.01", exclude=("0.5",)),),
    tags=("kl-divergence", "cross-entropy", "likelihood", "gradient"),
    difficulty=2,
    points=2,
)
