"""Fit and predict time of every learner, and two comparisons on the same work:

1. a table of fit / predict_do / effect seconds per learner on 10,000 rows of
   Confounding-v0 and of RandomDAG-v0 (50 nodes, linear, hidden_share 0);
2. our MLP training loop (tensors batched directly) against the same network, optimiser,
   batch size and number of epochs driven by a torch DataLoader (target: >= 2x faster);
3. our DoWhy back-door wrapper (validation, identification, estimation) against calling
   DoWhy's CausalModel directly on the same data and graph (target: overhead < 10%);
4. NeuralSCM against DoWhy-gcm (mechanisms auto-assigned) on RandomDAG-v0, 50 nodes, MLP
   mechanisms, 10,000 training rows: fit time, time to draw 1,000,000 interventional rows,
   the interventional error (mean absolute error of E[V | do(T=1)] over the treatment's
   descendants against the exact model's 2,000,000-row estimate) and the counterfactual
   RMSE over those descendants against the stored-noise truth of 5,000 units (targets:
   fit >= 5x faster, sampling >= 20x faster, errors no worse).

Run: ``python benchmarks/bench_learners.py [--quick | --smoke]`` (``make bench`` runs it too;
``--smoke``: tiny sizes, for the test suite; its ratios mean nothing).
"""

from __future__ import annotations

import argparse
import time
import warnings

import networkx as nx
import numpy as np
import torch

import causalab as cl
from causalab.learners import GCM, MLP, Backdoor, GradientBoosting, LinearRegression

from _timing import best_time  # noqa: E402  (the script's folder is on sys.path)

warnings.filterwarnings("ignore")
torch.set_num_threads(2)


def learner_table(env, n: int, learners, repeat: int):
    data = env.sample(n, seed=0)
    query = data.iloc[:2000]
    print(f"\n{env.id} ({len(env.observed)} observed variables), {n:,} training rows")
    print(f"{'learner':40s} {'fit s':>8s} {'predict_do s':>13s} {'effect s':>9s}  effect")
    for learner in learners:
        fitted = {}

        def fit():
            fitted["l"] = learner.fit(data, env.task)

        try:
            fit_s = best_time(fit, repeat)
        except cl.CausalabError as exc:
            print(f"{learner!r:40s} refuses: {type(exc).__name__}")
            continue
        l = fitted["l"]
        do_s = best_time(lambda: l.predict_do(query, {env.treatment: 1}), repeat) if l.tags.predict_do else float("nan")
        eff = {}
        eff_s = best_time(lambda: eff.setdefault("e", l.effect(1, 0)), 1)
        print(f"{learner!r:40s} {fit_s:8.3f} {do_s:13.4f} {eff_s:9.3f}  {eff['e'].value:+.4f}")


def dataloader_fit(mlp: MLP, data, task, epochs: int) -> float:
    """The same network and optimiser trained with a DataLoader; returns seconds."""
    from torch.utils.data import DataLoader, TensorDataset

    from causalab.learners.mlp import _build

    features = [c for c in task.observed if c != task.outcome]
    x = torch.as_tensor(data[features].to_numpy(np.float32))
    y = torch.as_tensor(data[task.outcome].to_numpy(np.float32))
    x = (x - x.mean(0)) / x.std(0)
    n_train = int(0.8 * len(x))
    gen = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    net = _build(x.shape[1], tuple(mlp.hidden), gen)
    opt = torch.optim.Adam(net.parameters(), lr=mlp.learning_rate)
    loss_fn = torch.nn.MSELoss()
    loader = DataLoader(TensorDataset(x[:n_train], y[:n_train]), batch_size=mlp.batch_size, shuffle=True,
                        generator=gen)
    for _ in range(epochs):
        net.train()
        for xb, yb in loader:
            opt.zero_grad(set_to_none=True)
            loss_fn(net(xb).squeeze(-1), yb).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            loss_fn(net(x[n_train:]).squeeze(-1), y[n_train:])
    return time.perf_counter() - start


def mlp_loop_vs_dataloader(n: int, epochs: int, repeat: int):
    env = cl.make("Confounding-v0")
    data = env.sample(n, seed=0)
    # patience above max_epochs: both loops run exactly `epochs` epochs
    mlp = MLP(max_epochs=epochs, patience=epochs + 1, lr_cuts=0)
    ours = best_time(lambda: mlp.fit(data, env.task), repeat)
    assert mlp.n_epochs_ == epochs
    theirs = best_time(lambda: dataloader_fit(mlp, data, env.task, epochs), repeat)
    print(f"\nMLP, {n:,} rows, {epochs} epochs, batch {mlp.batch_size}: batched tensors {ours:.3f} s, "
          f"DataLoader {theirs:.3f} s, ratio {theirs / ours:.2f}x (target >= 2x)")


def dowhy_overhead(env_id: str, n: int, repeat: int, **knobs):
    from dowhy import CausalModel

    env = cl.make(env_id, **knobs)
    data, task = env.sample(n, seed=0), env.task

    def direct():
        model = CausalModel(data=data.copy(), treatment=task.treatment, outcome=task.outcome, graph=task.graph.copy())
        estimand = model.identify_effect(method_name="maximal-adjustment")
        sets = [v for k, v in estimand.backdoor_variables.items() if k != "backdoor"]
        if sets:
            estimand.set_backdoor_variables(max(sets, key=len), key="backdoor")
        return model.estimate_effect(estimand, method_name="backdoor.linear_regression",
                                     method_params={"need_conditional_estimates": False}).value

    ours_learner = Backdoor()
    theirs = best_time(direct, repeat)
    ours = best_time(lambda: ours_learner.fit(data, task), repeat)
    assert abs(ours_learner.slope_ - direct()) < 1e-9
    print(f"Backdoor(regression) on {env_id}, {n:,} rows: DoWhy directly {theirs:.3f} s, through causalab "
          f"{ours:.3f} s, overhead {100 * (ours / theirs - 1):+.1f}% (target < 10%)")


