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
# # 14. Sensitivity to hidden confounding, and what refuters can and cannot see
#
# **What this teaches.** An adjusted estimate is only as good as the assumption that nothing
# hidden confounds treatment and outcome, and that assumption cannot be tested from the
# data. DoWhy's **refuters** test other things: whether the estimate moves when a random
# covariate is added (*random common cause*), whether it vanishes when the treatment is
# replaced by a permuted copy (*placebo treatment*), whether it is stable on random subsets
# (*data subset*). They catch estimators that are unstable or leak, not hidden confounding. A
# **sensitivity analysis** asks the question the refuters cannot: *how strong would a hidden
# confounder have to be to move the estimate by this much?* Here the world is known, so the
# exact bias stands beside both.
#
# **The question you should answer at the end.** *The refuters all pass; is the estimate
# right? What does a sensitivity analysis tell you that a refuter does not?*

# %%
import logging
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np

import causalab as cl

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 2_000 if FAST else 10_000
SIMULATIONS = 20 if FAST else 100    # refuter repetitions
warnings.filterwarnings("ignore", module="dowhy")
logging.getLogger("dowhy").setLevel(logging.ERROR)

# %% [markdown]
# A world with one observed confounder X and one hidden confounder U (strengths a = c = 0.8):
#
# X, U ~ N(0, 1);  T = X + a U + N(0, 1);  Y = 1·T + X + c U + N(0, 1).
#
# The effect of T on Y is exactly 1. An analyst who sees X, T, Y and adjusts for X does what
# the back-door criterion says to do with the graph *they believe*, the one without U.

# %%
A, C = 0.8, 0.8


def world(a=A, c=C):
    scm = cl.SCM()
    scm.add("X", cl.Normal(0, 1))
    scm.add("U", cl.Normal(0, 1), hidden=True)
    scm.add("T", cl.Linear({"X": 1.0, "U": a}))
    scm.add("Y", cl.Linear({"T": 1.0, "X": 1.0, "U": c}))
    return scm


scm = world()
data = scm.sample(N, seed=0)
fig, ax = plt.subplots(figsize=(4.5, 2.6))
scm.draw(ax=ax, roles={"X": "covariate", "T": "treatment", "Y": "outcome"}, title="the world (U is hidden)")
plt.tight_layout()
plt.show()
print("exact ATE:", scm.ate("T", "Y"))

# %% [markdown]
# ## The estimate and three refuters
#
# DoWhy: identify with the analyst's graph (X the only common cause), estimate by linear
# regression on T and X, then refute.

# %%
from dowhy import CausalModel  # noqa: E402

model = CausalModel(data=data, treatment="T", outcome="Y", common_causes=["X"])
estimand = model.identify_effect(proceed_when_unidentifiable=True)
estimate = model.estimate_effect(estimand, method_name="backdoor.linear_regression")
refuters = {
    "random common cause": dict(method_name="random_common_cause"),
    "placebo treatment": dict(method_name="placebo_treatment_refuter", placebo_type="permute"),
    "data subset (80%)": dict(method_name="data_subset_refuter", subset_fraction=0.8),
}
refuted = {name: model.refute_estimate(estimand, estimate, num_simulations=SIMULATIONS, random_seed=0, **kw)
           for name, kw in refuters.items()}
print(f"adjusted estimate {estimate.value:.3f}; exact ATE 1")
for name, r in refuted.items():
    p = r.refutation_result["p_value"]
    print(f"{name:22s} new effect {float(r.new_effect):+.3f}   p = {float(p):.2f}   "
          f"{'FLAGGED' if r.refutation_result['is_statistically_significant'] else 'passes'}")

fig, ax = plt.subplots(figsize=(6.5, 2.8))
rows = ["adjusted estimate", *refuted]
ax.barh(rows, [estimate.value, *(float(r.new_effect) for r in refuted.values())],
        color=["tab:blue", "tab:grey", "tab:grey", "tab:grey"])
ax.axvline(1.0, color="black", lw=2, label="exact ATE (1)")
ax.axvline(0.0, color="grey", lw=0.8)
ax.set_xlabel("effect of T on Y (outcome units per unit of T)")
ax.set_title("what each refuter re-estimates (placebo: should be 0; others: the estimate)", fontsize=9)
ax.legend(fontsize=7, loc="lower right")
plt.tight_layout()
plt.show()

