"""Speed of the SCM engine against the peers users would otherwise use.

Same SCMs, same mechanisms, one run, ratios printed (peer time / causalab time):

1. sampling 1,000,000 rows of a 50-node random linear DAG vs DoWhy-gcm ``draw_samples``
   (target >= 5x), and under an intervention vs ``interventional_samples`` (>= 5x);
   causalab vs torch drawing the same number of noise values alone (target <= 2x);
2. counterfactuals of 100,000 units vs DoWhy-gcm ``counterfactual_samples`` (target >= 10x):
   observed units (abduction from data, ``observed_data``) and sampled worlds (each unit's
   stored noise, ``noise_data``), under do() on a variable with one descendant (the target
   rows) and, for reference, on a root with thirteen; with the share of causalab's time spent
   checking that the frame is a world of the model (``_check_world`` and the inverse round
   trip, both in ``_check_round_trip``; goal < 15%): the check recomputes what the
   counterfactual reads, so its share grows with the intervention's descendants;
3. exact discrete do-queries on ASIA (8 nodes) and ALARM (37 nodes), the networks
   bundled with pgmpy, vs pgmpy ``CausalInference.query`` (target >= 20x);
4. sampling 10,000,000 rows x 50 variables: peak memory over the output's size
   (target < 1.5), measured in a child process.

Run: ``make bench`` or ``python benchmarks/bench_engine.py [--quick | --smoke]`` (``--smoke``: tiny
sizes, for the test suite; its ratios mean nothing).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import warnings

import numpy as np
import torch

from causalab.scm.interop import from_pgmpy, to_dowhy_gcm
from causalab.scm.random_models import random_linear_gaussian

from _timing import best_time  # noqa: E402  (the script's folder is on sys.path)

warnings.filterwarnings("ignore")
torch.set_num_threads(2)


def report(rows):
    print(f"{'work':64s} {'causalab s':>11s} {'peer s':>9s} {'ratio':>7s}  target")
    for work, ours, peer, target in rows:
        ratio = peer / ours
        print(f"{work:64s} {ours:11.5f} {peer:9.5f} {ratio:7.1f}x  {target}")


def sampling(n_rows: int, repeat: int):
    from dowhy import gcm

    scm = random_linear_gaussian(50, 2.0, seed=0)
    model = to_dowhy_gcm(scm)
    target = scm.variables[10]
    intervened = scm.do({target: 1.0})
    ours = best_time(lambda: scm.sample(n_rows, seed=1), repeat)
    ours_do = best_time(lambda: intervened.sample(n_rows, seed=1), repeat)
    peer = best_time(lambda: gcm.draw_samples(model, n_rows), repeat)
    peer_do = best_time(lambda: gcm.interventional_samples(model, {target: lambda x: 1.0},
                                                           num_samples_to_draw=n_rows), repeat)
    gen = torch.Generator().manual_seed(0)
    # causalab draws noise in float32 and widens it (see causalab/scm/noise.py): the
    # like-for-like baseline is torch drawing the same float32 normals, one call per variable
    noise32 = best_time(lambda: [torch.randn(n_rows, generator=gen) for _ in range(50)], repeat)
    noise64 = best_time(lambda: [torch.randn(n_rows, generator=gen, dtype=torch.float64) for _ in range(50)],
                        repeat)
    return [
        (f"sample {n_rows:,} rows x 50 vars vs gcm.draw_samples", ours, peer, ">= 5x"),
        (f"do() sample {n_rows:,} rows vs gcm.interventional_samples", ours_do, peer_do, ">= 5x"),
        (f"sample {n_rows:,} rows vs torch drawing the float32 noise alone", ours, noise32, ">= 0.5x (within 2x)"),
        (f"sample {n_rows:,} rows vs torch drawing float64 noise alone", ours, noise64, "(for reference)"),
    ]


def counterfactuals(n_units: int, repeat: int):
    import networkx as nx
    import pandas as pd
    from dowhy import gcm

    scm = random_linear_gaussian(50, 2.0, seed=0)
    model = to_dowhy_gcm(scm)
    world = scm.sample_world(n_units, seed=2)
    data = world[scm.variables]
    # gcm's noise of a root is its value; of any other node, the additive noise (causalab's U)
    noise = pd.DataFrame({v: world[v] if not scm.parents(v) else world[f"U[{v}]"] for v in scm.variables})
    rows = []
    for target, goal in ((scm.variables[10], ">= 10x"), (scm.variables[0], "(reference)")):
        k = len(nx.descendants(scm.graph, target))
        ours = scm.counterfactual(world, do={target: 1.0})
        peer = gcm.counterfactual_samples(model, {target: lambda x: 1.0}, noise_data=noise)
        assert np.allclose(ours[scm.variables].to_numpy(), peer[scm.variables].to_numpy(), atol=1e-8)
        for what, frame, kw in (("observed units", data, {"observed_data": data}),
                                ("sampled worlds", world, {"noise_data": noise})):
            t_ours = best_time(lambda: scm.counterfactual(frame, do={target: 1.0}), repeat)
            t_peer = best_time(lambda: gcm.counterfactual_samples(model, {target: lambda x: 1.0}, **kw), repeat)
            share = check_share(lambda: scm.counterfactual(frame, do={target: 1.0}), max(repeat, 3))
            rows.append((f"counterfactuals of {n_units:,} {what}, do({target}) ({k} desc.) vs gcm", t_ours, t_peer,
                         f"{goal}; world check {share:.0%} of the time" + (" (goal < 15%)" if k == 1 else "")))
    return rows


def check_share(fn, repeat: int) -> float:
    """The share of ``fn``'s time spent in causalab's round-trip checks (the world check and the
    inverse check), over ``repeat`` runs, measured by timing each check as it runs."""
    import time

    from causalab.scm import core

    spent = [0.0]
    original = core._check_round_trip

    def timed(*args):
        start = time.perf_counter()
        try:
            return original(*args)
        finally:
            spent[0] += time.perf_counter() - start

    fn()  # warm
    core._check_round_trip = timed
    try:
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        total = time.perf_counter() - start
    finally:
        core._check_round_trip = original
    return spent[0] / total


def discrete_queries(repeat: int, loops: int = 20):
    from pgmpy.inference import CausalInference
    from pgmpy.utils import get_example_model

    rows = []
    queries = {
        "asia": [("dysp", "smoke"), ("xray", "tub"), ("either", "lung"), ("dysp", "bronc")],
        "alarm": [("BP", "CATECHOL"), ("HRBP", "LVFAILURE"), ("PRESS", "INTUBATION"), ("CO", "HYPOVOLEMIA")],
    }
    for name, pairs in queries.items():
        net = get_example_model(name)
        scm = from_pgmpy(net)
        infer = CausalInference(net)
        states = {v: net.get_cpds(v).state_names[v] for v in net.nodes}

        def ours():
            return [scm.distribution(y, do={x: 0}).to_numpy() for y, x in pairs]

        def peer():
            return [infer.query([y], do={x: states[x][0]}, show_progress=False).values for y, x in pairs]

        for a, b in zip(ours(), peer()):
            assert np.allclose(a, b, atol=1e-9), (a, b)
        # sub-millisecond work: time many rounds (``loops``) so timer noise does not decide the ratio
        rows.append((f"{len(pairs)} exact do-queries on {name.upper()} ({len(net.nodes)} nodes) vs pgmpy",
                     best_time(lambda: [ours() for _ in range(loops)], repeat) / loops,
                     best_time(lambda: [peer() for _ in range(loops)], repeat) / loops, ">= 20x"))
    return rows


MEMORY_CHILD = """
import sys
from causalab.scm.random_models import random_linear_gaussian

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024

