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
# # 7. Neural SCMs and counterfactuals
#
# **What this teaches.** A neural network becomes causal when it is trained *as a structural
# causal model*: one network per variable, reading only that variable's parents in a known
# graph, with an invertible noise model. Then it answers interventions (simulate with the
# intervened variable's network replaced) and counterfactuals (recover each unit's noise from
# its row, change the treatment, replay). We compare NeuralSCM, DoWhy-gcm and the exact truth.
#
# What it takes, and what no amount of data supplies:
# 1. **the right graph**: each network reads its variable's true parents; a wrong arrow
#    gives a model that fits the data and answers do() wrongly;
# 2. **no hidden confounding**: every common cause of two modelled variables is in the
#    graph (otherwise the noises are dependent and do() is biased, as with any back-door method);
# 3. **for counterfactuals, the right noise form**: abduction inverts the assumed mechanism
#    (here additive noise, `Y = f(parents) + U`). Two models with the same observational and
#    interventional distributions but different noise forms give different counterfactuals,
#    so rung 3 rests on this assumption even with infinite data.
#
# **The question you should answer at the end.** *Why can a learned SCM answer "what would
# this unit's Y have been" while a regression of Y on T and Z cannot?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import causalab as cl
from causalab.learners import GCM, MLP, NeuralSCM

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 3_000 if FAST else 10_000

# %% [markdown]
# `Confounding-v0` with its nonlinear variant: `Y = T + Z + sin(2Z) + e`, `T = Z + e`.
# Because the noise is additive, each unit's counterfactual under `do(T=t)` is exactly
# `Y + (t - T)`; `sample_world` stores each unit's noise, so the truth is exact.

# %%
env = cl.make("Confounding-v0", nonlinear=True)
data = env.sample(N, seed=0)
learners = {
    "NeuralSCM": NeuralSCM(seed=0).fit(data, env.task),
    "DoWhy-gcm": GCM(seed=0).fit(data, env.task),
    "MLP (regression of Y on T, Z)": MLP(seed=0).fit(data, env.task),
}
learners["NeuralSCM"].scm_

# %% [markdown]
# ## Abduction, action, prediction, one unit

# %%
world = env.sample_world(500, seed=1)
unit = world.iloc[[0]]
print("the unit:", unit[["Z", "T", "Y"]].round(3).to_dict("records")[0])
print("its true noise U[Y]:", round(float(unit["U[Y]"].iloc[0]), 3))
print("NeuralSCM's abducted noise:", learners["NeuralSCM"].scm_.abduct(unit[env.observed]).round(3).to_dict("records")[0])

# %% [markdown]
# ## Counterfactuals for 500 units under do(T = 2)

# %%
truth = env.counterfactual(world, {"T": 2.0})["Y"].to_numpy()
factual = world[env.observed]
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharey=True)
rmse = {}
for ax, (name, learner) in zip(axes, learners.items()):
    pred = learner.predict_counterfactual(factual, {"T": 2.0}).to_numpy()
    rmse[name] = float(np.sqrt(np.mean((pred - truth) ** 2)))
    ax.scatter(truth, pred, s=5, alpha=0.5)
    lim = [truth.min(), truth.max()]
    ax.plot(lim, lim, "k--", lw=1)
    ax.set_title(f"{name}\nRMSE {rmse[name]:.2f}", fontsize=9)
    ax.set_xlabel("true counterfactual Y under do(T=2)")
axes[0].set_ylabel("predicted")
plt.tight_layout()
plt.show()
rmse

# %% [markdown]
# NeuralSCM and DoWhy-gcm recover each unit's noise and land on the diagonal. The MLP is a
# good regression, yet it ignores the unit's factual outcome: it predicts the average unit
# with the same `Z`, so its errors are as wide as the noise (about 1). The regression itself
# is not what is missing: the missing step is abduction. The exercise adds it by hand.
#
# ## Exercise
#
# Do abduction, action and prediction *by hand*, with the MLP as the outcome's mechanism
# (`learners["MLP (regression of Y on T, Z)"]`, call it `f`) and the assumption of additive
# noise, `Y = f(T, Z) + U_Y`:
#
# 1. abduction: each unit's noise `U_Y = Y - f(T, Z)` from its factual row (`f.predict(factual)`);
# 2. action: set `T = 2`;
# 3. prediction: `f(2, Z) + U_Y` (`f.predict_do(factual, {"T": 2.0})` gives `f(2, Z)`).
#
# Store the 500 units' counterfactual `Y` under do(T = 2), one per row of `factual`, in
# `my_counterfactuals`.

# %% tags=["exercise"]
my_counterfactuals = ...

# %% tags=["check"]
# check: against each unit's exact counterfactual (its stored noise, replayed). A rung-2 answer
# misses every unit by that unit's own noise U_Y, whose standard deviation is 1 here, so we accept
# a root-mean-square error up to half of it, 0.5; a good fit of f leaves about 0.2 (printed).
from causalab.testing.exercises import check_array  # noqa: E402

mlp = learners["MLP (regression of Y on T, Z)"]
check_array(
    my_counterfactuals, truth, 0.5, name="my_counterfactuals", what="the exact unit-level counterfactuals",
    why_tol="half the standard deviation of the noise U_Y, which a rung-2 answer misses by",
    hint="abduct each unit's noise from its factual row (Y - f(T, Z)) and add it back after setting T = 2; "
         "a prediction of the average unit with the same Z is a rung-2 answer",
    mistakes={"the rung-2 answer E[Y | do(T=2), Z], without the unit's noise": mlp.predict_do(factual, {"T": 2.0}),
              "the factual Y, unchanged": world["Y"].to_numpy()},
)
assert rmse["NeuralSCM"] < 0.5 * rmse["MLP (regression of Y on T, Z)"]
