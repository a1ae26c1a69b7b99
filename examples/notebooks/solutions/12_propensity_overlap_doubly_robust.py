"""Solutions to notebook 12 (teacher's copy); see solutions/_harness.py for the format."""

import numpy as np


def my_aipw(t, y, e, m1, m0):
    """mean of m1 - m0 + t (y - m1) / e - (1 - t) (y - m0) / (1 - e)."""
    return float(np.mean(m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1 - e)))


WRONG = {
    "my_aipw": {
        "the naive contrast": lambda t, y: float(y[t == 1].mean() - y[t == 0].mean()),
        "the right formula with the wrong weights: both residuals divided by e": lambda t, y, e, m1, m0: float(
            np.mean(m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / e)),
        "the outcome regression alone, mean(m1 - m0)": lambda m1, m0: float(np.mean(m1 - m0)),
        "IPW alone": lambda t, y, e: float(np.mean(t * y / e - (1 - t) * y / (1 - e))),
        "the exact ATE, 1, not the estimate from these data": lambda: 1.0,
    },
}
