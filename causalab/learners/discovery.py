"""A graph learned from the data (PC, from causal-learn) feeding a graph-based learner."""

from __future__ import annotations

import dataclasses
import itertools
import warnings

import networkx as nx
import numpy as np
from sklearn.base import clone

from ..exceptions import InvalidValueError
from .base import Learner

TESTS = ("fisherz", "chisq", "gsq", "kci")


class GraphDiscovery(Learner):
    """Fit ``learner`` on a graph discovered from the observational data instead of the true one.

    The PC algorithm (Spirtes, Glymour, Scheines 2000; causal-learn's ``pc``) finds the
    Markov equivalence class of the data's graph as a CPDAG, assuming causal sufficiency
    (no hidden common causes), faithfulness and a correct conditional-independence test.
    The rule that turns the CPDAG into one DAG, stated: with ``use_roles=True`` (default)
    PC is given the task's roles as background knowledge (the declared covariates are
    pre-treatment, so neither the treatment nor the outcome may cause them, and the outcome
    may not cause the treatment); the edges still undirected are then oriented by the
    consistent extension of Dor & Tarsi (1992, causal-learn's ``pdag2dag``), which adds no
    new v-structure or cycle. Within an equivalence class the data cannot prefer one
    orientation, so without the roles an edge ``T - Y`` may come out as ``Y -> T``. The
    inner learner is then fitted on a copy of the task carrying the discovered graph.

    Fitted attributes: ``graph_`` (the DAG used), ``cpdag_undirected_`` (edges PC left
    undirected), ``shd_`` (structural Hamming distance from the discovered DAG to the true
    graph over the observed variables: one per pair of variables whose edge is missing,
    extra or reversed), ``learner_`` (the fitted inner learner).

    Parameters
    ----------
    learner : Learner
        A graph-based learner (``NeuralSCM()`` by default), cloned before fitting.
    alpha : float
        Significance level of the independence tests.
    indep_test : {"fisherz", "chisq", "gsq", "kci"}
        causal-learn's test: Fisher's z (linear-Gaussian, the default), chi-square or G-square
        (discrete), KCI (kernel, slow).
    use_roles : bool
        Give PC the task's roles as background knowledge (see above).
    """

    def __init__(self, learner=None, alpha: float = 0.01, indep_test: str = "fisherz", use_roles: bool = True):
        self.learner = learner
        self.alpha = alpha
        self.indep_test = indep_test
        self.use_roles = use_roles

    @property
    def tags(self):
        return self._inner().tags

    def _inner(self):
        if hasattr(self, "learner_"):
            return self.learner_
        from .neural_scm import NeuralSCM

        return NeuralSCM() if self.learner is None else self.learner

    def _fit(self, data):
        from causallearn.search.ConstraintBased.PC import pc
        from causallearn.utils.PDAG2DAG import pdag2dag

        inner = self._inner()
        if not isinstance(inner, Learner):
            raise InvalidValueError(f"GraphDiscovery needs a causalab learner, got {inner!r}")
        if self.indep_test not in TESTS:
            raise InvalidValueError(f"indep_test must be one of {TESTS}, got {self.indep_test!r}")
        a = self.alpha
        if isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 < a < 1:
            raise InvalidValueError(f"alpha must be in (0, 1), got {a!r}")
        task = self.task_
        names = list(task.observed)
        x = data[names].to_numpy(dtype=np.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cg = pc(x, alpha=float(a), indep_test=self.indep_test, show_progress=False, node_names=names,
                    background_knowledge=_roles(task) if self.use_roles else None)
            undirected = _undirected(cg.G.graph, names)
            dag = pdag2dag(cg.G).graph
        self.cpdag_undirected_ = undirected
        self.graph_ = _digraph(dag, names)
        truth = task.graph.subgraph(names)
        self.shd_ = structural_hamming_distance(self.graph_, truth)
        discovered = dataclasses.replace(task, graph=self.graph_)
        self.learner_ = clone(inner).fit(data, discovered)
        if hasattr(self.learner_, "overlap_"):  # diagnosed (and warned about) by the inner fit
            self.overlap_ = self.learner_.overlap_

    def _query_columns(self, rung):
        return self.learner_._query_columns(rung)

    def _intervenable(self):
        return self.learner_._intervenable()

    def _predict(self, data):
        return self.learner_.predict(data).to_numpy()

    def _predict_do(self, data, do):
        return self.learner_.predict_do(data, do).to_numpy()

    def _predict_counterfactual(self, data, do):
        return self.learner_.predict_counterfactual(data, do).to_numpy()

    def _effect(self, treated, control, data, estimand="ate"):
        # the inner learner's answer and analytic interval (given the discovered graph); a
        # bootstrap interval refits GraphDiscovery whole, so the search's own variance is in it
        return self.learner_._effect(treated, control, data, estimand)

    def _why_unsupported(self, rung):
        return self.learner_._why_unsupported(rung) if hasattr(self, "learner_") else ""


def _roles(task):
    """Background knowledge from the task: covariates are pre-treatment, Y does not cause T."""
    from causallearn.graph.GraphNode import GraphNode
    from causallearn.utils.PCUtils.BackgroundKnowledge import BackgroundKnowledge

    bk, t, y = BackgroundKnowledge(), GraphNode(task.treatment), GraphNode(task.outcome)
    for c in task.covariates:
        bk.add_forbidden_by_node(t, GraphNode(c))
        bk.add_forbidden_by_node(y, GraphNode(c))
    bk.add_forbidden_by_node(y, t)
    return bk


def _digraph(matrix, names) -> nx.DiGraph:
    """causal-learn's endpoint matrix as a DiGraph: ``m[j, i] == 1`` and ``m[i, j] == -1`` is i -> j."""
    g = nx.DiGraph()
    g.add_nodes_from(names)
    for i, j in itertools.permutations(range(len(names)), 2):
        if matrix[j, i] == 1 and matrix[i, j] == -1:
            g.add_edge(names[i], names[j])
    return g


def _undirected(matrix, names) -> list[tuple[str, str]]:
    return [(names[i], names[j]) for i, j in itertools.combinations(range(len(names)), 2)
            if matrix[i, j] == -1 and matrix[j, i] == -1]


def structural_hamming_distance(learned: nx.DiGraph, truth: nx.DiGraph) -> int:
    """Pairs of nodes whose edge differs between the graphs: missing, extra or reversed
    (a reversed edge counts once)."""
    nodes = sorted(set(learned) | set(truth))
    distance = 0
    for a, b in itertools.combinations(nodes, 2):
        state = lambda g: (g.has_edge(a, b), g.has_edge(b, a))  # noqa: E731
        distance += state(learned) != state(truth)
    return distance
