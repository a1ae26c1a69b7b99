"""Wrong graphs as an evaluation axis: the graph a learner is handed, and the truth it is scored on.

Every learner normally receives the task's true graph. Real users do not have it. With
``cl.evaluate(..., graph=...)`` each learner is fitted on a *variant* of the task's graph
while the evaluator keeps scoring it against the truth of the real environment; the
variant's name is the ``graph`` column of the result table and part of the store's key.

The variants (each a pure function of the task's graph, deterministic; the column order of
the task breaks ties):

``"true"``
    The task's graph, unchanged (the default).
``"drop_confounder"``
    The analyst forgets a confounder. The first observed variable with a directed path to
    the treatment and one to the outcome that avoids the treatment loses every outgoing
    edge (it stays in the data and in the graph, as an isolated cause of nothing); when no
    observed variable confounds, the first latent common cause of treatment and outcome is
    removed, and its other observed children (proxies of it) are declared direct causes of
    treatment and outcome: "the measured covariates are the confounders". Back-door
    learners then adjust for too little (on Confounding-v0 for nothing: the naive slope;
    on a hidden-confounding environment they fit the back-door estimate instead of refusing).
``"reverse_edge"``
    The first edge into the treatment from an observed variable is reversed (a confounder
    read as an effect of the treatment); when the treatment has no observed parent, the
    first edge into the outcome from an observed variable other than the treatment.
``"add_collider"``
    A bad control: the first observed descendant of the treatment other than the outcome
    (a mediator or a collider) is declared a common cause of treatment and outcome (its
    incoming edges removed, edges into the treatment and the outcome added), so back-door
    learners adjust for it.
``"discovered"``
    The graph found by the PC algorithm (causal-learn, Fisher-z test at ``alpha=0.01``) on
    the cell's training data, with the task's roles as background knowledge and the
    remaining undirected edges oriented as :class:`~causalab.learners.GraphDiscovery` does;
    no latent nodes (PC assumes causal sufficiency).
a callable
    ``graph(task) -> networkx.DiGraph`` over the task's observed variables (latent common
    causes as extra nodes with ``latent=True``); it must be a DAG holding every observed
    variable. Its label in the table is the function's ``__name__``.

A variant that does not apply to an environment (no confounder to drop, no edge to
reverse, no descendant to misuse) makes that cell a ``fit`` row with status
``unsupported`` saying why, never an error: a sweep over environments keeps going.
"""

from __future__ import annotations

import dataclasses

import networkx as nx

from ..exceptions import CyclicGraphError, InvalidValueError, UnsupportedQueryError, did_you_mean

#: the named graph variants of :func:`causalab.evaluate` (besides a callable)
GRAPHS = ("true", "drop_confounder", "reverse_edge", "add_collider", "discovered")


def graph_label(graph) -> str:
    """The ``graph`` column's value for a ``graph=`` argument (validated: a
    :class:`~causalab.InvalidValueError` names an unknown variant and the allowed ones)."""
    if callable(graph) and not isinstance(graph, str):
        return f"callable:{getattr(graph, '__name__', type(graph).__name__)}"
    if not isinstance(graph, str) or graph not in GRAPHS:
        raise InvalidValueError(f"graph must be one of {GRAPHS} or a callable task -> networkx.DiGraph, got "
                                f"{graph!r}.{did_you_mean(graph, GRAPHS)}")
    return graph


def _observed(task) -> list[str]:
    return list(task.observed)


def _confounders(g: nx.DiGraph, t: str, y: str, nodes) -> list[str]:
    """Those of ``nodes`` with a directed path to ``t`` and one to ``y`` that avoids ``t``."""
    without_t = g.copy()
    without_t.remove_node(t)
    return [v for v in nodes if v not in (t, y) and v in without_t
            and nx.has_path(g, v, t) and nx.has_path(without_t, v, y)]


def _drop_confounder(task, g):
    t, y = task.treatment, task.outcome
    observed = _confounders(g, t, y, _observed(task))
    if observed:
        g.remove_edges_from(list(g.out_edges(observed[0])))
        return g
    latent = [v for v in task.latent if {t, y} <= set(g.successors(v))]
    if not latent:
        raise UnsupportedQueryError(f"graph='drop_confounder': the graph has no confounder of {t} and {y} to drop")
    proxies = [c for c in g.successors(latent[0]) if c not in (t, y)]
    g.remove_node(latent[0])
    for c in proxies:
        g.add_edges_from([(c, t), (c, y)])
    return g


def _reverse_edge(task, g):
    t, y = task.treatment, task.outcome
    observed = set(task.observed)
    candidates = [(p, t) for p in g.predecessors(t) if p in observed]
    candidates += [(p, y) for p in g.predecessors(y) if p in observed and p != t]
    for a, b in candidates:
        trial = g.copy()
        trial.remove_edge(a, b)
        trial.add_edge(b, a)
        if nx.is_directed_acyclic_graph(trial):
            return trial
    raise UnsupportedQueryError(f"graph='reverse_edge': no edge into {t} or {y} from an observed variable can be "
                                "reversed without a cycle")


