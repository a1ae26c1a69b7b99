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
# # 9. Real data: IHDP and LaLonde against the published numbers
#
# **What this teaches.** On real data nobody knows the truth, except where an experiment or
# a carefully built benchmark supplies it. LaLonde's job-training data come with a randomised
# experiment ($1,794 per trainee); observational comparisons against survey controls get it
# badly wrong unless they adjust, and even then not reliably. IHDP keeps real covariates and
# treatment but simulates the outcome (Hill 2011), so every child's *conditional* effect
# given its covariates, mu1(x) - mu0(x), is known.
#
# **The question you should answer at the end.** *Why does the naive comparison of trainees
# with survey respondents say the training cost them $8,500?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import causalab as cl
from causalab.learners import Backdoor, GradientBoosting, LinearRegression, TARNet, TLearner

FAST = os.environ.get("CAUSALAB_FAST") == "1"

# %% [markdown]
# ## LaLonde: NSW trainees vs CPS survey controls

# %% [markdown]
# The experiment compared trainees with randomised NSW controls: its $1,794 is the effect of
# training *on the men who took it*. With survey controls in their place, the matching question
# is the **average effect on the treated (ATT)**: each learner's unit-level contrast averaged
# over the 185 trainees, `effect(1, 0, estimand="att")`.

# %%
lalonde = cl.make("LaLonde-v0")
data = lalonde.data()
truth = lalonde.true_effects()["att"]
learners = {
    "naive: treated minus CPS controls": LinearRegression(features="treatment"),
    "OLS adjusted for covariates": LinearRegression(features="covariates"),
    "boosting T-learner": TLearner(GradientBoosting(max_iter=100)),
    "DoWhy back-door (IPW)": Backdoor("ipw"),
}
estimates = {name: l.fit(data, lalonde.task).effect(1, 0, estimand="att").value for name, l in learners.items()}
estimates

# %%
fig, ax = plt.subplots(figsize=(6, 3))
names = list(estimates)
ax.barh(names, [estimates[k] for k in names], color="tab:blue")
ax.axvline(float(truth), color="green", lw=2, label=f"experiment: ${float(truth):,.0f} ± {1.96 * truth.se:,.0f}")
ax.axvspan(float(truth) - 1.96 * truth.se, float(truth) + 1.96 * truth.se, color="green", alpha=0.15)
ax.axvline(0, color="k", lw=0.5)
ax.set_xlabel("estimated effect on the trainees' 1978 earnings (ATT, $)")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# The survey controls earned far more before the programme than the trainees (who were
# selected for being disadvantaged): the naive contrast measures that gap, not the training.
# Adjusting for prior earnings and demographics moves the estimates toward the experiment;
# how far depends on the model, the lesson of LaLonde (1986) and Dehejia and Wahba (1999).
#
# ## Why IPW fails here: overlap
#
# Inverse-propensity weighting divides by P(T=1 | X) and P(T=0 | X). Among 16,000 survey
# respondents almost none resemble the trainees: their propensities sit near 0, a few
# trainees' near 1, and a handful of units carry most of the weight. The histogram shows the
# estimated propensities (a logistic regression on the covariates); trimming to the units
# with propensity in [0.1, 0.9] (Crump et al. 2009) keeps the comparable units, and the
# estimate moves close to the experiment. Trimming changes the question: it is the effect in
# the overlap population (most, not all, of the trainees), not in everyone.

# %%
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

covariates = list(lalonde.task.covariates)
t, y = data["treat"].to_numpy(), data["re78"].to_numpy()
propensity = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(
    data[covariates], t).predict_proba(data[covariates])[:, 1]


def ipw(keep):
    w1, w0 = t[keep] / propensity[keep], (1 - t[keep]) / (1 - propensity[keep])
    return (w1 * y[keep]).sum() / w1.sum() - (w0 * y[keep]).sum() / w0.sum()


kept = (propensity > 0.1) & (propensity < 0.9)
print(f"IPW on everyone: ${ipw(np.ones_like(kept)):,.0f};  trimmed to [0.1, 0.9]: ${ipw(kept):,.0f} "
      f"({kept.sum()} units, {int(t[kept].sum())} of {int(t.sum())} trainees);  experiment ${float(truth):,.0f}")
print(f"survey controls with propensity < 0.01: {np.mean(propensity[t == 0] < 0.01):.1%}")

