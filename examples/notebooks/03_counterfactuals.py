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
# # 3. Counterfactuals: abduction, action, prediction
#
# **What this teaches.** A counterfactual asks about *one* unit: "this patient took the drug
# and recovered; would she have recovered without it?" Pearl's three steps answer it:
# **abduction** (recover the unit's noise from what we saw), **action** (do() on the model),
# **prediction** (replay the unit's noise through the changed model). With continuous,
# invertible mechanisms the answer is a number; with discrete mechanisms the data pin the
# noise only to an interval, and the answer is a distribution.
#
# **The question you should answer at the end.** *Why is a continuous unit's counterfactual
# a point, while a binary unit's is a probability?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import causalab as cl

FAST = os.environ.get("CAUSALAB_FAST") == "1"

# %% [markdown]
# ## A continuous model: the counterfactual is a point
#
# `X = U_X`, `Y = 2 X + U_Y`. We observe one unit with `X = 1`, `Y = 3`.

# %%
scm = cl.SCM()
scm.add("X", cl.Normal(0, 1))
scm.add("Y", cl.Linear({"X": 2.0}))
unit = pd.DataFrame({"X": [1.0], "Y": [3.0]})
noise = scm.abduct(unit)                        # step 1: abduction, U_Y = Y - 2 X = 1
changed = scm.do({"X": 0.0})                    # step 2: action: X's mechanism replaced by 0
answer = scm.counterfactual(unit, {"X": 0.0})   # step 3: prediction, Y = 2 * 0 + U_Y = 1
print("abducted noise:", noise.to_dict("records")[0])
print("the changed model:", changed)
print("counterfactual under do(X = 0):", answer.to_dict("records")[0])

# %% [markdown]
# ## A discrete model: the counterfactual is a distribution
#
# The mediation-style example from the engine's tests: `X ~ Bernoulli(0.5)`,
# `P(Y = 1 | X) = [0.2, 0.7]`. Discrete mechanisms are inverse CDFs of one uniform noise
# `U_Y`: `Y = 1` exactly when `U_Y >= 1 - P(Y = 1 | X)`. A unit seen with `X = 1, Y = 1` has
# `U_Y` somewhere in `[0.3, 1)`; under do(X = 0), `Y = 1` needs `U_Y >= 0.8`.

# %%
binary = cl.SCM()
binary.add("X", cl.Table([], 0.5))
binary.add("Y", cl.Table(["X"], [0.2, 0.7]))
seen = pd.DataFrame({"X": [1], "Y": [1]})
print(binary.abduct(seen).round(3).to_dict("records")[0])
p = float(binary.counterfactual_prob({"Y": 1}, do={"X": 0}, given={"X": 1, "Y": 1}))
print(f"P(Y would be 1 under do(X=0) | X=1, Y=1) = {p:.4f} = (1 - 0.8) / (1 - 0.3)")

# %%
fig, ax = plt.subplots(figsize=(6.5, 2.0))
ax.barh(1, 0.7, left=0.3, height=0.6, color="tab:blue", alpha=0.6)
ax.barh(0, 0.2, left=0.8, height=0.6, color="tab:green", alpha=0.8)
ax.text(0.65, 1, "X=1, Y=1 seen: U_Y in [0.3, 1), length 0.7", ha="center", va="center", fontsize=8)
ax.text(0.78, 0, "Y=1 under do(X=0): U_Y in [0.8, 1), length 0.2", ha="right", va="center", fontsize=8)
ax.set_yticks([1, 0], ["abduction", "prediction"])
ax.set_xlim(0, 1)
ax.set_ylim(-0.6, 1.6)
ax.set_xlabel("U_Y, the uniform noise of Y (one scale shared by both worlds)")
ax.set_title(f"P(Y would be 1 under do(X=0) | X=1, Y=1) = 0.2 / 0.7 = {p:.4f}", fontsize=9)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## What the data allow, and what causalab assumes
#
# Reusing the *same* `U_Y` in both worlds (the comonotone coupling) is an assumption, not a
# consequence of the data. Experiments pin only P(Y=1 | do(X=0)) = 0.2 and
# P(Y=1 | do(X=1)) = 0.7 (rung 2). Every joint distribution of the two potential outcomes
# with those margins agrees with every experiment, and the counterfactual ranges over the
# **Tian-Pearl bounds** (X is randomised here, so X is exogenous):
#
# P(Y_0 = 1 | X=1, Y=1) = P(Y_0 = 1, Y_1 = 1) / P(Y_1 = 1), with
# max(0, p_0 + p_1 - 1) <= P(Y_0 = 1, Y_1 = 1) <= min(p_0, p_1).
#
# causalab's 0.2857 is the **upper end** of [0, 0.2857]: the shared uniform makes the two
# potential outcomes as alike as the margins allow (monotonicity: no unit has Y_0 = 1 and
# Y_1 = 0). Had the two worlds' noises been independent, the answer would be the rung-2
# value 0.2.

