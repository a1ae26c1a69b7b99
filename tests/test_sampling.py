"""Sampling and interventions: shapes, dtypes, reproducibility, immutability."""

import numpy as np
import pandas as pd
import pytest
import torch

import causalab as cl
from causalab.scm import core


@pytest.fixture
def scm():
    s = cl.SCM()
    s.add("H", cl.Normal(0, 1), hidden=True)
    s.add("Z", cl.Uniform(-1, 1))
    s.add("T", cl.Logistic({"Z": 2.0, "H": 1.0}))
    s.add("C", cl.Table(["T"], [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]))
    s.add("M", cl.LocationScale(lambda T, Z: T + Z, lambda T, Z: 1 + T * Z**2, noise=cl.Laplace(0, 1)))
    s.add("Y", cl.PostNonlinear(lambda M, H, C: M + H + C, torch.exp, torch.log, noise=cl.Exponential(2.0)))
    return s


def test_columns_dtypes_and_no_nan(scm):
    df = scm.sample(1000, seed=0)
    assert list(df.columns) == ["Z", "T", "C", "M", "Y"]
    assert df.dtypes.to_dict() == {"Z": np.float64, "T": np.int64, "C": np.int64, "M": np.float64, "Y": np.float64}
    assert not df.isna().any().any()
    assert set(df["C"].unique()) <= {0, 1, 2}
    world = scm.sample_world(10, seed=0)
    assert "H" in world and all(f"U[{v}]" in world for v in scm.variables)


def test_same_seed_same_frame_and_different_seed_differs(scm):
    pd.testing.assert_frame_equal(scm.sample(500, seed=3), scm.sample(500, seed=3))
    assert not scm.sample(500, seed=3).equals(scm.sample(500, seed=4))
    gen_a, gen_b = np.random.default_rng(1), np.random.default_rng(1)
    pd.testing.assert_frame_equal(scm.sample(50, seed=gen_a), scm.sample(50, seed=gen_b))


def test_sampling_leaves_global_rng_alone(scm):
    torch_state, np_state = torch.get_rng_state(), np.random.get_state()
    scm.sample(100, seed=0)
    assert torch.equal(torch_state, torch.get_rng_state())
    assert np.array_equal(np_state[1], np.random.get_state()[1])


def test_chunking_does_not_change_distribution(scm, monkeypatch):
    monkeypatch.setattr(core, "CHUNK_ROWS", 1000)
    df = scm.sample(5000, seed=0)
    world = scm.sample_world(5000, seed=0)
    # every unit satisfies its structural equations across chunk borders
    cf = scm.counterfactual(world, do={"Z": cl.shift(0.0)})
    np.testing.assert_allclose(cf["Y"], world["Y"], rtol=1e-12)
    assert len(df) == 5000 and not df.isna().any().any()


@pytest.mark.parametrize("noise, mean, var", [
    (cl.Normal(1.0, 2.0), 1.0, 4.0), (cl.Uniform(-1, 3), 1.0, 16 / 12), (cl.Laplace(0.5, 1.5), 0.5, 2 * 1.5**2),
    (cl.Exponential(2.0), 0.5, 0.25), (cl.Distribution(torch.distributions.Gamma(torch.tensor(2.0), torch.tensor(3.0))),
                                       2 / 3, 2 / 9),
    # the defaults: standard normal, Laplace(0, 1), Uniform(0, 1), Exponential(1)
    (cl.Normal(), 0.0, 1.0), (cl.Laplace(), 0.0, 2.0), (cl.Uniform(), 0.5, 1 / 12), (cl.Exponential(), 1.0, 1.0),
])
def test_noise_moments_within_standard_errors(noise, mean, var):
    # closed forms written here, not read from the noise object; tolerances 4 standard errors
    n = 200_000
    x = cl.SCM().add("X", noise).sample(n, seed=1)["X"].to_numpy()
    assert noise.mean == pytest.approx(mean) and noise.variance == pytest.approx(var)
    assert abs(x.mean() - mean) < 4 * np.sqrt(var / n), noise
    sq = (x - mean) ** 2
    assert abs(sq.mean() - var) < 4 * sq.std() / np.sqrt(n), noise


