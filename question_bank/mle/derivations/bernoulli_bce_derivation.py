"""From the Bernoulli likelihood of binary labels to the binary cross-entropy, line by line."""

from quizgen.generation.question import Derivation, Detect, Question, Steps, Wrong, data, grid, maximise, minimise, param

START = "prod(y_hat_i^({{ w }}*y_i) * (1 - y_hat_i)^(1 - y_i), i, 1, m)"
BCE = "-sum({{ w }}*y_i*log(y_hat_i) + (1 - y_i)*log(1 - y_hat_i), i, 1, m)"


def derive(s):
    return Derivation(
        answer=(
            maximise("sum(log(y_hat_i^({{ w }}*y_i) * (1 - y_hat_i)^(1 - y_i)), i, 1, m)",
                     "The logarithm is increasing; the log of the product is the sum of the logs."),
            maximise("sum({{ w }}*y_i*log(y_hat_i) + (1 - y_i)*log(1 - y_hat_i), i, 1, m)", "Algebra: $\\log a^b = b \\log a$."),
            minimise(BCE, "Negate: maximising the log-likelihood is minimising its negative, the binary cross-entropy."),
            minimise(BCE + "/m", "Divide by $m > 0$: the mean cross-entropy, as a training loss is usually written."),
        ),
        wrong=(
            Wrong("dropped_negative_class", (minimise("-sum({{ w }}*y_i*log(y_hat_i), i, 1, m)"),), r"""
                The term $(1 - y_i)\log(1 - \hat y_i)$ depends on $\hat y_i$: dropping it ignores every
                example labelled 0 (the loss would then be minimised by $\hat y_i \to 1$ for all of them).
            """),
            Wrong("squared_error", (minimise("sum((y_i - y_hat_i)^2, i, 1, m)"),),
                  "The squared error comes from Gaussian noise; Bernoulli labels give the cross-entropy."),
            Wrong("sign_flip", Detect("sign_flip"),
                  "Negating the log-likelihood turns its maximum into a minimum: write min on that line."),
            Wrong("switch_without_negation", Detect("switch_without_negation"),
                  "Switching max to min needs the objective negated."),
            Wrong("dropped_term", Detect("dropped_term"),
                  "Only a term constant in the parameters may be dropped; both terms of the cross-entropy depend on $\\hat y_i$."),
            Wrong("lost_class_weight", (minimise("-sum(y_i*log(y_hat_i) + (1 - y_i)*log(1 - y_hat_i), i, 1, m)"),), r"""
                The weight $w$ multiplies only the positive examples' term: it cannot be dropped like a
                constant factor of the whole objective (it changes which $\hat y_i$ is best: $w/(w+1)$ rather
                than 1 for a positive).
            """),
        ),
    )


def check(p, x):
    import numpy as np

    y, q = x["y"], x["y_hat"]
    w = p["w"]
    return {"start": np.prod(np.where(y == 1, q**w, 1 - q), axis=1),
            "final": -np.sum(np.where(y == 1, w * np.log(q), np.log(1 - q)), axis=1)}


QUESTION = Question(
    id="mle/bernoulli_bce_derivation",
    title="Derive the binary cross-entropy from the Bernoulli likelihood",
    statement=r"""
        A classifier outputs $\hat y_i \in (0, 1)$, the probability that label $y_i \in \{0, 1\}$ is
        1, for $m$ independent examples. Positives are rare, so each positive example is counted
        $w = {{ w }}$ times in the likelihood, which is maximised:

        $${{ values.start }}$$

        Derive, one step per line, that this is the same as minimising a class-weighted binary
        cross-entropy.
    """,
    answer=Steps(
        symbols={"y": data("binary", over="m"), "y_hat": param("unit_interval", over="m")},
        start=maximise(START),
        final=minimise(BCE),
        final_description="a positive multiple of $-\\sum_i \\left(w\\, y_i \\log \\hat y_i + (1 - y_i)\\log(1 - \\hat y_i)\\right)$ plus a constant",
        min_lines=3,
    ),
    params=(grid("w", "2", "40", "1"),),
    tags=("bernoulli", "cross-entropy", "likelihood", "derivation"),
    difficulty=2,
    points=4,
)
