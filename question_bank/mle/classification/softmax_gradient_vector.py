"""Gradient of softmax cross-entropy with respect to the logits, as a vector (vector answer, numeric)."""

from quizgen.generation.question import Derivation, Question, Step, Vector, Wrong, grid, pick

K = 3  # classes


def derive(s):
    import sympy as sp

    z = [getattr(s, f"z{k}") for k in range(1, K + 1)]
    y = [getattr(s, f"y{k}") for k in range(1, K + 1)]
    denom = sum(sp.exp(zk) for zk in z)
    q = [sp.exp(zk) / denom for zk in z]
    loss = -sum(yk * sp.log(qk) for yk, qk in zip(y, q))
    # the one-hot target sums to 1 (the constraint below), which is what reduces the derivative to q - y
    one_hot = {y[-1]: 1 - sum(y[:-1])}
    grad = tuple(sp.simplify(sp.diff(loss, zk).xreplace(one_hot)) for zk in z)
    for g, qk, yk in zip(grad, q, y):
        assert sp.simplify(g - (qk - yk).xreplace(one_hot)) == 0
    sig = [1 / (1 + sp.exp(-zk)) for zk in z]
    zs, qs, ys = sp.Symbol("z_k"), sp.Symbol("q_k"), sp.Symbol("y_k")
    return Derivation(
        answer=grad,
        steps=(
            Step(r"""
                The softmax gives the class probabilities $q_k = e^{z_k} / \sum_j e^{z_j}$; here
                $q = ({{ values.q1 }}, {{ values.q2 }}, {{ values.q3 }})$.
            """),
            Step(r"""
                With a one-hot target $y$, the loss is $L = -\sum_k y_k \log q_k = -\log q_c$ for the true
                class $c$. Differentiating $\log q_c = z_c - \log \sum_j e^{z_j}$ in $z_k$ gives
                $[k = c] - q_k$, so
            """, sp.Eq(sp.Derivative(sp.Symbol("L"), zs), qs - ys)),
            Step(r"""
                Subtract the one-hot target from the probabilities, component by component. Every component is
                the predicted probability minus the target: the true class's is negative (raise its logit) and
                the others' are positive (lower theirs); the components sum to zero.
            """),
        ),
        wrong=(
            Wrong("forgot_target", tuple(q), r"""
                These are the softmax probabilities $q$ themselves. The gradient of the cross-entropy is
                $q - y$: the one-hot target must be subtracted.
            """, 0.0),
            Wrong("sign_flip", tuple(yk - qk for yk, qk in zip(y, q)), r"""
                That is $y - q$, the negative gradient (the direction of steepest *descent*). The gradient of
                the loss is $q - y$.
            """, 0.25),
            Wrong("true_class_only", tuple((qk - 1) * yk for qk, yk in zip(q, y)), r"""
                Only the true class appears in $-\log q_c$, but $q_c$ depends on every logit through the
                softmax's denominator, so the other components are $q_k$, not 0.
            """, 0.0),
            Wrong("sigmoid_per_class", tuple(sk - yk for sk, yk in zip(sig, y)), r"""
                You used a separate sigmoid $\sigma(z_k)$ per class. Softmax couples the classes:
                $q_k = e^{z_k}/\sum_j e^{z_j}$, so the gradient is softmax minus target.
            """, 0.0),
        ),
        values={f"q{k}": qk for k, qk in enumerate(q, 1)},
    )


def check(p, x):
    import numpy as np

    z = np.array([p[f"z{k}"] for k in range(1, K + 1)])
    y = np.array([p[f"y{k}"] for k in range(1, K + 1)])

    def loss(v):  # cross-entropy as a direct sum over the classes, with a stable log-sum-exp
        m = v.max()
        log_q = v - (m + np.log(np.sum(np.exp(v - m))))
        return -np.sum(y * log_q)

    def central(k, h):  # central finite difference in logit k
        e = np.zeros(K)
        e[k] = h
        return (loss(z + e) - loss(z - e)) / (2 * h)

    h = 1e-3  # Richardson extrapolation of two central differences: error O(h^4), no cancellation trouble
    return np.array([(4 * central(k, h) - central(k, 2 * h)) / 3 for k in range(K)])


QUESTION = Question(
    id="mle/softmax_gradient_vector",
    title="Softmax cross-entropy gradient over three classes",
    statement=r"""
        A classifier with three classes outputs the logits $z = ({{ z1 }}, {{ z2 }}, {{ z3 }})$,
        turned into probabilities by the softmax, and is trained with the cross-entropy loss. The
        one-hot target of this example is $y = ({{ y1 }}, {{ y2 }}, {{ y3 }})$.

        Compute the gradient of the loss with respect to the logits, $\partial L / \partial z$, to 4
        significant figures.
    """,
    answer=Vector(rtol=1e-3, atol=1e-4),
    params=(
        *(grid(f"z{k}", "-2", "2", "0.5") for k in range(1, K + 1)),
        *(pick(f"y{k}", "0", "1") for k in range(1, K + 1)),
    ),
    constraint=lambda p: p["y1"] + p["y2"] + p["y3"] == 1,
    tags=("softmax", "cross-entropy", "gradient", "multiclass"),
    difficulty=2,
    points=2,
    symbol_latex={f"z{k}": f"z_{k}" for k in range(1, K + 1)} | {f"y{k}": f"y_{k}" for k in range(1, K + 1)},
)
