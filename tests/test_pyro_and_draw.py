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


def test_draw_marks_hidden_intervened_and_cut_edges(scm):
    import matplotlib.pyplot as plt

    ax = scm.do({"T": 1}).draw(roles={"T": "treatment", "Y": "outcome"})
    assert ax.get_title() == "do(T=1)"
    styles = [c.get_linestyle() for c in ax.collections]
    assert styles  # nodes were drawn
    dashed_edges = [p for p in ax.patches if p.get_linestyle() in ("--", "dashed")]
    assert len(dashed_edges) == 2  # U -> T and Z -> T are cut
    plt.close("all")


def test_draw_has_a_legend_of_roles_and_hidden_and_front_door_marks_its_mediator():
    import matplotlib

    matplotlib.use("Agg")
    env = cl.make("FrontDoor-v0")
    assert env.roles["Z"] == "mediator"
    ax = env.scm.draw(roles=env.roles)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["treatment", "outcome", "mediator", "hidden"]
    intervened = env.scm.do({"X": 1}).draw(roles=env.roles)
    assert "intervened" in [t.get_text() for t in intervened.get_legend().get_texts()]


def test_draw_labels_and_layouts():
    import matplotlib

    matplotlib.use("Agg")
    env = cl.make("KidneyStones-v0")
    ax = env.draw()
    texts = {t.get_text() for t in ax.texts}
    assert {"large stone", "treatment A", "recovered"} <= texts
    spring = env.draw(layout="spring")
    assert spring.get_title() == "KidneyStones-v0"
    with pytest.raises(cl.InvalidValueError, match="layout"):
        env.draw(layout="tree")
    with pytest.raises(cl.UnknownVariableError, match="'Q'"):
        env.scm.draw(labels={"Q": "nothing"})


def test_draw_bends_only_the_edges_that_skip_a_layer():
    # Z -> T -> Y with Z -> Y: Z -> Y passes the layer of T and is bent (rad 0.35), the others straight
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    ax = cl.make("Confounding-v0").draw()
    rads = sorted(p.get_connectionstyle().rad for p in ax.patches if isinstance(p, FancyArrowPatch))
    assert rads == [0.0, 0.0, 0.35]
    plt.close(ax.figure)
