"""Properties on random DAGs (hypothesis): shared-noise invariances and reproducibility."""

import networkx as nx
import numpy as np
import pandas as pd
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import causalab as cl


@st.composite
def random_scm(draw):
    """A random mixed SCM: continuous (several mechanism families) and discrete nodes."""
    n = draw(st.integers(2, 7))
    scm = cl.SCM()
    names = []
    for j in range(n):
        parents = [p for p in names if draw(st.booleans())]
        disc = [p for p in parents if scm.mechanism(p).discrete]
        family = draw(st.sampled_from(["linear", "additive", "table", "logistic", "locscale"]))
        name = f"V{j}"
        coefs = {p: draw(st.floats(-2, 2, allow_nan=False)) for p in parents}
        if family == "linear":
            mech = cl.Linear(coefs, noise=draw(st.sampled_from([cl.Normal(0, 1), cl.Laplace(0, 1), cl.Uniform(-1, 1)])))
        elif family == "additive":
            mech = cl.Additive(lambda _c=coefs, **pa: sum(torch.tanh(_c[k] * v) for k, v in pa.items())
                               if pa else torch.tensor(0.0), parents=parents, noise=cl.Normal(0, 0.5))
        elif family == "locscale":
            mech = cl.LocationScale(lambda **pa: sum(pa.values()) if pa else torch.tensor(0.0),
                                    lambda **pa: 1 + sum(v**2 for v in pa.values()) if pa else torch.tensor(1.0),
                                    parents=parents)
        elif family == "logistic":
            mech = cl.Logistic(coefs, intercept=draw(st.floats(-1, 1)))
        else:
            levels = draw(st.integers(2, 3))
            shape = tuple(scm.mechanism(p).n_levels for p in disc) + (levels,)
            rng = np.random.default_rng(draw(st.integers(0, 2**16)))
            mech = cl.Table(disc, rng.dirichlet(np.ones(levels), size=shape[:-1]))
        scm.add(name, mech)
        names.append(name)
    return scm


# derandomize: the same examples every run, so CI never turns red by chance
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def draw_hard_intervention(scm, data):
    """A variable of ``scm`` and a value it may take."""
    target = data.draw(st.sampled_from(scm.variables))
    mech = scm.mechanism(target)
    value = data.draw(st.integers(0, mech.n_levels - 1)) if mech.discrete else data.draw(st.floats(-3, 3))
    return target, value


@SETTINGS
@given(scm=random_scm(), seed=st.integers(0, 2**31 - 1), data=st.data())
def test_do_leaves_non_descendants_unchanged_under_shared_noise(scm, seed, data):
    target, value = draw_hard_intervention(scm, data)
    base = scm.sample(200, seed=seed)
    cf = scm.do({target: value}).sample(200, seed=seed)
    keep = [v for v in scm.variables if v not in nx.descendants(scm.graph, target) and v != target]
    pd.testing.assert_frame_equal(base[keep], cf[keep])
    assert (cf[target] == value).all()


@SETTINGS
@given(scm=random_scm(), seed=st.integers(0, 2**31 - 1), data=st.data())
def test_counterfactual_at_the_factual_value_returns_the_factual_data(scm, seed, data):
    target = data.draw(st.sampled_from(scm.variables))
    world = scm.sample_world(100, seed=seed)
    cf = scm.counterfactual(world, do={target: world[target].to_numpy()})
    np.testing.assert_allclose(cf[scm.variables].to_numpy(dtype=float), world[scm.variables].to_numpy(dtype=float),
                               rtol=1e-12, atol=1e-12)


@SETTINGS
@given(scm=random_scm(), seed=st.integers(0, 2**31 - 1))
def test_same_seed_same_data(scm, seed):
    pd.testing.assert_frame_equal(scm.sample_world(300, seed=seed), scm.sample_world(300, seed=seed))


@SETTINGS
@given(scm=random_scm(), seed=st.integers(0, 2**31 - 1), data=st.data())
def test_counterfactual_from_noise_equals_resampling_the_intervened_model(scm, seed, data):
    # abduction-action-prediction on sampled units = sampling the intervened model with the same seed
    target, value = draw_hard_intervention(scm, data)
    world = scm.sample_world(150, seed=seed)
    cf = scm.counterfactual(world, do={target: value})
    resampled = scm.do({target: value}).sample(150, seed=seed)
    np.testing.assert_allclose(cf[scm.variables].to_numpy(dtype=float),
                               resampled[scm.variables].to_numpy(dtype=float), rtol=1e-12, atol=1e-12)
