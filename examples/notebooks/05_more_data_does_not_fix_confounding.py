# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. More data does not fix confounding
#
# **What this teaches.** Sampling error shrinks like 1/sqrt(n); confounding bias does not
# shrink at all. A flexible model trained on more and more observational data converges,
# precisely, to the wrong answer; an adjusted estimator converges to the right one.
#
# **The question you should answer at the end.** *At a million rows, how far is the naive
# estimate from the truth, and what number is it converging to?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import causalab as cl
from causalab.learners import Backdoor, GradientBoosting, LinearRegression

FAST = os.environ.get("CAUSALAB_FAST") == "1"
SIZES = [300, 1_000, 3_000, 10_000] if FAST else [300, 1_000, 3_000, 10_000, 30_000, 100_000]
SEEDS = range(3) if FAST else range(5)

# %% [markdown]
# `Confounding-v0` with strength `s = 1`: `T = Z + e`, `Y = T + Z + e`. The true effect is 1;
# the regression slope of `Y` on `T` alone is `1 + s^2 / (s^2 + 1) = 1.5` exactly.

# %%
env = cl.make("Confounding-v0")
truth = float(env.true_effects()["ate"])
learners = {
    "naive regression (T only)": lambda: LinearRegression(features="treatment"),
    "gradient boosting on T only": lambda: GradientBoosting(features="treatment", max_iter=50),
    "back-door (DoWhy, adjusts for Z)": lambda: Backdoor(),
}
curves = {name: [] for name in learners}
for n in SIZES:
    for name, make in learners.items():
        estimates = [make().fit(env.sample(n, seed=s), env.task).effect(1.0, 0.0).value for s in SEEDS]
        curves[name].append((np.mean(estimates), np.std(estimates)))

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, points in curves.items():
    mean, sd = np.array(points).T
    ax.errorbar(SIZES, mean, yerr=sd, marker="o", capsize=3, label=name)
ax.axhline(truth, color="black", lw=1.5, label="true effect (1)")
ax.axhline(1.5, color="grey", ls="--", lw=1, label="naive limit 1 + s²/(s²+1) = 1.5")
ax.set_xscale("log")
ax.set_xlabel("training rows (log scale)")
ax.set_ylabel("estimated effect of T on Y")
ax.set_title("The spread shrinks; the bias stays")
ax.legend(fontsize=7)
plt.show()
spread = {name: [round(float(sd), 3) for _, sd in points] for name, points in curves.items()}
print("spread (sd over seeds) at n =", SIZES)
for name, sds in spread.items():
    print(f"  {name}: {sds}")

# %% [markdown]
# ## A million rows
#
# The naive regression is cheap enough to fit on a million rows here and now:

# %%
million = env.sample(1_000_000, seed=11)
at_million = LinearRegression(features="treatment").fit(million, env.task).effect(1.0, 0.0).value
print(f"naive estimate at 1,000,000 rows: {at_million:.4f}; truth {truth:.1f}; off by {at_million - truth:+.4f}; "
      f"the closed-form limit is 1.5")
assert abs(at_million - 1.5) < 0.01  # its standard error is about 0.001 at this size

# %% [markdown]
# The error bars (spread over seeds, printed above) shrink like 1/sqrt(n) for the naive
# regression and the back-door estimator. Gradient boosting's spread does not shrink
# steadily: its step-function fit of E[Y | T] and its early stopping change with the data,
# and its average effect over the data moves with them. Either way the naive learners (a line
# and a flexible model alike) head for 1.5, not 1, and a million rows (above) pin the naive
# estimate to 1.5 within a thousandth: their bias is a property of the question they answer
# (E[Y | T]), not of the sample size. The back-door estimator answers E[Y | do(T)].
#
# ## Exercise
#
# Predict the naive regression's limit for confounding strength `s = 2` from the closed form,
# store it in `my_limit`, then check it against a large sample.

# %% tags=["exercise"]
my_limit = ...

# %% tags=["check"]
# check: against the exact limit (the closed form, derived in the docstring of Confounding-v0).
# A slope measured on n rows is accepted too: its standard error is
# sd(residual) / (sd(T) sqrt(n)) = sqrt(1.8 / 5 / n), 0.0013 at n = 200,000; we accept 4 of them.
from causalab.testing.exercises import check_number  # noqa: E402

s2 = 2.0
exact_limit = 1 + s2**2 / (s2**2 + 1)
check_number(
    my_limit, exact_limit, 4 * np.sqrt(1.8 / 5 / 200_000), name="my_limit",
    what="1 + s²/(s² + 1) at s = 2, exact", why_tol="4 standard errors of the slope on 200,000 rows",
    hint="the slope of Y on T alone is Cov(T, Y) / Var(T) with T = s Z + e and Y = T + s Z + e'",
    mistakes={"the true effect: what adjustment gives, not the naive limit": 1.0,
              "the limit at s = 1": 1.5, "Cov(T, sZ) without dividing by Var(T): 1 + s²": 1 + s2**2},
)
e2 = cl.make("Confounding-v0", strength=s2)
slope = LinearRegression(features="treatment").fit(e2.sample(200_000, seed=9), e2.task).effect(1.0, 0.0).value
print(f"measured on 200,000 rows: {slope:.4f}")
