"""The Pyro export under ChiRho's counterfactual handlers: batch-safe, and its counterfactuals
agree with causalab's (continuous: exactly; discrete with coupling=True: within Monte Carlo error)."""

import numpy as np
import pytest
import torch

import causalab as cl

pyro = pytest.importorskip("pyro")
chirho = pytest.importorskip("chirho")

from chirho.counterfactual.handlers import MultiWorldCounterfactual, TwinWorldCounterfactual  # noqa: E402
from chirho.interventional.handlers import do  # noqa: E402
from chirho.observational.handlers import condition  # noqa: E402

F64 = dict(dtype=torch.float64)


def _twin(model, n, actions, data, handler=TwinWorldCounterfactual):
    def cf():
        with handler(), do(actions=actions), condition(data=data):
            return model(n)

    with torch.random.fork_rng():
        torch.manual_seed(0)
        trace = pyro.poutine.trace(cf).get_trace()
    trace.compute_log_prob()
    return trace


@pytest.mark.parametrize("handler", [TwinWorldCounterfactual, MultiWorldCounterfactual])
def test_continuous_counterfactuals_under_chirho_equal_the_engines(handler):
    scm = cl.SCM()
    scm.add("X", cl.Normal(0, 1))
    scm.add("M", cl.LocationScale(lambda X: torch.tanh(X), lambda X: 1 + X**2))
    scm.add("Y", cl.Additive(lambda X, M: 2 * torch.sin(X) + M, noise=cl.Laplace(0, 1)))
    world = scm.sample_world(5, seed=1)
    data = {v: torch.as_tensor(world[v].to_numpy().copy()) for v in scm.variables}
    trace = _twin(scm.to_pyro(), 5, {"X": torch.tensor(0.5, **F64)}, data, handler)
    ours = scm.counterfactual(world[scm.variables], {"X": 0.5})
    # by hand: the units' own noise replayed with X = 0.5
    m = np.tanh(0.5) + (1 + 0.25) * world["U[M]"].to_numpy()
    y = 2 * np.sin(0.5) + m + world["U[Y]"].to_numpy()
    np.testing.assert_allclose(ours["Y"], y, atol=1e-9)
    cf_y = trace.nodes["Y"]["value"][1].reshape(-1).numpy()  # world 1: the counterfactual
    np.testing.assert_allclose(cf_y, y, atol=1e-9)


def test_discrete_export_with_coupling_agrees_with_counterfactual_prob():
    # X ~ Bernoulli(0.5), P(Y=1 | X) = [0.2, 0.7]; seen X=1, Y=1: U_Y in [0.3, 1); under do(X=0), Y=1 needs
    # U_Y >= 0.8: P = 0.2 / 0.7. ChiRho's twin world with the coupled export, by likelihood weighting.
    scm = cl.SCM()
    scm.add("X", cl.Table([], 0.5))
    scm.add("Y", cl.Table(["X"], [0.2, 0.7]))
    exact = float(scm.counterfactual_prob({"Y": 1}, do={"X": 0}, given={"X": 1, "Y": 1}))
    assert exact == pytest.approx(0.2 / 0.7, abs=1e-12)
    n = 100_000
    ones = torch.ones(n, **F64)
    trace = _twin(scm.to_pyro(coupling=True), n, {"X": torch.tensor(0.0, **F64)}, {"X": ones, "Y": ones})
    weight = torch.zeros(n, **F64)
    for name, site in trace.nodes.items():
        if site["type"] == "sample" and site["is_observed"] and name in ("X", "Y_factual"):
            lp = site["log_prob"]
            weight = weight + (lp[0] if lp.dim() > 1 else lp).reshape(-1)  # the factual world
    w = weight.exp()
    y_cf = trace.nodes["Y_counterfactual"]["value"][1].reshape(-1)
    estimate = float((w * y_cf).sum() / w.sum())
    accepted = float(w.sum())  # about 0.35 n units match the observation
    se = np.sqrt(exact * (1 - exact) / accepted)
    assert abs(estimate - exact) < 4 * se, (estimate, exact, se)


def test_default_discrete_export_runs_under_chirho_on_a_categorical_model():
    # batch-safe: categorical and binary sites with a world dimension (the export used probs[:, 1])
    scm = cl.SCM()
    scm.add("Z", cl.Table([], [0.2, 0.3, 0.5]))
    scm.add("T", cl.Table(["Z"], [0.1, 0.5, 0.9]))
    scm.add("Y", cl.Logistic({"T": 1.0, "Z": -0.5}))
    n = 50
    trace = _twin(scm.to_pyro(), n, {"T": torch.tensor(1.0, **F64)}, {"Y": torch.ones(n, **F64)},
                  MultiWorldCounterfactual)
    assert trace.nodes["Y"]["value"].shape[-1] == n
    assert torch.isfinite(trace.log_prob_sum())


def test_post_nonlinear_export_has_its_density_and_chirho_counterfactual():
    # Y = exp(X + U), U ~ N(0, 1): given X = x, log Y ~ N(x, 1), so the density of Y at y is the
    # lognormal's, N(log y; x, 1) / y; and Y under do(X = 0) is y exp(-x)
    scm = cl.SCM()
    scm.add("X", cl.Normal(0, 1))
    scm.add("Y", cl.PostNonlinear(lambda X: X, torch.exp, torch.log))
    x, y = torch.tensor([0.3, -1.0], **F64), torch.tensor([2.0, 0.5], **F64)
    conditioned = pyro.poutine.condition(scm.to_pyro(), data={"X": x, "Y": y})
    trace = pyro.poutine.trace(conditioned).get_trace(2)
    trace.compute_log_prob()
    lognormal = torch.distributions.Normal(x, 1.0).log_prob(torch.log(y)) - torch.log(y)
    torch.testing.assert_close(trace.nodes["Y"]["log_prob"], lognormal)
    twin = _twin(scm.to_pyro(), 2, {"X": torch.tensor(0.0, **F64)}, {"X": x, "Y": y})
    torch.testing.assert_close(twin.nodes["Y"]["value"][1].reshape(-1), y * torch.exp(-x))
