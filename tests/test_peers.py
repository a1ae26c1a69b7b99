"""A second library checks the engine: pgmpy for exact discrete do-queries,
DoWhy-gcm for counterfactuals of invertible additive-noise SCMs."""

import warnings

import numpy as np
import pytest
import torch

import causalab as cl
from causalab.scm.interop import from_pgmpy, to_dowhy_gcm, to_pgmpy
from causalab.scm.random_models import random_discrete, random_linear_gaussian

pgmpy = pytest.importorskip("pgmpy")
warnings.filterwarnings("ignore", category=FutureWarning)


def _pgmpy_do(model, target, do, evidence=None):
    from pgmpy.inference import CausalInference

    res = CausalInference(model).query([target], do=do, evidence=evidence, show_progress=False)
    return res.values


@pytest.mark.parametrize("seed", range(8))
def test_random_discrete_do_queries_agree_with_pgmpy(seed):
    scm = random_discrete(9, expected_degree=2.5, max_levels=3, seed=seed)
    model = to_pgmpy(scm)
    rng = np.random.default_rng(seed)
    names = scm.variables
    for _ in range(3):
        x, y = sorted(rng.choice(len(names), 2, replace=False))
        x, y = names[x], names[y]
        level = int(rng.integers(scm.mechanism(x).n_levels))
        ours = scm.distribution(y, do={x: level}).to_numpy()
        theirs = _pgmpy_do(model, y, {x: level})
        np.testing.assert_allclose(ours, theirs, atol=1e-9, rtol=0)


@pytest.mark.parametrize("seed", range(3))
def test_tables_round_trip_through_pgmpy(seed):
    # mixed numbers of levels: a parent's axis must not be confused with the variable's own
    scm = random_discrete(8, expected_degree=2.5, max_levels=3, seed=seed)
    assert len({scm.mechanism(v).n_levels for v in scm.variables}) == 2
    back = from_pgmpy(to_pgmpy(scm))
    names = scm.variables
    np.testing.assert_allclose(back.distribution(names).to_numpy(), scm.distribution(names).to_numpy(), atol=1e-12)


def test_published_networks_round_trip_through_pgmpy():
    from pgmpy.utils import get_example_model  # reads the copy bundled with pgmpy; load_model downloads

    asia = get_example_model("asia")
    scm = from_pgmpy(asia)
    states = asia.get_cpds("either").state_names
    ours = scm.distribution("dysp", do={"either": 0}).to_numpy()
    theirs = _pgmpy_do(asia, "dysp", {"either": states["either"][0]})
    np.testing.assert_allclose(ours, theirs, atol=1e-9, rtol=0)


def _dowhy_available():
    try:
        from dowhy import gcm  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _dowhy_available(), reason="dowhy is a declared dependency; its absence is a set-up error")
@pytest.mark.parametrize("seed", range(4))
def test_counterfactuals_agree_with_dowhy_gcm(seed):
    from dowhy import gcm

    scm = random_linear_gaussian(10, 2.5, seed=seed)
    # make one mechanism nonlinear (still additive noise, so invertible)
    last = scm.variables[-1]
    parents = scm.parents(last)
    nonlinear = cl.SCM()
    for v in scm.variables[:-1]:
        nonlinear.add(v, scm.mechanism(v))
    nonlinear.add(last, cl.Additive(lambda **pa: sum(torch.tanh(x) for x in pa.values()) if pa else torch.tensor(0.0),
                                    parents=parents, noise=cl.Laplace(0, 0.5)))
    data = nonlinear.sample(2000, seed=seed)
    target = scm.variables[3]
    ours = nonlinear.counterfactual(data, do={target: 1.5})
    theirs = gcm.counterfactual_samples(to_dowhy_gcm(nonlinear), {target: lambda x: 1.5}, observed_data=data)
    np.testing.assert_allclose(ours[nonlinear.variables].to_numpy(), theirs[nonlinear.variables].to_numpy(),
                               atol=1e-6, rtol=0)
    # a soft intervention too
    ours = nonlinear.counterfactual(data, do={target: cl.shift(-2.0)})
    theirs = gcm.counterfactual_samples(to_dowhy_gcm(nonlinear), {target: lambda x: x - 2.0}, observed_data=data)
    np.testing.assert_allclose(ours.to_numpy(), theirs[ours.columns].to_numpy(), atol=1e-6, rtol=0)
