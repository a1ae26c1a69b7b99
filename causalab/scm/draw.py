"""Drawing an SCM's DAG with matplotlib alone (no graphviz).

The default layout is layered left to right: one column per topological generation, so every
arrow points right (covariates and instruments, then the treatment, mediators, the outcome);
an edge that skips columns runs through a waypoint in each column between (Sugiyama's layered
drawing), and nodes and waypoints are ordered within a column by the mean height of their
neighbours, so no edge passes through a node and few cross. Each node is a box sized to its text
(the name, and a readable label under it), so no label overflows its node; arrows end at the
box's border. Roles are filled in distinct colours and
listed in the legend (treatment, outcome, covariate, mediator, instrument, hidden, intervened,
other); hidden variables are also outlined dashed, and edges cut by a hard intervention are
drawn grey and dashed, so a picture of ``scm.do({"T": 1})`` shows what the intervention removed.
"""

from __future__ import annotations

import networkx as nx

#: fill colour of each role; ``None`` is a variable with no role ("other")
ROLE_COLOURS = {
    "treatment": "#f4a261",
    "outcome": "#2a9d8f",
    "covariate": "#a8dadc",
    "mediator": "#e9c46a",
    "instrument": "#b5a6d8",
    "intervened": "#e76f51",
    "hidden": "#d9d9d9",
    None: "#ffffff",
}
#: roles whose fill is dark enough that the text is written in white
_WHITE_TEXT = {"outcome", "intervened"}
LAYOUTS = ("layers", "spring", "circular")


def _legend(ax, shown: list) -> None:
    """A legend of the roles present (in ``ROLE_COLOURS`` order), under the graph (so that graphs
    drawn side by side on one figure do not cover each other)."""
    from matplotlib.patches import Patch

    handles = []
    for role in ROLE_COLOURS:
        if role in shown:
            label = {"hidden": "hidden (dashed)", None: "other"}.get(role, role)
            handles.append(Patch(facecolor=ROLE_COLOURS[role], edgecolor="black",
                                 linestyle="--" if role == "hidden" else "-", label=label))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=7, frameon=False,
                  ncol=min(4, len(handles)), handlelength=1.2, columnspacing=1.0)


def _layered_positions(graph: nx.DiGraph) -> tuple[dict, dict]:
    """Left-to-right columns by topological generation (Sugiyama's layered drawing).

    An edge that skips columns is routed through a waypoint in every column between its ends,
    and the waypoints take part in the ordering like nodes, so no edge passes through a node.
    Within a column, nodes and waypoints are ordered by the mean height of their neighbours in
    the column before (then after, alternately), which removes most crossings. Returns the
    positions of the nodes and, for each long edge, the positions of its waypoints.
    """
    column = {}
    for c, nodes in enumerate(nx.topological_generations(graph)):
        for v in nodes:
            column[v] = c
    layered = nx.DiGraph()
    layered.add_nodes_from(graph)
    waypoints = {}
    for u, v in graph.edges:
        chain = [u] + [("waypoint", u, v, c) for c in range(column[u] + 1, column[v])] + [v]
        for a, b in zip(chain, chain[1:]):
            layered.add_edge(a, b)
        for w in chain[1:-1]:
            column[w] = w[3]
        waypoints[(u, v)] = chain[1:-1]
    columns = [[] for _ in range(1 + max(column.values(), default=-1))]
    for v in sorted(layered, key=str):
        columns[column[v]].append(v)
    pos = {}

    def place(c):
        for i, v in enumerate(columns[c]):
            pos[v] = (float(c), (len(columns[c]) - 1) / 2.0 - i)

    for c in range(len(columns)):
        place(c)
    for sweep in range(4):  # by predecessors left to right, then by successors right to left, twice
        forward = sweep % 2 == 0
        near = layered.predecessors if forward else layered.successors
        for c in (range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)):

            def centre(v):
                ys = [pos[u][1] for u in near(v)]
                return sum(ys) / len(ys) if ys else pos[v][1]

            columns[c] = sorted(columns[c], key=lambda v: -centre(v))  # stable: ties keep their order
            place(c)
    return {v: pos[v] for v in graph}, {e: [pos[w] for w in chain] for e, chain in waypoints.items()}


def _curve(start, waypoints, end, steps: int = 16):
    """A quadratic B-spline from ``start`` guided by ``waypoints``, stopping halfway from the last
    waypoint to ``end`` (the arrow covers the rest, along the same tangent). Returns the curve's
    x and y values and its last point."""
    import numpy as np

    w = [np.asarray(p, dtype=float) for p in waypoints]
    last = w[-1] + 0.5 * (np.asarray(end, dtype=float) - w[-1])
    # knots: the start, the midpoints between waypoints, the last point; each waypoint is a control point
    knots = [np.asarray(start, dtype=float)] + [(a + b) / 2 for a, b in zip(w, w[1:])] + [last]
    t = np.linspace(0.0, 1.0, steps)[:, None]
    pieces = [(1 - t) ** 2 * a + 2 * (1 - t) * t * c + t ** 2 * b for a, c, b in zip(knots, w, knots[1:])]
    curve = np.concatenate(pieces)
    return curve[:, 0], curve[:, 1], (float(last[0]), float(last[1]))


