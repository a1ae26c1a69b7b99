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
# # 17. Discovering the graph from data
#
# **What this teaches.** Every other notebook was given the graph. The **PC algorithm**
# (Spirtes, Glymour, Scheines 2000) tries to find it from observational data with
# conditional-independence tests: it removes the edge between two variables when some set
# of others makes them independent, then orients the colliders X -> Z <- Y it can prove. It
# assumes **causal sufficiency** (no hidden common causes), **faithfulness** (every
# independence in the data comes from the graph's d-separations, not from effects that
# happen to cancel) and tests that are right. Even then it finds only the **Markov
# equivalence class**: edges whose direction the data cannot tell stay undirected.
# `GraphDiscovery` runs PC (causal-learn), orients what is left by a consistent extension and
# scores the result by the **structural Hamming distance** (SHD): the number of pairs of
# variables whose edge is missing, extra or reversed.
#
# **The question you should answer at the end.** *When PC's graph is wrong, is it the data's
# fault, the test's, or an assumption's, and which of the three can more data fix?*

# %%
import os
import warnings

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

import causalab as cl
from causalab.learners import GraphDiscovery, LinearRegression
from causalab.learners.discovery import structural_hamming_distance
from causalab.scm.draw import draw_graph

FAST = os.environ.get("CAUSALAB_FAST") == "1"
SIZES = [100, 1_000] if FAST else [100, 1_000, 5_000, 20_000]
SEEDS = range(3) if FAST else range(8)
warnings.filterwarnings("ignore", module="causallearn")


def discover(env, data, **kw):
    """PC's graph for `data` (the inner learner, a plain regression, plays no part in the graph)."""
    return GraphDiscovery(LinearRegression(), alpha=0.01, **kw).fit(data, env.task)


# %% [markdown]
# ## A random linear-Gaussian DAG: every assumption holds
#
# `RandomDAG-v0` draws a 10-variable DAG (Erdős-Rényi, about 2 edges a node) with linear
# mechanisms and Gaussian noise: no hidden variables, Fisher's z test exact in distribution.

# %%
env = cl.make("RandomDAG-v0")
truth = env.task.graph.subgraph(env.observed)


def skeleton_errors(learned, truth):
    """Pairs adjacent in one graph and not in the other (missing or extra edges, direction ignored)."""
    return len({frozenset(e) for e in learned.edges} ^ {frozenset(e) for e in truth.edges})


fits = {n: [discover(env, env.sample(n, seed=s)).graph_ for s in SEEDS] for n in SIZES}
shd = {n: [structural_hamming_distance(g, truth) for g in gs] for n, gs in fits.items()}
skel = {n: [skeleton_errors(g, truth) for g in gs] for n, gs in fits.items()}
found = discover(env, env.sample(2_000, seed=2))
print("SHD by rows:", shd, " skeleton errors:", skel, " edges in the true graph:", truth.number_of_edges())
print("left undirected by PC (then oriented by the extension):", found.cpdag_undirected_)

fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), gridspec_kw={"width_ratios": [1, 1, 0.8]})
roles = {v: r for v, r in env.roles.items() if v in truth}
draw_graph(truth, ax=axes[0], roles=roles, title="the true graph")
draw_graph(found.graph_, ax=axes[1], roles=roles, title=f"PC, n = 2,000 (SHD {found.shd_})")
axes[2].plot(SIZES, [np.mean(shd[n]) for n in SIZES], "o-", label="SHD")
axes[2].plot(SIZES, [np.mean(skel[n]) for n in SIZES], "s--", label="of which missing or extra edges")
axes[2].set_xscale("log")
axes[2].set_xlabel("rows of data (log scale)")
axes[2].set_ylabel(f"mean over {len(SEEDS)} data sets")
axes[2].set_ylim(bottom=0)
axes[2].legend(fontsize=7, loc="upper right")
plt.tight_layout()
plt.show()

# %% [markdown]
# With the assumptions holding, the missing and extra edges (weak dependences the test could
# not yet see, and the test's 1% false alarms) become rarer as data grow. The SHD does not go
# to 0: what remains are **reversed** edges inside the equivalence class. PC leaves those
# undirected, because graphs that differ only there imply the same independences, and the
# extension's choice of direction is a coin the data cannot weigh, at any sample size.
#
# ## Real data: Sachs' protein-signalling cells
#
# `Sachs-v0` holds 853 cells under one stimulation and a 20-edge consensus graph. Here the
# assumptions are strained: the measurements are not Gaussian, the network has feedback
# (it is not a DAG in life), and not every relevant protein was measured.

# %%
sachs = cl.make("Sachs-v0")
consensus = sachs.task.graph
on_sachs = discover(sachs, sachs.data())
print(f"consensus {consensus.number_of_edges()} edges; PC found {on_sachs.graph_.number_of_edges()}; "
      f"SHD {on_sachs.shd_}; a directed path mek -> erk in PC's graph: "
      f"{nx.has_path(on_sachs.graph_, 'mek', 'erk')}")
