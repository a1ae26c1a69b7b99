"""The benchmark scripts run (their ratios are read from `make bench`, not asserted here)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.slow
def test_engine_benchmark_runs_quick():
    out = subprocess.run([sys.executable, str(BENCH / "bench_engine.py"), "--quick"], capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "gcm.draw_samples" in out.stdout and "pgmpy" in out.stdout and "peak RSS" in out.stdout


@pytest.mark.slow
def test_learner_benchmark_runs_quick():
    out = subprocess.run([sys.executable, str(BENCH / "bench_learners.py"), "--quick"], capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "DataLoader" in out.stdout and "DoWhy directly" in out.stdout and "GCM()" in out.stdout


@pytest.mark.slow
def test_run_benchmark_runs_quick():
    out = subprocess.run([sys.executable, str(BENCH / "bench_run.py"), "--quick"], capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "from the store" in out.stdout and "ms per cell" in out.stdout
