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

# %% [markdown]
# The error bars (spread over seeds) shrink as the data grow, for every learner. The naive
# learners' curves (a line and a flexible model alike) flatten at 1.5, not at 1: their bias is a property of the question they
# answer (E[Y | T]), not of the sample size. The back-door estimator answers E[Y | do(T)].
#
# ## Exercise
#
# Predict the naive regression's limit for confounding strength `s = 2` from the closed form,
# store it in `my_limit`, then check it against a large sample.

# %%
my_limit = 1 + 2**2 / (2**2 + 1)

# %% tags=["hide-input"]
e2 = cl.make("Confounding-v0", strength=2.0)
big = e2.sample(200_000, seed=9)
slope = LinearRegression(features="treatment").fit(big, e2.task).effect(1.0, 0.0).value
# the slope's standard error is about sd(residual) / (sd(T) sqrt(n)) < 0.005 here
assert abs(slope - my_limit) < 0.02, (slope, my_limit)
print(f"predicted {my_limit:.3f}, measured {slope:.3f}")
