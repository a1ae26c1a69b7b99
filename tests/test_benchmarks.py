"""The benchmark scripts run (their ratios are read from `make bench`, not asserted here)."""

import subprocess
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
])
def test_benchmark_runs_quick(script, expected):
    out = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    for text in expected:
        assert text in out.stdout, text


def test_ihdp_benchmark_scores_land_in_their_columns(monkeypatch):
    """The IHDP table's numbers, recomputed by hand for OLS-2 on replication 1."""
    import numpy as np

    import causalab as cl
    from causalab.learners import LinearRegression, TLearner

    monkeypatch.syspath_prepend(str(BENCH))
    import ihdp

    monkeypatch.setattr(ihdp, "learners", lambda: {"OLS-2": TLearner(LinearRegression())})
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
