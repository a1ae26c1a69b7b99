"""Metrics: pure functions of predictions and the truth (numpy arrays in, floats out).

Every function checks that its inputs have the same length and are finite, and raises
:class:`~causalab.InvalidValueError` otherwise: a metric never returns a number computed
from misaligned or missing values. The metrics of probabilities (``accuracy``, ``brier``)
also refuse values outside [0, 1] (an answer such as ``y + effect`` on a binary outcome is
no probability), and ``rmse`` takes the outcome's range as ``bounds`` to refuse answers
outside it.
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


def _within(values: np.ndarray, bounds, what: str) -> None:
    lo, hi = bounds
    outside = (values < lo) | (values > hi)
    if outside.any():
        bad = values[outside]
        raise InvalidValueError(f"{what} must lie in [{lo:g}, {hi:g}]; {int(outside.sum())} of {len(values)} do not "
                                f"(from {bad.min():.4g} to {bad.max():.4g})")


def rmse(predicted, truth, bounds: tuple[float, float] | None = None) -> float:
    """Root mean squared error, sqrt(mean((predicted - truth)^2)); with ``bounds`` (the
    outcome's range, e.g. (0, 1) for a binary one) predictions outside it are refused."""
    p, t = _pair(predicted, truth)
    if bounds is not None:
        _within(p, bounds, "predictions of an outcome with this range")
    return float(np.sqrt(np.mean((p - t) ** 2)))


def _probabilities(probability, truth):
    p, t = _pair(probability, truth)
    _within(p, (0.0, 1.0), "probabilities P(Y=1)")
    _within(t, (0.0, 1.0), "the truth of a binary outcome (0/1 values, or counterfactual probabilities)")
    return p, t


def accuracy(probability, truth) -> float:
    """Share of units whose binary outcome is predicted right by thresholding P(Y=1) at 1/2;
    ``probability`` and ``truth`` must lie in [0, 1]."""
    p, t = _probabilities(probability, truth)
    return float(np.mean((p > 0.5).astype(np.float64) == t))


def brier(probability, truth) -> float:
    """Brier score mean((P(Y=1) - Y)^2): calibration and sharpness of probabilistic answers;
    ``probability`` and ``truth`` must lie in [0, 1]."""
    p, t = _probabilities(probability, truth)
    return float(np.mean((p - t) ** 2))


def pehe(cate_hat, cate) -> float:
    """Precision in estimating heterogeneous effects (Hill 2011): sqrt(mean((tau_hat - tau)^2))."""
    return rmse(cate_hat, cate)


def survival_ratio(interventional_error: float, observational_error: float) -> float:
    """Interventional over observational error: 1 means the fit survives the intervention,
    large values mean it answered the interventional question with a correlation.

    The evaluator passes errors relative to their noise floors, ``do_rmse / do_reference_rmse``
    and ``rmse / reference_rmse`` (see :mod:`causalab.evaluation.excess`), so that the noise
    an intervention adds (or removes) is not counted as the learner's error."""
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


def bias_rmse(predicted, reference, reference_se=None) -> tuple[float, float]:
    """The excess error ``sqrt(mean((predicted - reference)^2))`` and its standard error.

    ``reference`` holds each unit's best possible answer (see
    :mod:`causalab.evaluation.reference`); an answer equal to it scores 0 whatever the
    noise. When the reference is a Monte Carlo estimate with per-unit standard errors
    ``reference_se`` (``s``), its own noise is removed: the value is
    ``sqrt(max(0, mean((predicted - reference)^2 - s^2)))``, and the returned standard
    error is that of the value under the Monte Carlo noise (units held fixed):
    ``sqrt(V) / max(2 value, V^(1/4))`` with ``V = (4 mean(d^2 s^2) + 2 mean(s^4)) / n``.
    Exact references (no ``reference_se``, or zeros) give a standard error of 0.

    Returns
    -------
    (float, float)
        The excess and its standard error.
    """
    p, r = _pair(predicted, reference)
    d2 = (p - r) ** 2
    if reference_se is None:
        return float(np.sqrt(np.mean(d2))), 0.0
    s2 = np.asarray(reference_se, dtype=np.float64).reshape(-1) ** 2
    if len(s2) != len(p) or not np.isfinite(s2).all():
        raise InvalidValueError(f"reference_se needs {len(p)} finite values, got {len(s2)}")
    if not s2.any():
        return float(np.sqrt(np.mean(d2))), 0.0
    excess2 = float(np.mean(d2 - s2))
    value = float(np.sqrt(max(excess2, 0.0)))
    var = float((4 * np.mean(np.maximum(d2 - s2, 0.0) * s2) + 2 * np.mean(s2**2)) / len(p))
    return value, float(np.sqrt(var) / max(2 * value, var**0.25))
