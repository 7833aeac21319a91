"""Why binary cross-entropy and not squared error for a sigmoid classifier (interview, graded by a person)."""

from quizgen.generation.question import Derivation, Manual, Question, Step, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, in_terms_of_output, mse_loss, sigmoid

    u = sp.Symbol("u", real=True)
    yh = sp.Symbol("\\hat{y}", positive=True)
    y = sp.Symbol("y", real=True)
    g_mse = in_terms_of_output(sp.diff(mse_loss(y, sigmoid(u)), u), u, yh)
    g_bce = in_terms_of_output(sp.diff(bce_loss(y, sigmoid(u)), u), u, yh)
    z = -s.zmag  # a positive example (y = 1) whose logit is far on the wrong side
    out = sigmoid(z)
    mse_here = g_mse.xreplace({yh: out, y: 1})
    bce_here = g_bce.xreplace({yh: out, y: 1})
    return Derivation(
        answer=(
            "Binary labels are Bernoulli draws with $P(y = 1 \\mid x) = \\hat{y}$, and the negative log of that "
            "likelihood is the binary cross-entropy $-y\\log\\hat{y} - (1 - y)\\log(1 - \\hat{y})$; so BCE is maximum "
            "likelihood for this model, while the squared error is maximum likelihood for Gaussian noise, which "
            "0/1 labels do not have. The practical difference is the gradient in the logit: "
            "$\\partial L/\\partial z = \\hat{y} - y$ for BCE, but $(\\hat{y} - y)\\,\\hat{y}(1 - \\hat{y})$ for "
            "$\\tfrac12(\\hat{y} - y)^2$, because the sigmoid's slope $\\sigma'(z) = \\hat{y}(1 - \\hat{y})$ survives. "
            "For this positive example at $z = {{ values.z }}$ ($\\hat{y} = {{ values.out }}$) that is "
            "${{ values.bce }}$ against ${{ values.mse }}$: the squared error barely corrects a confident mistake "
            "(saturation), which slows training from a bad start. At $\\hat{y} = 0.5$ both gradients are healthy, "
            "so a network initialised with outputs near 0.5 learns under either loss; the trouble starts once "
            "outputs saturate on the wrong side. BCE is also convex in the parameters of a linear-logit model (logistic "
            "regression), while the squared error through a sigmoid is not. Both losses are proper, so either is minimised by the true "
            "probability over enough data; the difference is in how training gets there."
        ),
        steps=(
            Step("The two gradients in the logit, written with the output $\\hat{y} = \\sigma(z)$:",
                 sp.Eq(sp.Symbol("\\partial L_{\\mathrm{SE}}/\\partial z"), g_mse)),
            Step("The cross-entropy gradient is", sp.Eq(sp.Symbol("\\partial L_{\\mathrm{BCE}}/\\partial z"), g_bce)),
            Step(r"""
                At $z = {{ values.z }}$ with $y = 1$ they are ${{ values.mse }}$ and ${{ values.bce }}$: a
                ratio of $1/(\hat{y}(1 - \hat{y})) = {{ values.ratio }}$.
            """),
        ),
        values={"z": z, "out": out, "mse": mse_here, "bce": bce_here, "ratio": bce_here / mse_here},
    )


def check(p, x):
    import numpy as np

    z0, y = -p["zmag"], 1.0

    def sig(t):
        return 1 / (1 + np.exp(-t))

    def se(t):
        return 0.5 * (sig(t) - y) ** 2

    def bce(t):
        return -(y * np.log(sig(t)) + (1 - y) * np.log(1 - sig(t)))

    h = 1e-4

    def slope(f):
        return (-f(z0 + 2 * h) + 8 * f(z0 + h) - 8 * f(z0 - h) + f(z0 - 2 * h)) / (12 * h)

    return {"out": sig(z0), "mse": slope(se), "bce": slope(bce), "ratio": slope(bce) / slope(se)}


QUESTION = Question(
    id="mle/mse_vs_bce_interview",
    title="Interview: squared error or cross-entropy for a sigmoid output?",
    statement=r"""
        A colleague trains a binary classifier whose last layer is a sigmoid, $\hat{y} = \sigma(z)$,
        with the squared error $\tfrac12(\hat{y} - y)^2$, "because it is simpler". Training stalls:
        some positive examples sit at logits around $z = {{ values.z }}$ and hardly move.

        Explain what is going on, and why binary cross-entropy is the usual choice. Where does it
        come from, and what does it change in training?
    """,
    answer=Manual(
        rubric=(
            "Derives BCE as the negative log-likelihood of Bernoulli labels with $P(y = 1 \\mid x) = \\hat{y}$ "
            "(and says the squared error corresponds to Gaussian noise instead).",
            "Gives the gradients in the logit: $\\hat{y} - y$ for BCE, and the extra factor "
            "$\\sigma'(z) = \\hat{y}(1 - \\hat{y})$ for the squared error.",
            "Explains saturation with numbers: at $z = {{ values.z }}$ the squared-error gradient is ${{ values.mse }}$ "
            "against ${{ values.bce }}$ for BCE, so a confidently wrong output is barely corrected.",
            "Notes that an output near 0.5 (a fresh initialisation) still learns under either loss, since "
            "$\\sigma'(0) = 1/4$ is the sigmoid's largest slope.",
            "Mentions convexity of BCE in the logits of logistic regression, or that both losses are proper "
            "scoring rules, so the difference is in optimisation, not in the minimiser.",
        ),
        followups=(
            "What is the gradient of each loss with respect to $z$ at $\\hat{y} = 0.5$?",
            "With a softmax over $K$ classes, what does the gradient of the cross-entropy in the logits become?",
            "Can the squared error still give calibrated probabilities? Why, or why not?",
        ),
    ),
    params=(grid("zmag", "2", "8", "0.1", latex="|z|"),),
    tags=("sigmoid", "mse", "cross-entropy", "saturation", "likelihood", "interview"),
    difficulty=3,
    points=5,
)
