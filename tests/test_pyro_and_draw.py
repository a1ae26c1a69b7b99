"""Pyro export and drawing."""

import numpy as np
import pytest
import torch

import causalab as cl

pyro = pytest.importorskip("pyro")


@pytest.fixture
def scm():
    s = cl.SCM()
    s.add("U", cl.Normal(0, 1), hidden=True)
    s.add("Z", cl.Table([], [0.3, 0.3, 0.4]))
    s.add("T", cl.Logistic({"U": 1.0, "Z": 0.5}))
    s.add("M", cl.LocationScale(lambda T: 2 * T, lambda T: 1 + T))
    s.add("Y", cl.Additive(lambda M, U, Z: torch.sin(M) + U + Z, noise=cl.Laplace(0, 1)))
    s.add("W", cl.Custom(lambda pa, u: pa["Y"] * torch.exp(u), ["Y"], cl.Normal(0, 0.1)))
    return s


def test_pyro_model_has_one_site_per_variable(scm):
    model = scm.to_pyro()
    with torch.random.fork_rng():
        torch.manual_seed(0)
        trace = pyro.poutine.trace(model).get_trace(10)
    sites = {k for k, v in trace.nodes.items() if v["type"] == "sample" and not v["is_observed"] and k != "units"}
    assert set(scm.variables) <= sites
    assert sites - set(scm.variables) == {"U[W]"}  # the custom mechanism's noise


def test_intervention_through_pyro_matches_the_engine(scm):
    n = 100_000
    model = pyro.poutine.do(scm.to_pyro(), data={"T": torch.tensor(1.0, dtype=torch.float64)})
    with torch.random.fork_rng():
        torch.manual_seed(0)
        values = model(n)
    # poutine.do keeps the intervened site's sample but feeds the value to its children
    y = values["Y"].numpy()
    ours = scm.do({"T": 1}).sample(n, seed=0)["Y"].to_numpy()
    se = np.sqrt(y.var() / n + ours.var() / n)
    assert abs(y.mean() - ours.mean()) < 4 * se
    # and both agree with the closed form: E[sin(2 + 2 e)] for e ~ N(0,1) is sin(2) exp(-2); U, Laplace mean 0
    z_mean = 0.3 * 1 + 0.4 * 2
    assert abs(ours.mean() - (np.sin(2) * np.exp(-2) + z_mean)) < 4 * np.sqrt(ours.var() / n)


def test_conditioning_through_pyro_runs(scm):
    model = pyro.poutine.condition(scm.to_pyro(), data={"Z": torch.tensor(2)})
    with torch.random.fork_rng():
        torch.manual_seed(1)
        trace = pyro.poutine.trace(model).get_trace(5)
    assert torch.all(trace.nodes["Z"]["value"] == 2)


def _nodes(ax) -> dict:
    """The drawn nodes: their name (the first line of the box's text) to the Text."""
    return {t.get_text().split("\n")[0]: t for t in ax.texts if t.get_bbox_patch() is not None}


def test_draw_marks_hidden_intervened_and_cut_edges(scm):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex
    from matplotlib.patches import FancyArrowPatch

    from causalab.scm.draw import ROLE_COLOURS

    surgery = scm.do({"T": 1})
    ax = surgery.draw(roles={"T": "treatment", "Y": "outcome"})
    assert ax.get_title() == "do(T=1)"
    nodes = _nodes(ax)
    assert set(nodes) == set(scm.variables)
    assert nodes["U"].get_bbox_patch().get_linestyle() == "--" and nodes["Z"].get_bbox_patch().get_linestyle() == "-"
    assert to_hex(nodes["T"].get_bbox_patch().get_facecolor()) == ROLE_COLOURS["intervened"]
    assert to_hex(nodes["U"].get_bbox_patch().get_facecolor()) == ROLE_COLOURS["hidden"]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == surgery.graph.number_of_edges() + 2 == scm.graph.number_of_edges()  # and the cut ones
    assert len([p for p in arrows if p.get_linestyle() in ("--", "dashed")]) == 2  # U -> T and Z -> T are cut
    plt.close("all")


def test_draw_has_a_legend_of_roles_and_hidden_and_front_door_marks_its_mediator():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    env = cl.make("FrontDoor-v0")
    assert env.roles["Z"] == "mediator"
    ax = env.scm.draw(roles=env.roles)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["treatment", "outcome", "mediator", "hidden (dashed)"]
    intervened = env.scm.do({"X": 1}).draw(roles=env.roles)
    assert "intervened" in [t.get_text() for t in intervened.get_legend().get_texts()]
    # the instrument has its own colour and legend entry; a variable with no role is "other"
    instrument = cl.make("Instrument-v0")
    assert instrument.roles["Z"] == "instrument"
    assert [t.get_text() for t in instrument.draw().get_legend().get_texts()] == [
        "treatment", "outcome", "instrument", "hidden (dashed)"]
    assert "other" in [t.get_text() for t in cl.make("SelectionBias-v0").draw().get_legend().get_texts()]
    plt.close("all")


def test_draw_labels_and_layouts():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    env = cl.make("KidneyStones-v0")
    ax = env.draw()
    texts = {t.get_text() for t in ax.texts}
    assert {"S\nlarge stone", "T\ntreatment A", "R\nrecovered"} <= texts  # the label inside the node's box
    # causes left of effects: S, then T, then R
    x = {name: t.get_position()[0] for name, t in _nodes(ax).items()}
    assert x["S"] < x["T"] < x["R"]
    spring = env.draw(layout="spring")
    assert spring.get_title() == "KidneyStones-v0"
    with pytest.raises(cl.InvalidValueError, match="layout"):
        env.draw(layout="tree")
    with pytest.raises(cl.UnknownVariableError, match="'Q'"):
        env.scm.draw(labels={"Q": "nothing"})
    plt.close("all")


@pytest.mark.parametrize("env_id", ["Confounding-v0", "Mediation-v0", "MBias-v0", "Asia-v0", "RandomDAG-v0"])
def test_draw_routes_edges_that_skip_a_column_around_the_nodes(env_id):
    # Z -> T -> Y with Z -> Y: Z -> Y passes T's column and is routed around T, not through it;
    # in general no edge's curve comes near a node other than the one it starts from
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    env = cl.make(env_id)
    ax = env.draw()
    centres = np.array([t.get_position() for t in _nodes(ax).values()])
    long_edges = [(u, v) for u, v in env.scm.graph.edges if len(nx_path_columns(env.scm.graph, u, v)) > 1]
    assert len(ax.lines) == len(long_edges)
    assert len([p for p in ax.patches if isinstance(p, FancyArrowPatch)]) == env.scm.graph.number_of_edges()
    for line in ax.lines:
        points = np.column_stack(line.get_data())
        others = centres[np.hypot(*(centres - points[0]).T) > 1e-9]  # every node but the one it starts from
        gaps = np.hypot(*(points[:, None, :] - others[None, :, :]).transpose(2, 0, 1))
        assert gaps.min() > 0.35, f"an edge passes within {gaps.min():.2f} of a node"
    plt.close("all")


def nx_path_columns(graph, u, v):
    """The columns an edge u -> v skips in the layered drawing (topological generations between)."""
    import networkx as nx

    column = {w: c for c, layer in enumerate(nx.topological_generations(graph)) for w in layer}
    return list(range(column[u] + 1, column[v] + 1))
