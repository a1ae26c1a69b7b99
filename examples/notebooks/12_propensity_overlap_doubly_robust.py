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
# # 12. Propensity scores, overlap and doubly robust estimation
#
# **What this teaches.** The propensity score e(x) = P(T = 1 | X = x) turns adjustment into
# reweighting: inverse-propensity weighting (IPW) weights each treated unit by 1 / e(x) and
# each control by 1 / (1 - e(x)), so the reweighted groups look like the whole population.
# It needs **overlap** (every unit could have received either treatment: 0 < e(x) < 1); as
# e(x) approaches 0 or 1 a few units carry enormous weights and IPW breaks. Trimming drops
# those units (and changes the population the answer is about). The **doubly robust** AIPW
# estimator combines an outcome model with the propensity: it is consistent when either one
# is right.
#
# **The question you should answer at the end.** *Why does IPW break when overlap shrinks,
# while the treatment effect itself has not changed?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression

import causalab as cl

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 2_000 if FAST else 5_000
SEEDS = range(4) if FAST else range(10)
OVERLAPS = [0.0, 1.0, 2.0, 4.0, 6.0]

# %% [markdown]
# `HeterogeneousEffects-v0`: covariates X1, X2, X3 ~ N(0, 1); T ~ Bernoulli(sigmoid(o X1))
# with the **overlap** knob o (0 is a randomised trial; large o makes T nearly a function of
# X1); Y = mu0(X) + T tau(X) + noise with a nonlinear mu0 and a heterogeneous effect
# tau(X) = 1 + 2 X1 + sin(2 X2). The ATE is exactly 1 at every o.
#
# For each data set we fit, by hand, a propensity model (logistic regression on X: correctly
# specified here) and an outcome model per arm (linear regression on X: misspecified, mu0 and
# tau are nonlinear).

# %%
COLUMNS = ["X1", "X2", "X3"]


def nuisances(d):
    """Estimated propensity e and per-arm outcome predictions m1, m0 for every unit of `d`."""
    x, t, y = d[COLUMNS].to_numpy(), d["T"].to_numpy(), d["Y"].to_numpy()
    e = LogisticRegression(C=1e6, max_iter=1_000).fit(x, t).predict_proba(x)[:, 1]
    m1 = LinearRegression().fit(x[t == 1], y[t == 1]).predict(x)
    m0 = LinearRegression().fit(x[t == 0], y[t == 0]).predict(x)
    return t, y, e, m1, m0


def estimates(d):
    t, y, e, m1, m0 = nuisances(d)
    ht = t * y / e - (1 - t) * y / (1 - e)                     # Horvitz-Thompson IPW terms
    keep = (e > 0.05) & (e < 0.95)
    return {
        "naive contrast": y[t == 1].mean() - y[t == 0].mean(),
        "IPW": ht.mean(),
        "IPW trimmed to e in [0.05, 0.95]": ht[keep].mean(),
        "outcome regression": np.mean(m1 - m0),
        "AIPW (doubly robust)": np.mean(m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1 - e)),
    }


runs = {o: [estimates(cl.make("HeterogeneousEffects-v0", overlap=o).sample(N, seed=s)) for s in SEEDS]
        for o in OVERLAPS}
summary = {name: np.array([[np.mean([r[name] for r in runs[o]]), np.std([r[name] for r in runs[o]])]
                           for o in OVERLAPS]) for name in runs[OVERLAPS[0]][0]}

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1.5, 1]})
for i, (name, ms) in enumerate(summary.items()):
    if name == "naive contrast":
        continue
    axes[0].errorbar(np.array(OVERLAPS) + 0.08 * (i - 2), ms[:, 0], yerr=ms[:, 1], marker="o", capsize=3, label=name)
