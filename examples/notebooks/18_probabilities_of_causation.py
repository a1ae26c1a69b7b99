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
# # 18. Probabilities of causation
#
# **What this teaches.** A court asks about one person: *she was exposed and fell ill;
# would she have stayed well without the exposure?* That is the **probability of
# necessity**, PN = P(Y_{X=0} = 0 | X = 1, Y = 1), a rung-3 quantity. Its mirror is the
# **probability of sufficiency**, PS = P(Y_{X=1} = 1 | X = 0, Y = 0), and PNS = P(Y_1 = 1,
# Y_0 = 0) is the share for whom the exposure is both. Neither observational data (rung 1)
# nor experiments (rung 2) pin them down: together they give **bounds** (Tian and Pearl
# 2000). Under **monotonicity** (the exposure never prevents the illness) the bounds
# collapse and PN is identified. The epidemiologists' "excess risk ratio" formula needs
# monotonicity *and* no confounding; with confounding it is wrong.
#
# **The question you should answer at the end.** *What does the average effect from a
# trial tell a court about one exposed, ill plaintiff, and what assumption turns it into a
# number?*

# %%
import os

import matplotlib.pyplot as plt

import causalab as cl

FAST = os.environ.get("CAUSALAB_FAST") == "1"  # everything here is exact: no sampling to shorten

# %% [markdown]
# ## Two worlds that agree on every experiment and every survey question
#
# Age group `Z` (1 = older) confounds exposure `X` and illness `Y`. Model A: the exposure
# raises the risk in both age groups. Model B: it raises the risk of the young and *lowers*
# that of the old (so some units are protected by it: monotonicity fails).

# %%
def exposure_model(p_ill):
    """Z ~ Bernoulli(0.5), P(X=1 | Z) = [0.3, 0.7], P(Y=1 | X, Z) = p_ill[X][Z]."""
    scm = cl.SCM()
    scm.add("Z", cl.Table([], 0.5))
    scm.add("X", cl.Table(["Z"], [0.3, 0.7]))
    scm.add("Y", cl.Table(["X", "Z"], p_ill))
    return scm


models = {"A (harm only)": exposure_model([[0.2, 0.4], [0.6, 0.7]]),
          "B (harm and protection)": exposure_model([[0.2, 0.8], [0.6, 0.5]])}
fig, ax = plt.subplots(figsize=(3, 2.2))
models["A (harm only)"].draw(ax=ax, roles={"X": "treatment", "Y": "outcome", "Z": "covariate"})
plt.show()

# %% [markdown]
# ## What the data give, and the bounds
#
# With p1 = P(Y=1 | do(X=1)), p0 = P(Y=1 | do(X=0)) from an experiment, and the joint
# P(X, Y) from a survey, Tian and Pearl's bounds are
#
# max(0, [P(Y=1) - p0] / P(X=1, Y=1))  <=  PN  <=  min(1, [(1 - p0) - P(X=0, Y=0)] / P(X=1, Y=1))
#
# max(0, [p1 - P(Y=1)] / P(X=0, Y=0))  <=  PS  <=  min(1, [p1 - P(X=1, Y=1)] / P(X=0, Y=0))
#
# causalab's engine answers PN and PS exactly under its coupling (one uniform noise per
# variable, shared by the factual and the counterfactual world: within an age group, the
# units who fall ill without exposure also fall ill with it when the exposure raises the
# risk). That is one point inside the bounds, not the only one the data allow.


# %%
def summary(scm):
    p = lambda event, **kw: float(scm.prob(event, **kw))  # noqa: E731
    p1, p0, py = p({"Y": 1}, do={"X": 1}), p({"Y": 1}, do={"X": 0}), p({"Y": 1})
    pxy, pnot = p({"X": 1, "Y": 1}), p({"X": 0, "Y": 0})
    return {
        "PN bounds": (max(0.0, (py - p0) / pxy), min(1.0, ((1 - p0) - pnot) / pxy)),
        "PS bounds": (max(0.0, (p1 - py) / pnot), min(1.0, (p1 - pxy) / pnot)),
        "PN (engine)": float(scm.probability_of_necessity("X", "Y")),
        "PS (engine)": float(scm.probability_of_sufficiency("X", "Y")),
        "excess risk ratio": (p({"Y": 1}, given={"X": 1}) - p({"Y": 1}, given={"X": 0})) / p({"Y": 1}, given={"X": 1}),
        "ATE": p1 - p0,
    }


