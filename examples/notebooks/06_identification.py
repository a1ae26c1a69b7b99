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
# # 6. Identification: back-door, front-door, instruments
#
# **What this teaches.** Whether an effect can be computed from observational data depends on
# the graph, not on the estimator's cleverness. Each identification strategy has a criterion:
# the back-door criterion (an observed set blocking every back-door path), the front-door
# criterion (a mediator shielded from the hidden confounder), an instrument (a cause of `T`
# with no other path to `Y`). Each environment says which strategies should succeed; the
# verdict table checks whether they do.
#
# **The question you should answer at the end.** *Why does back-door adjustment refuse on
# FrontDoor-v0, and why does the front-door estimator succeed there?*

# %%
import os

import matplotlib.pyplot as plt

import causalab as cl
from causalab.learners import IV, Backdoor, FrontDoor, LinearRegression

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 20_000 if FAST else 50_000
ENVS = ["Confounding-v0", "FrontDoor-v0", "Instrument-v0"]

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3))
for ax, env_id in zip(axes, ENVS):
    cl.make(env_id).draw(ax=ax)
plt.tight_layout()
plt.show()

# %% [markdown]
# Hidden variables are drawn as latent common causes. In FrontDoor-v0 the genotype confounds
# smoking and cancer; in Instrument-v0 `U` confounds `T` and `Y`.

# %%
learners = [LinearRegression(features="treatment"), Backdoor(), FrontDoor(), IV()]
results = cl.run(ENVS, learners, seeds=[0, 1], n_train=N, progress=False)
table = cl.verdicts(results)[["environment", "learner", "expected", "observed", "ate", "true_ate", "verdict"]]
table

# %% [markdown]
# "refuses" means the estimator's identification step (DoWhy's) found its estimand not
# identified from the graph, and said so instead of returning a number. Where the
# environment expects failure, a refusal is the honest answer.
#
# ## Exercise
#
# Store in `my_frontdoor` the front-door estimate of the effect of smoking on cancer on
# FrontDoor-v0, and check it against the published P(cancer | do(smoke)) - P(cancer |
# do(no smoke)) = 0.5475 - 0.5025 (Pearl, Glymour, Jewell, Primer 3.4).

# %%
row = table[(table["environment"] == "FrontDoor-v0") & (table["learner"] == "FrontDoor()")].iloc[0]
my_frontdoor = float(row["ate"])

# %% tags=["hide-input"]
assert abs(row["true_ate"] - (0.5475 - 0.5025)) < 1e-9
assert abs(my_frontdoor - 0.045) < 0.03, my_frontdoor
backdoor = table[(table["environment"] == "FrontDoor-v0") & (table["learner"] == "Backdoor()")].iloc[0]
assert backdoor["observed"] == "refuses"
print(f"front door {my_frontdoor:+.4f}, truth {row['true_ate']:+.4f}")