fig, ax = plt.subplots(figsize=(6, 3.6))
bins = np.logspace(-5, 0, 41)
ax.hist(propensity[t == 0], bins=bins, alpha=0.6, label=f"CPS survey controls (n={int((t == 0).sum()):,})")
ax.hist(propensity[t == 1], bins=bins, alpha=0.8, label=f"NSW trainees (n={int(t.sum())})")
ax.axvspan(0.1, 0.9, color="grey", alpha=0.15, label="kept by trimming [0.1, 0.9]")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("estimated propensity P(T = 1 | covariates), log scale")
ax.set_ylabel("units (log scale)")
ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, frameon=False)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## IHDP: every child's conditional effect is known
#
# The simulation gives each child two expected outcomes, mu0(x) and mu1(x), so mu1 - mu0 is
# the effect *given the child's covariates* (its CATE). The child's individual effect also
# carries the simulated noise of its two outcomes, which no method could predict; PEHE is
# measured against the conditional effect.

# %%
ihdp = cl.make("IHDP-v0")
rep = ihdp.replication(1)
frame = rep.rename(columns={"y_factual": "Y"})[ihdp.observed]
tau = (rep["mu1"] - rep["mu0"]).to_numpy()
tarnet = TARNet(seed=0, max_epochs=60 if FAST else 300).fit(frame, ihdp.task)
est = tarnet.predict_do(frame, {"T": 1}).to_numpy() - tarnet.predict_do(frame, {"T": 0}).to_numpy()
pehe = float(np.sqrt(np.mean((est - tau) ** 2)))

fig, ax = plt.subplots(figsize=(4, 4))
ax.scatter(tau, est, s=6, alpha=0.6)
lim = [min(tau.min(), est.min()), max(tau.max(), est.max())]
ax.plot(lim, lim, "k--", lw=1)
ax.set_xlabel("true conditional effect given the child's covariates (mu1 - mu0)")
ax.set_ylabel("TARNet's estimate")
ax.set_title(f"IHDP replication 1: sqrt(PEHE) = {pehe:.2f}\n(published TARNet mean over 1000 replications: 0.88)",
             fontsize=9)
plt.show()

# %% [markdown]
# The naive contrast (treated minus control children) next to the exact effects, in each of
# the ten replications: close in some, far off in others (the treated children were not a
# random sample).

# %%
import pandas as pd  # noqa: E402

rows = []
for k in range(1, 11):
    r = ihdp.replication(k)
    cate = r["mu1"] - r["mu0"]
    rows.append({"replication": k, "naive contrast": r.loc[r["T"] == 1, "y_factual"].mean()
                 - r.loc[r["T"] == 0, "y_factual"].mean(),
                 "exact ATE": cate.mean(), "exact effect on the treated": cate[r["T"] == 1].mean()})
pd.DataFrame(rows).set_index("replication").round(3)

# %% [markdown]
# ## Exercise
#
# The published effect on the treated is 4.0 in every IHDP replication (Hill's setting B).
# Compute it for replication 9 (`rep9` below), where the naive contrast is furthest from it: the
# mean of the conditional effects `mu1 - mu0` over the treated children. Store it in `my_ett`.

# %%
rep9 = ihdp.replication(9)

# %% tags=["exercise"]
my_ett = ...

# %% tags=["check"]
# check: against the exact effect on the treated of replication 9, computed from the same
# file. It is exact (no sampling), so the tolerance is for rounding only, 1e-6.
from causalab.testing.exercises import check_number  # noqa: E402

cate9 = rep9["mu1"] - rep9["mu0"]
treated9 = rep9["T"] == 1
y1 = rep9["y_factual"].where(treated9, rep9["y_cfactual"])
y0 = rep9["y_cfactual"].where(treated9, rep9["y_factual"])
check_number(
    my_ett, float(cate9[treated9].mean()), 1e-6, name="my_ett",
    what="the mean of mu1 - mu0 over the treated children of replication 9", why_tol="exact; rounding only",
    hint="average mu1 - mu0 over the rows with T == 1 only",
    mistakes={"the naive contrast of y_factual": float(rep9.loc[treated9, "y_factual"].mean()
                                                       - rep9.loc[~treated9, "y_factual"].mean()),
              "the average over every child (the ATE)": float(cate9.mean()),
              "the mean of the individual effects y1 - y0 over the treated (noise included)":
                  float((y1 - y0)[treated9].mean())},
)
assert estimates["naive: treated minus CPS controls"] < -8000
print(f"TARNet sqrt(PEHE) on replication 1: {pehe:.2f}")
