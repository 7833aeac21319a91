"""A Gaussian density value above 1: density, probability and likelihood are different things (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_pdf

    x, mu, sd = s.x, s.mu, s.sd
    density = gaussian_pdf(x, mu, sd)
    kernel = sp.exp(-(x - mu) ** 2 / (2 * sd**2))
    h = sp.Rational(1, 100)
    # P(X in [x - h/2, x + h/2]) ~ density * h: the density is the derivative of the probability
    cdf = (1 + sp.erf((x - mu) / (sd * sp.sqrt(2)))) / 2  # P(X <= x) for N(mu, sd^2)
    assert sp.simplify(sp.diff(cdf, x) - density) == 0
    return Derivation(
        answer=density,
        steps=(
            Step(r"""
                The density of $\mathcal{N}(\mu, \sigma^2)$ at $x$ is
                $\frac{1}{\sigma\sqrt{2\pi}}\exp\bigl(-\frac{(x-\mu)^2}{2\sigma^2}\bigr)$; with the numbers of
                the question,
            """, density),
            Step(r"""
                The value is above 1, and nothing is wrong. A density is probability *per unit length*: it is
                the slope of the cumulative probability $P(X \le x)$. A narrow distribution
                ($\sigma = {{ sd }}$) packs its whole probability of 1 into a short stretch of the line, so
                the probability per unit length there must be large.
            """),
            Step(r"""
                Probabilities come from areas under the density. The probability of the short interval
                $[x - 0.005,\, x + 0.005]$ is about $p(x) \times 0.01 = {{ values.interval }}$, well below 1.
            """),
            Step(r"""
                Read as a function of $\mu$ with $x$ fixed, the same number is the likelihood of
                $\mu = {{ mu }}$ given the observation. A likelihood is not a probability of the parameter
                either: it need not be below 1, and it need not integrate to 1 over the parameter. (Over $\mu$
                this Gaussian happens to; over $\sigma$, with $x$ and $\mu$ fixed, the likelihood falls off
                only like $1/\sigma$ and its integral is infinite.)
            """),
        ),
        wrong=(
            Wrong("capped_at_one", sp.Integer(1), r"""
                A density is not a probability, so it is not bounded by 1. Only areas under the density are
                probabilities; a narrow Gaussian has a tall peak whose height is above 1 while its total area
                stays 1.
            """, 0.0),
            Wrong("kernel_only", kernel, r"""
                You computed only the exponential factor, whose largest value is 1. The factor
                $\frac{1}{\sigma\sqrt{2\pi}}$ in front makes the density integrate to 1; without it the curve
                would enclose an area of $\sigma\sqrt{2\pi}$, not 1.
            """, 0.0),
            Wrong("sigma_not_squared_in_root", kernel / sp.sqrt(2 * sp.pi * sd), r"""
                The normalising factor is $1/\sqrt{2\pi\sigma^2} = 1/(\sigma\sqrt{2\pi})$: the variance
                $\sigma^2$ goes under the square root, not $\sigma$.
            """, 0.25),
            Wrong("lost_half", sp.exp(-(x - mu) ** 2 / sd**2) / (sd * sp.sqrt(2 * sp.pi)), r"""
                The exponent of the Gaussian is $-(x-\mu)^2/(2\sigma^2)$; the factor 2 in its denominator went
                missing, so the density falls off too fast away from the mean.
            """, 0.25),
        ),
        values={"interval": density * h},
    )


def check(p, x):
    import math

    # the density as the slope of the cumulative probability, by a central difference of the normal CDF
    mu, sd, xv = p["mu"], p["sd"], p["x"]

    def cdf(v):
        return 0.5 * math.erfc(-(v - mu) / (sd * math.sqrt(2)))

    h = 1e-6 * sd
    return (cdf(xv + h) - cdf(xv - h)) / (2 * h)


def _above_one(v):
    # keep variants whose density value is clearly above 1 (the point of the question), off the peak itself
    import math

    d, sd = float(v["x"] - v["mu"]), float(v["sd"])
    return d != 0 and math.exp(-d * d / (2 * sd * sd)) / (sd * math.sqrt(2 * math.pi)) > 1.05


QUESTION = Question(
    id="mle/density_above_one",
    title="A density value above 1",
    statement=r"""
        A sensor's reading is modelled as $X \sim \mathcal{N}(\mu, \sigma^2)$ with $\mu = {{ mu }}$
        and $\sigma = {{ sd }}$. One reading is $x = {{ x }}$.

        Compute the value of the model's probability density $p(x)$ at this reading, to 4
        significant figures. (Then ask yourself whether a value above 1 means the model is broken.)
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("mu", "-2", "2", "0.5", latex="\\mu"),
        pick("sd", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", latex="\\sigma"),
        grid("x", "-2.3", "2.3", "0.01"),
    ),
    constraint=_above_one,
    tags=("likelihood", "density", "gaussian", "probability"),
    difficulty=1,
    points=1,
)
