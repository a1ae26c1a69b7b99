"""Independent oracles for paths that were never value-checked: each truth here is computed
in the test from the model's stated equations (quadrature, scipy, or a brute-force
enumeration of the noise written below), never by another causalab path."""

import itertools

import numpy as np
import pytest
from scipy import stats

import causalab as cl


# ---------------------------------------------------------------------- a brute-force twin network
def _cells(table):
    """Breakpoints of the uniform noise of a discrete mechanism ``value = min{k : U < cum_k}``
    over every parent configuration: the noise cells and each cell's probability."""
    cum = np.cumsum(np.asarray(table, dtype=float), axis=-1)[..., :-1].ravel()
    bounds = np.unique(np.concatenate([[0.0, 1.0], cum[(cum > 0) & (cum < 1)]]))
    return list(zip(bounds[:-1], bounds[1:]))


def _value(table_row, u):
    return int(np.searchsorted(np.cumsum(table_row)[:-1], u, side="right"))


def brute_force_counterfactual(model, event, do, given):
    """P(event in the world under ``do`` | given in the factual world), enumerating the joint
    noise cells of every variable. ``model`` is {name: (parents, table)} in topological order,
    ``table[*parents]`` the level probabilities."""
    names = list(model)
    cell_lists = [_cells(model[v][1]) for v in names]
    num = den = 0.0
    for combo in itertools.product(*cell_lists):
        weight = np.prod([hi - lo for lo, hi in combo])
        mid = {v: (lo + hi) / 2 for v, (lo, hi) in zip(names, combo)}
        worlds = []
        for intervention in ({}, do):
            vals = {}
            for v in names:
                parents, table = model[v]
                vals[v] = intervention[v] if v in intervention else _value(
                    np.asarray(table)[tuple(vals[p] for p in parents)], mid[v])
            worlds.append(vals)
        if all(worlds[0][k] == x for k, x in given.items()):
            den += weight
            if all(worlds[1][k] == x for k, x in event.items()):
                num += weight
    return num / den


def _build(model, hidden=()):
    scm = cl.SCM()
    for v, (parents, table) in model.items():
        scm.add(v, cl.Table(list(parents), table), hidden=v in hidden)
    return scm


MODEL = {  # a hidden confounder H of T and Y, a categorical mediator M (3 levels)
    "H": ((), [0.6, 0.4]),
    "T": (("H",), [[0.7, 0.3], [0.2, 0.8]]),
    "M": (("T",), [[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]]),
    "Y": (("M", "H"), [[[0.9, 0.1], [0.6, 0.4]], [[0.7, 0.3], [0.4, 0.6]], [[0.5, 0.5], [0.1, 0.9]]]),
}


@pytest.mark.parametrize("event,do,given", [
    ({"Y": 1}, {"T": 0}, {"T": 1, "Y": 1}),
    ({"Y": 0}, {"T": 1}, {"T": 0, "Y": 0}),
    ({"M": 2}, {"T": 0}, {"T": 1, "M": 2}),
    ({"Y": 1}, {"M": 0}, {"M": 2, "Y": 1}),
    ({"Y": 1, "M": 1}, {"T": 1}, {"T": 0}),
])
def test_counterfactual_prob_against_a_brute_force_twin_network(event, do, given):
    scm = _build(MODEL, hidden=("H",))
    expected = brute_force_counterfactual(MODEL, event, do, given)
    assert float(scm.counterfactual_prob(event, do=do, given=given)) == pytest.approx(expected, abs=1e-12)


def test_unit_counterfactuals_from_data_against_the_brute_force():
    observed = {k: v for k, v in MODEL.items()}
    scm = _build(observed)  # fully observed: abduction per unit from its row
    row = {"H": 1, "T": 1, "M": 2, "Y": 1}
    import pandas as pd

    cf = scm.counterfactual(pd.DataFrame([row]), do={"T": 0})
    expected = brute_force_counterfactual(MODEL, {"Y": 1}, {"T": 0}, row)
    assert cf["Y"].item() == pytest.approx(expected, abs=1e-12)


# ---------------------------------------------------------------------- discrete paths
def test_threshold_probability_is_the_latent_normal_cdf():
    scm = cl.SCM().add("A", cl.Table([], 0.4)).add("B", cl.Threshold({"A": 1.2}, intercept=-0.5))
    for a in (0, 1):
        expected = stats.norm.cdf(-0.5 + 1.2 * a)  # P(-0.5 + 1.2 a + e > 0), e ~ N(0, 1)
        assert float(scm.prob({"B": 1}, given={"A": a})) == pytest.approx(expected, abs=1e-12)


def test_multi_variable_distribution_is_the_product_of_tables():
    scm = cl.SCM().add("A", cl.Table([], 0.3)).add("B", cl.Table(["A"], [[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]]))
    dist = scm.distribution(["A", "B"])
    pa, pb = [0.7, 0.3], [[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]]
    for (a, b), p in dist.items():
        assert p == pytest.approx(pa[a] * pb[a][b], abs=1e-12)
    assert len(dist) == 6


def test_exact_queries_under_a_stochastic_do_on_a_discrete_variable():
    import torch

    ks = cl.make("KidneyStones-v0").scm
    coin = torch.distributions.Bernoulli(torch.tensor(0.3, dtype=torch.float64))
    # recovery rates by the published counts: P(R | do(T)) = sum_s P(s) P(R | T, s)
    p_large = 343 / 700
    rate = {1: (1 - p_large) * 81 / 87 + p_large * 192 / 263, 0: (1 - p_large) * 234 / 270 + p_large * 55 / 80}
    assert float(ks.do({"T": coin}).prob({"R": 1})) == pytest.approx(0.3 * rate[1] + 0.7 * rate[0], abs=1e-12)


