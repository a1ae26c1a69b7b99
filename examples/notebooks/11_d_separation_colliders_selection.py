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
# # 11. d-separation, colliders and selection
#
# **What this teaches.** Three junctions decide whether a path between two variables carries
# association: a chain `A -> B -> C` and a fork `A <- B -> C` are blocked by conditioning on
# `B`; a **collider** `A -> B <- C` is blocked *unless* we condition on `B` (or on one of its
# descendants). Two variables are **d-separated** by a set when every path between them is
# blocked. Conditioning on a collider creates association from nothing (Berkson's paradox);
# selecting units on a common effect does the same; adjusting for a pre-treatment collider
# (M-bias) adds bias instead of removing it. An adjustment set is good when it blocks every
# back-door path and opens none.
#
# **The question you should answer at the end.** *Why can adjusting for one more
# pre-treatment variable make an estimate worse, and how do you tell from the graph?*

# %%
import os

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

import causalab as cl
from causalab.learners import LinearRegression

FAST = os.environ.get("CAUSALAB_FAST") == "1"
N = 20_000 if FAST else 100_000

# %% [markdown]
# ## Berkson's paradox: talent, looks and celebrity
#
# `Collider-v0`: talent `T` and looks `Y` are independent coin flips; celebrity `S` is likely
# when either is high. In the whole population `T` tells nothing about `Y`; among celebrities,
# the talented are less often good-looking.

# %%
env = cl.make("Collider-v0")
data = env.sample(N, seed=0)
print("T and Y d-separated by {}:", env.scm.d_separated("T", "Y"),
      "  by {S}:", env.scm.d_separated("T", "Y", given={"S"}))

rates = {
    "everyone": [data.loc[data["T"] == t, "Y"].mean() for t in (0, 1)],
    "celebrities only (S = 1)": [data.loc[(data["T"] == t) & (data["S"] == 1), "Y"].mean() for t in (0, 1)],
}
exact = {"everyone": [float(env.scm.prob({"Y": 1}, given={"T": t})) for t in (0, 1)],
         "celebrities only (S = 1)": [float(env.scm.prob({"Y": 1}, given={"T": t, "S": 1})) for t in (0, 1)]}

fig, axes = plt.subplots(1, 2, figsize=(8, 3), gridspec_kw={"width_ratios": [1, 1.4]})
env.draw(ax=axes[0])
axes[0].set_title("S is a collider of T and Y", fontsize=9)
x = np.arange(2)
for i, (group, r) in enumerate(rates.items()):
    axes[1].bar(x + (i - 0.5) * 0.38, r, 0.38, label=group)
    axes[1].plot(x + (i - 0.5) * 0.38, exact[group], "k_", ms=18, mew=2)
axes[1].set_xticks(x, ["not talented (T=0)", "talented (T=1)"])
axes[1].set_ylabel("share good-looking, P(Y=1 | ...)")
axes[1].set_ylim(0, 1.15)
axes[1].legend(fontsize=7, loc="upper right", title="black marks: exact", title_fontsize=7)
plt.tight_layout()
plt.show()
print({g: [round(v, 3) for v in r] for g, r in exact.items()})

# %% [markdown]
# ## M-bias: a pre-treatment collider
#
# `MBias-v0`: `M` is caused by two hidden variables, one also causing `T`, the other `Y`.
# The path `T <- U1 -> M <- U2 -> Y` is blocked *because* `M` is a collider. The unadjusted
# regression is unbiased; "adjusting for every pre-treatment covariate" opens the path.

# %%
mbias = cl.make("MBias-v0")
mdata = mbias.sample(N, seed=1)
m_estimates = {
    "unadjusted": LinearRegression(features="treatment").fit(mdata, mbias.task).effect(1.0, 0.0).value,
    "adjusted for M": LinearRegression(features="covariates").fit(mdata, mbias.task).effect(1.0, 0.0).value,
}
print({k: round(v, 3) for k, v in m_estimates.items()}, "truth", float(mbias.true_effects()["ate"]))
print("is {} a back-door set?", mbias.scm.is_backdoor_set("T", "Y", set()),
      " is {M}?", mbias.scm.is_backdoor_set("T", "Y", {"M"}))

# %% [markdown]
# ## Selection on the outcome
#
# `SelectionBias-v0`: units enter the data only when `S = 1`, and `S` depends on `T` and `Y`.
# Selection is conditioning on a collider that nobody wrote in the regression: the contrast
# among the selected is biased even after adjusting for the true confounder `X`.

# %%
sel = cl.make("SelectionBias-v0")
selected = sel.sample(N, seed=2)                  # only units with S = 1
adjusted_sel = LinearRegression(features="covariates").fit(selected, sel.task).effect(1, 0).value
print(f"adjusted for X among the selected: {adjusted_sel:+.3f} (exact for this design "
      f"{sel.selected_contrast():+.3f}); the population effect is {float(sel.true_effects()['ate']):+.3f}")

