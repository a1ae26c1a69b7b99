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
# # 16. Heterogeneous effects and treatment policies
#
# **What this teaches.** The average effect hides who gains. The **conditional average
# treatment effect** CATE(x) = E[Y(1) - Y(0) | X = x] is what a treatment rule needs; a
# learner's CATE is scored by **PEHE**, the root mean square distance to the true CATE over
# units (Hill 2011). Two learners with the same, correct ATE can have very different PEHE. A
# **treatment rule** pi(x) (treat or not, from the covariates) is a *soft intervention*
# do(T := pi(X)); its **value** V(pi) = E[Y(pi(X))] is a rung-2 quantity, exact in the
# engine, and estimable from observational data by inverse probability weighting: keep the
# units whose treatment happens to agree with the rule, and weight each by one over the
# probability of the treatment it received.
#
# **The question you should answer at the end.** *Why can a learner with a perfect ATE give
# a bad treatment rule, and why is "the mean outcome of the units who were treated as the
# rule says" not the rule's value?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from scipy import special, stats

import causalab as cl
from causalab.learners import LinearRegression, SLearner, TLearner

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 4_000 if FAST else 20_000          # training rows
N_VALUE = 200_000 if FAST else 1_000_000  # rows drawn under each rule for its exact value

# %% [markdown]
# `HeterogeneousEffects-v0`: X1, X2, X3 ~ N(0, 1); T ~ Bernoulli(sigmoid(X1));
# Y = mu0(X) + T tau(X) + N(0, 1) with mu0(X) = X1 + 0.5 X2² + sin(X3) and the CATE
# tau(X) = 1 + 2 X1 + sin(2 X2). The ATE is exactly 1; the CATE runs from about -5 to 7,
# negative for a third of the units (X1 < -1/2, roughly). `env.true_cate(units)` gives it.
#
# Three answers to "what is each unit's effect": the **S-learner** (one linear model of Y on
# T and X: its CATE is the coefficient of T, the same for every unit), the **T-learner** (one
# linear model per arm: its CATE is linear in X), and the true CATE.

# %%
env = cl.make("HeterogeneousEffects-v0")
data = env.sample(N, seed=0)
units = env.sample(1_000, seed=1)       # fresh units to score on
tau = env.true_cate(units)

learners = {"S-learner (linear)": SLearner(LinearRegression()), "T-learner (linear)": TLearner(LinearRegression())}
cate = {}
for name, learner in learners.items():
    learner.fit(data, env.task)
    cate[name] = (learner.predict_do(units, {"T": 1}) - learner.predict_do(units, {"T": 0})).to_numpy()
pehe = {name: float(np.sqrt(np.mean((c - tau) ** 2))) for name, c in cate.items()}
for name, c in cate.items():
    print(f"{name:20s} ATE {c.mean():+.3f} (exact 1)   PEHE {pehe[name]:.3f}")

fig, ax = plt.subplots(figsize=(5.5, 4))
for (name, c), colour in zip(cate.items(), ("tab:orange", "tab:blue")):
    ax.scatter(tau, c, s=6, alpha=0.5, color=colour, label=f"{name}: PEHE {pehe[name]:.2f}")
