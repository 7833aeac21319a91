"""Batch gradient of logistic regression, X^T (q - y) / m, as a vector (vector answer, a random small data set)."""

from quizgen.generation.question import Derivation, Question, Step, Table, Vector, Wrong, grid, pick

M = 3  # examples

BATCH = Table(
    "batch",
    columns=(
        grid("a", "-2", "2", "0.5", latex="x_1"),
        grid("b", "-2", "2", "0.5", latex="x_2"),
        pick("y", "0", "1", latex="y"),
        grid("q", "0.1", "0.9", "0.05", latex="q"),
    ),
    rows=M,
    caption="The batch, with the model's current outputs $q$:",
)


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, sigmoid

    rows = [[sp.Integer(1), getattr(s, f"a{i}"), getattr(s, f"b{i}")] for i in range(1, M + 1)]  # bias column first
    X = sp.Matrix(rows)
    y = sp.Matrix([getattr(s, f"y{i}") for i in range(1, M + 1)])
    q = sp.Matrix([getattr(s, f"q{i}") for i in range(1, M + 1)])
    # the batch loss as a function of the parameters, differentiated by SymPy: theta enters through z_i = x_i . theta
    theta = sp.Matrix(sp.symbols("theta0:3", real=True))
    z = sp.symbols("z1:4", real=True)
    loss = sum((bce_loss(y[i], sigmoid(z[i])) for i in range(M)), sp.Integer(0)) / M
    dz = [sp.diff(loss, z[i]) for i in range(M)]  # (sigma(z_i) - y_i)/m, in z_i
    at_outputs = {sp.exp(-z[i]): (1 - q[i]) / q[i] for i in range(M)}  # sigma(z_i) = q_i
    dz = sp.Matrix([sp.simplify(d.subs(at_outputs)) for d in dz])
    grad = X.T * dz  # chain rule: dz_i/dtheta = x_i
    assert sp.simplify(grad - X.T * (q - y) / M) == sp.zeros(3, 1)
    assert all(sp.diff((X * theta)[i], theta[j]) == X[i, j] for i in range(M) for j in range(3))
    residual = q - y
    sums = list(X.T * residual)
    sq_factor = sp.Matrix([q[i] * (1 - q[i]) for i in range(M)])
    return Derivation(
        answer=tuple(grad),
        steps=(
            Step(r"""
                For one example the binary cross-entropy through the sigmoid has
                $\partial L_i/\partial z_i = q_i - y_i$: the factor $q_i(1 - q_i)$ from the sigmoid cancels
                against the derivative of the logarithm. The residuals $q_i - y_i$ are ${{ values.r1 }}$,
                ${{ values.r2 }}$ and ${{ values.r3 }}$.
            """),
            Step(r"""
                The logit is $z_i = \theta_0 + \theta_1 x_{i1} + \theta_2 x_{i2} = \tilde{x}_i^\top\theta$
                with $\tilde{x}_i = (1, x_{i1}, x_{i2})$, so $\partial z_i/\partial\theta = \tilde{x}_i$.
                Averaging over the $m = 3$ examples stacks these into one matrix product,
                $\nabla_\theta L = \frac{1}{m} X^\top (q - y)$, where the rows of $X$ are the $\tilde{x}_i$.
            """),
            Step(r"""
                Each component is a residual-weighted average of one column of $X$: the bias component
                averages the residuals themselves, and each weight's component averages residual times
                feature. Before dividing by $m = 3$, the sums $S = X^\top(q - y)$ are, for the bias, the sum
                of the residuals,
            """, sp.Eq(sp.Symbol("S_0"), sums[0])),
            Step("For $\\theta_1$ it is the sum of the residuals weighted by the feature $x_1$,", sp.Eq(sp.Symbol("S_1"), sums[1])),
            Step("For $\\theta_2$ it is the sum of the residuals weighted by $x_2$:", sp.Eq(sp.Symbol("S_2"), sums[2])),
            Step(r"""
                So $S_0 = {{ values.s0 }}$, $S_1 = {{ values.s1 }}$ and $S_2 = {{ values.s2 }}$, and dividing
                each by 3 gives $\nabla_\theta L = ({{ values.g1 }}, {{ values.g2 }}, {{ values.g3 }})$.
            """),
            Step(r"""
                Computing all examples at once as $X^\top(q - y)/m$ is how the gradient is computed in
                practice; the same form holds for softmax regression with a matrix of residuals $Q - Y$.
            """),
        ),
        wrong=(
            Wrong("sign_flip", tuple(-grad), r"""
                That is $X^\top(y - q)/m$, the negative of the gradient: the direction a gradient-descent step
                moves in. The gradient itself is $X^\top(q - y)/m$, since the loss grows when an output rises
                above its label (a positive residual $q_i - y_i$).
            """, 0.25),
            Wrong("sum_not_mean", tuple(X.T * residual),
                  "The loss is the average over the $m = 3$ examples, so the gradient is divided by $m$ too.", 0.5),
            Wrong("squared_error_factor", tuple(X.T * residual.multiply_elementwise(sq_factor) / M), r"""
                The factor $q_i(1 - q_i)$ belongs to the squared error through a sigmoid. With binary
                cross-entropy it cancels, and each example contributes just $(q_i - y_i)\tilde{x}_i$.
            """, 0.0),
            Wrong("outputs_not_residuals", tuple(X.T * q / M), r"""
                You used the outputs $q_i$ where the residuals $q_i - y_i$ belong: the labels must be
                subtracted, otherwise the gradient does not depend on the data's labels at all.
            """, 0.0),
        ),
        values={**{f"r{i + 1}": residual[i] for i in range(M)}, **{f"g{j + 1}": grad[j] for j in range(3)},
                **{f"s{j}": sums[j] for j in range(3)}},
    )


