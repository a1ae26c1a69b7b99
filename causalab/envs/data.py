"""Your own data in: a graph parser, a task declared on a DataFrame, and an environment for them.

:func:`parse_graph` reads a causal graph in the forms DoWhy accepts (a networkx DiGraph, a
DOT string or file, GML, and a plain edge list such as ``"Z -> T; Z -> Y; T -> Y; T <-> Y"``,
where ``A <-> B`` is a hidden common cause of A and B). :func:`task_from_data` (also
:meth:`Task.from_data <causalab.envs.task.Task.from_data>`) declares the treatment, outcome
and covariates on a DataFrame, infers each column's type and checks the graph against the
columns. :class:`DataEnvironment` wraps data, graph and task as a real-data environment that
:func:`causalab.evaluate`, :func:`causalab.run` and the report accept.

A variable in the graph that is not a column of the data is hidden. It must be declared so
(``hidden=[...]``, a node attribute ``latent``, or a ``<->`` edge); an undeclared one is an
error naming it with its closest column, since it is far more often a typo than a confounder.
Hidden variables are projected out exactly as for simulated environments
(:func:`~causalab.envs.task.latent_projection`): a hidden common cause of A and B becomes the
latent node ``U[A,B]`` of the task's graph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..exceptions import CyclicGraphError, InvalidValueError, UnknownVariableError, did_you_mean, unknown_variable
from .base import RealDataEnvironment
from .task import Task, VariableType, latent_projection

#: integer columns with at most this many distinct values are categorical (more: continuous)
MAX_LEVELS = 10
_GRAPH_FILES = (".dot", ".gv", ".gml")
_ARROWS = re.compile(r"\s*(<->|->|<-)\s*")


# ---------------------------------------------------------------------- graphs
def parse_graph(graph) -> nx.DiGraph:
    """Read a causal graph.

    Parameters
    ----------
    graph : networkx.DiGraph, str, path or sequence of pairs
        One of

        - a ``networkx.DiGraph`` (copied; a node with attribute ``latent=True`` is hidden);
        - an edge list, statements separated by ``;`` or new lines: ``"Z -> T; Z -> Y; T -> Y"``,
          chains ``"Z -> T -> Y"``, ``"Y <- T"``, and ``"T <-> Y"`` for a hidden common cause
          of T and Y; a bare name declares a variable without edges;
        - a DOT string (``"digraph { Z -> T; T -> Y }"``) or a ``.dot``/``.gv`` file, read with
          pydot as DoWhy does; an edge with ``dir=both`` is a hidden common cause, a node with
          ``latent=true`` (or ``observed=no``) is hidden;
        - a GML string (``"graph [ directed 1 node [ id 0 label \\"T\\" ] ... ]"``) or a ``.gml``
          file, read with networkx (node names from ``label``, else ``id``);
        - a list of ``(cause, effect)`` pairs.

    Returns
    -------
    networkx.DiGraph
        Node names as strings. Each bidirected edge ``A <-> B`` becomes a node ``U[A,B]``
        with ``latent=True`` and edges into A and B; hidden nodes carry ``latent=True``.

    Raises
    ------
    CyclicGraphError
        The graph has a directed cycle (named in the message).
    InvalidValueError
        An undirected graph, a statement that is not an edge, or a format that cannot be read.
    """
    if isinstance(graph, nx.Graph):
        g = _from_networkx(graph)
    elif isinstance(graph, Path) or (isinstance(graph, str) and _looks_like_file(graph)):
        g = _from_file(Path(graph))
    elif isinstance(graph, str):
        g = _from_text(graph)
    elif isinstance(graph, Sequence) and all(isinstance(e, Sequence) and not isinstance(e, str) and len(e) == 2
                                             for e in graph):
        g = nx.DiGraph()
        g.add_edges_from((str(a), str(b)) for a, b in graph)
    else:
        raise InvalidValueError(
            f"a graph is a networkx DiGraph, an edge list string ('Z -> T; T -> Y'), a DOT or GML string or file, "
            f"or a list of (cause, effect) pairs; got {type(graph).__name__}: {graph!r:.80}")
    _check_acyclic(g)
    return g


def _looks_like_file(text: str) -> bool:
    return "\n" not in text and Path(text).suffix.lower() in _GRAPH_FILES


def _from_file(path: Path) -> nx.DiGraph:
    if not path.is_file():
        raise InvalidValueError(f"no graph file {str(path)!r}")
    return _from_text(path.read_text(encoding="utf-8"), fmt="gml" if path.suffix.lower() == ".gml" else "dot")


def _from_text(text: str, fmt: str | None = None) -> nx.DiGraph:
    head = text.lstrip()
    if fmt == "gml" or (fmt is None and re.match(r"graph\s*\[", head)):
        return _from_gml(text)
    if fmt == "dot" or (fmt is None and re.match(r"(strict\s+)?(di)?graph\b[^\[]*\{", head, re.IGNORECASE)):
        return _from_dot(text)
    return _from_edge_list(text)


def _from_networkx(graph: nx.Graph) -> nx.DiGraph:
    if not graph.is_directed():
        raise InvalidValueError("the graph is undirected; a causal graph needs directed edges (a networkx DiGraph)")
    g = nx.DiGraph()
    for node, attrs in graph.nodes(data=True):
        g.add_node(str(node), **({"latent": True} if _truthy(attrs.get("latent")) else {}))
    g.add_edges_from((str(a), str(b)) for a, b in graph.edges())
    return g


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().strip('"').lower() in ("true", "1", "yes")
    return bool(value)


def _from_edge_list(text: str) -> nx.DiGraph:
    g = nx.DiGraph()
    for statement in filter(None, (s.strip() for s in re.split(r"[;\n]", text))):
        parts = _ARROWS.split(statement)
        names, arrows = parts[0::2], parts[1::2]
        bad = [n for n in names if not n or re.search(r"\s|[<>\-]{2}|[{}\[\]]", n)]
        if bad:
            raise InvalidValueError(
                f"cannot read the graph statement {statement!r}: write edges as 'A -> B', 'B <- A' or 'A <-> B' "
                "(a hidden common cause), separated by ';' or new lines; names have no spaces")
        g.add_nodes_from(n for n in names if n not in g)
        for a, arrow, b in zip(names, arrows, names[1:]):
            if arrow == "->":
                g.add_edge(a, b)
            elif arrow == "<-":
                g.add_edge(b, a)
            else:
                _add_bidirected(g, a, b)
    if not len(g):
        raise InvalidValueError("the graph is empty; write edges such as 'Z -> T; Z -> Y; T -> Y'")
    return g


def _add_bidirected(g: nx.DiGraph, a: str, b: str):
    name = f"U[{','.join(sorted((a, b)))}]"
    g.add_node(name, latent=True)
    g.add_edge(name, a)
    g.add_edge(name, b)


def _unquote(name: str) -> str:
    name = str(name).strip()
    return name[1:-1] if len(name) >= 2 and name[0] == name[-1] == '"' else name


def _from_dot(text: str) -> nx.DiGraph:
    try:
        import pydot
    except ImportError as exc:  # a dependency of DoWhy's graph reading; say how to get it
        raise InvalidValueError("reading a DOT graph needs pydot (pip install pydot)") from exc
    try:
        parsed = pydot.graph_from_dot_data(text)
    except Exception as exc:  # noqa: BLE001 - pydot raises assorted parser errors; re-raised as ours
        raise InvalidValueError(f"cannot read the DOT graph: {type(exc).__name__}: {exc}") from exc
    if not parsed:
        raise InvalidValueError(f"cannot read the DOT graph {text.strip()[:80]!r}")
    dot = parsed[0]
    if dot.get_type() != "digraph":
        raise InvalidValueError("the DOT graph is undirected ('graph {...}'); a causal graph is a 'digraph {...}'")
    g = nx.DiGraph()

    def visit(graph):
        for node in graph.get_nodes():
            name = _unquote(node.get_name())
            if name in ("node", "edge", "graph", ""):
                continue  # default attribute statements
            attrs = node.get_attributes()
            hidden = _truthy(attrs.get("latent", False)) or str(attrs.get("observed", "")).strip('"').lower() == "no"
            g.add_node(name, **({"latent": True} if hidden else {}))
        for edge in graph.get_edges():
            a, b = _unquote(edge.get_source()), _unquote(edge.get_destination())
            if str(edge.get_attributes().get("dir", "")).strip('"') == "both":
                _add_bidirected(g, a, b)
            else:
                g.add_edge(a, b)
        for sub in graph.get_subgraphs():
            visit(sub)

    visit(dot)
    return g


def _from_gml(text: str) -> nx.DiGraph:
    last = None
    for label in ("label", "id"):
        try:
            parsed = nx.parse_gml(text, label=label)
            break
        except (nx.NetworkXError, ValueError) as exc:
            last = exc
    else:
        raise InvalidValueError(f"cannot read the GML graph: {last}") from last
    if not parsed.is_directed():
        raise InvalidValueError("the GML graph is undirected; write 'directed 1' in it")
    return _from_networkx(parsed)


def _check_acyclic(g: nx.DiGraph):
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    path = " -> ".join([cycle[0][0], *(b for _, b in cycle)])
    raise CyclicGraphError(f"the graph has a cycle: {path}; a causal graph must be acyclic (a DAG)")


# ---------------------------------------------------------------------- types
def infer_variable_type(column: pd.Series, max_levels: int = MAX_LEVELS) -> VariableType:
    """A column's :class:`~causalab.envs.task.VariableType`, read from its dtype and values.

    ``bool``: binary. A pandas categorical with integer categories: categorical over them
    (binary when they are 0 and 1). An integer column (numpy or nullable): binary when its
    values lie in {0, 1}, categorical when it has at most ``max_levels`` distinct values,
    continuous otherwise. Floats are continuous. Text, or a categorical with text labels,
    is refused with :class:`~causalab.InvalidValueError` (encode it as integer codes, e.g.
    ``data[c].cat.codes``); so is a column with missing values.
    """
    name = column.name
    if column.isna().any():
        raise InvalidValueError(f"column {name!r} has {int(column.isna().sum())} missing value(s); causalab needs "
                                "complete data (drop or impute them first)")
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = column.dtype.categories
        if not pd.api.types.is_integer_dtype(cats) and not pd.api.types.is_bool_dtype(cats):
            raise InvalidValueError(
                f"column {name!r} is a pandas categorical with labels {list(cats)[:5]}; discrete variables are integer "
                f"codes: use data[{name!r}].cat.codes (levels 0..{len(cats) - 1})")
        return _discrete(tuple(int(c) for c in cats))
    if pd.api.types.is_bool_dtype(column):
        return VariableType("binary", (0, 1))
    if pd.api.types.is_integer_dtype(column):
        levels = tuple(int(v) for v in np.unique(column.to_numpy(dtype=np.int64)))
        if set(levels) <= {0, 1} or len(levels) <= max_levels:
            return _discrete(levels)
        return VariableType("continuous")
    if pd.api.types.is_numeric_dtype(column):
        return VariableType("continuous")
    raise InvalidValueError(f"column {name!r} has dtype {column.dtype}; causalab reads numbers: encode text as "
                            f"integer codes (pd.Categorical(data[{name!r}]).codes) or drop the column")


def _discrete(levels: tuple[int, ...]) -> VariableType:
    if set(levels) <= {0, 1}:
        return VariableType("binary", (0, 1))
    return VariableType("categorical", levels)


def _override(column: pd.Series, spec) -> VariableType:
    if isinstance(spec, VariableType):
        return spec
    if spec == "continuous":
        if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            raise InvalidValueError(f"column {column.name!r} has dtype {column.dtype}; it cannot be continuous")
        return VariableType("continuous")
    if spec in ("binary", "categorical"):
        inferred = infer_variable_type(column, max_levels=np.iinfo(np.int64).max)  # validates dtype and NaN
        if inferred.discrete:
            levels = inferred.levels
        else:
            values = column.to_numpy(dtype=np.float64)
            if not np.all(values == np.round(values)):
                raise InvalidValueError(f"column {column.name!r} has non-integer values; a {spec} variable has "
                                        "integer levels")
            levels = tuple(int(v) for v in np.unique(values))
        if spec == "binary" and not set(levels) <= {0, 1}:
            raise InvalidValueError(f"column {column.name!r} has the values {list(levels)[:5]}; a binary variable "
                                    "takes 0 and 1")
        return VariableType("binary", (0, 1)) if spec == "binary" else VariableType("categorical", levels)
    raise InvalidValueError(f"a type override is 'continuous', 'binary', 'categorical' or a VariableType; got "
                            f"{spec!r} for {column.name!r}")


# ---------------------------------------------------------------------- tasks
def task_from_data(data: pd.DataFrame, graph, treatment: str, outcome: str, covariates=None, types=None,
                   hidden: Sequence[str] = (), max_levels: int = MAX_LEVELS, name: str | None = None) -> Task:
    """A :class:`~causalab.envs.task.Task` for your own data and graph (see :meth:`Task.from_data`)."""
    if not isinstance(data, pd.DataFrame):
        raise InvalidValueError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    columns = [str(c) for c in data.columns]
    if len(set(columns)) != len(columns):
        twice = sorted({c for c in columns if columns.count(c) > 1})
        raise InvalidValueError(f"the data have repeated column names: {twice}")
    if len(data) < 2:
        raise InvalidValueError(f"the data have {len(data)} row(s); a task needs at least 2")
    data = data.set_axis(columns, axis=1)
    for role, value in (("treatment", treatment), ("outcome", outcome)):
        if not isinstance(value, str) or value not in columns:
            raise unknown_variable(value, columns, f"{role} column")
    if treatment == outcome:
        raise InvalidValueError(f"the treatment and the outcome are the same column {treatment!r}")
    g = parse_graph(graph)
    hidden = [hidden] if isinstance(hidden, str) else list(hidden)
    for h in hidden:
        if h in columns:
            raise InvalidValueError(f"{h!r} is declared hidden but is a column of the data; drop it from hidden= (or "
                                    "from the data, to hide it)")
        if h not in g:
            raise unknown_variable(h, g.nodes, "hidden variable (not in the graph)")
    declared = set(hidden) | {v for v, attrs in g.nodes(data=True) if attrs.get("latent")}
    undeclared = [v for v in g if v not in columns and v not in declared]
    if undeclared:
        hints = "".join(did_you_mean(v, columns) for v in undeclared[:3])
        raise UnknownVariableError(
            f"the graph has variable(s) {undeclared} that are not columns of the data (columns: {columns}).{hints} "
            f"A variable the data lack is hidden: declare it with hidden={undeclared!r}, or write a hidden common "
            "cause as 'A <-> B'")
    latent_columns = [v for v in g if v in columns and g.nodes[v].get("latent")]
    if latent_columns:
        raise InvalidValueError(f"{latent_columns} are marked latent in the graph but are columns of the data")
    missing = [c for c in columns if c not in g]
    if missing:
        hints = "".join(did_you_mean(c, [v for v in g if v not in columns]) for c in missing[:3])
        raise UnknownVariableError(
            f"the data have column(s) {missing} that are not in the graph (its variables: {sorted(g)}).{hints} Add "
            f"them to the graph, or drop them from the data (data.drop(columns={missing!r}))")
    types = dict(types or {})
    for c in types:
        if c not in columns:
            raise unknown_variable(c, columns, "column in types=")
    variables = {c: _override(data[c], types[c]) if c in types else infer_variable_type(data[c], max_levels)
                 for c in columns}
    task_graph = latent_projection(g, columns)
    descendants = nx.descendants(task_graph, treatment)
    if covariates is None:
        ancestors = nx.ancestors(task_graph, treatment)
        covariates = tuple(c for c in columns if c in ancestors and c != outcome)
    else:
        covariates = (covariates,) if isinstance(covariates, str) else tuple(covariates)
        for c in covariates:
            if c not in columns:
                raise unknown_variable(c, columns, "covariate column")
            if c in (treatment, outcome):
                role = "treatment" if c == treatment else "outcome"
                raise InvalidValueError(f"the covariate {c!r} is the task's {role}")
            if c in descendants:
                path = " -> ".join(nx.shortest_path(task_graph, treatment, c))
                raise InvalidValueError(f"the covariate {c!r} is a descendant of the treatment in the graph ({path}); "
                                        "covariates are pre-treatment variables")
    return Task(treatment, outcome, tuple(covariates), variables, task_graph, name)


# ---------------------------------------------------------------------- environments
class DataEnvironment(RealDataEnvironment):
    """Your own table and graph as an environment that :func:`causalab.evaluate`,
    :func:`causalab.run` and the report accept.

    Like the other real-data environments (LaLonde-v0, Sachs-v0) it has no structural model:
    no ``do``, counterfactuals or worlds; ``sample(n, seed)`` draws rows with replacement.
    Learners are fitted on the data and asked for the effect of the treatment on the outcome.

    Truth: none by default, and none is made up. The evaluator then records each learner's
    estimate (``ate_estimate``, with ``ate_low``/``ate_high`` where the learner gives a 95%
    interval) with no true value, and the report shows the estimates side by side, how far
    they agree, and the overlap diagnostics, saying that there is no ground truth. With
    ``truth={"ate": value}`` (a randomised experiment on the same population, as LaLonde's)
    the ATE is scored against it, as for LaLonde-v0.

    Parameters
    ----------
    data : pandas.DataFrame
        Complete numeric data, one column per observed variable of the graph.
    graph : networkx.DiGraph, str, path or list of pairs
        The causal graph, in any form :func:`parse_graph` reads.
    treatment, outcome : str
        Column names.
    covariates : sequence of str, optional
        The adjustment set offered to learners; default: the treatment's observed ancestors
        in the graph (its parents and their ancestors), as DoWhy's default back-door set.
    truth : dict, optional
        ``{"ate": value}`` (and optionally ``"att"``, ``"atc"``), each a number, an
        :class:`~causalab.Estimate` or a ``(value, se)`` pair.
    types, hidden, max_levels :
        As in :meth:`Task.from_data <causalab.envs.task.Task.from_data>`.
    name : str, optional
        The environment's label in result tables (default ``"DataEnvironment"``).
    """

    story = "Your own data and graph."

    def __init__(self, data: pd.DataFrame, graph, treatment: str, outcome: str, covariates=None, truth=None,
                 types=None, hidden: Sequence[str] = (), max_levels: int = MAX_LEVELS, name: str | None = None):
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise InvalidValueError(f"name must be a non-empty string, got {name!r}")
        self._task = task_from_data(data, graph, treatment, outcome, covariates, types, hidden, max_levels, name)
        named = data.set_axis([str(c) for c in data.columns], axis=1)
        self._data = named[list(self._task.observed)].reset_index(drop=True).copy()
        self.treatment, self.outcome, self.covariates = treatment, outcome, self._task.covariates
        self._truth = _check_truth(truth)
        self.knobs, self.scm, self.id = {}, None, name
        self.story = (f"Your data: {len(self._data)} rows, {len(self._data.columns)} columns; "
                      + ("truth: " + ", ".join(f"{k} = {float(v):.4g}" for k, v in self._truth.items())
                         if self._truth else "no ground truth"))

    def data(self) -> pd.DataFrame:
        """The data (the graph's observed columns, in the data's order), a copy."""
        return self._data.copy()

    @property
    def task(self) -> Task:
        return self._task

    @property
    def graph(self) -> nx.DiGraph:
        """The task's graph: observed variables and the latent common causes."""
        return self._task.graph.copy()

    def true_effects(self) -> dict:
        """The truth you gave (``truth=``), or ``{}``: a table without an experiment has none."""
        return dict(self._truth)

    def describe(self) -> str:
        task = self._task
        lines = [f"{self.id or type(self).__name__}: {self.story}", "",
                 f"Treatment {task.treatment!r}, outcome {task.outcome!r}, covariates {list(task.covariates)}", "",
                 "Variables:"]
        lines += [f"  {v:12s} {t.kind}" + (f" {list(t.levels)}" if t.discrete else "")
                  for v, t in task.variables.items()]
        edges = [f"{a} -> {b}" for a, b in task.graph.edges()]
        lines += ["", "Graph: " + "; ".join(edges)]
        if task.latent:
            lines += ["Hidden confounding: " + ", ".join(task.latent)]
        lines += ["", "True effects: " + (", ".join(f"{k} = {v!r}" for k, v in self._truth.items()) if self._truth
                                          else "none (no ground truth: estimates are compared, not scored)")]
        return "\n".join(lines)

    def __repr__(self):
        return f"DataEnvironment({self.id or ''}{', ' if self.id else ''}{len(self._data)} rows, " \
               f"treatment={self.treatment!r}, outcome={self.outcome!r})"


def _check_truth(truth) -> dict:
    from ..scm import Estimate

    if truth is None:
        return {}
    if not isinstance(truth, Mapping):
        raise InvalidValueError(f"truth is a dict such as {{'ate': 1.79}}, got {truth!r}")
    out = {}
    for key, value in truth.items():
        if key not in ("ate", "att", "atc"):
            hint = " ('ett' is called 'att' here: the effect on the treated)" if key == "ett" else \
                did_you_mean(key, ("ate", "att", "atc"))
            raise InvalidValueError(f"truth takes the keys 'ate', 'att' and 'atc', got {key!r}.{hint}")
        if isinstance(value, Estimate):
            est = value
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            est = Estimate(float(value[0]), se=float(value[1]), method="stated", n_samples=None)
        elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            est = Estimate(float(value), se=0.0, method="stated", n_samples=None)
        else:
            raise InvalidValueError(f"truth[{key!r}] is a number, an Estimate or (value, se), got {value!r}")
        if not np.isfinite(float(est)) or not np.isfinite(est.se) or est.se < 0:
            raise InvalidValueError(f"truth[{key!r}] must be finite with a non-negative se, got {value!r}")
        out[key] = est
    return out


def read_table(path) -> pd.DataFrame:
    """A CSV (``.csv``, ``.tsv``) or Parquet (``.parquet``, ``.pq``) file as a DataFrame."""
    path = Path(path)
    if not path.is_file():
        raise InvalidValueError(f"no data file {str(path)!r}")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path)
        except ImportError as exc:
            raise InvalidValueError(f"reading {path.name} needs a Parquet engine (pip install pyarrow)") from exc
    if suffix in (".csv", ".tsv", ".txt"):
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    raise InvalidValueError(f"data files are .csv, .tsv or .parquet; got {path.name!r}")


__all__ = ["DataEnvironment", "MAX_LEVELS", "infer_variable_type", "parse_graph", "read_table", "task_from_data"]
