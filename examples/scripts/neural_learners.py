"""The neural causal learners side by side against the exact truth.

For three environments, each learner's ATE and rung-3 error (counterfactual RMSE against the
stored-noise truth of 1,000 units) next to the truth: where a learner refuses (its
assumptions do not hold), the refusal is printed. A script to copy when you script your own
experiments.

Run: ``python examples/scripts/neural_learners.py [--n 4000]``
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

import causalab as cl
from causalab.learners import CEVAE, MLP, DragonNet, NeuralSCM, SLearner, TARNet

warnings.filterwarnings("ignore")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000, help="training rows")
    args = parser.parse_args()
    setups = {
        "Confounding-v0": dict(nonlinear=True),
        "HeterogeneousEffects-v0": {},
        "ProxyConfounder-v0": {},
    }
    learners = [MLP(features="treatment", max_epochs=60), SLearner(), NeuralSCM(), TARNet(max_epochs=100),
                DragonNet(max_epochs=100), CEVAE(num_epochs=20, hidden_dim=64)]
    for env_id, knobs in setups.items():
        env = cl.make(env_id, **knobs)
        data = env.sample(args.n, seed=0)
        world = env.sample_world(1000, seed=1)
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
