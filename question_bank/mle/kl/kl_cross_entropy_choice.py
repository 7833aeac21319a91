"""Which training objectives share the gradient of D_KL(p_data || p_model) for a Bernoulli model (choice, several correct)."""

from quizgen.question import Choice, Derivation, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.derivations import cross_entropy, entropy, in_terms_of_output, kl_divergence, mse_loss, sigmoid

    p, q = s.p, s.q
    theta = sp.Symbol("theta", real=True)

    def bern(t):
        return [t, 1 - t]

    objectives = {
        "kl": lambda t: kl_divergence(bern(p), bern(t)),
        "cross_entropy": lambda t: cross_entropy(bern(p), bern(t)),
        "log_likelihood": lambda t: -cross_entropy(bern(p), bern(t)),
        "reversed_kl": lambda t: kl_divergence(bern(t), bern(p)),
        "model_entropy": lambda t: entropy(bern(t)),
        "squared_error": lambda t: mse_loss(p, t),
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
    assert sp.simplify(tidy(expr["cross_entropy"] - expr["kl"] - entropy(bern(p)))) == 0

    return Derivation(
        answer=(expr["kl"], expr["cross_entropy"]),
        steps=(
            Step("With $q = \\sigma(\\theta)$, differentiate each objective in $\\theta$ by the chain rule "
                 "($\\partial q/\\partial\\theta = q(1-q)$) and compare with the target gradient. "
                 "For $D_{\\mathrm{KL}}(p \\,\\|\\, q) = p\\log\\frac{p}{q} + (1-p)\\log\\frac{1-p}{1-q}$ it is",
                 grad["kl"]),
            Step("The cross-entropy $H(p, q) = -p\\log q - (1-p)\\log(1-q)$ equals $D_{\\mathrm{KL}}(p \\,\\|\\, q) + H(p)$, "
                 "and the data entropy $H(p) = {{ values.data_entropy }}$ is a constant in $\\theta$, so its gradient is the same:",
                 grad["cross_entropy"]),
            Step("The log-likelihood $p\\log q + (1-p)\\log(1-q)$ is the negative cross-entropy; its gradient has the "
                 "opposite sign (it is maximised, not minimised):", grad["log_likelihood"]),
            Step("The reversed divergence $D_{\\mathrm{KL}}(q \\,\\|\\, p) = q\\log\\frac{q}{p} + (1-q)\\log\\frac{1-q}{1-p}$ "
                 "averages under the model instead and has a different gradient:", grad["reversed_kl"]),
            Step("The model's own entropy $H(q) = -q\\log q - (1-q)\\log(1-q)$ does not involve the data at all:",
                 grad["model_entropy"]),
            Step("The squared error $\\tfrac12(p - q)^2$ keeps the sigmoid's derivative as a factor:",
                 grad["squared_error"]),
            Step("So exactly two options have the gradient $q - p$: the KL divergence itself and the cross-entropy."),
        ),
        wrong=(
            Wrong("log_likelihood", expr["log_likelihood"],
                  "This is the log-likelihood, the negative of the cross-entropy. Its gradient is $p - q$: it is the "
                  "objective to maximise, and it agrees with the KL gradient only after a change of sign.", 0.0),
            Wrong("reversed_kl", expr["reversed_kl"],
                  "This is $D_{\\mathrm{KL}}(q \\,\\|\\, p)$, with the roles of data and model swapped. KL divergence is "
                  "not symmetric, and this one's gradient is $q(1-q)\\log\\frac{q(1-p)}{p(1-q)}$, not $q - p$.", 0.0),
            Wrong("model_entropy", expr["model_entropy"],
                  "This is the entropy $H(q)$ of the model alone; it contains no data, so its gradient cannot be "
                  "$q - p$. It is the data entropy $H(p)$ that drops out of the gradient.", 0.0),
            Wrong("squared_error", expr["squared_error"],
                  "The squared error between the probabilities is also minimised at $q = p$, but its gradient "
                  "$(q - p)q(1-q)$ carries the sigmoid's derivative, so it is not the KL gradient.", 0.0),
        ),
        values={"data_entropy": entropy(bern(p))},
    )


def tidy(e):
    from quizgen.derivations import tidy_log

    return tidy_log(e)


def check(p, x):
    import numpy as np

    pd, q = p["p"], np.asarray(x["q"])
    kl = pd * np.log(pd / q) + (1 - pd) * np.log((1 - pd) / (1 - q))
    ce = -(pd * np.log(q) + (1 - pd) * np.log(1 - q))

    # the claim behind the two options: the same gradient in the logit (finite differences at theta = logit(q))
    theta = np.log(q / (1 - q))
    h = 1e-5

    def in_theta(f):
        def at(t):
            m = 1 / (1 + np.exp(-t))
            return f(m)
        return (at(theta + h) - at(theta - h)) / (2 * h)

    g_kl = in_theta(lambda m: pd * np.log(pd / m) + (1 - pd) * np.log((1 - pd) / (1 - m)))
    g_ce = in_theta(lambda m: -(pd * np.log(m) + (1 - pd) * np.log(1 - m)))
    if not np.allclose(g_kl, g_ce, rtol=1e-6, atol=1e-8):
        raise AssertionError("cross-entropy and KL gradients differ")
    return kl, ce


QUESTION = Question(
    id="mle/kl_cross_entropy_choice",
    title="Objectives with the KL gradient",
    statement=(
        "Binary labels follow a Bernoulli distribution with $P(y = 1) = p = {{ p }}$. A model with one logit $\\theta$ "
        "predicts $P(y = 1) = q = \\sigma(\\theta)$, and is trained by gradient descent on "
        "$D_{\\mathrm{KL}}(p_{\\text{data}} \\,\\|\\, p_{\\text{model}})$.\n\n"
        "Which of these objectives, written in $q$, have exactly the same gradient with respect to $\\theta$ as that "
        "KL divergence, for every $\\theta$? Select all that apply."
    ),
    answer=Choice(multiple=True, symbols={"q": "unit_interval"}),
    derive=derive,
    check=check,
    params=(grid("p", "0.05", "0.95", "0.05", exclude=("0.5",)),),
    tags=("kl-divergence", "cross-entropy", "likelihood", "gradient"),
    difficulty=2,
    points=2,
)
