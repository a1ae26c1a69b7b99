"""Drawing an SCM's DAG with matplotlib alone (no graphviz).

Layers follow the topological generations of the graph; roles are coloured, hidden
variables dashed, and edges cut by a hard intervention drawn grey and dashed, so a
picture of ``scm.do({"T": 1})`` shows what the intervention removed.
"""

from __future__ import annotations

import networkx as nx

ROLE_COLOURS = {
    "treatment": "#f4a261",
    "outcome": "#2a9d8f",
    "covariate": "#a8dadc",
    "mediator": "#e9c46a",
    "instrument": "#b5a6d8",
    "intervened": "#e76f51",
    None: "#dde3ea",
}


def _legend(ax, roles_shown: set, hidden: bool) -> None:
    """A legend with the roles present and, if any, the dashed outline of hidden variables."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=ROLE_COLOURS[r], edgecolor="black", label=r) for r in ROLE_COLOURS if r in roles_shown]
    if hidden:
        handles.append(Patch(facecolor="white", edgecolor="black", linestyle="--", label="hidden"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)


LAYOUTS = ("layers", "spring", "circular")


def draw_scm(scm, ax=None, roles: dict | None = None, title: str | None = None, labels: dict | None = None,
             layout: str = "layers"):
    """Draw ``scm`` on ``ax`` (a new figure if None) and return the Axes.

    Parameters
    ----------
    roles : dict, optional
        Variable name to role (``treatment``, ``outcome``, ``covariate``, ``mediator``,
        ``instrument``); intervened variables are coloured as ``intervened``.
    labels : dict, optional
        Variable name to a readable label (``{"S": "stone size"}``), written under the name.
    layout : {"layers", "spring", "circular"}
        ``"layers"``: causes above effects, one row per topological generation.
    """
    import matplotlib.pyplot as plt

    from ..exceptions import InvalidValueError

    roles, labels = dict(roles or {}), dict(labels or {})
    scm._check_names(roles)
    scm._check_names(labels)
    if layout not in LAYOUTS:
        raise InvalidValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    full = scm.graph.copy()
    full.add_edges_from(scm._cut_edges)
    for layer, nodes in enumerate(nx.topological_generations(full)):
        for v in nodes:
            full.nodes[v]["layer"] = layer
    if layout == "layers":
        pos = nx.multipartite_layout(full, subset_key="layer", align="horizontal")
        pos = {v: (x, -y) for v, (x, y) in pos.items()}  # causes on top
    elif layout == "spring":
        pos = nx.spring_layout(full, seed=0)  # seeded: the same picture every time
    else:
        pos = nx.circular_layout(full)
    if ax is None:
        width = max(3.0, 1.3 * max(len(g) for g in nx.topological_generations(full)))
        _, ax = plt.subplots(figsize=(width, 1.0 + 1.1 * (1 + max(nx.get_node_attributes(full, "layer").values()))))
    intervened = {v for i in scm.interventions for v in i}
    colours = [ROLE_COLOURS["intervened"] if v in intervened else ROLE_COLOURS.get(roles.get(v)) for v in full]
    nodes = nx.draw_networkx_nodes(full, pos, ax=ax, node_color=colours, node_size=900, edgecolors="black")
    nodes.set_linestyle(["--" if v in scm._hidden else "-" for v in full])
    nx.draw_networkx_labels(full, pos, ax=ax, font_size=9)
    for v, text in labels.items():
        x, y = pos[v]
        ax.annotate(text, (x, y), xytext=(0, -22), textcoords="offset points", ha="center", va="top", fontsize=7,
                    color="#333333")
    layer = nx.get_node_attributes(full, "layer")
    for cut in (False, True):
        for long in (False, True):
            # edges that skip a layer are bent so they do not hide behind the nodes between
            edges = [(u, v) for u, v in full.edges
                     if ((u, v) in scm._cut_edges) == cut and (layer[v] - layer[u] > 1) == long]
            if edges:
                nx.draw_networkx_edges(full, pos, edgelist=edges, ax=ax, node_size=900, arrowsize=15,
                                       connectionstyle="arc3,rad=0.35" if long else "arc3",
                                       edge_color="#b0b0b0" if cut else "black",
                                       style="dashed" if cut else "solid")
    _legend(ax, {roles.get(v) for v in full if v not in intervened} - {None} | ({"intervened"} if intervened else set()),
            hidden=bool(set(full) & set(scm._hidden)))
    ax.set_title(title if title is not None else " ".join(map(str, scm.interventions)))
    ax.set_axis_off()
    ax.margins(0.15)
    return ax


def draw_graph(graph: nx.DiGraph, ax=None, roles: dict | None = None, title: str | None = None,
               layout: str = "layers"):
    """Draw a plain DAG (no structural model behind it: a real-data environment's stated or
    assumed graph) in layers, causes on top, roles coloured; returns the Axes."""
    import matplotlib.pyplot as plt

    roles = dict(roles or {})
    g = graph.copy()
    for layer, nodes in enumerate(nx.topological_generations(g)):
        for v in nodes:
            g.nodes[v]["layer"] = layer
    if layout == "layers":
        pos = nx.multipartite_layout(g, subset_key="layer", align="horizontal") if len(g) else {}
        pos = {v: (x, -y) for v, (x, y) in pos.items()}
    else:
        pos = nx.spring_layout(g, seed=0) if layout == "spring" else nx.circular_layout(g)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    nx.draw_networkx(g, pos, ax=ax, node_color=[ROLE_COLOURS.get(roles.get(v)) for v in g], node_size=900,
                     edgecolors="black", font_size=8, arrowsize=12)
    _legend(ax, {roles.get(v) for v in g} - {None}, hidden=False)
    ax.set_title(title or "")
    ax.set_axis_off()
    ax.margins(0.15)
    return ax
