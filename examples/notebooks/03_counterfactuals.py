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
fig, ax = plt.subplots(figsize=(6, 1.8))
ax.axvspan(0.3, 1.0, color="tab:blue", alpha=0.25, label="posterior of U_Y given X=1, Y=1")
ax.axvspan(0.8, 1.0, color="tab:green", alpha=0.5, label="U_Y values giving Y=1 under do(X=0)")
ax.set_xlim(0, 1)
ax.set_yticks([])
ax.set_xlabel("U_Y (uniform noise of Y)")
ax.legend(fontsize=7, loc="upper left")
ax.set_title(f"P(Y would be 1 under do(X=0) | X=1, Y=1) = green / blue = 0.2 / 0.7 = {p:.3f}", fontsize=9)
plt.show()

# %% [markdown]
# ## Many units at once
#
# On `Confounding-v0` every unit's counterfactual under do(T = t) is `Y + (t - T)`
# (the effect is additive with slope 1). `sample_world` keeps each unit's noise, so the truth
# is exact; `env.counterfactual` on the observed columns does abduction from the data.

# %%
env = cl.make("Confounding-v0")
world = env.sample_world(200 if FAST else 2000, seed=1)
from_noise = env.counterfactual(world, {"T": 0.0})["Y"]
from_data = env.scm.counterfactual(world[env.observed], {"T": 0.0})["Y"]
fig, ax = plt.subplots(figsize=(4, 4))
ax.scatter(world["T"], from_data - world["Y"], s=6)
ax.set_xlabel("the unit's factual T")
ax.set_ylabel("counterfactual Y under do(T = 0) - factual Y")
ax.set_title("each unit's Y moves by exactly -T", fontsize=10)
plt.show()
print("largest difference, stored noise vs abduction:", float(np.abs(from_noise - from_data).max()))

# %% [markdown]
# ## Exercise
#
# For the binary model, compute by hand P(Y would be 0 under do(X = 1) | X = 0, Y = 0) (the
# unit's `U_Y` is in `[0, 0.8)`; under X = 1, `Y = 0` needs `U_Y < 0.3`) and store it in
# `my_probability`.

# %%
my_probability = 0.3 / 0.8

# %% tags=["hide-input"]
exact = float(binary.counterfactual_prob({"Y": 0}, do={"X": 1}, given={"X": 0, "Y": 0}))
assert abs(my_probability - exact) < 1e-12, (my_probability, exact)
assert abs(p - 0.2 / 0.7) < 1e-12
print(f"by hand {my_probability:.4f}, engine {exact:.4f}")
