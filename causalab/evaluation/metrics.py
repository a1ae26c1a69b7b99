"""Metrics: pure functions of predictions and the truth (numpy arrays in, floats out).

Every function checks that its inputs have the same length and are finite, and raises
:class:`~causalab.InvalidValueError` otherwise: a metric never returns a number computed
from misaligned or missing values.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import InvalidValueError


def _pair(predicted, truth):
    p = np.asarray(predicted, dtype=np.float64).reshape(-1)
    t = np.asarray(truth, dtype=np.float64).reshape(-1)
    if len(p) != len(t) or len(p) == 0:
        raise InvalidValueError(f"a metric needs two non-empty arrays of one length, got {len(p)} and {len(t)}")
    if not (np.isfinite(p).all() and np.isfinite(t).all()):
        raise InvalidValueError("a metric got NaN or infinite values")
    return p, t


def rmse(predicted, truth) -> float:
    """Root mean squared error, sqrt(mean((predicted - truth)^2))."""
    p, t = _pair(predicted, truth)
    return float(np.sqrt(np.mean((p - t) ** 2)))


def accuracy(probability, truth) -> float:
    """Share of units whose binary outcome is predicted right by thresholding P(Y=1) at 1/2."""
    p, t = _pair(probability, truth)
    return float(np.mean((p > 0.5).astype(np.float64) == t))


def brier(probability, truth) -> float:
    """Brier score mean((P(Y=1) - Y)^2): calibration and sharpness of probabilistic answers."""
    p, t = _pair(probability, truth)
    return float(np.mean((p - t) ** 2))


def pehe(cate_hat, cate) -> float:
    """Precision in estimating heterogeneous effects (Hill 2011): sqrt(mean((tau_hat - tau)^2))."""
    return rmse(cate_hat, cate)


def survival_ratio(interventional_error: float, observational_error: float) -> float:
    """Interventional over observational error: 1 means the fit survives the intervention,
    large values mean it answered the interventional question with a correlation."""
    if not (np.isfinite(interventional_error) and np.isfinite(observational_error)) or observational_error <= 0:
        raise InvalidValueError(f"survival ratio needs finite errors and a positive observational error, got "
                                f"{interventional_error!r} and {observational_error!r}")
    return float(interventional_error / observational_error)


def covered(interval, truth: float) -> float:
    """1.0 when ``truth`` lies in the closed ``interval`` (lo, hi), else 0.0; the mean over
    seeds is the interval's coverage."""
    lo, hi = (float(v) for v in interval)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
        raise InvalidValueError(f"an interval needs finite lo <= hi, got {interval!r}")
    return float(lo <= float(truth) <= hi)