def test_do_returns_new_object_and_leaves_original(scm):
    before = repr(scm)
    cf = scm.do({"T": 1})
    assert repr(scm) == before and scm.interventions == ()
    assert (cf.sample(200, seed=0)["T"] == 1).all()
    assert ("Z", "T") in cf._cut_edges and not cf.graph.has_edge("Z", "T")
    assert scm.graph.has_edge("Z", "T")


def test_chaining_and_printing(scm):
    chained = scm.do({"T": 1}).do({"M": cl.shift(2.5), "Z": cl.Normal(0, 3)})
    assert str(chained.interventions[0]) == "do(T=1)"
    assert str(chained.interventions[1]) == "do(M=M+2.5, Z~Normal(0, 3))"
    df = chained.sample(2000, seed=0)
    assert (df["T"] == 1).all()
    assert abs(df["Z"].std() - 3) < 0.2
    assert str(cl.Intervention({"X": cl.scale(2)})) == "do(X=X*2)"


def test_soft_intervention_uses_the_same_units(scm):
    base = scm.sample(1000, seed=5, hidden=True)
    shifted = scm.do({"M": cl.shift(1.0)}).sample(1000, seed=5, hidden=True)
    np.testing.assert_allclose(shifted["M"], base["M"] + 1.0)
    pd.testing.assert_series_equal(shifted["Z"], base["Z"])
    scaled = scm.do({"M": cl.scale(2.0)}).sample(1000, seed=5)
    np.testing.assert_allclose(scaled["M"], 2 * base["M"])
    custom = scm.do({"M": lambda v, pa: v + pa["Z"]}).sample(1000, seed=5)
    np.testing.assert_allclose(custom["M"], base["M"] + base["Z"])


def test_stochastic_intervention_on_binary(scm):
    df = scm.do({"T": torch.distributions.Bernoulli(torch.tensor(0.9))}).sample(20_000, seed=0)
    assert abs(df["T"].mean() - 0.9) < 4 * np.sqrt(0.09 / 20_000)


def test_hidden_columns_only_on_request(scm):
    assert "H" not in scm.sample(5, seed=0)
    assert "H" in scm.sample(5, seed=0, hidden=True)
    assert scm.hidden == ["H"] and "H" not in scm.observed


def test_per_unit_interventions_beyond_one_chunk():
    env = cl.make("Confounding-v0")
    n = 300_000  # more than two chunks of 131,072 rows
    values = np.linspace(-1, 1, n)
    data = env.do({"T": values}).sample(n, seed=0)
    np.testing.assert_array_equal(data["T"].to_numpy(), values)
    with pytest.raises(cl.InvalidInterventionError, match="300000 units"):
        env.do({"T": values}).sample(1000, seed=0)


def test_concurrent_sampling_restores_torch_threads():
    import threading

    before = torch.get_num_threads()
    torch.set_num_threads(2)  # a known value: an earlier test may have left 1 behind
    scm = cl.make("Confounding-v0").scm
    scm.sample(300_000, seed=0)  # over one chunk: drawn in parallel chunks with torch at one thread
    assert torch.get_num_threads() == 2  # one caller restores what it found
    barrier = threading.Barrier(4)

    def work():
        barrier.wait()
        for _ in range(3):
            scm.sample(300_000, seed=1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert torch.get_num_threads() == 2
    torch.set_num_threads(before)


def test_noise_without_an_inverse_cdf_is_reproducible_across_threads_and_leaves_global_rng():
    import threading

    from torch.distributions import Gamma

    scm = cl.SCM().add("G", cl.Distribution(Gamma(torch.tensor(2.0), torch.tensor(1.0))))
    scm.add("Y", cl.Linear({"G": 1.0}))
    reference = scm.sample(5000, seed=7)
    state = torch.get_rng_state()
    frames, barrier = [None] * 4, threading.Barrier(4)

    def work(i):
        barrier.wait()
        frames[i] = scm.sample(5000, seed=7)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for frame in frames:
        pd.testing.assert_frame_equal(frame, reference)
    assert torch.equal(state, torch.get_rng_state())
    assert reference["G"].mean() == pytest.approx(2.0, abs=4 * np.sqrt(2.0 / 5000))  # Gamma(2, 1): mean 2, var 2