def _add_collider(task, g):
    t, y = task.treatment, task.outcome
    order = {v: i for i, v in enumerate(task.observed)}
    descendants = sorted((d for d in nx.descendants(g, t) if d in order and d != y), key=order.get)
    if not descendants:
        raise UnsupportedQueryError(f"graph='add_collider': {t} has no observed descendant but {y} to adjust for")
    d = descendants[0]
    g.remove_edges_from(list(g.in_edges(d)))
    g.add_edges_from([(d, t), (d, y)])  # d has no ancestor left, so no cycle
    return g


def _discovered(task, data, alpha: float = 0.01):
    import warnings

    import numpy as np
    from causallearn.search.ConstraintBased.PC import pc
    from causallearn.utils.PDAG2DAG import pdag2dag

    from ..learners.discovery import _digraph, _roles

    names = _observed(task)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cg = pc(data[names].to_numpy(dtype=np.float64), alpha=alpha, indep_test="fisherz", show_progress=False,
                node_names=names, background_knowledge=_roles(task))
        dag = pdag2dag(cg.G).graph
    return _digraph(dag, names)


def check_graph(graph, task, label: str) -> nx.DiGraph:
    """A user's graph, checked: a networkx DiGraph, acyclic, holding every observed variable."""
    if not isinstance(graph, nx.DiGraph):
        raise InvalidValueError(f"the graph function {label!r} must return a networkx.DiGraph, got "
                                f"{type(graph).__name__}")
    if not nx.is_directed_acyclic_graph(graph):
        cycle = " -> ".join(str(a) for a, _ in nx.find_cycle(graph))
        raise CyclicGraphError(f"the graph from {label!r} has a cycle ({cycle}); a causal graph must be a DAG")
    missing = [v for v in task.observed if v not in graph]
    if missing:
        raise InvalidValueError(f"the graph from {label!r} lacks the observed variables {missing}; it must hold "
                                f"every one of {task.observed}")
    return graph


def variant_task(task, graph, data=None):
    """The task a learner is fitted on under the graph variant ``graph`` (see the module docstring).

    Parameters
    ----------
    task : Task
        The environment's task (its true graph).
    graph : str or callable
        A name in :data:`GRAPHS` or ``graph(task) -> networkx.DiGraph``.
    data : pandas.DataFrame, optional
        The training data (needed by ``"discovered"`` only).

    Returns
    -------
    Task
        A copy of ``task`` carrying the variant graph (the same object for ``"true"``).

    Raises
    ------
    InvalidValueError
        An unknown name, or a callable returning something other than a DiGraph over the
        observed variables.
    CyclicGraphError
        A callable returning a graph with a cycle.
    UnsupportedQueryError
        A named variant that does not apply to this graph (the evaluator records it).
    """
    label = graph_label(graph)
    if label == "true":
        return task
    if callable(graph) and not isinstance(graph, str):
        new = check_graph(graph(task), task, label)
    elif label == "discovered":
        if data is None:
            raise InvalidValueError("graph='discovered' needs the training data")
        new = _discovered(task, data)
    else:
        new = {"drop_confounder": _drop_confounder, "reverse_edge": _reverse_edge,
               "add_collider": _add_collider}[label](task, task.graph.copy())
    return dataclasses.replace(task, graph=new.copy())




#: the columns of :func:`graph_degradation`
DEGRADATION_COLUMNS = ("environment", "knobs", "learner", "graph", "ate_error", "true_graph_ate_error", "degradation",
                       "status")


def graph_degradation(results):
    """Which learners degrade on a wrong graph: per (environment, knobs, learner, graph
    variant other than ``"true"``), the mean ATE error over seeds at the largest training
    size beside the same learner's on the true graph, and ``degradation`` = |error on the
    variant| - |error on the true graph| (positive: the wrong graph hurt). ``status`` says
    ``"refuses"`` when the learner declined to fit on the variant (or on the true graph),
    ``"unsupported"`` when the variant does not apply to the environment."""
    import numpy as np
    import pandas as pd

    from .evaluate import _check_frame

    from .knobs import label_map

    results = _check_frame(results)
    labels = label_map(results)
    rows = []
    at_max = results[results["n_train"] == results.groupby("environment")["n_train"].transform("max")]
    for (env_id, knobs, learner), g in at_max.groupby(["environment", "knobs", "learner"], sort=False):
        def error(part):
            ate = part[(part["metric"] == "ate") & (part["status"] == "ok")]
            return float((ate["value"] - ate["true_value"]).mean()) if len(ate) else np.nan

        base = error(g[g["graph"] == "true"])
        for graph, part in g[g["graph"] != "true"].groupby("graph", sort=False):
            fit = part[part["metric"] == "fit"]
            err = error(part)
            status = "ok"
            if len(fit):
                status = "unsupported" if fit["message"].str.startswith("graph=").any() else "refuses"
            rows.append({"environment": env_id, "knobs": labels[(env_id, knobs)], "learner": learner, "graph": graph,
                         "ate_error": err,
                         "true_graph_ate_error": base, "degradation": abs(err) - abs(base), "status": status})
    return pd.DataFrame(rows, columns=list(DEGRADATION_COLUMNS))


__all__ = ["DEGRADATION_COLUMNS", "GRAPHS", "check_graph", "graph_degradation", "graph_label", "variant_task"]
