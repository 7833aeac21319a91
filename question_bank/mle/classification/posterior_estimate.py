"""With enough data, the cross-entropy minimiser outputs the posterior class probability (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss

    prior, a, b = s.prior, s.a, s.b
    q = sp.Symbol("q", positive=True)
    joint1, joint0 = prior * a, (1 - prior) * b  # P(y = 1, x = A), P(y = 0, x = A)
    # the expected loss at x = A, over the labels seen with A, as a function of the output q
    risk = joint1 * bce_loss(1, q) + joint0 * bce_loss(0, q)
    (root,) = sp.solve(sp.diff(risk, q), q)
    best = joint1 / (joint1 + joint0)
    assert sp.simplify(root - best) == 0
    second = sp.diff(risk, q, 2)  # positive for every q in (0, 1): each -log term is convex, so this is the minimum
    for vals in ((sp.Rational(1, 5), sp.Rational(3, 10), sp.Rational(7, 10)), (sp.Rational(9, 10), sp.Rational(1, 2), sp.Rational(1, 10))):
        at = dict(zip((prior, a, b), vals))
        assert second.subs(at).subs(q, best.subs(at)) > 0
    return Derivation(
        answer=best,
        steps=(
            Step(r"""
                With many examples, the average loss over the examples with $x = A$ approaches its
                expectation. A label $y = 1$ appears with $x = A$ with probability
                $P(y = 1)\,P(A \mid y = 1) = {{ prior }} \cdot {{ a }}$ and a label $y = 0$ with probability
                ${{ '%g' | format(1 - prior | float) }} \cdot {{ b }}$. The expected binary cross-entropy of
                an output $q$ at $A$ is therefore proportional to
            """, sp.Eq(sp.Symbol("R(q)"), risk)),
            Step("Setting $R'(q) = 0$ and solving for $q$:", sp.Eq(q, best)),
            Step(r"""
                That is Bayes' rule: the minimiser is the posterior $P(y = 1 \mid x = A)$, the class-1 share
                of all examples with $x = A$. A model flexible enough to output any value at $A$, trained on
                enough data, therefore learns to output the posterior class probability, here
                ${{ values.best }}$. Its output is an estimate of a probability, not just a score for ranking.
            """),
        ),
        wrong=(
            Wrong("ignored_prior", a / (a + b), r"""
                You compared the two class-conditional probabilities as if the classes were equally common.
                The examples with $x = A$ come from both classes in proportion to $P(y)\,P(A \mid y)$, so the
                prior weights each term.
            """, 0.25),
            Wrong("class_conditional", a, r"""
                $P(A \mid y = 1)$ is the probability of the input given the class; the classifier's output
                estimates the reverse, $P(y = 1 \mid A)$, which also needs the prior and the other class.
            """, 0.0),
            Wrong("joint_not_normalised", joint1, r"""
                $P(y = 1)\,P(A \mid y = 1)$ is the joint probability $P(y = 1, x = A)$. Among the examples
                with $x = A$ the share of class 1 divides it by $P(x = A)$, the sum over both classes.
            """, 0.25),
            Wrong("prior_only", prior, r"""
                The prior $P(y = 1)$ is the best constant output when the input is ignored. At $x = A$ the
                examples have a different mix of labels, and minimising the loss there follows that mix.
            """, 0.0),
        ),
        values={"best": best},
    )


def check(p, x):
    import numpy as np

    w1, w0 = p["prior"] * p["a"], (1 - p["prior"]) * p["b"]

    def risk(q):
        return -w1 * np.log(q) - w0 * np.log(1 - q)

    # minimise the expected loss numerically: a fine scan, then golden-section refinement
    qs = np.linspace(1e-6, 1 - 1e-6, 20001)
    j = int(np.argmin(risk(qs)))
    lo, hi = qs[max(j - 1, 0)], qs[min(j + 1, len(qs) - 1)]
    g = (np.sqrt(5) - 1) / 2
    for _ in range(100):
        c, d = hi - g * (hi - lo), lo + g * (hi - lo)
        if risk(c) < risk(d):
            hi = d
        else:
            lo = c
    return (lo + hi) / 2


QUESTION = Question(
    id="mle/posterior_estimate",
    title="What a well-trained classifier outputs",
    statement=r"""
        In a binary problem, class 1 has prior probability $P(y = 1) = {{ prior }}$. One input
        value, $x = A$, has probability $P(A \mid y = 1) = {{ a }}$ under class 1 and
        $P(A \mid y = 0) = {{ b }}$ under class 0. A model flexible enough to output any probability
        $q$ for each input is trained by minimising the binary cross-entropy over a very large data
        set drawn from this distribution.

        What output $q = P(y = 1 \mid x = A)$ does it learn for $x = A$? Give it to 4 significant
        figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("prior", "0.1", "0.9", "0.1", exclude=("0.5",)),
        grid("a", "0.1", "0.9", "0.1"),
        grid("b", "0.1", "0.9", "0.1"),
    ),
    constraint=lambda v: v["a"] != v["b"],
    tags=("posterior", "cross-entropy", "classification", "calibration"),
    difficulty=2,
    points=2,
)