n = int(sys.argv[1])
scm = random_linear_gaussian(50, 2.0, seed=0)
scm.sample(300_000, seed=0)  # warm up: threads, allocator
open("/proc/self/clear_refs", "w").write("5")  # reset the peak-RSS mark (VmHWM)
before = status("VmRSS")
df = scm.sample(n, seed=1)
print(before, status("VmHWM"), df.memory_usage(index=False).sum())
"""


def memory(n_rows: int):
    out = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(n_rows)], capture_output=True, text=True,
                         check=True)
    before, peak, size = map(int, out.stdout.split())
    print(f"\nsample {n_rows:,} rows x 50 vars: output {size / 2**30:.2f} GiB, peak RSS {peak / 2**30:.2f} GiB "
          f"(process before sampling {before / 2**30:.2f} GiB)")
    print(f"  (peak - before) / output = {(peak - before) / size:.2f}   target < 1.5; "
          f"whole process peak / output = {peak / size:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller sizes, one repeat")
    parser.add_argument("--smoke", action="store_true", help="1000x smaller sizes, one round: runs every path "
                        "(the test suite's check); its ratios mean nothing")
    args = parser.parse_args()
    scale, repeat = (1000, 1) if args.smoke else (10, 1) if args.quick else (1, 3)
    rows = sampling(1_000_000 // scale, repeat) + counterfactuals(100_000 // scale, repeat) + \
        discrete_queries(repeat, 1 if args.smoke else 20)
    report(rows)
    memory(10_000_000 // scale)


if __name__ == "__main__":
    main()