# %%
p0 = float(binary.prob({"Y": 1}, do={"X": 0}))
p1 = float(binary.prob({"Y": 1}, do={"X": 1}))
bounds = (max(0.0, p0 + p1 - 1) / p1, min(p0, p1) / p1)
print(f"rung 2: P(Y=1 | do(X=0)) = {p0:.4f};  rung 3: P(Y_0=1 | X=1, Y=1) in [{bounds[0]:.4f}, {bounds[1]:.4f}], "
      f"causalab (shared noise) {p:.4f}")
assert abs(p - bounds[1]) < 1e-12  # the engine's coupling sits at the upper end

fig, ax = plt.subplots(figsize=(6.5, 2.2))
ax.plot(bounds, [0, 0], color="tab:blue", lw=10, alpha=0.35, solid_capstyle="butt",
        label=f"rung 3, the bounds the data allow: [{bounds[0]:.3f}, {bounds[1]:.3f}]")
ax.plot([p], [0], "o", color="tab:blue", ms=9, label=f"rung 3, causalab (shared noise): {p:.4f}")
ax.plot([p0], [0], "D", color="tab:orange", ms=8, label=f"rung 2, P(Y=1 | do(X=0)) = {p0:.2f}")
ax.set_xlim(-0.02, 1)
ax.set_ylim(-1, 1.6)
ax.set_yticks([])
ax.set_xlabel("probability that Y would be 1 under do(X=0)")
ax.legend(fontsize=7, loc="upper center", ncol=1, frameon=False)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Many units at once
#
# On `Confounding-v0` every unit's counterfactual under do(T = t) is `Y + (t - T)`
# (the effect is additive with slope 1). `sample_world` keeps each unit's noise, so the truth
# is exact; `env.counterfactual` on the observed columns does abduction from the data, and
# with continuous, invertible mechanisms the two agree to rounding error.

# %%
env = cl.make("Confounding-v0")
world = env.sample_world(200 if FAST else 2000, seed=1)
from_noise = env.counterfactual(world, {"T": 0.0})["Y"]
from_data = env.scm.counterfactual(world[env.observed], {"T": 0.0})["Y"]
print("largest difference, stored noise vs abduction:", float(np.abs(from_noise - from_data).max()))
print("largest difference from Y + (0 - T):", float(np.abs(from_data - (world["Y"] - world["T"])).max()))

# %% [markdown]
# ## Exercise
#
# For the binary model, compute by hand P(Y would be 0 under do(X = 1) | X = 0, Y = 0) (the
# unit's `U_Y` is in `[0, 0.8)`; under X = 1, `Y = 0` needs `U_Y < 0.3`) and store it in
# `my_probability`.

# %% tags=["exercise"]
my_probability = ...

# %% tags=["check"]
# check: against the engine's exact enumeration under its shared-noise coupling. The quantity
# is exact (no sampling), so the tolerance is for rounding only: 1e-6 accepts a fraction typed
# to six decimals.
from causalab.testing.exercises import check_number  # noqa: E402

exact = float(binary.counterfactual_prob({"Y": 0}, do={"X": 1}, given={"X": 0, "Y": 0}))
check_number(
    my_probability, exact, 1e-6, name="my_probability", what="P(Y_1 = 0 | X=0, Y=0), exact enumeration",
    why_tol="the quantity is exact; rounding only",
    hint="abduction: which U_Y values are consistent with X=0, Y=0? prediction: which of them give Y=0 when "
         "X=1? The answer is the ratio of the two interval lengths",
    mistakes={"the rung-2 P(Y=0 | do(X=1))": float(binary.prob({"Y": 0}, do={"X": 1})),
              "the factual P(Y=0 | X=0)": float(binary.prob({"Y": 0}, given={"X": 0})),
              "the lower Tian-Pearl bound, not the engine's coupling": 0.1 / 0.8},
)
assert abs(p - 0.2 / 0.7) < 1e-12
