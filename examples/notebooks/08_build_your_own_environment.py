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
# # 8. Build your own environment
#
# **What this teaches.** An environment is an SCM with a story and a task. Write the
# structural equations, name the treatment, outcome and covariates, state which estimators
# should succeed, register it under a versioned id, pass the common checks, and evaluate
# learners on it like any built-in one.
#
# **The question you should answer at the end.** *What must your environment declare for the
# evaluator to call a learner's result "as expected" or a "MISMATCH"?*

# %%
import os

import matplotlib.pyplot as plt
import torch

import causalab as cl
from causalab.learners import Backdoor, LinearRegression, NeuralSCM
from causalab.testing import check_environment

FAST = os.environ.get("CAUSALAB_FAST") == "1"

# %% [markdown]
# ## The model: exercise, age and blood pressure
#
# Age raises blood pressure and makes exercise less likely; exercise lowers blood pressure
# by 5 points, with a nonlinear age effect:
#
#     Age := N(50, 10^2)
#     Exercise := Bernoulli(sigmoid(-(Age - 50) / 10))
#     BP := 120 - 5 Exercise + 0.02 (Age - 50)^2 + 0.5 (Age - 50) + N(0, 5^2)


# %%
class BloodPressure(cl.Environment):
    """Exercise lowers blood pressure by 5 for everyone; age confounds (see the notebook)."""

    story = "Older people exercise less and have higher blood pressure."
    treatment, outcome, covariates = "Exercise", "BP", ("Age",)
    expected = {"backdoor": (True, "Age is observed and blocks the only back-door path"),
                "naive": (False, "Age lowers Exercise and raises BP")}

    def build(self, effect: float = -5.0):
        scm = cl.SCM()
        scm.add("Age", cl.Normal(50, 10))
        scm.add("Exercise", cl.Logistic({"Age": -0.1}, intercept=5.0))
        scm.add("BP", cl.Additive(lambda Exercise, Age: 120 + effect * Exercise + 0.02 * (Age - 50) ** 2
                                  + 0.5 * (Age - 50), noise=cl.Normal(0, 5)))
        return scm

    def true_effects(self):
        # the effect is the same for everyone, so the effect on the treated (ATT) and on the
        # untreated (ATC) equal the ATE: a binary treatment's truth states all three
        effect = cl.Estimate(float(self.knobs["effect"]))
        return {"ate": effect, "att": effect, "atc": effect}


cl.register("BloodPressure-v0", BloodPressure, story=BloodPressure.story, tags=("tutorial",), override=True)
env = cl.make("BloodPressure-v0")
fig, ax = plt.subplots(figsize=(3.5, 2.5))
env.draw(ax=ax)
plt.show()

# %% [markdown]
# ## The common checks
#
# `check_environment` runs the checks every built-in environment passes: sampling is
# reproducible and typed, do() cuts the right edges, the stated truth matches simulation,
# counterfactuals from stored noise agree with abduction, and more.

# %%
ran = check_environment(env)
ran

# %% [markdown]
# ## Learners on it

# %%
learners = [LinearRegression(features="treatment"), Backdoor(), NeuralSCM(seed=0)]
results = cl.evaluate(env, learners, n_train=2_000 if FAST else 5_000, seeds=[0])
cl.verdicts(results)[["learner", "judged_family", "expected", "observed", "ate", "true_ate", "verdict"]]

# %% [markdown]
# ## Exercise
#
# The logistic treatment model is `P(Exercise = 1 | Age) = sigmoid(5 - 0.1 Age)`. Compute by
# hand the probability that a 70-year-old exercises and store it in `my_probability`.

# %% tags=["exercise"]
my_probability = ...

# %% tags=["check"]
# check: against the exact sigmoid(5 - 0.1 x 70). A share simulated from n = 200,000 units
# under do(Age = 70) is accepted too: we allow 4 of its standard errors, 4 sqrt(p (1 - p) / n) = 0.003.
from causalab.testing.exercises import check_number  # noqa: E402

exact = float(torch.sigmoid(torch.tensor(5 - 0.1 * 70, dtype=torch.float64)))
check_number(
    my_probability, exact, 4 * (exact * (1 - exact) / 200_000) ** 0.5, name="my_probability",
    what="sigmoid(5 - 0.1 x 70), exact", why_tol="4 standard errors of a share simulated from 200,000 units",
    hint="sigmoid(x) = 1 / (1 + exp(-x)) turns the linear score 5 - 0.1 Age into a probability",
    mistakes={"the score 5 - 0.1 x 70 itself, not a probability": -2.0, "the sign flipped: sigmoid(+2)": 0.8808,
              "the odds exp(-2), not the probability": 0.1353, "the probability at the average age 50": 0.5},
)
simulated = env.do({"Age": 70.0}).sample(200_000, seed=3)["Exercise"].mean()
assert "true_effects_match_simulation" in ran
print(f"simulated under do(Age = 70): {simulated:.4f}")
