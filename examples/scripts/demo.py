"""The main job until the benchmark exists: a tour of the SCM engine.

Run with ``make demo`` (or ``python examples/scripts/demo.py`` inside the virtual environment).
It builds an environment, samples, intervenes, computes counterfactuals and prints
exact effects, then builds a continuous SCM by hand and draws both graphs.
"""

from pathlib import Path

import torch

import causalab as cl


def main(out_dir: Path = Path("out")) -> None:
    out_dir.mkdir(exist_ok=True)
    print(cl.list_environments().to_string(index=False), "\n")

    # 1. Simpson's paradox, exactly, from the published counts
    env = cl.make("KidneyStones-v0")
    scm = env.scm
    crude = scm.prob({"R": 1}, given={"T": 1}) - scm.prob({"R": 1}, given={"T": 0})
    print("Kidney stones (T=1: treatment A, S=1: large stone, R=1: success)")
    print(f"  P(R=1 | do(T=1)) = {scm.prob({'R': 1}, do={'T': 1}):.4f}")
    print(f"  P(R=1 | do(T=0)) = {scm.prob({'R': 1}, do={'T': 0}):.4f}")
    print(f"  ATE              = {scm.ate('T', 'R'):+.4f}   (exact)")
    print(f"  crude contrast   = {crude:+.4f}   (conditioning, not intervening)")
    print(f"  valid back-door set: {scm.minimal_backdoor_set('T', 'R')}")

    obs = env.sample(100_000, seed=0)
    treated = env.do({"T": 1}).sample(100_000, seed=0)
    conditioned = obs.loc[obs["T"] == 1, "R"].mean()  # column "T", not the transpose .T
    print(f"  simulated: P(R=1 | T=1) = {conditioned:.4f}, P(R=1 | do(T=1)) = {treated['R'].mean():.4f}")

    world = env.sample_world(5, seed=1)
    cf = env.counterfactual(world, do={"T": 1 - world["T"].to_numpy()})
    print("  five units and their counterfactual recovery under the other treatment:")
    print(world[["S", "T", "R"]].assign(R_other=cf["R"]).to_string())
    print(f"  P(recovery would have failed without A | A and recovered) = "
          f"{scm.probability_of_necessity('T', 'R'):.4f}\n")

    # 2. The front door: a hidden confounder, and still an exact answer
    fd = cl.make("FrontDoor-v0").scm
    print("Front door (X smoking, Z tar, Y cancer, U hidden genotype)")
    print(f"  P(Y=1 | do(X=1)) = {fd.prob({'Y': 1}, do={'X': 1}):.4f}, P(Y=1 | do(X=0)) = "
          f"{fd.prob({'Y': 1}, do={'X': 0}):.4f}")
    print(f"  P(Y=1 | X=1)     = {fd.prob({'Y': 1}, given={'X': 1}):.4f}, P(Y=1 | X=0)     = "
          f"{fd.prob({'Y': 1}, given={'X': 0}):.4f}")
    print(f"  Z is a front-door set: {fd.is_frontdoor_set('X', 'Y', ['Z'])}\n")

    # 3. A continuous SCM built by hand
    scm = cl.SCM()
    scm.add("Z", cl.Normal(0, 1))
    scm.add("X", cl.Linear({"Z": 0.8}, noise=cl.Normal(0, 1)))
    scm.add("M", cl.Linear({"X": 1.5}, noise=cl.Normal(0, 1)))
    scm.add("Y", cl.Linear({"M": 0.5, "X": 0.25, "Z": 1.0}, noise=cl.Normal(0, 0.5)))
    scm.add("W", cl.Additive(lambda Y: torch.tanh(Y), noise=cl.Laplace(0, 0.1)))
    print("A linear-Gaussian SCM (path algebra gives exact answers)")
    print(f"  ATE of X on Y = {scm.ate('X', 'Y')}   (0.25 + 1.5 * 0.5 = 1.0)")
    print(f"  NDE = {scm.nde('X', 'Y', 'M')}, NIE = {scm.nie('X', 'Y', 'M')}")
    print(f"  regression slope of Y on X = {scm.covariance('X', 'Y') / scm.variance('X'):.4f} (confounded by Z)")
    print(f"  E[W | do(X=1)] = {scm.expectation('W', do={'X': 1}, seed=0)!r}   (tanh: Monte Carlo)")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    env.scm.draw(ax=axes[0], roles=env.roles, title="kidney stones")
    env.scm.do({"T": 1}).draw(ax=axes[1], roles=env.roles)
    fig.tight_layout()
    fig.savefig(out_dir / "kidney_stones.png", dpi=100)
    print(f"\nwrote {out_dir / 'kidney_stones.png'}")


if __name__ == "__main__":
    main()
