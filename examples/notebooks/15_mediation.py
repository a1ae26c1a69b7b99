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
# # 15. Mediation: natural direct and indirect effects
#
# **What this teaches.** A treatment can act on the outcome directly and through a mediator
# `M`. The **natural direct effect** NDE = E[Y(1, M(0)) - Y(0, M(0))] switches the treatment
# while each unit's mediator stays where it would be without treatment; the **natural
# indirect effect** NIE = E[Y(0, M(1)) - Y(0, M(0))] moves only the mediator. Both are
# rung-3 quantities: they mix two worlds in one unit. The **controlled** direct effect
# CDE(m) = E[Y | do(T=1, M=m)] - E[Y | do(T=0, M=m)] is rung 2 and a different number. With
# an interaction between treatment and mediator, NDE + NIE is not the total effect; the
# total indirect effect TNIE = E[Y(1, M(1)) - Y(1, M(0))] is what adds up: NDE + TNIE = ATE.
#
# **The question you should answer at the end.** *When do the direct and the indirect
# effect add up to the total effect, and what does "holding the mediator fixed" mean
# when they do not?*

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import causalab as cl

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 20_000 if FAST else 200_000

# %% [markdown]
# ## The linear case: path algebra
#
# `Mediation-v0` (continuous): `X ~ N(0,1)`, `T = 0.5 X + e`, `M = a T + 0.5 X + e`,
# `Y = d T + m M + X + e` with d = 1, a = 1, m = 2. Then NDE = d = 1, NIE = a m = 2, and
# ATE = 3: with no interaction, the regression of Y on T, M, X gives the direct effect and the
# product of the two path coefficients the indirect one.

# %%
lin = cl.make("Mediation-v0")
ld = lin.sample(N, seed=0)
design = np.column_stack([np.ones(len(ld)), ld["T"], ld["M"], ld["X"]])
_, d_hat, m_hat, _ = np.linalg.lstsq(design, ld["Y"], rcond=None)[0]
a_hat = np.linalg.lstsq(np.column_stack([np.ones(len(ld)), ld["T"], ld["X"]]), ld["M"], rcond=None)[0][1]
truth_lin = {k: float(v) for k, v in lin.true_effects().items()}
print(f"direct: coefficient of T given M, X = {d_hat:.3f} (NDE {truth_lin['nde']:g});  "
      f"indirect: a m = {a_hat * m_hat:.3f} (NIE {truth_lin['nie']:g});  ATE {truth_lin['ate']:g}")

# %% [markdown]
# ## The binary case: an interaction
#
# `Mediation-v0` with `binary=True`: X, T, M, Y binary, and T and M interact in Y's table
# (the mediator raises Y more under treatment). The engine computes every effect exactly, on
# nested counterfactual worlds; we estimate them from data with Pearl's **mediation
# formula** (valid here: X is observed and nothing hidden confounds T-M, T-Y or M-Y given X):
#
# NDE = sum_x P(x) sum_m P(M=m | T=0, x) [E(Y | T=1, m, x) - E(Y | T=0, m, x)]
#
# NIE = sum_x P(x) sum_m E(Y | T=0, m, x) [P(M=m | T=1, x) - P(M=m | T=0, x)]
#
# TNIE: as NIE with E(Y | T=1, m, x) in place of E(Y | T=0, m, x).

# %%
env = cl.make("Mediation-v0", binary=True)
data = env.sample(N, seed=1)
truth = {k: float(v) for k, v in env.true_effects().items()}


def pieces(d):
    """P(x), P(M=1 | t, x) and E(Y | t, m, x) estimated from `d`."""
    return (d["X"].value_counts(normalize=True), d.groupby(["T", "X"])["M"].mean(),
            d.groupby(["T", "M", "X"])["Y"].mean())


def p_m(pm, m, t, x):
    return pm[(t, x)] if m == 1 else 1 - pm[(t, x)]


