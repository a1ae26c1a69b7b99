"""The same model in a peer library: DoWhy-gcm and pgmpy.

Used by the tests (a second library checks the engine's answers) and the benchmarks
(the peer does the same work on the same mechanisms). Both peers are optional: they
are imported here, on use.
"""

from __future__ import annotations

import numpy as np
import torch

from ..exceptions import UnsupportedQueryError
from .mechanisms import Additive, Linear, Root, Table
from .noise import DTYPE, Laplace, Normal, Uniform


def _scipy_noise(noise, shift: float = 0.0):
    from dowhy import gcm
    from scipy import stats

    if isinstance(noise, Normal):
        return gcm.ScipyDistribution(stats.norm, loc=noise.loc + shift, scale=noise.scale)
    if isinstance(noise, Uniform):
        return gcm.ScipyDistribution(stats.uniform, loc=noise.low + shift, scale=noise.high - noise.low)
    if isinstance(noise, Laplace):
        return gcm.ScipyDistribution(stats.laplace, loc=noise.loc + shift, scale=noise.scale)
    raise UnsupportedQueryError(f"no scipy counterpart for noise {noise!r}")


class _MechanismPredictor:
    """A DoWhy-gcm prediction model that evaluates a causalab mechanism's mean function."""

    def __init__(self, mechanism, parent_order):
        self.mechanism, self.parent_order = mechanism, list(parent_order)

    def fit(self, X, Y):  # the mechanism is given, not learned
        return None

    def predict(self, X):
        X = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
        if isinstance(self.mechanism, Linear):  # numpy, as a gcm linear model would do it
            coefs = np.array([self.mechanism.coefs[p] for p in self.parent_order])
            return (X @ coefs + self.mechanism.intercept).reshape(-1, 1)
        parents = {p: torch.from_numpy(np.array(X[:, i])) for i, p in enumerate(self.parent_order)}
        zero = torch.zeros(len(X), dtype=DTYPE)
        return self.mechanism.evaluate(parents, zero).numpy().reshape(-1, 1)

    def clone(self):
        return _MechanismPredictor(self.mechanism, self.parent_order)


def to_dowhy_gcm(scm):
    """An ``InvertibleStructuralCausalModel`` with the same additive-noise mechanisms.

    Supports roots and ``Linear``/``Additive`` mechanisms with normal, uniform or
    Laplace noise; the predictor of each node evaluates the causalab mechanism itself.
    """
    import networkx as nx
    from dowhy import gcm
    from dowhy.gcm.causal_models import PARENTS_DURING_FIT
    from dowhy.graph import get_ordered_predecessors

    graph = nx.DiGraph(scm.graph)
    model = gcm.InvertibleStructuralCausalModel(graph)
    for name, mech in scm._mechanisms.items():
        if isinstance(mech, Root):
            model.set_causal_mechanism(name, _scipy_noise(mech.noise))
        elif isinstance(mech, (Linear, Additive)) and not mech.parents:
            # a parentless additive mechanism is its noise shifted by a constant: a gcm root
            constant = float(mech.evaluate({}, torch.zeros(1, dtype=DTYPE))[0])
            model.set_causal_mechanism(name, _scipy_noise(mech.noise, shift=constant))
        elif isinstance(mech, (Linear, Additive)):
            order = get_ordered_predecessors(graph, name)
            model.set_causal_mechanism(
                name, gcm.AdditiveNoiseModel(_MechanismPredictor(mech, order), noise_model=_scipy_noise(mech.noise))
            )
        else:
            raise UnsupportedQueryError(f"{name!r}: {type(mech).__name__} has no DoWhy-gcm counterpart here")
    # the mechanisms are given, not fitted: record the parents they expect, as gcm.fit would
    for name in graph.nodes:
        model.graph.nodes[name][PARENTS_DURING_FIT] = get_ordered_predecessors(model.graph, name)
    return model


def to_pgmpy(scm):
    """A pgmpy ``DiscreteBayesianNetwork`` with the same tables (discrete models)."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    model = DiscreteBayesianNetwork()
    model.add_nodes_from(scm.variables)
    model.add_edges_from(scm.graph.edges)
    for name, mech in scm._mechanisms.items():
        if not isinstance(mech, Table):
            raise UnsupportedQueryError(f"{name!r}: only Table mechanisms convert to pgmpy")
        cards = [scm._mechanisms[p].n_levels for p in mech.parents]
        values = mech.array.reshape(-1, mech.n_levels).T  # pgmpy: one column per parent configuration
        model.add_cpds(TabularCPD(name, mech.n_levels, values, evidence=list(mech.parents) or None,
                                  evidence_card=cards or None))
    return model


def from_pgmpy(model, prefix: str = ""):
    """An SCM with the tables of a pgmpy discrete Bayesian network (states become 0..k-1)."""
    import networkx as nx

    from .core import SCM

    scm = SCM()
    order = list(nx.lexicographical_topological_sort(_pgmpy_graph(model)))
    for node in order:
        cpd = model.get_cpds(node)
        parents = list(cpd.variables[1:])
        cards = list(cpd.cardinality[1:])
        table = np.moveaxis(cpd.values, 0, -1) if parents else cpd.values
        table = np.asarray(table, dtype=np.float64).reshape(*cards, cpd.cardinality[0])
        scm.add(prefix + str(node), Table([prefix + str(p) for p in parents], table))
    return scm


def _pgmpy_graph(model):
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(model.nodes)
    g.add_edges_from(model.edges)
    return g
