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
# # 4. Learners under intervention
#
# **What this teaches.** Train a correlational learner (an MLP) and causal learners side by
# side on the *same* observational data. On held-out observational data they look alike;
# under an intervention the correlational one breaks. The evaluator scores every learner on
# the three rungs against the exact truth, and the *survival ratio* (error under do() over
# error on observational data) shows who survives.
#
# **The question you should answer at the end.** *Which learner's error grows under do(T),
# and why does its good observational fit not help?*

# %%
import os

import matplotlib.pyplot as plt

import causalab as cl
from causalab.learners import MLP, Backdoor, LinearRegression, NeuralSCM
from causalab.reporting.figures import survival_figure

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 2_000 if FAST else 5_000

# %% [markdown]
# `Confounding-v0`, nonlinear: `Y = T + Z + sin(2Z) + e`, `T = Z + e`. The MLP sees only `T`
# (the predictive habit of dropping a "nuisance" column); the causal learners use the graph.

# %%
env = cl.make("Confounding-v0", nonlinear=True)
learners = [MLP(features="treatment", hidden=(32,), max_epochs=60, seed=0),
            LinearRegression(features="treatment"), Backdoor(), NeuralSCM(seed=0)]
results = cl.evaluate(env, learners, n_train=N, seeds=[0])
survival = results[results["metric"] == "survival"]
survival.pivot_table(index="learner", columns="regime", values="value").round(2)

# %%
fig = survival_figure(results)
plt.show()

# %% [markdown]
# A survival ratio near 1 means the learner's error under the intervention is what it was on
# observational data. The learners fed only `T` answer E[Y | T = t], which mixes in `Z`; under
# do(T = t), `Z` no longer follows `T`, and their error jumps. The back-door estimator and the
# neural SCM answer E[Y | do(T = t)].
#
# ## Exercise
#
# From `results`, read each learner's ATE estimate (metric `"ate"`) and store the name of the
# learner closest to the truth in `my_best`.

# %%
ate = results[results["metric"] == "ate"].set_index("learner")
my_best = (ate["value"] - ate["true_value"]).abs().idxmin()

# %% tags=["hide-input"]
assert my_best in ("Backdoor()", "NeuralSCM()"), my_best
naive = ate.loc["LinearRegression(features='treatment')", "value"]
# the naive slope is b + s Cov(T, g(Z)) / Var T = 1 + (1 + E[2Z sin 2Z]... ) / 2, well above 1
assert naive > 1.3
print("closest to the truth:", my_best)
