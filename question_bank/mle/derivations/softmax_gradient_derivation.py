"""The gradient of the softmax cross-entropy in the logits is p_k - y_k, derived line by line."""

from quizgen.generation.question import Derivation, Question, Steps, Wrong, data, grid, minimise, param

START = "diff(-sum(y_j*log(p_j), j, 1, K), z_k)"
FINAL = "(p_k - y_k)/{{ T }}"


def derive(s):
    return Derivation(
        answer=(
            minimise("diff(-sum(y_j*z_j, j, 1, K)/{{ T }} + sum(y_j, j, 1, K)*log(sum(exp(z_l/{{ T }}), l, 1, K)), z_k)",
                     "$\\log p_j = z_j/T - \\log\\sum_l e^{z_l/T}$, and the second part does not depend on $j$."),
            minimise("-y_k/{{ T }} + sum(y_j, j, 1, K)*exp(z_k/{{ T }})/({{ T }}*sum(exp(z_l/{{ T }}), l, 1, K))",
                     "Differentiate: $\\partial z_j/\\partial z_k$ is 1 for $j = k$ and 0 otherwise; "
                     "$\\partial \\log\\sum_l e^{z_l/T}/\\partial z_k = e^{z_k/T}/(T\\sum_l e^{z_l/T})$."),
            minimise("-y_k/{{ T }} + sum(y_j, j, 1, K)*p_k/{{ T }}", "That fraction is $p_k/T$."),
            minimise(FINAL, "The targets sum to 1."),
        ),
        wrong=(
            Wrong("lost_temperature", (minimise("p_k - y_k"),),
                  "The logits enter the softmax divided by $T$: the chain rule brings out a factor $1/T$."),
            Wrong("sign_flip", (minimise("(y_k - p_k)/{{ T }}"),),
                  "Gradient descent moves $z_k$ down when $p_k$ is too large: the gradient is $(p_k - y_k)/T$, not $(y_k - p_k)/T$."),
            Wrong("gradient_in_p", (minimise("-y_k/p_k"),),
                  "That is the derivative in $p_k$; the logits reach the loss through the softmax, which couples all of them."),
            Wrong("diagonal_jacobian_only", (minimise("(p_k - y_k)*p_k*(1 - p_k)/{{ T }}"), minimise("-y_k*(1 - p_k)/{{ T }}")),
                  "Each $p_j$ depends on every logit, not only $p_k$ on $z_k$: the off-diagonal terms "
                  "$-p_j p_k$ of the softmax Jacobian count too."),
        ),
    )


def check(p, x):
    import numpy as np

    z, y, k, temp = x["z"] / p["T"], x["y"], x["k"] - 1, p["T"]
    h = 1e-6

    def loss(zz):
        zmax = zz.max(axis=1, keepdims=True)
        logp = zz - zmax - np.log(np.sum(np.exp(zz - zmax), axis=1, keepdims=True))
        return -np.sum(y * logp, axis=1)

    up, down = z.copy(), z.copy()
    up[:, k] += h / temp  # z is scaled by 1/T already: a step h in the logit is h/T here
    down[:, k] -= h / temp
    prob = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return {"start": (loss(up) - loss(down)) / (2 * h), "final": (prob[:, k] - y[:, k]) / temp}


QUESTION = Question(
    id="mle/softmax_gradient_derivation",
    title="Gradient of the softmax cross-entropy",
    statement=r"""
        A classifier over $K$ classes turns logits $z_1, \dots, z_K$ into probabilities with
        temperature $T = {{ T }}$, $p_j = e^{z_j/T} / \sum_l e^{z_l/T}$, and is trained with the
        cross-entropy against a target distribution $y_1, \dots, y_K$ ($\sum_j y_j = 1$). The
        gradient in one logit $z_k$ is

        $${{ values.start }}$$

        Derive it, one step per line, each line equal to the one before, down to an expression in
        $p_k$ and $y_k$ (you may write `p_j` for the softmax with temperature and `diff(…, z_k)` for
        a derivative).
    """,
    answer=Steps(
        symbols={"z": param(over="K"), "y": data("simplex", over="K"), "p": data(over="K")},
        define={"p_j": "exp(z_j/{{ T }})/sum(exp(z_l/{{ T }}), l, 1, K)"},
        free={"k": "K"},
        sizes={"K": (2, 3, 4)},
        start=minimise(START),
        final=minimise(FINAL),
        relation="equal",
        final_description="$(p_k - y_k)/T$",
        moves="equality",
        min_lines=2,
        answer_lines=6,
    ),
    params=(grid("T", "0.25", "10", "0.25", exclude=("1",)),),
    tags=("softmax", "gradient", "cross-entropy", "temperature", "derivation"),
    difficulty=3,
    points=4,
)
