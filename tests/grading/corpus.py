"""Labelled corpus from this subject: (expected, answer, domains, equivalent?).

Expected expressions are in SymPy ``str()`` syntax as the key stores them; answers are as students
type them, plain and LaTeX. Near misses are the mistakes students make.
"""

from __future__ import annotations

GAUSS = {"y": "real", "y_hat": "real", "sigma": "positive"}
GAUSS_MU = {"x": "real", "mu": "real", "sigma": "positive"}
SIG = {"z": "real"}
BCE = {"y": "unit_interval", "y_hat": "unit_interval", "x": "real"}
BERN = {"p": "unit_interval", "q": "unit_interval"}
KLG = {"mu1": "real", "mu2": "real", "s1": "positive", "s2": "positive"}
LIK = {"x1": "real", "x2": "real", "x3": "real", "mu": "real", "sigma": "positive"}
LR = {"w": "real", "b": "real", "x": "real", "y": "real"}
ENT = {"p": "unit_interval"}

NLL = "(y - y_hat)**2/(2*sigma**2) + log(sigma) + log(2*pi)/2"
SIG_D = "exp(-z)/(1 + exp(-z))**2"
KL_B = "p*log(p/q) + (1 - p)*log((1 - p)/(1 - q))"
KL_G = "log(s2/s1) + (s1**2 + (mu1 - mu2)**2)/(2*s2**2) - 1/2"
H = "-p*log(p) - (1 - p)*log(1 - p)"
LOGLIK3 = ("-3*log(sigma) - 3*log(2*pi)/2 - ((x1 - mu)**2 + (x2 - mu)**2 + (x3 - mu)**2)"
           "/(2*sigma**2)")
MSE_GRAD_W = "2*x*(w*x + b - y)"
BCE_GRAD = "(y_hat - y)*x"
SIG_MSE_GRAD = "(y_hat - y)*y_hat*(1 - y_hat)*x"

