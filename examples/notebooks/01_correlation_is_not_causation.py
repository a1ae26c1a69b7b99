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
# **What this teaches.** A treatment can look harmful in the data and yet be better within
# every group of patients. The kidney-stone trial (Charig et al. 1986) and a continuous
# confounder show why: a common cause of treatment and outcome mixes the treatment's effect
# with the cause's.
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
#
# What the data say is "better *within each stone size*", not "better for every patient".
# How many patients A actually helps is a rung-3 question; the engine answers it from each
# patient's stored noise (its coupling of the two worlds is the one notebook 3 discusses):
# %%
print("patient:", patient[["S", "T", "R"]].to_dict("records")[0], " noise:",
      patient[["U[S]", "U[T]", "U[R]"]].round(3).to_dict("records")[0])
print("the same patient under the other treatment:", cf[["S", "T", "R"]].to_dict("records")[0])

everyone = env.sample_world(N, seed=4)
r_a = env.counterfactual(everyone, {"T": 1})["R"]
r_b = env.counterfactual(everyone, {"T": 0})["R"]
shares = {"helped by A (R_A=1, R_B=0)": float(((r_a == 1) & (r_b == 0)).mean()),
          "hurt by A (R_A=0, R_B=1)": float(((r_a == 0) & (r_b == 1)).mean()),
          "unaffected (R_A = R_B)": float((r_a == r_b).mean())}
print({k: round(v, 3) for k, v in shares.items()})
assert shares["unaffected (R_A = R_B)"] > 0.9  # A is better on average, yet most patients' outcome does not change

# %% [markdown]
# About 5% of patients are helped and the rest unaffected. With this coupling nobody is hurt;
# other couplings agree with the same data and put the share helped anywhere between the
# bounds below (per stone size, P(helped) lies in [max(0, p_A - p_B), min(p_A, 1 - p_B)]):
# the data alone pin the average effect, not how many patients it touches.

# %%
p = {(t, s): float(env.scm.prob({"R": 1}, given={"T": t, "S": s})) for t in (0, 1) for s in (0, 1)}
size = {s: float(env.scm.prob({"S": s})) for s in (0, 1)}
low = sum(size[s] * max(0.0, p[1, s] - p[0, s]) for s in (0, 1))
high = sum(size[s] * min(p[1, s], 1 - p[0, s]) for s in (0, 1))
helped = shares["helped by A (R_A=1, R_B=0)"]
print(f"share helped by A: {helped:.3f} ± {(helped * (1 - helped) / N) ** 0.5:.3f} (Monte Carlo) with the "
      f"engine's coupling, the lower end of what the data allow: [{low:.3f}, {high:.3f}]")

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
# A second hospital uses the same two treatments the same way (the same `P(T | S)` and
# `P(R | T, S)`), but 80% of its stones are small. Below, `clinic` holds its records
# (do() on `S` replaces the stone-size distribution and nothing else; notebook 2 explains do).
#
# Without looking at `Backdoor`, compute the effect of A over B *in this hospital* by hand
# from `clinic`: for each stone size, the difference in success rates between treatments,
# weighted by how common that stone size is there (the adjustment formula). Store it in
# `my_adjusted`.

# %%
import torch  # noqa: E402

clinic = env.do({"S": torch.distributions.Bernoulli(torch.tensor(0.2, dtype=torch.float64))}).sample(N, seed=3)
clinic.groupby(["S", "T"])["R"].agg(["mean", "size"])

# %% tags=["exercise"]
my_adjusted = ...

# %% tags=["check"]
# check: against the adjustment formula computed from the same rows. Every correct plug-in
# computation gives this number up to how P(S) is estimated: the exact 0.8 instead of the
# sample's share moves it by about SE(share) x |difference between the strata's effects|
# = sqrt(0.16 / N) x 0.02 < 0.0003, so we accept within 0.001 (a tenth of the estimate's own
# standard error), far below the gaps to the common mistakes named below.
from causalab.testing.exercises import check_number  # noqa: E402

rate = clinic.groupby(["S", "T"])["R"].mean()
diff = {s: rate[(s, 1)] - rate[(s, 0)] for s in (0, 1)}
shares_clinic = clinic["S"].value_counts(normalize=True)
treated_shares = clinic.loc[clinic["T"] == 1, "S"].value_counts(normalize=True)
reference = sum(shares_clinic[s] * diff[s] for s in (0, 1))
check_number(
    my_adjusted, reference, 0.001, name="my_adjusted", what="the adjustment formula on `clinic`",
    why_tol="a tenth of the estimate's standard error; valid computations differ by < 0.0003",
    hint="sum over s of P(S=s) x [P(R=1 | T=1, S=s) - P(R=1 | T=0, S=s)], with P(S=s) the share of ALL "
         "patients in `clinic` with stone size s",
    mistakes={
        "the naive contrast P(R=1 | T=1) - P(R=1 | T=0)":
            clinic.loc[clinic["T"] == 1, "R"].mean() - clinic.loc[clinic["T"] == 0, "R"].mean(),
        "the unweighted mean of the two stratum differences": (diff[0] + diff[1]) / 2,
        "stratum differences weighted by P(S | T=1): the effect on the treated": sum(treated_shares[s] * diff[s]
                                                                                   for s in (0, 1)),
        "the trial's population (`data`), not the clinic's": adjusted.value,
    },
)
exact = float(env.do({"S": torch.distributions.Bernoulli(torch.tensor(0.2, dtype=torch.float64))}).scm.ate("T", "R"))
print(f"the clinic's exact effect (enumeration): {exact:+.4f}")
