"""Timing shared by the benchmark scripts."""

import time


def best_time(fn, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs of ``fn()``, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
