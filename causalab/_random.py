"""Explicit randomness: seeds in, independent torch/numpy generators out.

Nothing here reads or writes global RNG state. Each variable of a model draws its
noise from its own stream, keyed by the variable's name, so that two models that
share a seed share the noise of every variable they have in common. That is what
makes "same units, different intervention" comparisons exact.
"""

from __future__ import annotations

import zlib

import numpy as np

from .exceptions import InvalidValueError

Seed = "int | np.random.Generator | np.random.SeedSequence | None"


def seed_sequence(seed) -> np.random.SeedSequence:
    """Turn an int, a numpy Generator, a SeedSequence or None into a SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63)))
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidValueError(
            f"seed must be a non-negative int, a numpy Generator or None, got {seed!r}"
        )
    return np.random.SeedSequence(int(seed))


def stream_seeds(root: np.random.SeedSequence, count: int, *keys: str) -> list[int]:
    """``count`` independent 63-bit seeds for the stream named by ``keys`` (one per chunk)."""
    spawn_key = tuple(zlib.crc32(k.encode()) for k in keys)
    child = np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key + spawn_key)
    return [int(x) for x in child.generate_state(count, np.uint64) >> np.uint64(1)]


def torch_generator(root: np.random.SeedSequence, *keys: str):
    """A fresh ``torch.Generator`` for the stream named by ``keys``."""
    import torch

    return torch.Generator().manual_seed(stream_seeds(root, 1, *keys)[0])