# %% [markdown]
# Every refuter passes: adding a random covariate leaves the estimate where it was, a
# permuted treatment has no effect, and subsets agree. Yet the estimate is about 0.39 too
# high. None of the three could notice: each re-runs the same adjustment on data in which U
# is just as hidden. A passed refutation is evidence that the *estimator* behaves, not that
# the *identification* is right.
#
# ## A sensitivity analysis
#
# For linear models the omitted-variable bias has a closed form. With a hidden U ~ N(0, 1)
# entering T with strength a and Y with strength c (given X), the regression of Y on T and X
# converges to
#
# effect + c · Cov(U, T | X) / Var(T | X) = effect + a c / (a² + 1),
#
# since Var(T | X) = a² + 1 here (U's part plus T's own noise). A sensitivity analysis draws
# this bias over hypothesised strengths: which confounders would explain away the whole
# estimate (bias = estimate), which would explain the gap to a value you care about. Below,
# the curve is the formula; the dots are the exact bias the engine computes from each world's
# covariances (the regression's infinite-data limit minus the exact ATE).


# %%
def ols_limit(scm):
    """The coefficient of T in the infinite-data regression of Y on T and X, from exact covariances."""
    names = ["T", "X"]
    sxx = np.array([[float(scm.covariance(a, b)) for b in names] for a in names])
    sxy = np.array([float(scm.covariance(a, "Y")) for a in names])
    return float(np.linalg.solve(sxx, sxy)[0])


strengths = np.linspace(0, 2, 41)
formula = strengths**2 / (strengths**2 + 1)
exact = [ols_limit(world(s, s)) - 1 for s in strengths[::5]]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
axes[0].plot(strengths, formula, label="bias a c / (a² + 1), with a = c = s")
axes[0].plot(strengths[::5], exact, "ko", ms=5, label="exact bias (engine's covariances)")
axes[0].axhline(estimate.value, color="tab:red", ls="--", lw=1, label="bias that would explain away the estimate")
axes[0].axvline(A, color="grey", lw=0.8)
axes[0].set_xlabel("hidden confounder's strength s on T and on Y (sd of U = 1)")
axes[0].set_ylabel("bias of the adjusted estimate")
axes[0].set_ylim(0, 1.6)
axes[0].legend(fontsize=7, loc="center right")
a_grid, c_grid = np.meshgrid(np.linspace(0, 3, 61), np.linspace(0, 3, 61))
corrected = estimate.value - a_grid * c_grid / (a_grid**2 + 1)
contours = axes[1].contour(a_grid, c_grid, corrected, levels=[0, 0.5, 1.0, 1.25], colors="black", linewidths=1)
axes[1].clabel(contours, fmt="%.2f", fontsize=7)
axes[1].plot([A], [C], "r*", ms=12, label="the real hidden confounder")
axes[1].set_xlabel("strength a of U on T")
axes[1].set_ylabel("strength c of U on Y")
axes[1].set_title("corrected estimate = estimate - a c / (a² + 1)", fontsize=9)
axes[1].legend(fontsize=7, loc="center right")
plt.tight_layout()
plt.show()
print(f"with a = 1, a confounder explains the whole estimate when c = 2 x {estimate.value:.3f} = "
      f"{2 * estimate.value:.2f}")

# %% [markdown]
# The contour through the red star is 1: a confounder of the real strength corrects the
# estimate to the truth. To explain away the whole effect (corrected estimate 0) a hidden
# confounder needs strengths far larger than X's own (1 on each), e.g. a = 1, c ≈ 2.8. That
# is the honest report: "the estimate holds unless a hidden cause is about this strong",
# not "the refuters passed".
#
# ## Exercise
#
# From the structural equations above (a = c = 0.8), compute the **exact** bias of the
# X-adjusted regression estimate in infinite data, its limit minus the true effect, and store
# it in `my_bias`.

# %% tags=["exercise"]
my_bias = ...

# %% tags=["check"]
# check: against the exact bias from the engine's covariances of this world (the
# regression's infinite-data limit minus the exact ATE). It is exact, so we accept 0.005 for
# rounding, which rejects the mistakes below.
from causalab.testing.exercises import check_number  # noqa: E402

reference = ols_limit(scm) - float(scm.ate("T", "Y"))
naive_limit = float(scm.covariance("T", "Y")) / float(scm.variance("T"))
check_number(
    my_bias, reference, 0.005, name="my_bias", what="exact bias of the X-adjusted regression",
    why_tol="the reference is exact; 0.005 allows rounding",
    hint="the bias is c Cov(U, T | X) / Var(T | X): U's covariance with T given X is a, and T's variance given X "
         "counts U's part a² and T's own noise",
    mistakes={"the unadjusted slope's bias": naive_limit - 1, "a c, without dividing by Var(T | X)": A * C,
              "a c / Var(T), the wrong variance": A * C / float(scm.variance("T")),
              "0, because every refuter passed": 0.0},
)
print(f"exact bias {reference:.4f}; this sample's estimate minus the truth: {estimate.value - 1:.4f}")
