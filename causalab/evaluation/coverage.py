"""Calibration of the learners' intervals: how often a nominal 95% interval holds the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .evaluate import COLUMNS

#: the nominal level of every interval causalab learners return
NOMINAL = 0.95

COVERAGE_COLUMNS = ("learner", "estimand", "n_intervals", "coverage", "binomial_se", "n_valid", "coverage_valid",
                    "binomial_se_valid", "calibration")


def coverage_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per (learner, estimand): the share of its 95% intervals that held the truth.

    Counted over every seed and environment of ``results`` (the ``ate_covered``,
    ``att_covered`` and ``atc_covered`` rows), and apart over the cells where the
    environment expects the learner to succeed (``*_valid``): a biased estimator's interval
    misses for a reason that is not calibration. ``binomial_se`` is
    ``sqrt(0.95 * 0.05 / n)``, the spread of a calibrated interval's coverage over ``n``
    intervals. ``calibration`` (over the valid cells): ``"calibrated"`` within 2 binomial
    standard errors of 0.95, ``"under-covers"`` / ``"over-covers"`` beyond, ``"too few"``
    under 10 intervals.
    """
    if not isinstance(results, pd.DataFrame) or list(results.columns) != list(COLUMNS):
        raise ValueError("coverage_table needs a result table from causalab.evaluate")
    rows = results[results["metric"].str.endswith("_covered") & (results["status"] == "ok")]
    out = []
    for (learner, metric), g in rows.groupby(["learner", "metric"], sort=False):
        valid = g[g["expected"] == "succeeds"]
        n, n_valid = len(g), len(valid)
        cov_valid = float(valid["value"].mean()) if n_valid else np.nan
        se_valid = float(np.sqrt(NOMINAL * (1 - NOMINAL) / n_valid)) if n_valid else np.nan
        if n_valid < 10:
            calibration = "too few"
        elif abs(cov_valid - NOMINAL) <= 2 * se_valid:
            calibration = "calibrated"
        else:
            calibration = "under-covers" if cov_valid < NOMINAL else "over-covers"
        out.append({"learner": learner, "estimand": metric[: -len("_covered")], "n_intervals": n,
                    "coverage": float(g["value"].mean()), "binomial_se": float(np.sqrt(NOMINAL * (1 - NOMINAL) / n)),
                    "n_valid": n_valid, "coverage_valid": cov_valid, "binomial_se_valid": se_valid,
                    "calibration": calibration})
    return pd.DataFrame(out, columns=list(COVERAGE_COLUMNS))


__all__ = ["COVERAGE_COLUMNS", "NOMINAL", "coverage_table"]