table = {name: summary(scm) for name, scm in models.items()}
for name, row in table.items():
    print(name, {k: tuple(round(v, 3) for v in x) if isinstance(x, tuple) else round(x, 3) for k, x in row.items()})
    for q in ("PN", "PS"):  # the engine's point lies inside the bounds the data allow
        assert row[f"{q} bounds"][0] - 1e-12 <= row[f"{q} (engine)"] <= row[f"{q} bounds"][1] + 1e-12

fig, axes = plt.subplots(1, 2, figsize=(9, 2.6), sharex=True)
for ax, (name, row) in zip(axes, table.items()):
    for y, q in ((1, "PN"), (0, "PS")):
        lo, hi = row[f"{q} bounds"]
        ax.plot([lo, hi], [y, y], color="tab:blue", lw=9, alpha=0.35, solid_capstyle="butt",
                label="bounds from experiment + survey" if y else None)
        ax.plot(row[f"{q} (engine)"], y, "o", color="tab:blue", ms=8, label="causalab's coupling" if y else None)
    ax.plot(row["excess risk ratio"], 1, "x", color="tab:red", ms=10, mew=2, label="excess risk ratio (PN if no confounding)")
    ax.set_yticks([1, 0], ["PN", "PS"])
    ax.set_ylim(-0.7, 1.9)
    ax.set_xlim(0, 1)
    ax.set_title(f"model {name}", fontsize=9)
    ax.set_xlabel("probability")
axes[0].legend(fontsize=7, loc="upper center", ncol=1, frameon=False)
plt.tight_layout()
plt.show()

# %% [markdown]
# In model A the engine's PN sits at the lower end of its bounds: there, the lower bound is
# exactly what **monotonicity** gives, PN = [P(Y=1) - P(Y=1 | do(X=0))] / P(X=1, Y=1), and
# causalab's coupling is monotone whenever the exposure raises the risk in every group. The
# excess risk ratio, 1 - P(Y=1 | X=0) / P(Y=1 | X=1), is far off: it reads the observational
# contrast as causal, but age confounds it. In model B the exposure protects the old, the
# monotonicity formula would even go negative, and the data leave PN anywhere in a wide range.
#
# ## Exercise
#
# In model A, assume monotonicity and compute the probability of necessity from rung-1 and
# rung-2 quantities only: `scm.prob({"Y": 1})`, `scm.prob({"X": 1, "Y": 1})` and
# `scm.prob({"Y": 1}, do={"X": 0})` with `scm = models["A (harm only)"]`. Store it in `my_pn`.

# %%
scm = models["A (harm only)"]

# %% tags=["exercise"]
my_pn = ...

# %% tags=["check"]
# check: against the engine's exact PN (counterfactual enumeration; its coupling is monotone in
# model A, where it equals the monotonicity formula). The quantity is exact, so the tolerance is
# for rounding only: 1e-6.
from causalab.testing.exercises import check_number  # noqa: E402

row = table["A (harm only)"]
check_number(
    my_pn, row["PN (engine)"], 1e-6, name="my_pn", what="PN in model A, exact",
    why_tol="the quantity is exact; rounding only",
    hint="under monotonicity PN = [P(Y=1) - P(Y=1 | do(X=0))] / P(X=1, Y=1): the ill who would have been ill "
         "anyway are removed from the exposed ill",
    mistakes={"the excess risk ratio (no adjustment for age)": row["excess risk ratio"],
              "the ATE (a rung-2 answer)": row["ATE"],
              "the upper bound, not the monotone value": row["PN bounds"][1]},
)