def _draw(graph: nx.DiGraph, *, ax, roles: dict, labels: dict, hidden: set, intervened: set, cut: set,
          title: str, layout: str):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    from ..exceptions import InvalidValueError

    if layout not in LAYOUTS:
        raise InvalidValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    texts = {v: str(v) + (f"\n{labels[v]}" if v in labels else "") for v in graph}
    routes = {}
    if not len(graph):
        pos = {}
    elif layout == "layers":
        pos, routes = _layered_positions(graph)
    elif layout == "spring":
        pos = nx.spring_layout(graph, seed=0)  # seeded: the same picture every time
    else:
        pos = nx.circular_layout(graph)
    points = list(pos.values()) + [p for route in routes.values() for p in route]
    if ax is None:
        chars = max((len(line) for t in texts.values() for line in t.split("\n")), default=1)
        if layout == "layers" and pos:
            columns = 1 + int(max(x for x, _ in points))
            rows = max(sum(1 for x, _ in points if x == c) for c in range(columns))
            lines = max((t.count("\n") + 1 for t in texts.values()), default=1)
            width = columns * max(1.1, 0.08 * chars + 0.6) + 0.4
            height = rows * (0.3 + 0.16 * lines) + 1.1  # the title above, the legend below
        else:
            width, height = 5.5, 4.5
        _, ax = plt.subplots(figsize=(max(3.8, width), max(2.0, height)), layout="constrained")

    def role_of(v):
        return "intervened" if v in intervened else "hidden" if v in hidden else roles.get(v)

    boxes = {}
    for v in graph:
        role = role_of(v)
        boxes[v] = ax.text(
            *pos[v], texts[v], ha="center", va="center", fontsize=8, zorder=3,
            color="white" if role in _WHITE_TEXT else "black",
            bbox=dict(boxstyle="round,pad=0.35", facecolor=ROLE_COLOURS[role], edgecolor="black",
                      linestyle="--" if v in hidden else "-", linewidth=1.0))
    for u, v in graph.edges:
        style = dict(color="#b0b0b0" if (u, v) in cut else "black", linestyle="--" if (u, v) in cut else "-",
                     linewidth=1.0)
        route = routes.get((u, v), [])
        start = pos[u]
        if route:  # a long edge: a smooth curve guided by its waypoints (its start hidden under the box)
            xs, ys, start = _curve(pos[u], route, pos[v])
            ax.plot(xs, ys, zorder=1, **style)
        ax.add_patch(FancyArrowPatch(
            start, pos[v], arrowstyle="-|>", mutation_scale=12, shrinkA=0 if route else 2,
            shrinkB=2, zorder=2, patchA=None if route else boxes[u].get_bbox_patch(),
            patchB=boxes[v].get_bbox_patch(), **style))
    _legend(ax, [role_of(v) for v in graph])
    ax.set_title(title)
    if points:
        xs, ys = [x for x, _ in points], [y for _, y in points]
        pad = 0.5 if layout == "layers" else 0.25
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
    ax.set_axis_off()
    return ax


def draw_scm(scm, ax=None, roles: dict | None = None, title: str | None = None, labels: dict | None = None,
             layout: str = "layers"):
    """Draw ``scm`` on ``ax`` (a new figure sized to the graph if None) and return the Axes.

    Parameters
    ----------
    roles : dict, optional
        Variable name to role (``treatment``, ``outcome``, ``covariate``, ``mediator``,
        ``instrument``); hidden variables are filled as ``hidden`` and outlined dashed,
        intervened ones as ``intervened``; a variable with no role is drawn white ("other").
    title : str, optional
        The default names the interventions applied (``"do(T=1)"``), empty for none.
    labels : dict, optional
        Variable name to a readable label (``{"S": "stone size"}``), written under the name
        inside the node.
    layout : {"layers", "spring", "circular"}
        ``"layers"``: causes left of effects, one column per topological generation.

    Returns
    -------
    matplotlib.axes.Axes
        Nodes are the Axes' texts (``name`` or ``"name\\nlabel"``); edges its patches.
    """
    roles, labels = dict(roles or {}), dict(labels or {})
    scm._check_names(roles)
    scm._check_names(labels)
    full = scm.graph.copy()
    full.add_edges_from(scm._cut_edges)
    return _draw(full, ax=ax, roles=roles, labels=labels, hidden=set(scm._hidden),
                 intervened={v for i in scm.interventions for v in i}, cut=set(scm._cut_edges),
                 title=title if title is not None else " ".join(map(str, scm.interventions)), layout=layout)


def draw_graph(graph: nx.DiGraph, ax=None, roles: dict | None = None, title: str | None = None,
               layout: str = "layers", labels: dict | None = None):
    """Draw a plain DAG (no structural model behind it: a real-data environment's stated or
    assumed graph) the same way as :func:`draw_scm`; returns the Axes."""
    return _draw(graph, ax=ax, roles=dict(roles or {}), labels=dict(labels or {}), hidden=set(), intervened=set(),
                 cut=set(), title=title or "", layout=layout)
