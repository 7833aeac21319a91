"""A density value is not a probability: can a Gaussian density exceed 1 at its mean? (true/false with the reason)."""

from quizgen.generation.question import Claim, Derivation, Question, Step, TrueFalse, Wrong, grid, pick


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_pdf

    mu, y = sp.Symbol("mu", real=True), sp.Symbol("y", real=True)
    at_mean = sp.simplify(gaussian_pdf(mu, mu, s.sd))  # the density evaluated at its own mean
    return Derivation(
        answer=Claim(
            truth=at_mean <= 1,
            reason=at_mean,
            feedback="Compute the density at the mean rather than guess: $p(\\mu) = 1/(\\sigma\\sqrt{2\\pi}) = "
                     "{{ values.at_mean }}$ here. A density is not a probability, so it may exceed 1 (only its "
                     "integral must be 1), but it need not.",
        ),
        steps=(
            Step("The density of $\\mathcal{N}(\\mu, \\sigma^2)$ is", sp.Eq(sp.Symbol("p(y)"), gaussian_pdf(y, mu, s.sd))),
            Step("At $y = \\mu$ the exponential is $e^0 = 1$, so with $\\sigma = {{ sd }}$ the density at the mean is",
                 at_mean),
            Step(r"""
                That is ${{ values.at_mean }}$. The claim $p(\mu) \le 1$ holds exactly when
                $\sigma \ge 1/\sqrt{2\pi} \approx 0.3989$. A density value is not a probability: probabilities
                come from integrating it over an interval, and a narrow density must be tall for its integral
                to be 1.
            """),
        ),
        wrong=(
            Wrong("variance_in_denominator", 1 / (s.sd**2 * sp.sqrt(2 * sp.pi)), r"""
                The normalising constant is $1/(\sigma\sqrt{2\pi})$, with $\sigma$, not $\sigma^2$:
                $\sqrt{2\pi\sigma^2} = \sigma\sqrt{2\pi}$.
            """, 0.0),
            Wrong("no_square_root", 1 / (2 * sp.pi * s.sd**2),
                  "You dropped the square root of $2\\pi\\sigma^2$ in the normalising constant.", 0.0),
            Wrong("density_is_probability",
                  "No computation is needed: $p(\\mu)$ is the probability that $y = \\mu$, so it is at most 1.",
                  "For a continuous variable $P(y = \\mu) = 0$; $p(\\mu)$ is a density, a probability per unit "
                  "length, and it can be larger than 1.", 0.0),
        ),
        values={"at_mean": at_mean},
    )


def check(p, x):
    import numpy as np

    sd = p["sd"]
    # normalise the unnormalised bell curve numerically (trapezoid rule over +-12 sigma) and read it at the mean
    t = np.linspace(-12 * sd, 12 * sd, 200_001)
    f = np.exp(-(t**2) / (2 * sd**2))
    area = np.sum((f[1:] + f[:-1]) / 2) * (t[1] - t[0])
    at_mean = 1.0 / area
    return at_mean <= 1, at_mean


#: sigma values: about a third below 1/sqrt(2 pi) = 0.3989 (the claim is false), none within 3 % of
#: that threshold (a calculator settles every variant), and none within 4 % of 1, where the
#: variance_in_denominator reason would sit next to the right one.
SD_VALUES = (
    *grid("sd", "0.02", "0.38", "0.01").values,
    *grid("sd", "0.41", "0.95", "0.01").values,
    *grid("sd", "1.05", "3", "0.05").values,
)


QUESTION = Question(
    id="mle/density_above_one_truefalse",
    title="Can a density exceed 1?",
    statement=r"""
        A measurement error is modelled as $y \sim \mathcal{N}(\mu, \sigma^2)$ with
        $\sigma = {{ sd }}$.

        Statement: the density at the mean satisfies $p(\mu) \le 1$. Is the statement true or false,
        and which reason shows it?
    """,
    answer=TrueFalse(truth_credit=0.5, reason_prefix="p(\\mu) = "),
    params=(pick("sd", *SD_VALUES, latex="\\sigma"),),
    tags=("likelihood", "density", "gaussian"),
    difficulty=1,
    points=1,
)
