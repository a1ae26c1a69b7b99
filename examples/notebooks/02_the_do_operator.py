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
# # 2. The do-operator
#
# **What this teaches.** Conditioning on `T = t` selects the units that happened to have
# `T = t`; intervening, `do(T = t)`, sets `T` for everyone by cutting the arrows into `T`
# (graph surgery) and leaves every other mechanism alone. Hard, stochastic and soft
# interventions differ in what replaces `T`'s mechanism.
#
# **The question you should answer at the end.** *Why is E[Y | T = 1] different from
# E[Y | do(T = 1)] here, and which arrow does do() cut?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch

import causalab as cl

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 50_000 if FAST else 500_000

# %% [markdown]
# A small model: `Z ~ N(0,1)`, `T = Z + e`, `Y = T + 2 Z + e`. The true effect of `T` on `Y` is 1.

# %%
scm = cl.SCM()
scm.add("Z", cl.Normal(0, 1))
scm.add("T", cl.Linear({"Z": 1.0}))
scm.add("Y", cl.Linear({"T": 1.0, "Z": 2.0}))
surgery = scm.do({"T": 1.0})

fig, axes = plt.subplots(1, 2, figsize=(7, 2.6))
scm.draw(ax=axes[0])
axes[0].set_title("observational")
surgery.draw(ax=axes[1])
axes[1].set_title("after do(T = 1): Z -> T is cut")
plt.show()

# %% [markdown]
# ## Observational vs interventional distributions of Y

# %%
obs = scm.sample(N, seed=0)
near_one = obs[(obs["T"] - 1.0).abs() < 0.05]   # conditioning: units that happen to have T near 1
do_one = surgery.sample(N, seed=0)               # intervening: every unit gets T = 1

fig, ax = plt.subplots(figsize=(6, 3.2))
bins = np.linspace(-12, 14, 105)
ax.hist(near_one["Y"], bins=bins, density=True, alpha=0.6, label=f"Y | T ≈ 1 (mean {near_one['Y'].mean():.2f})")
ax.hist(do_one["Y"], bins=bins, density=True, alpha=0.6, label=f"Y | do(T = 1) (mean {do_one['Y'].mean():.2f})")
ax.set_xlabel("Y")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Units with `T` near 1 tend to have `Z` near 1/2 (because `T = Z + e`), and `Z` adds `2 Z` to
# `Y`: E[Y | T = 1] = 1 + 2 E[Z | T = 1] = 1 + 2 * 1/2 = 2. Under do(T = 1), `Z` keeps its own
# distribution (mean 0): E[Y | do(T = 1)] = 1.
#
# ## Three kinds of intervention
#
# * **hard**: `do(T = 1)`, a constant;
# * **stochastic**: `do(T ~ N(0, 1))`, a fresh draw independent of `Z`;
# * **soft**: `do(T = T + 1)`, the old mechanism shifted (the arrow from `Z` stays).

# %%
regimes = {
    "hard do(T=1)": {"T": 1.0},
    "stochastic do(T ~ N(0,1))": {"T": torch.distributions.Normal(torch.tensor(0.0, dtype=torch.float64),
                                                                  torch.tensor(1.0, dtype=torch.float64))},
    "soft do(T = T + 1)": {"T": cl.shift(1.0)},
}
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.hist(obs["Y"], bins=bins, density=True, histtype="step", color="k", label="observational")
means = {}
for name, spec in regimes.items():
    y = scm.do(spec).sample(N, seed=1)["Y"]
    means[name] = float(y.mean())
    ax.hist(y, bins=bins, density=True, histtype="step", lw=1.5, label=f"{name}: mean {y.mean():.2f}")
ax.set_xlabel("Y")
ax.legend(fontsize=7, loc="upper left")
plt.show()

# %% [markdown]
# ## Exercise
#
# Derive Var(Y) under the soft intervention do(T = T + 1) by hand (the shift adds a constant,
# so the variance is the observational one: Var(T + 2Z + e) with T = Z + e') and store it in
# `my_variance`.

# %% tags=["exercise"]
my_variance = ...

# %% tags=["check"]
# check: against the exact variance. A simulated answer from N rows is accepted too: the
# standard error of a sample variance is Var(Y) sqrt(2 / N) for Gaussian Y, and we accept 4 of them.
from causalab.testing.exercises import check_number  # noqa: E402

exact_variance = 3.0**2 * 1 + 1 + 1  # Y + 1 = 3 Z + e_T + e_Y under do(T = T + 1)
check_number(
    my_variance, exact_variance, 4 * exact_variance * np.sqrt(2 / N), name="my_variance",
    what="Var(3 Z + e_T + e_Y + 1), exact",
    why_tol=f"4 standard errors of a sample variance from {N:,} rows",
    hint="write Y in terms of the independent noises Z, e_T, e_Y only (substitute T = Z + e_T), then add "
         "the variances of the independent terms; the shift adds a constant",
    mistakes={"the variance under the hard do(T = 1), Var(2 Z + e_Y)": 5.0,
              "Var(T) + 4 Var(Z) + Var(e_Y): the covariance of T and Z left out": 7.0,
              "a noise term left out: 3² + 1": 10.0},
)
y_soft = scm.do({"T": cl.shift(1.0)}).sample(N, seed=2)["Y"]
assert abs(means["hard do(T=1)"] - 1.0) < 4 * np.sqrt(5 / N)
print(f"Var(Y) under the soft intervention, measured on {N:,} rows: {y_soft.var():.3f}")