def neural_scm_vs_gcm(n_nodes: int, n: int, n_draw: int, n_truth: int = 2_000_000):
    from dowhy import gcm

    from causalab.learners import NeuralSCM
    from causalab.learners.gcm import _seeded

    env = cl.make("RandomDAG-v0", n_variables=n_nodes, mechanism="mlp")
    t = env.treatment
    below = [v for v in env.observed if v in nx.descendants(env.scm.graph, t)]
    data = env.sample(n, seed=0)
    truth_do = env.scm.do({t: 1.0}).sample(n_truth, seed=1)[below].mean().to_numpy()
    world = env.sample_world(min(5_000, n), seed=2)
    truth_cf = env.scm.counterfactual(world, {t: 1.0})[below].to_numpy()
    factual = world[env.observed]

    # each warmed up (imports, first-call allocations) just before its timed run on the same data;
    # scikit-learn's OpenMP threads keep spinning after a fit and would slow torch's if GCM ran first
    NeuralSCM(max_epochs=1).fit(data.iloc[:500], env.task)
    start = time.perf_counter()
    ours = NeuralSCM(seed=0).fit(data, env.task)
    ours_fit = time.perf_counter() - start
    start = time.perf_counter()
    ours_do = ours.scm_.do({t: 1.0}).sample(n_draw, seed=3)[below].mean().to_numpy()
    ours_draw = time.perf_counter() - start
    ours_cf = ours.scm_.counterfactual(factual, {t: 1.0})[below].to_numpy()

    with _seeded(0):
        warm = gcm.InvertibleStructuralCausalModel(nx.DiGraph(env.task.graph))
        gcm.auto.assign_causal_mechanisms(warm, data.iloc[:500])
        gcm.fit(warm, data.iloc[:500])
        start = time.perf_counter()
        model = gcm.InvertibleStructuralCausalModel(nx.DiGraph(env.task.graph))
        gcm.auto.assign_causal_mechanisms(model, data)
        gcm.fit(model, data)
        gcm_fit = time.perf_counter() - start
        start = time.perf_counter()
        gcm_do = gcm.interventional_samples(model, {t: lambda x: 1.0}, num_samples_to_draw=n_draw)[below].mean()
        gcm_draw = time.perf_counter() - start
        gcm_cf = gcm.counterfactual_samples(model, {t: lambda x: 1.0}, observed_data=factual)[below].to_numpy()

    def errors(do, cf):
        return float(np.mean(np.abs(np.asarray(do) - truth_do))), float(np.sqrt(np.mean((cf - truth_cf) ** 2)))

    (o_do, o_cf), (g_do, g_cf) = errors(ours_do, ours_cf), errors(gcm_do.to_numpy(), gcm_cf)
    print(f"\nNeuralSCM vs DoWhy-gcm, RandomDAG-v0 ({n_nodes} nodes, MLP mechanisms), {n:,} training rows, "
          f"do({t}=1), {len(below)} descendants")
    print(f"{'':24s} {'NeuralSCM':>10s} {'DoWhy-gcm':>10s} {'ratio':>8s}")
    print(f"{'fit s':24s} {ours_fit:10.2f} {gcm_fit:10.2f} {gcm_fit / ours_fit:7.1f}x  (target >= 5x)")
    print(f"{f'draw {n_draw:,} rows s':24s} {ours_draw:10.2f} {gcm_draw:10.2f} {gcm_draw / ours_draw:7.1f}x  "
          "(target >= 20x)")
    print(f"{'interventional MAE':24s} {o_do:10.4f} {g_do:10.4f}")
    print(f"{'counterfactual RMSE':24s} {o_cf:10.4f} {g_cf:10.4f}")
    return {"fit": (ours_fit, gcm_fit), "draw": (ours_draw, gcm_draw), "do": (o_do, g_do), "cf": (o_cf, g_cf)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one repeat, a 20-node DAG, no DoWhy-gcm on it")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round: runs every path (the test "
                        "suite's check); its ratios mean nothing")
    args = parser.parse_args()
    quick = args.quick or args.smoke
    repeat = 1 if quick else 3
    n = 500 if args.smoke else 10_000
    confounding = cl.make("Confounding-v0")
    learner_table(confounding, n, [LinearRegression(), LinearRegression(features=["T"]), GradientBoosting(), MLP(),
                                   Backdoor(), GCM()], repeat)
    n_dag = 8 if args.smoke else 20 if args.quick else 50
    dag = cl.make("RandomDAG-v0", n_variables=n_dag)
    dag_learners = [LinearRegression(), GradientBoosting(), MLP(), Backdoor()]
    if not quick:
        dag_learners.append(GCM())
    learner_table(dag, n, dag_learners, 1)
    print(f"  (true ATE {float(dag.true_effects()['ate']):+.4f})")
    mlp_loop_vs_dataloader(n, epochs=2 if args.smoke else 20, repeat=repeat)
    print()
    dowhy_overhead("Confounding-v0", n, repeat)
    dowhy_overhead("RandomDAG-v0", n, repeat, n_variables=n_dag)
    if args.smoke:
        neural_scm_vs_gcm(n_dag, n, 2_000, n_truth=20_000)
    else:
        neural_scm_vs_gcm(n_dag, n, 100_000 if args.quick else 1_000_000)


if __name__ == "__main__":
    main()