# %% [markdown]
# ## Finding an adjustment set by hand
#
# The graph below (a version of the Primer's figure 3.8) has two back-door paths from `T` to
# `Y`, and one of them runs through a collider. The bars show the exact regression coefficient
# of `T` when `Y` is regressed on `T` and each candidate set (computed from the model's exact
# covariances: no sampling); the true effect is 1.

# %%
g = cl.SCM()
g.add("Z1", cl.Normal(0, 1))
g.add("Z2", cl.Normal(0, 1))
g.add("Z3", cl.Linear({"Z1": 1.0, "Z2": 1.0}))
g.add("T", cl.Linear({"Z1": 1.0, "Z3": 1.0}))
g.add("W", cl.Linear({"T": 1.0}))
g.add("Y", cl.Linear({"W": 1.0, "Z2": 1.0, "Z3": 1.0}))
names = g.variables
cov = np.array([[float(g.covariance(a, b)) for b in names] for a in names])
at = {v: i for i, v in enumerate(names)}


def coefficient(adjust):
    """Exact coefficient of T in the population regression of Y on T and `adjust`."""
    cols = [at[c] for c in ["T", *adjust]]
    return float(np.linalg.solve(cov[np.ix_(cols, cols)], cov[cols, at["Y"]])[0])


candidates = [(), ("Z1",), ("Z2",), ("Z3",), ("Z3", "W")]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [1, 1.3]})
pos = {"Z1": (0, 2), "Z2": (2, 2), "Z3": (1, 1), "T": (0, 0), "W": (1, 0), "Y": (2, 0)}
colour = {"T": "tab:orange", "Y": "tab:green"}
nx.draw_networkx(g.graph, pos, ax=axes[0], node_size=900, edgecolors="black", arrowsize=16,
                 node_color=[colour.get(v, "lightgrey") for v in g.graph], min_target_margin=14)
axes[0].set_title("T treatment (orange), Y outcome (green)", fontsize=9)
axes[0].axis("off")
values = [coefficient(c) for c in candidates]
axes[1].barh([("{" + ", ".join(c) + "}") for c in candidates], values, color="tab:grey")
axes[1].axvline(float(g.ate("T", "Y")), color="green", lw=2, label="true effect of T on Y")
axes[1].set_xlabel("coefficient of T, Y regressed on T and the set (exact)")
axes[1].legend(fontsize=7, loc="upper right")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Exercise
#
# Find a **smallest** set of variables in `g` that satisfies the back-door criterion for the
# effect of `T` on `Y`, and store it as a Python set of names in `my_adjustment` (for example
# `{"Z1"}`). Reason from the graph: list the back-door paths, mark the colliders, and check
# which sets block every path without opening a new one. (`g.d_separated` and
# `g.is_backdoor_set` would tell you; try to get there first.)

# %% tags=["exercise"]
my_adjustment = ...

# %% tags=["check"]
# check: with the graph functions (no tolerance: a set is right or wrong). A right set passes
# the back-door criterion (g.is_backdoor_set) and is no larger than the minimal set networkx
# finds; a wrong one is told which back-door path it leaves open.
from causalab.testing.exercises import check_set  # noqa: E402


def open_backdoor_path(chosen):
    """A back-door path from T to Y left open by `chosen`, drawn as text, or ''."""
    skeleton = g.graph.to_undirected()
    for path in nx.all_simple_paths(skeleton, "T", "Y"):
        if not g.graph.has_edge(path[1], "T"):
            continue  # not a back-door path
        blocked = False
        for a, b, c in zip(path, path[1:], path[2:]):
            collider = g.graph.has_edge(a, b) and g.graph.has_edge(c, b)
            opened = b in chosen or bool(nx.descendants(g.graph, b) & chosen)
            blocked = blocked or (collider and not opened) or (not collider and b in chosen)
        if not blocked:
            arrows = "".join(f" {'->' if g.graph.has_edge(a, b) else '<-'} {b}" for a, b in zip(path, path[1:]))
            return f"T{arrows}"
    return ""


smallest = g.minimal_backdoor_set("T", "Y")


def judge(chosen):
    if chosen & (nx.descendants(g.graph, "T")):
        return f"{sorted(chosen & nx.descendants(g.graph, 'T'))} descend from T: adjusting for them blocks the effect"
    path = open_backdoor_path(chosen)
    if path:
        return f"the back-door path {path} stays open given {sorted(chosen)}"
    if not g.is_backdoor_set("T", "Y", chosen):
        return "it does not satisfy the back-door criterion"
    if len(chosen) > len(smallest):
        return f"it is valid, but a set of {len(smallest)} variables suffices"
    return ""


check_set(my_adjustment, judge, name="my_adjustment", allowed=set(g.variables) - {"T", "Y"},
          what="a smallest back-door set for T -> Y",
          hint="list every path from T to Y that starts with an arrow into T; conditioning on a collider (or a "
               "descendant of one) opens the path through it, conditioning on any other node blocks it")
if my_adjustment is not ...:
    print(f"coefficient of T adjusting for it: {coefficient(tuple(my_adjustment)):.4f}")
