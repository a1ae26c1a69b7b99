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
# # 1. Correlation is not causation
#
# **What this teaches.** A treatment can look harmful in the data and be helpful for every
# patient. The kidney-stone trial (Charig et al. 1986) and a continuous confounder show why:
# a common cause of treatment and outcome mixes the treatment's effect with the cause's.
#
# **The question you should answer at the end.** *Why does the crude contrast in success rates
# point the wrong way, and which single column fixes it?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import causalab as cl
from causalab.learners import Backdoor, LinearRegression

FAST = os.environ.get("CAUSALAB_FAST") == "1"  # CI runs every notebook in fast mode
N = 20_000 if FAST else 200_000

# %% [markdown]
# ## The kidney-stone trial as a structural causal model
#
# Stone size `S` (1 = large) makes doctors choose treatment `T` (1 = A, open surgery) and also
# makes success `R` less likely. The graph says it all: `S` is a common cause of `T` and `R`.

# %%
env = cl.make("KidneyStones-v0")
fig, ax = plt.subplots(figsize=(3.5, 2.5))
env.draw(ax=ax)
ax.set_title("KidneyStones-v0: S confounds T and R")
plt.show()

# %% [markdown]
# ## Four numbers side by side
#
# * the **naive contrast** P(R=1 | T=1) - P(R=1 | T=0), read from data;
# * the **adjusted estimate**: back-door adjustment for `S` (DoWhy, identified from the graph);
# * the **interventional truth** P(R=1 | do(T=1)) - P(R=1 | do(T=0)), exact by enumeration;
# * and one patient's **counterfactual**: what would have happened to *this* patient under the
#   other treatment.

# %%
data = env.sample(N, seed=0)
naive = data[data["T"] == 1]["R"].mean() - data[data["T"] == 0]["R"].mean()
adjusted = Backdoor().fit(data, env.task).effect(1, 0)
truth = float(env.true_effects()["ate"])

world = env.sample_world(5, seed=1)                 # five patients with their noise
patient = world.iloc[[0]]
other = 1 - int(patient["T"].iloc[0])
cf = env.counterfactual(patient, do={"T": other})   # exact: the patient's own noise, replayed

table = pd.DataFrame({
    "quantity": ["naive contrast P(R|T=1) - P(R|T=0) (data)", "back-door adjusted for S (DoWhy)",
                 "interventional truth P(R|do(T=1)) - P(R|do(T=0)) (exact)",
                 f"patient 0 (S={int(patient['S'].iloc[0])}, T={int(patient['T'].iloc[0])}, "
                 f"R={int(patient['R'].iloc[0])}): R under do(T={other})"],
    "value": [naive, adjusted.value, truth, float(cf["R"].iloc[0])],
})
table

# %% [markdown]
# The naive contrast is negative (-0.046 in the published counts): treatment A *looks* worse.
# Adjusting for stone size recovers the truth, +0.054: A is better for small stones and for
# large stones. Large stones are both harder to treat and more often given A.

# %%
print("patient:", patient[["S", "T", "R"]].to_dict("records")[0], " noise:",
      patient[["U[S]", "U[T]", "U[R]"]].round(3).to_dict("records")[0])
print("the same patient under the other treatment:", cf[["S", "T", "R"]].to_dict("records")[0])

# %% [markdown]
# ## The same story with a continuous confounder
#
# `Confounding-v0`: `Z ~ N(0,1)`, `T = s Z + e`, `Y = T + s Z + e`. The true effect of `T` is 1
# for every unit; the regression slope of `Y` on `T` is `1 + s^2 / (s^2 + 1)`.

# %%
strengths = np.linspace(0, 2, 9)
slopes, adjusted_slopes = [], []
for s in strengths:
    e = cl.make("Confounding-v0", strength=float(s))
    d = e.sample(5_000, seed=2)
    slopes.append(LinearRegression(features="treatment").fit(d, e.task).effect(1.0, 0.0).value)
    adjusted_slopes.append(LinearRegression(features="covariates").fit(d, e.task).effect(1.0, 0.0).value)

fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(strengths, 1 + strengths**2 / (strengths**2 + 1), "k--", label="closed form: 1 + s²/(s²+1)")
ax.plot(strengths, slopes, "o", label="regression of Y on T")
ax.plot(strengths, adjusted_slopes, "s", label="adjusted for Z")
ax.axhline(1.0, color="green", lw=1, label="true effect")
ax.set_xlabel("confounding strength s")
ax.set_ylabel("estimated effect of T")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# For a class: with the optional `widgets` extra (`pip install causalab[widgets]`), a slider
# redraws one strength at a time. The knob is a plain argument, so the function works without it.


# %%
def slope_at(strength: float = 1.0, n: int = 5_000) -> float:
    """The naive regression slope of Y on T at one confounding strength."""
    e = cl.make("Confounding-v0", strength=float(strength))
    return LinearRegression(features="treatment").fit(e.sample(n, seed=2), e.task).effect(1.0, 0.0).value


try:
    from ipywidgets import interact

    interact(lambda strength: print(f"naive slope {slope_at(strength):.3f}, closed form "
                                    f"{1 + strength**2 / (strength**2 + 1):.3f}"), strength=(0.0, 3.0, 0.25))
except ImportError:
    print(f"naive slope at strength 1: {slope_at(1.0):.3f} (install ipywidgets for a slider)")

# %% [markdown]
# ## Exercise
#
# Without looking at `Backdoor`, compute the adjusted effect on kidney stones *by hand* from
# `data`: for each stone size, the difference in success rates between treatments, weighted
# by how common that stone size is (the adjustment formula). Store it in `my_adjusted`.

# %%
my_adjusted = sum(
    share * (data[(data["S"] == s) & (data["T"] == 1)]["R"].mean() - data[(data["S"] == s) & (data["T"] == 0)]["R"].mean())
    for s, share in data["S"].value_counts(normalize=True).items()
)

# %% tags=["hide-input"]
# check your answer: within 3 standard errors of the exact truth
se = np.sqrt(0.25 * 4 / len(data))
assert abs(my_adjusted - truth) < 3 * se + 0.01, my_adjusted
assert naive < 0 < my_adjusted
print(f"adjusted by hand: {my_adjusted:+.4f}, truth {truth:+.4f}")
