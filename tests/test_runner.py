"""Sweeps: the store keeps every finished cell, a killed sweep resumes to the same table,
parallel and Dask runs give the sequential numbers."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import causalab as cl
from causalab.learners import Backdoor, LinearRegression
from causalab.runner import ResultStore, cell_key, load, run

TIMING = ["fit_seconds", "predict_seconds"]
ENVS = ["Confounding-v0", "KidneyStones-v0", "MBias-v0"]
LEARNERS = [LinearRegression(features="treatment"), LinearRegression(), Backdoor()]


def _sweep(**kw):
    return run(ENVS, LEARNERS, seeds=range(3), n_train=[300, 600], n_test=300, progress=False, **kw)


@pytest.fixture(scope="module")
def reference():
    return _sweep()


def test_table_order_and_store_round_trip(reference, tmp_path):
    store = tmp_path / "r.sqlite"
    first = _sweep(store=store)
    pd.testing.assert_frame_equal(first.drop(columns=TIMING), reference.drop(columns=TIMING))
    assert len(ResultStore(store)) == len(ENVS) * len(LEARNERS) * 3 * 2
    start = time.perf_counter()
    again = _sweep(store=store)  # every cell is in the store: nothing is recomputed
    assert time.perf_counter() - start < 5
    pd.testing.assert_frame_equal(again, first)  # timings included: read back, not rerun
    pd.testing.assert_frame_equal(load(store).drop(columns=TIMING).sort_values(list(reference.columns[:12])).reset_index(drop=True),
                                  reference.drop(columns=TIMING).sort_values(list(reference.columns[:12])).reset_index(drop=True))


def test_parallel_loky_gives_the_sequential_numbers(reference):
    parallel = _sweep(n_jobs=2)
    pd.testing.assert_frame_equal(parallel.drop(columns=TIMING), reference.drop(columns=TIMING))


def test_dask_local_cluster_gives_the_sequential_numbers(reference):
    import distributed  # causalab[dask], installed by the test set-up

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster):
            out = _sweep(n_jobs=2, backend="dask")
    pd.testing.assert_frame_equal(out.drop(columns=TIMING), reference.drop(columns=TIMING))


KILL_SCRIPT = """
import sys
import causalab as cl
from causalab.learners import Backdoor, LinearRegression
cl.run({envs!r}, [LinearRegression(features="treatment"), LinearRegression(), Backdoor()], seeds=range(3),
       n_train=[300, 600], n_test=300, store=sys.argv[1], progress=False)
"""


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 7, 20])
def test_sigkill_then_resume_equals_an_uninterrupted_sweep(reference, tmp_path, kill_after):
    store = tmp_path / "r.sqlite"
    script = tmp_path / "sweep.py"
    script.write_text(KILL_SCRIPT.format(envs=ENVS))
    proc = subprocess.Popen([sys.executable, str(script), str(store)])
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if store.exists():
            try:
                if len(ResultStore(store)) >= kill_after:
                    break
            except cl.CausalabError:
                pass
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(ResultStore(store))
    assert done >= kill_after and done < len(ENVS) * len(LEARNERS) * 6, done  # killed mid-sweep
    resumed = _sweep(store=store)
    pd.testing.assert_frame_equal(resumed.drop(columns=TIMING), reference.drop(columns=TIMING))


def test_cell_key_names_everything_that_defines_a_cell():
    env = cl.make("Confounding-v0")
    base = cell_key(env, LinearRegression(), 0, 100, 50)
    assert base == cell_key(cl.make("Confounding-v0"), LinearRegression(), 0, 100, 50)
    variants = [cell_key(cl.make("Confounding-v0", strength=2.0), LinearRegression(), 0, 100, 50),
                cell_key(env, LinearRegression(alpha=1.0), 0, 100, 50), cell_key(env, Backdoor(), 0, 100, 50),
                cell_key(env, LinearRegression(), 1, 100, 50), cell_key(env, LinearRegression(), 0, 200, 50),
                cell_key(env, LinearRegression(), 0, 100, 60)]
    assert len({base, *variants}) == 7


@pytest.mark.parametrize("kw,error,text", [
    (dict(backend="spark"), cl.InvalidValueError, "backend"),
    (dict(n_jobs=0), cl.InvalidValueError, "n_jobs"),
    (dict(errors="skip"), cl.InvalidValueError, "errors"),
])
def test_bad_sweep_arguments(kw, error, text):
    with pytest.raises(error, match=text):
        run(["Confounding-v0"], [LinearRegression()], seeds=[0], n_train=100, progress=False, **kw)


def test_a_store_that_is_not_one_is_refused(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_text("not a database" * 100)
    with pytest.raises(cl.InvalidValueError, match="not a causalab result store"):
        ResultStore(bad)
    with pytest.raises(cl.InvalidValueError, match="no result store"):
        load(tmp_path / "missing.sqlite")