def test_events_pinned_by_do_at_another_level():
    ks = cl.make("KidneyStones-v0").scm
    assert float(ks.prob({"T": 0}, do={"T": 1})) == 0.0
    assert float(ks.prob({"T": 1, "R": 1}, do={"T": 1})) == pytest.approx(float(ks.prob({"R": 1}, do={"T": 1})))
    with pytest.raises(cl.ZeroProbabilityError):
        ks.prob({"R": 1}, given={"T": 1}, do={"T": 0})


# ---------------------------------------------------------------------- Monte Carlo ETT
def test_monte_carlo_ett_against_quadrature():
    import torch

    # X ~ N(0,1), T ~ Bernoulli(sigmoid(1.5 X)), Y = T (1 + X^2) + X + e: ETT = E[1 + X^2 | T = 1]
    scm = cl.SCM().add("X", cl.Normal(0, 1)).add("T", cl.Logistic({"X": 1.5}))
    scm.add("Y", cl.Additive(lambda T, X: T * (1 + X**2) + X, noise=cl.Normal(0, 1)))
    x, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    p = 1 / (1 + np.exp(-1.5 * x))
    expected = np.sum(w * p * (1 + x**2)) / np.sum(w * p)
    ett = scm.ett("T", "Y", seed=0, n_samples=200_000)
    assert ett.method == "monte carlo"
    assert abs(float(ett) - expected) <= 4 * ett.se
    ate = scm.ate("T", "Y", seed=0, n_samples=50_000)
    assert abs(float(ate) - 2.0) <= 4 * ate.se  # E[1 + X^2] = 2
    _ = torch


# ---------------------------------------------------------------------- linear-Gaussian algebra
def _chain():
    # Z ~ N(1, 1), T = 0.5 + 2 Z + N(0, 1), Y = -1 + 1.5 T + 0.5 Z + N(0, 2^2)
    scm = cl.SCM().add("Z", cl.Normal(1, 1)).add("T", cl.Linear({"Z": 2.0}, intercept=0.5))
    scm.add("Y", cl.Linear({"T": 1.5, "Z": 0.5}, intercept=-1.0, noise=cl.Normal(0, 2)))
    return scm


def test_stochastic_do_at_scale_two_and_nonzero_means():
    under = _chain().do({"T": cl.Normal(3, 2)})
    # Y = -1 + 1.5 T + 0.5 Z + e, T ~ N(3, 4) independent of Z ~ N(1, 1)
    assert float(under.expectation("Y")) == pytest.approx(-1 + 4.5 + 0.5, abs=1e-12)
    assert float(under.variance("Y")) == pytest.approx(1.5**2 * 4 + 0.25 + 4, abs=1e-12)
    assert float(under.covariance("T", "Y")) == pytest.approx(1.5 * 4, abs=1e-12)


def test_conditional_variances_and_covariances_by_hand():
    scm = _chain()
    # given Z, T and Y are Gaussian with Var(T|Z) = 1, Cov(T,Y|Z) = 1.5, Var(Y|Z) = 2.25 + 4
    assert float(scm.variance("T", given={"Z": 0.3})) == pytest.approx(1.0, abs=1e-12)
    assert float(scm.covariance("T", "Y", given={"Z": 0.3})) == pytest.approx(1.5, abs=1e-12)
    assert float(scm.variance("Y", given={"Z": 0.3})) == pytest.approx(6.25, abs=1e-12)
    # E[Y | Z = z] = -1 + 1.5 (0.5 + 2 z) + 0.5 z
    assert float(scm.expectation("Y", given={"Z": 0.3})) == pytest.approx(-1 + 1.5 * 1.1 + 0.15, abs=1e-12)
    # given T: Var(Z | T) = 1 - 2^2 / 5 = 0.2
    assert float(scm.variance("Z", given={"T": 2.0})) == pytest.approx(0.2, abs=1e-12)


def test_nde_nie_on_a_model_with_intercepts():
    scm = cl.SCM().add("T", cl.Normal(2, 1)).add("M", cl.Linear({"T": 1.5}, intercept=3.0))
    scm.add("Y", cl.Linear({"T": 0.7, "M": -2.0}, intercept=5.0))
    # linear: NDE = 0.7, NIE = 1.5 * (-2) = -3 per unit of T (treated 1 vs control 0)
    assert float(scm.nde("T", "Y", "M")) == pytest.approx(0.7, abs=1e-12)
    assert float(scm.nie("T", "Y", "M")) == pytest.approx(-3.0, abs=1e-12)
    assert float(scm.nde("T", "Y", "M", treated=3, control=1)) == pytest.approx(1.4, abs=1e-12)


# ---------------------------------------------------------------------- reproducibility across chunks
def test_chunks_do_not_repeat_rows():
    from causalab.scm import core

    scm = cl.SCM().add("X", cl.Normal(0, 1))
    n = 2 * core.CHUNK_ROWS + 10
    x = scm.sample(n, seed=0)["X"].to_numpy()
    first, second = x[: core.CHUNK_ROWS], x[core.CHUNK_ROWS: 2 * core.CHUNK_ROWS]
    # noise is drawn in float32, so a few values coincide by chance; a repeated chunk would match everywhere
    assert (first == second).mean() < 1e-3
    assert not np.array_equal(x[-10:], first[-10:])