fig, axes = plt.subplots(1, 2, figsize=(13, 3.8))
sroles = {v: r for v, r in sachs.roles.items() if v in consensus}
draw_graph(consensus, ax=axes[0], roles=sroles, title="consensus graph (20 edges)")
draw_graph(on_sachs.graph_, ax=axes[1], roles=sroles, title=f"PC on 853 cells (SHD {on_sachs.shd_})")
plt.tight_layout()
plt.show()

# %% [markdown]
# PC keeps only a handful of edges and loses the path from `mek` to `erk` that the task is
# about: a learner fed this graph would say mek has no effect on erk. More cells would not
# fix the non-Gaussian test or the feedback loops.
#
# ## Faithfulness: effects that cancel
#
# T -> M -> Y and T -> Y directly, all linear: M = T + noise, Y = M + d T + noise. The total
# effect of T on Y is 1 + d. At d = -1 the two paths cancel exactly: T and Y are
# independent although T causes Y twice. PC, trusting faithfulness, removes the edge T - Y;
# then T - M - Y with M outside the set that separated T and Y looks like a collider, and PC
# orients **Y -> M**, backwards. Near d = -1 the dependence is too weak for the test.


# %%
class Cancelling(cl.Environment):
    """T -> M -> Y and T -> Y; the direct effect d cancels the indirect one at d = -1."""

    treatment, outcome, mediators = "T", "Y", ("M",)

    def build(self, direct: float = -1.0):
        scm = cl.SCM()
        scm.add("T", cl.Normal(0, 1))
        scm.add("M", cl.Linear({"T": 1.0}))
        scm.add("Y", cl.Linear({"M": 1.0, "T": direct}))
        return scm


DIRECTS = np.round(np.linspace(-1.6, -0.4, 13), 2)
kept = [np.mean([discover(Cancelling(direct=d), Cancelling(direct=d).sample(1_000, seed=s)).graph_.to_undirected()
                 .has_edge("T", "Y") for s in SEEDS]) for d in DIRECTS]
corr = [float(Cancelling(direct=d).scm.covariance("T", "Y"))
        / np.sqrt(float(Cancelling(direct=d).scm.variance("Y"))) for d in DIRECTS]
cancel = discover(Cancelling(), Cancelling().sample(1_000, seed=0))
print("at d = -1 PC's edges:", sorted(cancel.graph_.edges), " SHD", cancel.shd_)

fig, ax = plt.subplots(figsize=(7, 3.4))
ax.plot(DIRECTS, kept, "o-", label=f"share of {len(SEEDS)} data sets (n = 1,000) where PC keeps T - Y")
ax.plot(DIRECTS, np.abs(corr), "s--", color="tab:grey", label="|corr(T, Y)|, exact from the engine")
ax.axvline(-1, color="tab:red", lw=1, label="d = -1: the paths cancel")
ax.set_xlabel("direct effect d of T on Y (the indirect effect is 1)")
ax.set_ylabel("share / correlation")
ax.set_ylim(-0.05, 1.05)
ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)
plt.tight_layout()
plt.show()

# %% [markdown]
# Away from -1 the edge is found every time; at -1 it is never found, and in a band around
# it (where |corr| is a few hundredths) it is found only sometimes. More data narrows the
# band but never closes it at d = -1: that failure is the assumption's, not the sample's.
#
# ## Exercise
#
# `found.graph_` (PC's DAG on 2,000 rows of `RandomDAG-v0`) and `truth` are networkx
# DiGraphs over the same ten variables. Compute their structural Hamming distance by hand
# (without `found.shd_`): one for each pair of variables whose edge is missing, extra, or
# reversed (a reversed edge counts once). Store it in `my_shd`.

# %% tags=["exercise"]
my_shd = ...

# %% tags=["check"]
# check: against the SHD counted here from the two graphs' adjacency matrices (and equal to
# `found.shd_`). It is an exact count, so we accept only the right integer (within 0.5).
from causalab.testing.exercises import check_number  # noqa: E402

names = sorted(truth)
adj_found = np.array([[found.graph_.has_edge(a, b) for b in names] for a in names], dtype=int)
adj_truth = np.array([[truth.has_edge(a, b) for b in names] for a in names], dtype=int)
pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
reference = sum((adj_found[i, j], adj_found[j, i]) != (adj_truth[i, j], adj_truth[j, i]) for i, j in pairs)
skeleton = sum((adj_found[i, j] | adj_found[j, i]) != (adj_truth[i, j] | adj_truth[j, i]) for i, j in pairs)
check_number(
    my_shd, reference, 0.5, name="my_shd", what="SHD from the adjacency matrices",
    why_tol="an exact count: only the right integer",
    hint="go over unordered pairs {a, b}: compare (a -> b?, b -> a?) in the two graphs; one point per pair that "
         "differs, so a reversed edge costs 1, not 2",
    mistakes={"a reversed edge counted twice (directed edges in one graph only)": int(np.abs(adj_found - adj_truth).sum()),
              "direction ignored (skeleton only)": skeleton,
              "only the true edges PC's graph lacks": int(((adj_truth == 1) & (adj_found == 0)).sum())},
)
print(f"SHD {reference} (GraphDiscovery's shd_: {found.shd_}): {skeleton} skeleton differences, the rest reversed")
