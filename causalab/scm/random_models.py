"""Random SCMs for stress tests, property tests and benchmarks.

Every generator takes ``seed`` and nothing else random; the same seed gives the same model.
"""

from __future__ import annotations

import numpy as np

from .._random import seed_sequence
from .core import SCM
from .mechanisms import Linear, Table
from .noise import Normal


def random_dag(n_nodes: int, expected_degree: float = 2.0, seed=None) -> list[list[int]]:
    """Erdos-Renyi DAG on nodes ``0..n_nodes-1`` (edges go from lower to higher index).

    Returns each node's parent list. ``expected_degree`` is the expected number of
    edges touching a node (parents plus children). A numpy Generator ``seed`` is drawn
    from directly, so callers can share one stream.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed_sequence(seed))
    p = min(1.0, expected_degree / max(1, n_nodes - 1))
    return [sorted(np.flatnonzero(rng.random(j) < p).tolist()) for j in range(n_nodes)]


def random_linear_gaussian(n_nodes: int, expected_degree: float = 2.0, seed=None, prefix: str = "X") -> SCM:
    """A linear-Gaussian SCM on a random DAG: coefficients in +-[0.5, 1.5], noise scales in [0.5, 1.5]."""
    rng = np.random.default_rng(seed_sequence(seed))
    parents = random_dag(n_nodes, expected_degree, rng)
    scm = SCM()
    for j, pa in enumerate(parents):
        coefs = {f"{prefix}{i}": float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.5)) for i in pa}
        noise = Normal(0.0, float(rng.uniform(0.5, 1.5)))
        scm.add(f"{prefix}{j}", Linear(coefs, intercept=float(rng.normal()), noise=noise))
    return scm


def random_discrete(n_nodes: int, expected_degree: float = 2.0, max_levels: int = 3, max_parents: int = 4,
                    seed=None, prefix: str = "X") -> SCM:
    """A discrete SCM on a random DAG with Dirichlet(1) conditional tables.

    Each node has 2..``max_levels`` levels and at most ``max_parents`` parents.
    """
    rng = np.random.default_rng(seed_sequence(seed))
    parents = random_dag(n_nodes, expected_degree, rng)
    levels = rng.integers(2, max_levels + 1, size=n_nodes)
    scm = SCM()
    for j, pa in enumerate(parents):
        pa = pa[-max_parents:]
        shape = tuple(int(levels[i]) for i in pa)
        probs = rng.dirichlet(np.ones(int(levels[j])), size=shape)
        scm.add(f"{prefix}{j}", Table([f"{prefix}{i}" for i in pa], probs))
    return scm