# (expected, answer, domains, equivalent)
CORPUS: list[tuple[str, str, dict[str, str], bool]] = [
    # --- Gaussian NLL
    (NLL, "(y-ŷ)²/(2σ²) + ln σ + ½ln(2π)".replace("½", "1/2 "), GAUSS, True),
    (NLL, "\\frac{(y-\\hat{y})^2}{2\\sigma^2}+\\ln\\sigma+\\frac12\\log(2\\pi)", GAUSS, True),
    (NLL, "1/2 log(2 pi sigma^2) + (y-yhat)^2/(2 sigma^2)", GAUSS, True),
    (NLL, "(yhat-y)^2/(2sigma^2)+log(sqrt(2pi)sigma)", GAUSS, True),
    (NLL, "-log(exp(-(y-y_hat)^2/(2 sigma^2))/(sqrt(2 pi) sigma))", GAUSS, True),
    (NLL, "\\frac{1}{2}\\log\\left(2\\pi\\sigma^{2}\\right)+\\frac{(y-\\hat y)^{2}}{2\\sigma^{2}}",
     GAUSS, True),
    (NLL, "0.5*log(2*pi) + log(sigma) + 0.5*(y - y_hat)**2/sigma**2", GAUSS, True),
    (NLL, "(y^2 - 2 y yhat + yhat^2)/(2σ^2) + log σ + log(2π)/2", GAUSS, True),
    (NLL, "(y-y_hat)^2/sigma^2 + log(sigma) + log(2pi)/2", GAUSS, False),  # lost 1/2
    (NLL, "(y-y_hat)^2/2 + log(sigma) + log(2pi)/2", GAUSS, False),  # lost 1/sigma^2
    (NLL, "(y-y_hat)^2/(2sigma^2) + log(sigma)", GAUSS, False),  # dropped constant
    (NLL, "-(y-y_hat)^2/(2sigma^2) - log(sigma) - log(2pi)/2", GAUSS, False),  # log-lik sign
    (NLL, "(y-y_hat)^2/(2sigma^2) + log(sigma^2) + log(2pi)/2", GAUSS, False),
    (NLL, "(y-y_hat)^2/(2sigma) + log(sigma) + log(2pi)/2", GAUSS, False),
    (NLL, "(y-y_hat)^2/(2sigma^2) + log(sigma) + 0.9189", GAUSS, False),  # rounded constant
    # --- Gaussian log-likelihood of three observations
    (LOGLIK3, "-(3/2) log(2 pi sigma^2) - ((x1-mu)^2+(x2-mu)^2+(x3-mu)^2)/(2 sigma^2)",
     LIK, True),
    (LOGLIK3, "log(1/(sqrt(2pi) sigma)^3) - ((x_1-mu)^2+(x_2-mu)^2+(x_3-mu)^2)/(2σ^2)", LIK, True),
    (LOGLIK3, "-3 log σ - 3/2 log(2π) - ((x1-μ)^2 + (x2-μ)^2 + (x3-μ)^2)/(2σ^2)", LIK, True),
    (LOGLIK3, "-log(sigma) - log(2pi)/2 - ((x1-mu)^2+(x2-mu)^2+(x3-mu)^2)/(2 sigma^2)",
     LIK, False),
    (LOGLIK3, "-3 log σ - 3/2 log(2π) - ((x1-μ)^2 + (x2-μ)^2 + (x3-μ)^2)/σ^2", LIK, False),
    # --- MSE gradient for a linear model
    (MSE_GRAD_W, "2x(wx+b-y)", LR, True),
    (MSE_GRAD_W, "-2x(y - wx - b)", LR, True),
    (MSE_GRAD_W, "2 w x^2 + 2 b x - 2 x y", LR, True),
    (MSE_GRAD_W, "2x(y - wx - b)", LR, False),
    (MSE_GRAD_W, "x(wx+b-y)", LR, False),
    (MSE_GRAD_W, "2(wx+b-y)", LR, False),
    # --- sigmoid derivative
    (SIG_D, "σ(z)(1−σ(z))", SIG, True),
    (SIG_D, "\\sigma(z)\\left(1-\\sigma(z)\\right)", SIG, True),
    (SIG_D, "sigmoid(z)*sigmoid(-z)", SIG, True),
    (SIG_D, "1/(2 + exp(z) + exp(-z))", SIG, True),
    (SIG_D, "e^z/(1+e^z)^2", SIG, True),
    (SIG_D, "\\frac{e^{-z}}{(1+e^{-z})^2}", SIG, True),
    (SIG_D, "1/(4 cosh(z/2)^2)", SIG, True),
    (SIG_D, "σ(z)(1+σ(z))", SIG, False),
    (SIG_D, "σ(z)", SIG, False),
    (SIG_D, "exp(-z)/(1+exp(-z))", SIG, False),
    (SIG_D, "-σ(z)(1−σ(z))", SIG, False),
    # --- softplus / log-sigmoid identities
    ("log(1 + exp(z))", "z + log(1 + exp(-z))", SIG, True),
    ("log(1 + exp(z))", "softplus(z)", SIG, True),
    ("log(1 + exp(z))", "-log(sigmoid(-z))", SIG, True),
    ("log(1 + exp(z))", "z - log(σ(z))", SIG, True),
    ("-log(1 + exp(-z))", "log(σ(z))", SIG, True),
    ("-log(1 + exp(-z))", "z - softplus(z)", SIG, True),
    ("log(1 + exp(z))", "z + log(1 + exp(z))", SIG, False),
    ("log(1 + exp(z))", "log(1 + exp(-z))", SIG, False),
    ("-log(1 + exp(-z))", "log(1-σ(z))", SIG, False),
    # --- BCE gradient and sigmoid+MSE gradient
    (BCE_GRAD, "(ŷ−y)x", BCE, True),
    (BCE_GRAD, "-(y-\\hat{y})\\cdot x", BCE, True),
    (BCE_GRAD, "x*(y_hat - y)", BCE, True),
    (BCE_GRAD, "(y-ŷ)x", BCE, False),
    (BCE_GRAD, "(ŷ−y)ŷ(1−ŷ)x", BCE, False),  # that is the sigmoid+MSE gradient
    (SIG_MSE_GRAD, "(ŷ−y)ŷ(1−ŷ)x", BCE, True),
    (SIG_MSE_GRAD, "x (y_hat^2 - y_hat^3 - y y_hat + y y_hat^2)", BCE, True),
    (SIG_MSE_GRAD, "(ŷ−y)x", BCE, False),  # dropped yhat(1-yhat)
    (SIG_MSE_GRAD, "2(ŷ−y)ŷ(1−ŷ)x", BCE, False),
    # --- Bernoulli KL, entropy in nats vs bits
    (KL_B, "p log(p/q) + (1-p) log((1-p)/(1-q))", BERN, True),
    (KL_B, "p\\ln\\frac{p}{q}+(1-p)\\ln\\frac{1-p}{1-q}", BERN, True),
    (KL_B, "p log p - p log q + (1-p) log(1-p) - (1-p) log(1-q)", BERN, True),
    (KL_B, "-p log(q/p) - (1-p) log((1-q)/(1-p))", BERN, True),
    (KL_B, "q log(q/p) + (1-q) log((1-q)/(1-p))", BERN, False),  # reversed KL
    (KL_B, "p log(p/q)", BERN, False),
    (KL_B, "p log2(p/q) + (1-p) log2((1-p)/(1-q))", BERN, False),  # bits
    (H, "-p ln p - (1-p) ln(1-p)", ENT, True),
    (H, "-(p log(p) + (1 - p) log(1 - p))", ENT, True),
    (H, "log(2) * (-p log_2(p) - (1-p) log_2(1-p))", ENT, True),
    (H, "-p log2(p) - (1-p) log2(1-p)", ENT, False),  # bits vs nats
    (H, "p log p + (1-p) log(1-p)", ENT, False),
    # --- Gaussian KL
    (KL_G, "ln(s2/s1) + (s1^2 + (mu1-mu2)^2)/(2 s2^2) - 1/2", KLG, True),
    (KL_G, "log s2 - log s1 + \\frac{s_1^2+(\\mu_1-\\mu_2)^2}{2s_2^2} - \\frac12", KLG, True),
    (KL_G, "1/2 (log(s2^2/s1^2) + s1^2/s2^2 + (mu1-mu2)^2/s2^2 - 1)", KLG, True),
    (KL_G, "ln(s1/s2) + (s2^2 + (mu1-mu2)^2)/(2 s1^2) - 1/2", KLG, False),  # reversed
    (KL_G, "ln(s2/s1) + (s1^2 + (mu1-mu2)^2)/(2 s2^2)", KLG, False),
    (KL_G, "ln(s2/s1) + (s1^2 + (mu1-mu2)^2)/(s2^2) - 1/2", KLG, False),
    # --- assumptions matter
    ("sigma", "sqrt(sigma^2)", {"sigma": "positive"}, True),
    ("Abs(x)", "sqrt(x^2)", {"x": "real"}, True),
    ("x", "sqrt(x^2)", {"x": "real"}, False),
    ("log(x**2)", "2 log(x)", {"x": "positive"}, True),
    ("log(x**2)", "2 log(x)", {"x": "real"}, False),
    ("Max(0, z)".replace("Max(0, z)", "(z + Abs(z))/2"), "z", {"z": "real"}, False),
    ("n*(n + 1)/2", "(n^2+n)/2", {"n": "positive_integer"}, True),
    ("factorial(n)/factorial(n - 1)", "n", {"n": "positive_integer"}, True),
]
