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
# # 13. Instruments by hand
#
# **What this teaches.** When the confounder is hidden, a variable `Z` that moves the
# treatment, reaches the outcome only through it and shares no cause with the outcome (an
# **instrument**: relevance, exclusion, no confounding) still identifies the effect in a
# linear model: the **Wald estimator** Cov(Z, Y) / Cov(Z, T) divides the instrument's effect
# on the outcome by its effect on the treatment. With a **weak instrument** (small Cov(Z, T))
# the denominator is noise: the estimates scatter wildly, and their median is pulled toward
# the biased OLS slope.
#
# **The question you should answer at the end.** *Why does a weak instrument give
# estimates near the confounded OLS answer, even though the Wald formula is exact in the
# population?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import causalab as cl

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 1_000
SAMPLES = 400 if FAST else 2_000
STRENGTHS = [0.0, 0.03, 0.1, 0.2, 0.5, 1.0, 2.0]

# %% [markdown]
# `Instrument-v0`: `Z ~ N(0,1)`, hidden `U ~ N(0,1)`, `T = g Z + U + e`, `Y = T + U + e`.
# The effect of `T` is 1. OLS converges to 1 + 1 / (g² + 2) (the hidden `U` pushes both);
# the Wald ratio converges to 1 for every g > 0.

# %%
env = cl.make("Instrument-v0")
fig, ax = plt.subplots(figsize=(3.5, 2.6))
env.scm.draw(ax=ax, roles={"Z": "instrument", "T": "treatment", "Y": "outcome"})
plt.show()
print("Z is an instrument for T -> Y (graph check):", env.scm.is_instrument("Z", "T", "Y"))


def wald(d):
    return np.cov(d["Z"], d["Y"])[0, 1] / np.cov(d["Z"], d["T"])[0, 1]


def ols(d):
    return np.cov(d["T"], d["Y"])[0, 1] / np.var(d["T"], ddof=1)


# %% [markdown]
# For each strength g we draw many samples of N = 1,000 rows (one large draw, cut into pieces)
# and compute both estimators on each.

# %%
results = {}
for i, g in enumerate(STRENGTHS):
    big = cl.make("Instrument-v0", instrument_strength=g).sample(N * SAMPLES, seed=i)
    draws = [big.iloc[k * N:(k + 1) * N] for k in range(SAMPLES)]
    first_stage_f = np.median([(N - 2) * r**2 / (1 - r**2) for r in (np.corrcoef(d["Z"], d["T"])[0, 1] for d in draws)])
    results[g] = {"wald": np.array([wald(d) for d in draws]), "ols": np.array([ols(d) for d in draws]),
                  "F": first_stage_f}

fig, ax = plt.subplots(figsize=(7, 3.6))
pos = np.arange(len(STRENGTHS))
ax.boxplot([results[g]["wald"] for g in STRENGTHS], positions=pos, widths=0.5, whis=(5, 95), showfliers=False)
ax.plot(pos, [np.median(results[g]["ols"]) for g in STRENGTHS], "s", color="tab:red", label="OLS slope (median)")
ax.plot(pos, [1 + 1 / (g**2 + 2) for g in STRENGTHS], "r_", ms=20, label="OLS limit 1 + 1/(g² + 2)")
ax.axhline(1.0, color="green", lw=1.5, label="true effect (1)")
ax.set_xticks(pos, [f"g={g}\nF≈{results[g]['F']:.0f}" for g in STRENGTHS])
ax.set_xlabel(f"instrument strength g and median first-stage F ({N:,} rows, {SAMPLES} samples each)")
ax.set_ylabel("Wald estimate (box: quartiles\nand median, whiskers: 5%-95%)")
ax.set_ylim(-1, 3)
ax.legend(fontsize=7, loc="upper right")
plt.tight_layout()
plt.show()
print("median Wald estimate by strength:", {g: round(float(np.median(r["wald"])), 3) for g, r in results.items()})

# %% [markdown]
# With g = 1 or 2 the Wald estimates sit tightly around 1 while OLS sits at its confounded
# limit. As g shrinks the first-stage F falls below the rule-of-thumb 10 (Staiger and Stock
# 1997) and the whiskers leave the plot; once F is near 1 the median moves toward the OLS
# slope, and at g = 0 (no instrument: relevance fails) it sits on it. The reason: in a finite
# sample Cov(Z, T) and Cov(Z, Y) both carry the chance correlation of Z with `U` and the
# noise; when the instrument's real pull on T is small, their ratio is mostly that chance
# part, whose centre is the confounded slope Cov(T, Y) / Var(T).
#
# ## Exercise
#
# Compute the Wald estimate *by hand* from `iv_data` below (g = 0.5, and a true effect of 2
# this time) and store it in `my_wald`.

# %%
iv_data = cl.make("Instrument-v0", instrument_strength=0.5, effect=2.0).sample(5_000, seed=123)

# %% tags=["exercise"]
my_wald = ...

# %% tags=["check"]
# check: against the Wald ratio on the same rows. Its standard error from 20 bootstrap resamples
# is printed (about 0.04); the ratio has one value on these rows (whether the covariances divide
# by n or n - 1 cancels), so we accept a tenth of a standard error.
from causalab.testing.exercises import check_number  # noqa: E402

reference = wald(iv_data)
se = float(np.std([wald(iv_data.sample(frac=1.0, replace=True, random_state=i)) for i in range(20)]))
check_number(
    my_wald, reference, se / 10, name="my_wald", what="Cov(Z, Y) / Cov(Z, T) on `iv_data`",
    why_tol=f"a tenth of the estimate's bootstrap standard error {se:.4f}",
    hint="divide the instrument's covariance with the outcome by its covariance with the treatment",
    mistakes={"the OLS slope Cov(T, Y) / Var(T)": ols(iv_data),
              "the reduced form Cov(Z, Y) / Var(Z), not divided by the first stage":
                  np.cov(iv_data["Z"], iv_data["Y"])[0, 1] / np.var(iv_data["Z"], ddof=1)},
)
print(f"Wald on iv_data: {reference:.4f} ± {se:.4f}; the true effect is 2")