lim = [tau.min() - 0.5, tau.max() + 0.5]
ax.plot(lim, lim, color="black", lw=1, label="estimate = truth")
ax.axhline(0, color="grey", lw=0.6)
ax.axvline(0, color="grey", lw=0.6)
ax.set_xlabel("true CATE tau(x) of a unit (outcome units)")
ax.set_ylabel("estimated CATE (outcome units)")
ax.legend(fontsize=7, loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# Both learners get the ATE right (within their sampling error); the S-learner tells every
# unit "your effect is about 1" and so recommends treating everyone, harmed units included.
# The T-learner follows the linear part 2 X1 of the CATE and misses only sin(2 X2).
#
# ## The value of a treatment rule
#
# A rule is a soft intervention on T: `cl.Soft(fn)` sets T from its parents (`pa["X1"]`, ...)
# for every unit, and the engine samples the world under it. With one seed for all rules the
# comparisons share their noise (common random numbers). The rules: treat everyone, treat no
# one, treat when X1 > 0, treat when the T-learner's CATE is positive, and the oracle rule
# "treat when the true CATE is positive", the best any rule can do.


# %%
def value(rule, label):
    """E[Y] under do(T := rule(X)) with its Monte Carlo standard error, from the engine."""
    soft = cl.Soft(lambda t, pa: rule(pa).to(t.dtype), label=label)
    y = env.do(cl.Intervention({"T": soft})).sample(N_VALUE, seed=7)["Y"].to_numpy()
    return float(y.mean()), float(y.std() / np.sqrt(len(y)))


def learned_rule(pa):
    frame = pd.DataFrame({x: pa[x].numpy() for x in ("X1", "X2", "X3")}).assign(T=0, Y=0.0)
    t_learner = learners["T-learner (linear)"]
    effect = t_learner.predict_do(frame, {"T": 1}) - t_learner.predict_do(frame, {"T": 0})
    return torch.as_tensor(effect.to_numpy() > 0)


rules = {
    "treat no one": lambda pa: torch.zeros_like(pa["X1"]),
    "treat everyone": lambda pa: torch.ones_like(pa["X1"]),
    "X1 > 0": lambda pa: pa["X1"] > 0,
    "T-learner CATE > 0": learned_rule,
    "true CATE > 0 (oracle)": lambda pa: 1 + 2 * pa["X1"] + torch.sin(2 * pa["X2"]) > 0,
}
values = {name: value(rule, name) for name, rule in rules.items()}
# closed forms from the equations: E[mu0] = 0.5; treating when X1 > 0 adds E[(1 + 2 X1) 1{X1 > 0}]
exact_x1 = 0.5 + stats.norm.sf(0) + 2 * stats.norm.pdf(0)
print({k: f"{v:.3f} ± {s:.3f}" for k, (v, s) in values.items()})
print(f"closed form: treat no one 0.5, everyone 1.5, X1 > 0: {exact_x1:.4f}")

# %% [markdown]
# Treating everyone is worth 1.5 (0.5 + ATE), treating by the sign of X1 about 1.80, by the
# T-learner's CATE about 1.91, close to the oracle's 1.94: a rule needs the *sign* of each unit's effect,
# which the ATE does not give.
#
# ## Estimating a rule's value from observational data
#
# The engine's value needs the structural model. From observational data, for a rule pi the
# inverse-probability-weighted estimate is
#
# V_hat(pi) = mean over units of  Y 1{T = pi(X)} / P(T = pi(X) | X),
#
# with the propensity P(T = 1 | X) = e(X); here e(X) = sigmoid(X1) is known from the
# equations, so the weights are exact. Units whose treatment disagrees with the rule count
# as 0; those that agree stand in for the disagreeing units like them.

# %%
x1, t, y = data["X1"].to_numpy(), data["T"].to_numpy(), data["Y"].to_numpy()
e = special.expit(x1)                   # the true propensity P(T = 1 | X)
pi = (x1 > 0).astype(int)               # the rule "treat when X1 > 0" applied to every unit

fig, ax = plt.subplots(figsize=(7, 3.2))
names = list(values)
ax.barh(names, [values[k][0] for k in names], xerr=[2 * values[k][1] for k in names], color="tab:grey", alpha=0.7,
        label=f"exact value (engine, {N_VALUE:,} units, ± 2 se)")
ax.plot([exact_x1], ["X1 > 0"], "k|", ms=20, mew=2, label="closed form for X1 > 0")
ax.set_xlabel("value of the rule: E[Y] when T is set by the rule (outcome units)")
ax.set_xlim(0, 2.3)
ax.legend(fontsize=7, loc="lower right")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Exercise
#
# Using the arrays `y`, `t`, `e` and the rule's decisions `pi` above, compute the
# inverse-probability-weighted estimate of the value of the rule "treat when X1 > 0" and
# store it in `my_value`.

# %% tags=["exercise"]
my_value = ...

# %% tags=["check"]
# check: against the IPW estimate from the same arrays. Its standard error is sd(terms) /
# sqrt(n) with terms = y 1{t = pi} / P(t = pi | x) (printed); any correct computation on these
# arrays agrees to rounding, so we accept a tenth of that standard error, which rejects the
# mistakes below.
from causalab.testing.exercises import check_number  # noqa: E402

agree = (t == pi).astype(float)
p_agree = np.where(pi == 1, e, 1 - e)
terms = y * agree / p_agree
reference, se = float(terms.mean()), float(terms.std() / np.sqrt(len(terms)))
check_number(
    my_value, reference, se / 10, name="my_value", what="IPW value of 'X1 > 0' on `data`",
    why_tol=f"a tenth of the estimate's standard error {se:.3f}",
    hint="average y 1{t = pi} / P(T = pi | X) over ALL units (disagreeing ones count 0); the probability is "
         "e for units the rule treats and 1 - e for those it does not",
    mistakes={"the mean outcome of the units whose treatment agrees with the rule": y[agree == 1].mean(),
              "every agreeing unit weighted by 1 / e": np.mean(y * agree / e),
              "the IPW value of treating everyone": np.mean(y * t / e),
              "the gain over treating no one": reference - np.mean(y * (1 - t) / (1 - e))},
)
print(f"IPW value {reference:.3f} ± {se:.3f}; exact value {exact_x1:.3f}")
