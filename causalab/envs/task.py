"""The task: everything a learner may know about an environment, and nothing more.

A :class:`Task` names the treatment, the outcome and the covariates, gives each observed
variable's type (continuous, binary, or categorical with its levels) and the causal graph
over the observed variables (how a type is inferred from data, and how a user overrides
it, is :func:`variable_type_from_data` and :func:`resolve_types`: the one place the rule
lives). Hidden variables are projected out (Verma & Pearl's latent
projection): a hidden common cause of two observed variables becomes one latent node
``U[A,B]`` with edges into both, which is how DoWhy reads unobserved confounding (a node
absent from the data). Mechanisms, noise and hidden values are never in a task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from ..exceptions import InvalidValueError, unknown_variable

KINDS = ("continuous", "binary", "categorical")


@dataclass(frozen=True)
class VariableType:
    """An observed variable's type: ``kind`` and, for discrete ones, its ``levels``."""

    kind: str
    levels: tuple[int, ...] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise InvalidValueError(f"a variable's kind is one of {KINDS}, got {self.kind!r}")
        if self.kind != "continuous" and not self.levels:
            raise InvalidValueError(f"a {self.kind} variable needs its levels")

    @property
    def discrete(self) -> bool:
        return self.kind != "continuous"


@dataclass(frozen=True, eq=False)
class Task:
    """What a learner may know about an environment.

    Attributes
    ----------
    treatment, outcome : str
    covariates : tuple of str
        Observed pre-treatment variables the environment offers for adjustment.
    variables : dict of str -> VariableType
        Every observed variable (the columns of ``env.sample``), in column order.
    graph : networkx.DiGraph
        The causal graph over the observed variables plus one latent node per pair of
        observed variables that share a hidden cause (node attribute ``latent=True``).
    environment : str or None
        The environment's id, for labels.
    """

    treatment: str
    outcome: str
    covariates: tuple[str, ...]
    variables: Mapping[str, VariableType]
    graph: nx.DiGraph = field(repr=False)
    environment: str | None = None

    def __post_init__(self):
        for role in (self.treatment, self.outcome, *self.covariates):
            if role not in self.variables:
                raise unknown_variable(role, self.variables, "task variable")
        missing = [v for v in self.variables if v not in self.graph]
        if missing:
            raise InvalidValueError(f"the task graph lacks the observed variables {missing}")
        if not nx.is_directed_acyclic_graph(self.graph):
            raise InvalidValueError("the task graph has a cycle")

    @property
    def observed(self) -> list[str]:
        """Observed variable names (the data's columns)."""
        return list(self.variables)

    @property
    def latent(self) -> list[str]:
        """The latent common-cause nodes of the graph (hidden confounding)."""
        return [v for v in self.graph if self.graph.nodes[v].get("latent", False)]

    @property
    def has_hidden_confounding(self) -> bool:
        return bool(self.latent)

    def kind(self, name: str) -> str:
        return self.type(name).kind

    def type(self, name: str) -> VariableType:
        if name not in self.variables:
            raise unknown_variable(name, self.variables, "observed variable")
        return self.variables[name]

    @classmethod
    def from_data(cls, data: pd.DataFrame, graph, treatment: str, outcome: str, covariates=None, types=None,
                  hidden: Sequence[str] = (), max_levels: int = 10, name: str | None = None) -> "Task":
        """Declare a task on your own data and graph.

        Parameters
        ----------
        data : pandas.DataFrame
            Complete numeric data; every column must be a variable of the graph.
        graph : networkx.DiGraph, str, path or list of pairs
            The causal graph in any form :func:`~causalab.envs.data.parse_graph` reads (an edge
            list ``"Z -> T; Z -> Y; T -> Y; T <-> Y"``, DOT, GML, a DiGraph). A variable of
            the graph the data lack is hidden and must be declared so (``hidden=``, a node
            attribute ``latent``, or ``A <-> B``); hidden causes become the latent nodes of
            the task's graph, as for simulated environments.
        treatment, outcome : str
            Column names.
        covariates : sequence of str, optional
            Default: the treatment's observed ancestors in the graph (its parents and their
            ancestors, DoWhy's default back-door set). Given ones must not descend from the
            treatment.
        types : dict, optional
            Per-column overrides: ``"continuous"``, ``"binary"``, ``"categorical"`` or a
            :class:`VariableType`. Otherwise types are inferred
            (:func:`~causalab.envs.data.infer_variable_type`): bool and 0/1 integers binary,
            pandas categoricals with integer categories and integer columns with at most
            ``max_levels`` values categorical, the rest continuous.
        hidden : sequence of str
            Graph variables that are not columns (unobserved).
        max_levels : int
            Integer columns with more distinct values are continuous.
        name : str, optional
            Label of the task (its ``environment``).

        Raises
        ------
        UnknownVariableError
            A role, covariate or graph variable that is not a column (or a column missing
            from the graph), with the closest name.
        CyclicGraphError
            The graph has a cycle (named).
        InvalidValueError
            Missing values, text columns, a covariate that descends from the treatment.

        Examples
        --------
        >>> task = Task.from_data(df, "Z -> T; Z -> Y; T -> Y", treatment="T", outcome="Y")  # doctest: +SKIP
        >>> task.covariates                                                               # doctest: +SKIP
        ('Z',)
        """
        from .data import task_from_data

        return task_from_data(data, graph, treatment, outcome, covariates, types, hidden, max_levels, name)

    def __repr__(self):
        return (f"Task(treatment={self.treatment!r}, outcome={self.outcome!r}, covariates={self.covariates!r}, "
                f"observed={self.observed!r}, latent={self.latent!r})")


