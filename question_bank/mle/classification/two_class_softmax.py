"""A softmax over two classes is a sigmoid of the logit difference (symbolic)."""

from quizgen.generation.question import Derivation, Question, Step, Symbolic, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import sigmoid

    z1, z2, T = s.z1, s.z2, s.T
    e1, e2 = sp.exp(z1 / T), sp.exp(z2 / T)
    softmax1 = e1 / (e1 + e2)
    u = sp.Symbol("u", real=True)
    (answer,) = sp.solve(sp.Eq(sp.log(softmax1 / (1 - softmax1)), u), u)  # the logit of P(y = 1): sigma(u) = P
    answer = sp.simplify(sp.expand_log(answer, force=True))
    assert sp.simplify(softmax1 - sigmoid(answer)) == 0  # dividing through by exp(z1/T)
    return Derivation(
        answer=answer,
        steps=(
            Step("The softmax with temperature $T = {{ T }}$ gives class 1 the probability",
                 sp.Eq(sp.Symbol("P(y = 1)"), softmax1)),
            Step(r"""
                Divide the numerator and the denominator by $e^{z_1/T}$. The numerator becomes 1 and the
                second term of the denominator becomes $e^{(z_2 - z_1)/T} = e^{-u}$ with
            """, sp.Eq(sp.Symbol("u"), answer)),
            Step(r"""
                So $P(y = 1) = 1/(1 + e^{-u}) = \sigma(u)$, the logistic sigmoid of the single number $u$.
                Only the difference of the logits matters: adding the same constant to both changes nothing. A
                two-class softmax classifier is a sigmoid classifier whose logit is $(z_1 - z_2)/T$, and
                $P(y = 2) = 1 - \sigma(u) = \sigma(-u)$.
            """),
        ),
        wrong=(
            Wrong("one_logit_only", z1 / T, r"""
                With $u = z_1/T$ alone the other logit would have no effect. The softmax compares the two
                logits: only their difference $(z_1 - z_2)/T$ enters.
            """, 0.0),
            Wrong("sign_flip", (z2 - z1) / T, r"""
                That is $u$ for class 2: $\sigma((z_2 - z_1)/T)$ is the probability of class 2. A larger $z_1$
                must make class 1 more likely, so the difference is $z_1 - z_2$.
            """, 0.25),
            Wrong("ignored_temperature", z1 - z2, r"""
                The temperature divides both logits before the exponential, so it divides their difference
                too: $u = (z_1 - z_2)/T$.
            """, 0.5),
            Wrong("sum_of_logits", (z1 + z2) / T, r"""
                Dividing by $e^{z_1/T}$ leaves $e^{z_2/T}/e^{z_1/T} = e^{(z_2 - z_1)/T}$: a difference of the
                logits, not their sum.
            """, 0.0),
            Wrong("probability_not_argument", softmax1, r"""
                That is $P(y = 1)$ itself. The question asks for the number $u$ inside the sigmoid,
                $P(y = 1) = \sigma(u)$.
            """, 0.25),
        ),
    )


def check(p, x):
    import numpy as np

    z = np.stack([np.asarray(x["z1"], dtype=float), np.asarray(x["z2"], dtype=float)]) / p["T"]
    z = z - z.max(axis=0)  # a stable softmax, computed column by column
    e = np.exp(z)
    probs = e / e.sum(axis=0)  # P(y = 1) and P(y = 2), each computed directly (1 - P would lose digits)
    return np.log(probs[0]) - np.log(probs[1])  # u with sigma(u) = P(y = 1): the log-odds of the softmax output


QUESTION = Question(
    id="mle/two_class_softmax",
    title="Two-class softmax and the sigmoid",
    statement=r"""
        A classifier has two logits, $z_1$ and $z_2$, and turns them into class probabilities with a
        softmax at temperature $T = {{ T }}$: $P(y = k) = e^{z_k/T} / (e^{z_1/T} + e^{z_2/T})$.

        Show that $P(y = 1)$ is a logistic sigmoid of one number: it equals
        $\sigma(u) = 1/(1 + e^{-u})$. Give $u$ as an expression in `z1` and `z2`.
    """,
    answer=Symbolic({"z1": "real", "z2": "real"}),
    params=(grid("T", "0.2", "5", "0.1", exclude=("1",)),),
    tags=("softmax", "sigmoid", "classification"),
    difficulty=2,
    points=2,
    symbol_latex={"z1": "z_1", "z2": "z_2"},
)
