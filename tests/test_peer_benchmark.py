"""benchmarks/peers.py: its data generators against their sources and their equations, and the
wrapped peers against the peers called directly (the table itself is read from ``make bench``)."""

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def peers():
    sys.path.insert(0, str(BENCH))
    try:
        import peers
    finally:
        sys.path.remove(str(BENCH))
    warnings.filterwarnings("ignore", category=FutureWarning)
    return peers


def test_nie_wager_setups_follow_their_equations(peers):
    """Setup B is a randomised trial (e = 1/2): the difference in means estimates mean(tau),
    within 4 standard errors; setup C's effect is 1 for everyone and A's propensity is clipped."""
    y, x, w, tau, b, e = peers.nie_wager(2, 20000, seed=3)
    diff = y[w == 1].mean() - y[w == 0].mean()
    se = np.sqrt(y[w == 1].var() / (w == 1).sum() + y[w == 0].var() / (w == 0).sum())
    assert abs(diff - tau.mean()) < 4 * se and np.all(e == 0.5)
    np.testing.assert_allclose(y - b - (w - 0.5) * tau, y - b - (w - 0.5) * tau)  # finite, aligned
    assert np.all(peers.nie_wager(3, 50, seed=0)[3] == 1.0)
    e1 = peers.nie_wager(1, 2000, seed=0)[5]
    assert e1.min() >= 0.1 - 1e-12 and e1.max() <= 0.9 + 1e-12
    with pytest.raises(ValueError, match="mode"):
        peers.nie_wager(5, 10)


def test_nie_wager_is_causalmls_synthetic_data_bit_for_bit(peers):
    spec = importlib.util.find_spec("causalml")
    if spec is None:
        pytest.skip("CausalML is not installed (the optional extra causalab[causalml])")
    # causalml.dataset's package imports more than the generator needs: load its module alone
    path = Path(spec.origin).parent / "dataset" / "regression.py"
    loader = importlib.util.spec_from_file_location("_causalml_regression", path)
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    state = np.random.get_state()
    try:
        for mode in (1, 2, 3, 4):
            np.random.seed(7)
            theirs = module.synthetic_data(mode=mode, n=60, p=6, sigma=1.0)
            ours = peers.nie_wager(mode, 60, p=6, sigma=1.0, seed=7)
            for a, b in zip(ours, theirs):
                np.testing.assert_array_equal(a, b)
    finally:
        np.random.set_state(state)


def test_dowhy_linear_effect_is_the_one_dowhy_simulated(peers):
    """DoWhy's own 'ate' is mean(tau) plus the mean of two independent N(0, 1) noise draws'
    difference (it re-simulates the outcome under T=1 and T=0): within 4 SE of sqrt(2 / n).
    The replayed coefficients are also what OLS of Y on (1, W, T, T X) finds, within 4 SE."""
    n = 3000
    state = np.random.get_state()
    frame, tau, meta = peers.dowhy_linear(n, seed=11)
    assert all(np.array_equal(a, b) for a, b in zip(state, np.random.get_state()))  # the global state restored
    assert abs(meta["ate"] - tau.mean()) < 4 * np.sqrt(2 / n)
    w, x = frame[meta["common_causes_names"]].to_numpy(), frame[meta["effect_modifier_names"]].to_numpy()
    t = frame["v0"].to_numpy(dtype=np.float64)
    design = np.column_stack([np.ones(n), w, t, t[:, None] * x])
    coef, *_ = np.linalg.lstsq(design, frame["y"].to_numpy(), rcond=None)
    resid = frame["y"].to_numpy() - design @ coef
    cov = np.linalg.inv(design.T @ design) * resid.var(ddof=design.shape[1])
    k = w.shape[1] + 1
    # tau(x) = beta + x ce: the fitted T and T X coefficients against beta = 10 and the replayed ce
    ce = np.linalg.lstsq(np.column_stack([np.ones(n), x]), tau, rcond=None)[0]
    np.testing.assert_allclose(ce[0], 10.0, atol=1e-9)
    se = np.sqrt(np.diag(cov))[k:]
    assert np.all(np.abs(coef[k:] - ce) < 4 * se), (coef[k:], ce, se)


def test_wrapped_peers_give_the_peers_own_numbers(peers):
    """Each wrapped peer's CATE (through causalab's predict_do) equals the peer called directly
    with the same constructor and seed, to 1e-9, on a small Nie-Wager A replication."""
    found = peers.peer_learners(smoke=True)
    if not found:
        pytest.skip("neither EconML nor CausalML is installed")
    rep = peers.nie_wager_reps(1, 120, range(1))[0]
    gaps = {name: peers.parity(peer, rep) for name, peer in found.items()}
    assert max(gaps.values()) < 1e-9, gaps


def test_lalonde_replications_are_seeded_subsamples_of_each_arm(peers):
    """Each replication keeps 80% of the treated men and of the controls, no row twice, scores
    the treated men it kept, and is the same for the same seed and different for another."""
    import causalab as cl

    full = cl.make("LaLonde-v0").data()
    a, b = peers.lalonde_reps(range(2))
    again = peers.lalonde_reps(range(1))[0]
    for rep in (a, b):
        assert rep.train.index.is_unique and rep.train.index.isin(full.index).all()
        for arm in (0, 1):
            kept, total = (rep.train["treat"] == arm).sum(), (full["treat"] == arm).sum()
            assert kept == round(0.8 * total)
        assert rep.evaluate.index.equals(rep.train.index[rep.train["treat"] == 1]) and rep.tau is None
    assert a.train.index.equals(again.train.index) and not a.train.index.equals(b.train.index)