def latent_projection(graph: nx.DiGraph, observed: Sequence[str]) -> nx.DiGraph:
    """Project the hidden variables out of a DAG.

    ``A -> B`` when a directed path from A to B has only hidden intermediate nodes. For each
    hidden node, the observed variables it reaches along directed paths through hidden nodes
    only share a hidden common cause: one latent node ``U[A,B,...]`` with an edge into each
    (sets contained in a larger one are dropped, since the larger node implies them).
    """
    observed_set = set(observed)
    hidden = [v for v in graph if v not in observed_set]

    def reach(start):  # observed nodes reached from ``start`` through hidden nodes only
        seen, stack, out = set(), [start], set()
        while stack:
            for child in graph.successors(stack.pop()):
                if child in observed_set:
                    out.add(child)
                elif child not in seen:
                    seen.add(child)
                    stack.append(child)
        return out

    order = {v: i for i, v in enumerate(observed)}
    g = nx.DiGraph()
    g.add_nodes_from(observed)
    for a in observed:
        # in column order, never a set's: networkx keeps insertion order, and DoWhy-gcm's draws
        # follow the graph's order, so a hash-seeded order would change results between processes
        g.add_edges_from((a, b) for b in sorted(reach(a), key=order.get))
    reaches = {frozenset(t) for t in map(reach, hidden) if len(t) > 1}
    # a reach set inside another adds no dependence the larger latent node does not imply
    maximal = [s for s in reaches if not any(s < other for other in reaches)]
    for targets in sorted((sorted(s, key=order.get) for s in maximal), key=lambda t: [order[v] for v in t]):
        name = f"U[{','.join(targets)}]"
        g.add_node(name, latent=True)
        g.add_edges_from((name, v) for v in targets)
    return g


def variable_type_from_data(column: pd.Series) -> VariableType:
    """Infer an observed variable's type from its values. The rule (the only one in causalab):

    1. values exactly within {0, 1} (bool, int or float 0.0/1.0 alike, whatever the dtype):
       ``binary``;
    2. an integer dtype with other values: ``categorical`` with the sorted distinct values as
       levels (codes of categories);
    3. anything else (floats): ``continuous``.

    Counts stored as integers (age, years of schooling) therefore read as categorical:
    declare them (an environment's ``variable_types``, or ``types=`` when building one);
    a declaration always wins over inference.
    """
    values = column.to_numpy()
    if np.issubdtype(values.dtype, np.bool_):
        return VariableType("binary", (0, 1))
    if np.issubdtype(values.dtype, np.number):
        as_float = values.astype(np.float64)
        if len(as_float) and np.isin(as_float, (0.0, 1.0)).all():
            return VariableType("binary", (0, 1))
        if np.issubdtype(values.dtype, np.integer):
            return VariableType("categorical", tuple(int(v) for v in np.unique(values)))
    return VariableType("continuous")


def resolve_types(inferred: Mapping[str, VariableType], declared: Mapping | None, data: pd.DataFrame | None = None,
                  owner: str = "types") -> dict[str, VariableType]:
    """``inferred`` with the ``declared`` types put in their place.

    A declared type is a :class:`VariableType` or one of :data:`KINDS` as a string:
    ``"continuous"``; ``"binary"`` (levels 0, 1); ``"categorical"`` (levels: the sorted
    distinct values of ``data``'s column, or the inferred levels when that was discrete).
    Unknown variables and kinds raise :class:`~causalab.InvalidValueError` naming them.
    """
    out = dict(inferred)
    if declared is None:
        return out
    if not isinstance(declared, Mapping):
        raise InvalidValueError(f"{owner} must be a dict such as {{'age': 'continuous'}}, got {declared!r}")
    for name, spec in declared.items():
        if name not in out:
            raise unknown_variable(name, out, "observed variable")
        if isinstance(spec, VariableType):
            out[name] = spec
            continue
        if spec not in KINDS:
            raise InvalidValueError(f"{owner}[{name!r}] must be one of {KINDS} or a VariableType, got {spec!r}")
        if spec == "continuous":
            out[name] = VariableType("continuous")
        elif spec == "binary":
            if data is not None and name in data.columns:
                extra = sorted(set(np.unique(data[name].to_numpy(dtype=np.float64)).tolist()) - {0.0, 1.0})
                if extra:
                    raise InvalidValueError(f"{owner}[{name!r}] = 'binary' needs values 0 and 1; {name} has "
                                            f"the value {extra[0]!r}")
            out[name] = VariableType("binary", (0, 1))
        elif data is not None and name in data.columns:
            values = data[name].to_numpy(dtype=np.float64)
            if not np.all(values == np.round(values)):
                raise InvalidValueError(f"{owner}[{name!r}] = 'categorical' needs whole-number codes; {name} has "
                                        f"the value {values[values != np.round(values)][0]!r}")
            out[name] = VariableType("categorical", tuple(int(v) for v in np.unique(values)))
        elif out[name].discrete:
            out[name] = VariableType("categorical", out[name].levels)
        else:
            raise InvalidValueError(f"{owner}[{name!r}] = 'categorical': {name} is continuous in the model and its "
                                    "levels are unknown; give a VariableType('categorical', levels)")
    return out
