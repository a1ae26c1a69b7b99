"""The benchmark scripts run (their ratios are read from `make bench`, not asserted here)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.slow
@pytest.mark.parametrize("script,expected", [
    ("bench_engine.py", ["gcm.draw_samples", "pgmpy", "peak RSS"]),
    ("bench_learners.py", ["DataLoader", "DoWhy directly", "GCM()"]),
    ("bench_run.py", ["from the store", "ms per cell"]),
])
def test_benchmark_runs_quick(script, expected):
    out = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    for text in expected:
        assert text in out.stdout, text
