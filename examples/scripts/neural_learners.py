"""The neural causal learners side by side against the exact truth.

For three environments, each learner's ATE and rung-3 error (counterfactual RMSE against the
stored-noise truth of 1,000 units) next to the truth: where a learner refuses (its
assumptions do not hold), the refusal is printed. A script to copy when you script your own
experiments.

Run: ``python examples/scripts/neural_learners.py [--n 4000]``. With ``CAUSALAB_FAST=1`` (as the
test suite runs it) it trains on 400 rows for fewer epochs: the numbers are then noisier, the
code path the same.
"""

from __future__ import annotations

import argparse
import os
import warnings

import numpy as np

import causalab as cl
from causalab.learners import CEVAE, MLP, DragonNet, NeuralSCM, SLearner, TARNet

warnings.filterwarnings("ignore")


def main():
    parser = argparse.ArgumentParser()
    fast = os.environ.get("CAUSALAB_FAST") == "1"
    parser.add_argument("--n", type=int, default=400 if fast else 3000, help="training rows")
    args = parser.parse_args()
    epochs = 0.2 if fast else 1.0  # share of the full epochs
    setups = {
        "Confounding-v0": dict(nonlinear=True),
        "HeterogeneousEffects-v0": {},
        "ProxyConfounder-v0": {},
    }
    learners = [MLP(features="treatment", max_epochs=int(60 * epochs)), SLearner(),
                NeuralSCM(max_epochs=int(NeuralSCM().max_epochs * epochs)), TARNet(max_epochs=int(100 * epochs)),
                DragonNet(max_epochs=int(100 * epochs)), CEVAE(num_epochs=int(20 * epochs), hidden_dim=64)]
    for env_id, knobs in setups.items():
        env = cl.make(env_id, **knobs)
        data = env.sample(args.n, seed=0)
        world = env.sample_world(200 if fast else 1000, seed=1)
        treated = 1 if env.scm.mechanism(env.treatment).discrete else 1.0
        truth_cf = env.counterfactual(world, {env.treatment: treated})[env.outcome].to_numpy()
        print(f"\n{env_id} {knobs or ''}: true ATE {float(env.true_effects()['ate']):+.3f}")
        for learner in learners:
            name = repr(learner)[:40]
            try:
                learner.fit(data, env.task)
            except cl.CausalabError as exc:
                print(f"  {name:42s} refuses: {str(exc)[:70]}")
                continue
            ate = learner.effect(treated, 0).value
            cf = learner.predict_counterfactual(world[env.observed], {env.treatment: treated}).to_numpy()
            print(f"  {name:42s} ATE {ate:+.3f}   counterfactual RMSE {np.sqrt(np.mean((cf - truth_cf) ** 2)):.3f}")


if __name__ == "__main__":
    main()
