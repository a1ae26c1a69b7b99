"""Learners side by side: correlational and causal, trained on the same observational data,
asked the same interventional question, set against the exact truth.

Run: ``python examples/scripts/learners_side_by_side.py``
"""

import causalab as cl
from causalab.learners import GCM, IV, MLP, Backdoor, FrontDoor, GradientBoosting, LinearRegression


def side_by_side(env_id, learners, n=5000, **knobs):
    env = cl.make(env_id, **knobs)
    data = env.sample(n, seed=0)
    truth = float(env.true_effects()["ate"])
    print(f"\n{env_id}: true ATE {truth:+.4f}  ({env.story})")
    for learner in learners:
        try:
            effect = learner.fit(data, env.task).effect(1, 0)
        except cl.CausalabError as exc:  # an estimator whose assumptions fail here refuses
            print(f"  {learner!r:36s} refuses: {exc}")
            continue
        fed = getattr(learner, "features_", None) or getattr(learner, "adjustment_set_", None)
        note = f"  fed {fed}" if fed is not None else ""
        print(f"  {learner!r:36s} {effect.value:+.4f}  error {effect.value - truth:+.4f}  "
              f"[{learner.tags.family}, rung 2 by {learner.tags.predict_do}]{note}")


side_by_side("Confounding-v0", [LinearRegression(features=["T"]), MLP(features=["T"]), MLP(), GradientBoosting(),
                                Backdoor(), GCM()])
side_by_side("Mediation-v0", [MLP(), MLP(features=["X", "T"]), Backdoor()])
side_by_side("FrontDoor-v0", [LinearRegression(features=["X"]), Backdoor(), FrontDoor()], n=50_000)
side_by_side("Instrument-v0", [LinearRegression(features=["T"]), Backdoor(), IV()])
side_by_side("KidneyStones-v0", [LinearRegression(features=["T"]), Backdoor(), Backdoor("ipw")], n=20_000)

# rung 3: one unit's counterfactual, from its factual row
env = cl.make("Confounding-v0")
world = env.sample_world(3, seed=1)
truth = env.counterfactual(world, do={"T": 0})["Y"]
data = env.sample(5000, seed=0)
print("\nConfounding-v0, three units under do(T=0): factual Y, true counterfactual Y, and each learner's answer")
print("  factual ", world["Y"].round(3).tolist())
print("  truth   ", truth.round(3).tolist())
for learner in (MLP(), Backdoor(), GCM()):
    cf = learner.fit(data, env.task).predict_counterfactual(world[env.observed], {"T": 0})
    print(f"  {type(learner).__name__:8s}", cf.round(3).tolist(), f"({learner.tags.predict_counterfactual})")
