"""Random causal models for stress tests and scale."""

from __future__ import annotations

import networkx as nx
import numpy as np
import torch

from causalab._random import seed_sequence
from causalab.envs.base import Environment
from causalab.exceptions import InvalidValueError
from causalab.scm import (
    SCM,
    Additive,
    Custom,
    Laplace,
    Linear,
    Logistic,
    Normal,
    Table,
    Uniform,
)
from causalab.scm.random_models import random_dag

MECHANISMS = ("linear", "mlp", "nonadditive", "discrete")
NOISES = {"normal": lambda s: Normal(0, s), "laplace": lambda s: Laplace(0, s / np.sqrt(2)),
          "uniform": lambda s: Uniform(-s * np.sqrt(3), s * np.sqrt(3))}


def _graph(n, degree, kind, rng) -> nx.DiGraph:
    if kind == "erdos_renyi":
        edges = [(i, j) for j, parents in enumerate(random_dag(n, degree, rng)) for i in parents]
    elif kind == "scale_free":
        m = max(1, int(round(degree / 2)))
        und = nx.barabasi_albert_graph(n, min(m, n - 1), seed=int(rng.integers(2**31)))
        rank = rng.permutation(n)  # a random topological order; nodes are renamed by it
        edges = [tuple(sorted((int(rank[u]), int(rank[v])))) for u, v in und.edges]
    else:
        raise InvalidValueError(f"graph must be 'erdos_renyi' or 'scale_free', got {kind!r}")
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    return g


def _mlp(parents, rng, hidden=8):
    w1 = torch.as_tensor(rng.normal(0, 1, (len(parents), hidden)))
    w2 = torch.as_tensor(rng.normal(0, 1 / np.sqrt(hidden), hidden))

    def f(**pa):
        x = torch.stack([pa[p] for p in parents], dim=-1)
        return torch.tanh(x @ w1) @ w2

    return f


