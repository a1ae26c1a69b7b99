"""The benchmark scripts run: each in-process on tiny sizes (``--smoke``), so no test depends on
how fast the machine is. Their ratios are read from ``make bench``, never asserted here."""

import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.slow
@pytest.mark.parametrize("script,expected", [
    ("bench_engine.py", ["gcm.draw_samples", "pgmpy", "peak RSS"]),
    ("bench_learners.py", ["DataLoader", "DoWhy directly", "GCM()", "NeuralSCM vs DoWhy-gcm"]),
    ("ihdp.py", ["published", "OLS-2", "TARNet", "CEVAE", "NeuralSCM"]),
    ("bench_run.py", ["from the store", "ms per cell"]),
    ("peers.py", ["Nie-Wager D", "DoWhy linear", "IHDP", "LaLonde", "Parity", "OLS-2 2.4"]),
])
def test_benchmark_runs_smoke(script, expected, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.setattr(sys, "argv", [str(BENCH / script), "--smoke"])
    runpy.run_path(str(BENCH / script), run_name="__main__")
    out = capsys.readouterr().out
    for text in expected:
        assert text in out, text


def test_ihdp_benchmark_scores_land_in_their_columns(monkeypatch):
    """The IHDP table's numbers, recomputed by hand for OLS-2 on replication 1."""
    import numpy as np

    import causalab as cl
    from causalab.learners import LinearRegression, TLearner

    monkeypatch.syspath_prepend(str(BENCH))
    import ihdp

    monkeypatch.setattr(ihdp, "learners", lambda *args: {"OLS-2": TLearner(LinearRegression())})
    scores, _ = ihdp.run([1])
    env = cl.make("IHDP-v0")
    rep = env.replication(1)
    data = rep.rename(columns={"y_factual": "Y"})
    perm = np.random.default_rng(1).permutation(len(rep))
    within, out = perm[:672], perm[672:]
    x = np.column_stack([np.ones(len(rep)), rep[list(env.covariates)].to_numpy()])
    fits = [np.linalg.lstsq(x[within][data["T"].to_numpy()[within] == t], data["Y"].to_numpy()[within][
        data["T"].to_numpy()[within] == t], rcond=None)[0] for t in (0, 1)]
    est, tau = x @ (fits[1] - fits[0]), (rep["mu1"] - rep["mu0"]).to_numpy()
    expected = [np.sqrt(np.mean((est[r] - tau[r]) ** 2)) for r in (within, out)] + \
               [abs(est[r].mean() - tau[r].mean()) for r in (within, out)]
    np.testing.assert_allclose(scores["OLS-2"][0], expected, rtol=1e-6)
    assert "sqrt(PEHE) within | sqrt(PEHE) out | ATE error within | ATE error out" in ihdp.table(
        scores, {"OLS-2": 0.0}, 1)