px, pm, ey = pieces(data)
nie_hat = sum(px[x] * ey[(0, m, x)] * (p_m(pm, m, 1, x) - p_m(pm, m, 0, x)) for x in (0, 1) for m in (0, 1))
tnie_hat = sum(px[x] * ey[(1, m, x)] * (p_m(pm, m, 1, x) - p_m(pm, m, 0, x)) for x in (0, 1) for m in (0, 1))
ate_hat = sum(px[x] * p_m(pm, m, t, x) * ey[(t, m, x)] * (1 if t else -1)
              for x in (0, 1) for m in (0, 1) for t in (0, 1))
cde = {m: float(env.scm.prob({"Y": 1}, do={"T": 1, "M": m}) - env.scm.prob({"Y": 1}, do={"T": 0, "M": m}))
       for m in (0, 1)}
print({k: round(v, 4) for k, v in truth.items()}, " CDE(m), exact:", {m: round(v, 3) for m, v in cde.items()})

fig, ax = plt.subplots(figsize=(7, 3.2))
names = ["NDE", "NIE", "TNIE", "NDE + NIE", "NDE + TNIE", "ATE"]
exact = [truth["nde"], truth["nie"], truth["tnie"], truth["nde"] + truth["nie"], truth["nde"] + truth["tnie"],
         truth["ate"]]
ax.bar(names, exact, color=["tab:blue", "tab:orange", "tab:green", "tab:grey", "tab:grey", "black"], alpha=0.8)
ax.plot(["NIE", "TNIE", "ATE"], [nie_hat, tnie_hat, ate_hat], "wD", mec="black", ms=8,
        label=f"mediation formula on {N:,} rows")
for i, v in enumerate(exact):
    ax.text(i, v / 2, f"{v:.3f}", ha="center", fontsize=8, color="white")
ax.set_ylabel("effect on P(Y = 1) (exact bars)")
ax.set_ylim(0, 0.5)
ax.legend(fontsize=7, loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# NDE + NIE = 0.364, short of the ATE 0.42: the NIE moves the mediator in units held at
# *control*, where M matters less; the TNIE moves it in treated units, where it matters
# more, and NDE + TNIE = ATE exactly. The controlled direct effects (printed above, 0.2 at
# M = 0 and 0.34 at M = 1) differ from the NDE too: "holding M fixed" at one value for
# everyone (rung 2) is not "holding each unit's M where it would have been" (rung 3).
#
# ## Exercise
#
# Estimate the natural direct effect from `data` with the mediation formula above and store
# it in `my_nde`. (`pieces(data)` gives you P(x), P(M=1 | t, x) and E(Y | t, m, x).)

# %% tags=["exercise"]
my_nde = ...

# %% tags=["check"]
# check: against the mediation formula on the same rows. Its standard error from 20 bootstrap
# resamples is printed (about 0.01 at N = 20,000); the formula has one plug-in value on these
# rows, so we accept a tenth of a standard error, which rejects the mistakes below.
from causalab.testing.exercises import check_number  # noqa: E402


def nde_formula(d, weights_from=0):
    px, pm, ey = pieces(d)
    return sum(px[x] * p_m(pm, m, weights_from, x) * (ey[(1, m, x)] - ey[(0, m, x)]) for x in (0, 1) for m in (0, 1))


reference = nde_formula(data)
se = float(np.std([nde_formula(data.sample(frac=1.0, replace=True, random_state=i)) for i in range(20)]))
design = np.column_stack([np.ones(len(data)), data["T"], data["M"], data["X"]])
check_number(
    my_nde, reference, se / 10, name="my_nde", what="the mediation formula on `data`",
    why_tol=f"a tenth of the estimate's bootstrap standard error {se:.4f}",
    hint="weight the within-(m, x) treatment contrasts by P(x) P(M=m | T=0, x): the mediator stays where it "
         "would be WITHOUT treatment",
    mistakes={"the naive contrast": data.loc[data["T"] == 1, "Y"].mean() - data.loc[data["T"] == 0, "Y"].mean(),
              "mediator weights P(M=m | T=1, x): the total direct effect": nde_formula(data, weights_from=1),
              "the coefficient of T in a linear regression on T, M, X":
                  np.linalg.lstsq(design, data["Y"], rcond=None)[0][1]},
)
print(f"mediation formula {reference:.4f} ± {se:.4f}; exact NDE {truth['nde']:.4f}")
