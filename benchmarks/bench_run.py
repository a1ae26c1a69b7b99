"""The main job's speed: the default ``causalab run`` from a built environment (target: 90 s
on 2 cores), the share of time per learner and per environment, the same run again from the
result store (target: under 5 s), and the store's overhead per cell over 1,000 cells
(target: under 5 ms).

Run: ``python benchmarks/bench_run.py [--quick | --smoke]`` (``make bench`` runs it too; ``--smoke``:
one environment and two learners, for the test suite).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def timed_cli(*args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "causalab", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def store_overhead(n_cells: int, rows_per_cell: list[dict]) -> float:
    from causalab.runner import ResultStore

    with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "s.sqlite") as store:
        start = time.perf_counter()
        for i in range(n_cells):
            store.put(f"key{i}", "env", "learner", i, 100, rows_per_cell)
        keys = store.keys()
        for k in list(keys)[: n_cells]:
            store.get(k)
        return (time.perf_counter() - start) / n_cells


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="two environments, one seed")
    parser.add_argument("--smoke", action="store_true", help="one environment, two learners, one seed, 50 store "
                        "cells: runs every path (the test suite's check); its times mean nothing")
    args = parser.parse_args()
    extra = ["--envs", "Confounding-v0,KidneyStones-v0", "--seeds", "1"] if args.quick else []
    if args.smoke:
        extra = ["--envs", "Confounding-v0", "--learners", "naive,ols", "--seeds", "1"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        wall = timed_cli("run", "--out", str(out), "--quiet", *extra)
        table = pd.read_csv(out / "results.csv")
        again = timed_cli("run", "--out", str(out), "--quiet", *extra)
    cells = table.drop_duplicates(["environment", "learner", "seed", "n_train"])
    cell_time = cells["fit_seconds"].fillna(0) + table.groupby(["environment", "learner", "seed", "n_train"], sort=False)[
        "predict_seconds"].sum().to_numpy()
    cells = cells.assign(seconds=cell_time.to_numpy())
    print(f"causalab run{' (quick)' if args.quick else ''}: {len(cells)} cells, wall {wall:.1f} s "
          f"(target 90 s for the default run); again from the store {again:.2f} s (target < 5 s, includes "
          "Python start-up and the report)")
    for key in ("learner", "environment"):
        share = cells.groupby(key)["seconds"].sum().sort_values(ascending=False)
        print(f"\nshare of fit + predict time per {key}:")
        for name, sec in share.items():
            print(f"  {name:40s} {sec:7.2f} s  {100 * sec / share.sum():5.1f}%")
    rows = table[(table["environment"] == cells["environment"].iloc[0])
                 & (table["learner"] == cells["learner"].iloc[0]) & (table["seed"] == 0)].to_dict("records")
    n_cells = 50 if args.smoke else 1000
    per_cell = store_overhead(n_cells, rows)
    print(f"\nstore overhead over {n_cells:,} cells ({len(rows)} rows each): {1000 * per_cell:.2f} ms per cell "
          "(write + read; target < 5 ms)")


if __name__ == "__main__":
    main()
