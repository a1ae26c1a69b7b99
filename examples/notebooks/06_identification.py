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
# the graph, not on the estimator's cleverness. Each identification strategy has a criterion,
# stated below as the Primer states it (Pearl, Glymour, Jewell 2016, sections 3.3-3.4 and 7.4):
# the back-door criterion, the front-door criterion, and the conditions for an instrument.
# Each environment says which strategies should succeed; the verdict table checks whether
# they do, and the engine checks each criterion on the graph.
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
#
# **Back-door criterion** for a set S (relative to T, Y): no element of S descends from T, and
# S blocks every path between T and Y that has an arrow into T.
#
# **Front-door criterion** for a set M: (i) M intercepts every directed path from T to Y;
# (ii) there is no unblocked back-door path from T to M; (iii) every back-door path from M to
# Y is blocked by T.
#
# **Instrument** Z for the effect of T on Y: (i) relevance: Z is associated with T (here Z
# causes T); (ii) exclusion: Z affects Y only through T; (iii) no confounding: Z shares no
# cause with Y (no unblocked path between Z and Y other than through T). Relevance can be
# tested in data; exclusion and no confounding cannot, they come from the graph.

# %%
checks = {
    "Confounding-v0: {Z} is a back-door set for T -> Y": cl.make("Confounding-v0").scm.is_backdoor_set("T", "Y", {"Z"}),
    "FrontDoor-v0: the empty set is a back-door set for X -> Y": cl.make("FrontDoor-v0").scm.is_backdoor_set(
        "X", "Y", set()),
    "FrontDoor-v0: {Z} (tar) is a front-door set for X -> Y": cl.make("FrontDoor-v0").scm.is_frontdoor_set(
        "X", "Y", {"Z"}),
    "Instrument-v0: Z is an instrument for T -> Y": cl.make("Instrument-v0").scm.is_instrument("Z", "T", "Y"),
}
for claim, holds in checks.items():
    print(f"{claim}: {holds}")
assert list(checks.values()) == [True, False, True, True]

# %%
learners = [LinearRegression(features="treatment"), Backdoor(), FrontDoor(), IV()]
results = cl.run(ENVS, learners, seeds=[0, 1], n_train=N, progress=False)
table = cl.verdicts(results)[["environment", "learner", "expected", "observed", "ate", "true_ate", "verdict"]]
table

# %% [markdown]
# "refuses" means the estimator's identification step (DoWhy's) found its estimand not
# identified from the graph, and said so instead of returning a number. Where the
# environment expects failure, a refusal is the honest answer.

# %% [markdown]
# ## Exercise
#
# Compute the front-door estimate of the effect of smoking (`X`) on cancer (`Y`) *by hand*
# from `fd_data` below (the observed columns `X`, `Z` = tar, `Y` of FrontDoor-v0), with the
# front-door formula
#
# P(Y=1 | do(X=x)) = sum_z P(Z=z | X=x) sum_x' P(Y=1 | Z=z, X=x') P(X=x'),
#
# and store P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)) in `my_frontdoor`. The published truth is
# 0.5475 - 0.5025 = +0.045 (Primer 3.4).

# %%
fd = cl.make("FrontDoor-v0")
fd_data = fd.sample(N, seed=5)
fd_data.groupby(["X", "Z"])["Y"].agg(["mean", "size"])

# %% tags=["exercise"]
my_frontdoor = ...

# %% tags=["check"]
# check: against the front-door formula computed from the same rows. Its standard error (20
# bootstrap resamples, printed) is about 0.007 at N = 20,000; valid computations on these rows
# differ only in how P(X) is estimated, by well under one standard error, so we accept within
# one; the common mistakes below are several standard errors away.
import numpy as np  # noqa: E402

from causalab.testing.exercises import check_number  # noqa: E402


def frontdoor(d):
    p_z = d.groupby("X")["Z"].mean()               # P(Z=1 | X=x)
    p_y = d.groupby(["Z", "X"])["Y"].mean()        # P(Y=1 | Z=z, X=x')
    p_x = d["X"].value_counts(normalize=True)      # P(X=x')
    inner = {z: sum(p_y[(z, x)] * p_x[x] for x in (0, 1)) for z in (0, 1)}
    do = {x: p_z[x] * inner[1] + (1 - p_z[x]) * inner[0] for x in (0, 1)}
    return do[1] - do[0]


reference = frontdoor(fd_data)
se = float(np.std([frontdoor(fd_data.sample(frac=1.0, replace=True, random_state=i)) for i in range(20)]))
p_z = fd_data.groupby("X")["Z"].mean()
p_y_z = fd_data.groupby("Z")["Y"].mean()
check_number(
    my_frontdoor, reference, se, name="my_frontdoor", what="the front-door formula on `fd_data`",
    why_tol=f"one bootstrap standard error of the estimate, {se:.4f}",
    hint="the inner sum averages P(Y=1 | Z=z, X=x') over the MARGINAL P(X=x'), not over P(X=x' | Z=z) "
         "and not at x' = x; the outer sum weights by P(Z=z | X=x)",
    mistakes={
        "the naive contrast P(Y=1 | X=1) - P(Y=1 | X=0)": fd_data.loc[fd_data["X"] == 1, "Y"].mean()
        - fd_data.loc[fd_data["X"] == 0, "Y"].mean(),
        "inner weights P(X=x' | Z=z) (tar's effect left confounded)": (p_z[1] - p_z[0]) * (p_y_z[1] - p_y_z[0]),
        "outer weights P(Z=z) instead of P(Z=z | X=x)": 0.0,
    },
)
print(f"the front-door estimate on these rows {reference:+.4f} ± {se:.4f}; the exact truth "
      f"{float(fd.true_effects()['ate']):+.4f}")
backdoor = table[(table["environment"] == "FrontDoor-v0") & (table["learner"] == "Backdoor()")].iloc[0]
assert backdoor["observed"] == "refuses"