axes[0].axhline(1.0, color="black", lw=1.5, label="true ATE (1, at every overlap)")
axes[0].set_xlabel("overlap knob o (T ~ Bernoulli(sigmoid(o X1)); larger = less overlap)")
axes[0].set_ylabel(f"estimated ATE (mean ± sd, {len(SEEDS)} seeds)")
axes[0].legend(fontsize=7, loc="upper left")
for o, colour in ((1.0, "tab:blue"), (6.0, "tab:red")):
    t, _, e, _, _ = nuisances(cl.make("HeterogeneousEffects-v0", overlap=o).sample(N, seed=0))
    bins = np.linspace(0, 1, 26)
    axes[1].hist(e[t == 1], bins=bins, histtype="step", lw=1.5, color=colour, label=f"o = {o:g}: treated")
    axes[1].hist(e[t == 0], bins=bins, histtype="step", lw=1.5, ls="--", color=colour, label=f"o = {o:g}: controls")
axes[1].set_xlabel("estimated propensity e(X)")
axes[1].set_ylabel("units")
axes[1].legend(fontsize=7, loc="upper center")
plt.tight_layout()
plt.show()
print("naive contrast by overlap:", {o: round(float(v), 2) for o, v in zip(OVERLAPS, summary["naive contrast"][:, 0])})
print("IPW sd over seeds by overlap:", {o: round(float(v), 3) for o, v in zip(OVERLAPS, summary["IPW"][:, 1])})

# %% [markdown]
# At o = 0 (a randomised trial) every estimator finds 1. As overlap shrinks, the naive
# contrast grows (X1 pushes both T and Y) and IPW drifts and scatters: with o = 6, units with
# e(X) = 0.001 get weights of a thousand, and whether such a unit happens to be treated
# decides the estimate. Trimming the extreme propensities steadies IPW; here the trimmed
# population (units with X1 not too far from 0 on either side) happens to have an average
# effect close to 1, but in general trimming answers a question about a different population.
# The outcome regression is steadier but rests on its linear model; AIPW corrects the
# regression's average with the weighted residuals, so when the propensity is right it stays
# centred even though the outcome model is wrong (and it pays in variance for poor overlap).
#
# ## Exercise
#
# For the data `d2` below (overlap o = 2), the notebook gives you the estimated propensity `e`
# and the two outcome models' predictions `m1`, `m0` for every unit, with the treatment `t`
# and the outcome `y` as arrays. Compute the AIPW estimate of the ATE,
#
# mean over units of  m1 - m0 + t (y - m1) / e - (1 - t) (y - m0) / (1 - e),
#
# and store it in `my_aipw`.

# %%
d2 = cl.make("HeterogeneousEffects-v0", overlap=2.0).sample(N, seed=100)
t, y, e, m1, m0 = nuisances(d2)
print(f"{len(y)} units, {int(t.sum())} treated; propensity from {e.min():.4f} to {e.max():.4f}")

# %% tags=["exercise"]
my_aipw = ...

# %% tags=["check"]
# check: against AIPW computed from the same arrays. Its standard error is sd(psi) / sqrt(n),
# with psi the per-unit terms (printed); computations of the formula on these arrays agree to
# rounding, so we accept a tenth of that standard error, which rejects the mistakes below.
from causalab.testing.exercises import check_number  # noqa: E402

psi = m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1 - e)
reference, se = float(psi.mean()), float(psi.std() / np.sqrt(len(psi)))
check_number(
    my_aipw, reference, se / 10, name="my_aipw", what="AIPW on `d2`",
    why_tol=f"a tenth of the estimate's standard error {se:.3f}",
    hint="the correction adds t (y - m1) / e for treated units and subtracts (1 - t) (y - m0) / (1 - e) for "
         "controls: each arm's residual divided by ITS OWN probability of treatment received",
    mistakes={"the naive contrast": y[t == 1].mean() - y[t == 0].mean(),
              "the outcome regression alone, mean(m1 - m0)": np.mean(m1 - m0),
              "IPW alone": np.mean(t * y / e - (1 - t) * y / (1 - e)),
              "both residuals divided by e": np.mean(m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / e)},
)
print(f"AIPW on d2: {reference:.3f} ± {se:.3f}; the exact ATE is 1")