class RandomDAG(Environment):
    """A random SCM: graph, mechanisms, noise and hidden confounders drawn from ``seed``.

    Knobs: ``n_variables``, ``expected_degree``, ``graph`` (``"erdos_renyi"`` or
    ``"scale_free"``), ``mechanism`` (``"linear"``: coefficients +-[0.5, 1.5];
    ``"mlp"``: additive noise around a random one-layer tanh network
    ``f(x) = tanh(x W1) w2`` with 8 hidden units, ``W1 ~ N(0, 1)``, ``w2 ~ N(0, 1/8)``, no biases;
    ``"nonadditive"``: ``f(parents) * exp(0.5 noise)``, not invertible; ``"discrete"``: Dirichlet tables),
    ``noise`` (``"normal"``, ``"laplace"``, ``"uniform"``, unit variance times
    ``noise_scale``), ``hidden_share`` (the share of root variables made hidden: hidden
    confounders when they have several children), ``binary_share`` (for continuous
    mechanisms, the share of non-root variables that are binary, logistic in their
    parents with coefficients +-[0.5, 1.5] and no intercept), and ``seed``.

    Variables are ``V0..V{n-1}`` in topological order. The task: the treatment is the
    observed variable with the most observed descendants, the outcome its last observed
    descendant, a binary treatment is preferred when there is one.

    Truth: exact for linear-Gaussian (path algebra) and discrete (enumeration) models,
    Monte Carlo with standard errors otherwise.

    Expected: read off the generated graph by the back-door criterion (each instance sets
    its own ``expected``): the naive contrast succeeds when no back-door path joins treatment
    and outcome; back-door adjustment for the covariates succeeds when they block every
    back-door path (always when ``hidden_share`` is 0).
    """

    story = "A random causal model (graph, mechanisms, noise, hidden confounders) for stress tests."
    references = ("Erdos & Renyi (1959)", "Barabasi & Albert (1999), Science 286:509")
    #: overwritten per instance from the generated graph (see ``_expect_from_graph``)
    expected = {}

    def build(self, n_variables: int = 10, expected_degree: float = 2.0, graph: str = "erdos_renyi",
              mechanism: str = "linear", noise: str = "normal", noise_scale: float = 1.0,
              hidden_share: float = 0.0, binary_share: float = 0.0, seed: int = 0):
        if mechanism not in MECHANISMS:
            raise InvalidValueError(f"mechanism must be one of {MECHANISMS}, got {mechanism!r}")
        if noise not in NOISES:
            raise InvalidValueError(f"noise must be one of {sorted(NOISES)}, got {noise!r}")
        if not isinstance(n_variables, int) or n_variables < 2:
            raise InvalidValueError(f"n_variables must be an int >= 2, got {n_variables!r}")
        rng = np.random.default_rng(seed_sequence(seed))
        g = _graph(n_variables, expected_degree, graph, rng)
        names = [f"V{i}" for i in range(n_variables)]
        roots = [i for i in range(n_variables) if g.in_degree(i) == 0]
        hidden = {names[i] for i in roots if rng.random() < hidden_share and g.out_degree(i) > 1}
        scm = SCM()
        for j in range(n_variables):
            pa = [names[i] for i in sorted(g.predecessors(j))]
            name = names[j]
            if mechanism == "discrete":
                levels = int(rng.integers(2, 4))
                shape = tuple(scm.mechanism(p).n_levels for p in pa)
                mech = Table(pa, rng.dirichlet(np.ones(levels), size=shape))
            elif pa and rng.random() < binary_share:
                cont = [p for p in pa]
                mech = Logistic({p: float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.5)) for p in cont})
            elif mechanism == "linear" or not pa:
                coefs = {p: float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.5)) for p in pa}
                mech = Linear(coefs, noise=NOISES[noise](noise_scale))
            elif mechanism == "mlp":
                mech = Additive(_mlp(pa, rng), parents=pa, noise=NOISES[noise](noise_scale))
            else:
                f = _mlp(pa, rng)
                mech = Custom(lambda parents, u, f=f: f(**parents) * torch.exp(0.5 * u), pa, NOISES[noise](noise_scale))
            scm.add(name, mech, hidden=name in hidden)
        self._choose_task(scm)
        return scm

    def _choose_task(self, scm):
        observed = scm.observed
        g = scm.graph
        best = None
        for v in observed:
            desc = [d for d in observed if d in nx.descendants(g, v)]
            key = (scm.mechanism(v).kind == "binary", len(desc))
            if desc and (best is None or key > best[0]):
                best = (key, v, desc[-1])
        if best is None:  # no edges among observed variables
            best = (None, observed[0], observed[-1])
        self.treatment, self.outcome = best[1], best[2]
        self.covariates = tuple(v for v in observed if v not in nx.descendants(g, self.treatment)
                                and v != self.treatment)
        self.expected = _expect_from_graph(g, self.treatment, self.outcome, self.covariates, observed)

    @property
    def regimes(self):
        from causalab.scm import Intervention

        if self.scm.mechanism(self.treatment).discrete:
            return super().regimes
        return {str(i): i for i in (Intervention({self.treatment: 0.0}), Intervention({self.treatment: 1.0}))}


def _backdoor_blocks(g: nx.DiGraph, t: str, y: str, adjustment) -> bool:
    """Pearl's back-door criterion: no element descends from ``t``, and ``adjustment``
    d-separates ``t`` from ``y`` once ``t``'s outgoing edges are removed."""
    z = set(adjustment)
    if z & (nx.descendants(g, t) | {t}):
        return False
    cut = g.copy()
    cut.remove_edges_from(list(g.out_edges(t)))
    return nx.is_d_separator(cut, {t}, {y}, z)


def _expect_from_graph(g: nx.DiGraph, t: str, y: str, covariates, observed) -> dict:
    """``expected`` of one generated model, from its graph (hidden variables included)."""
    naive = _backdoor_blocks(g, t, y, ())
    adjusted = _backdoor_blocks(g, t, y, covariates)
    if naive:
        why_naive = f"no back-door path joins {t} and {y}: nothing confounds them"
    else:
        why_naive = f"a back-door path from {t} to {y} is open (a common cause)"
    if adjusted:
        why_backdoor = f"the covariates {list(covariates)} block every back-door path from {t} to {y}"
    else:
        cut = g.copy()
        cut.remove_edges_from(list(g.out_edges(t)))
        allowed = set(observed) - nx.descendants(g, t) - {t, y}
        other = nx.find_minimal_d_separator(cut, {t}, {y}, restricted=allowed)
        why_backdoor = (f"the covariates {list(covariates)} leave a back-door path from {t} to {y} open (a hidden "
                        "confounder or a collider)"
                        + ("; no observed set blocks them all" if other is None
                           else f"; the smaller set {sorted(other)} would block them"))
    return {"backdoor": (adjusted, why_backdoor), "naive": (naive, why_naive)}