def check(p, x):
    import numpy as np

    feats = np.array([[1.0, p[f"a{i}"], p[f"b{i}"]] for i in range(1, M + 1)])
    labels = np.array([p[f"y{i}"] for i in range(1, M + 1)])
    outputs = np.array([p[f"q{i}"] for i in range(1, M + 1)])
    z0 = np.log(outputs / (1 - outputs))  # the current logits

    def loss(delta):  # the batch loss when the parameters move by delta (logits are linear in the parameters)
        prob = 1 / (1 + np.exp(-(z0 + feats @ delta)))
        return np.mean(-(labels * np.log(prob) + (1 - labels) * np.log(1 - prob)))

    h = 1e-4
    grad = np.zeros(3)
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        grad[j] = (-loss(2 * e) + 8 * loss(e) - 8 * loss(-e) + loss(-2 * e)) / (12 * h)
    return grad


def _well_posed(v):
    from fractions import Fraction

    a = [v[f"a{i}"] for i in range(1, M + 1)]
    b = [v[f"b{i}"] for i in range(1, M + 1)]
    det = (a[1] - a[0]) * (b[2] - b[0]) - (a[2] - a[0]) * (b[1] - b[0])  # the three points are not collinear
    labels = {v[f"y{i}"] for i in range(1, M + 1)}
    return det != Fraction(0) and len(labels) == 2


QUESTION = Question(
    id="mle/batch_gradient_vector",
    title="Batch gradient of logistic regression",
    statement=r"""
        A logistic regression model $q = \sigma(\theta_0 + \theta_1 x_1 + \theta_2 x_2)$ is trained
        with the binary cross-entropy averaged over a batch of $m = 3$ examples. At the current
        parameters its outputs on the batch are in the table below.

        Compute the gradient $\nabla_\theta L = (\partial L/\partial\theta_0, \partial
        L/\partial\theta_1, \partial L/\partial\theta_2)$ of the batch loss, each component to 4
        significant figures.
    """,
    answer=Vector(rtol=1e-3, atol=1e-4),
    tables=(BATCH,),
    constraint=_well_posed,
    tags=("cross-entropy", "sigmoid", "gradient", "logistic-regression", "data"),
    difficulty=3,
    points=3,
)
