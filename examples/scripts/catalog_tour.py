"""A tour of the environment catalog: what the data say, and what is true.

For each simulated environment, two simple estimates from 20,000 observational rows
are set against the exact truth: the naive difference in means (or slope), and a
regression adjustment for the environment's covariates. The environment's own
``expected`` tags say which should fail; the table shows it. Run with
``python examples/scripts/catalog_tour.py``.
"""

import numpy as np

import causalab as cl

ENVIRONMENTS = ["KidneyStones-v0", "Confounding-v0", "FrontDoor-v0", "Instrument-v0", "Collider-v0",
                "MBias-v0", "NonlinearSimpson-v0", "HeterogeneousEffects-v0", "Asia-v0", "IHDP-v0"]


def naive(data, t, y):
    x = data[t].to_numpy(dtype=float)
    if set(np.unique(x)) <= {0.0, 1.0}:
        return data.loc[x == 1, y].mean() - data.loc[x == 0, y].mean()
    return np.polyfit(x, data[y].to_numpy(dtype=float), 1)[0]


def adjusted(data, t, y, covariates):
    """Least squares of Y on T and the covariates: the coefficient of T."""
    X = np.column_stack([np.ones(len(data)), data[t]] + [data[c] for c in covariates]).astype(float)
    return np.linalg.lstsq(X, data[y].to_numpy(dtype=float), rcond=None)[0][1]


def main():
    print(f"{'environment':26s} {'true ATE':>9s} {'naive':>9s} {'adjusted':>9s}   naive / adjustment expected to")
    for env_id in ENVIRONMENTS:
        env = cl.make(env_id)
        data = env.sample(20_000, seed=0)
        t, y = env.treatment, env.outcome
        truth = float(env.true_effects()["ate"])
        expect = {k: "succeed" if ok else "fail" for k, (ok, _) in env.expected.items()}
        print(f"{env_id:26s} {truth:9.3f} {naive(data, t, y):9.3f} {adjusted(data, t, y, env.covariates):9.3f}"
              f"   {expect.get('naive', '-')} / {expect.get('backdoor', '-')}")
    print("\nFront door: the adjustment set is empty (the confounder is hidden); the front-door formula")
    fd = cl.make("FrontDoor-v0")
    d = fd.sample(200_000, seed=1)
    p = lambda q: q.mean()  # noqa: E731
    est = {x: sum(p(d.Z[d.X == x] == z) * sum(p(d.Y[(d.X == xp) & (d.Z == z)]) * p(d.X == xp) for xp in (0, 1))
                  for z in (0, 1)) for x in (0, 1)}
    print(f"from 200,000 rows gives {est[1] - est[0]:+.4f}; the truth is {float(fd.true_effects()['ate']):+.4f}.")


if __name__ == "__main__":
    main()
