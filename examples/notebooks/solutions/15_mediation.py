"""Solutions to notebook 15 (teacher's copy); see solutions/_harness.py for the format."""

import numpy as np


def _nde(data, weights_from):
    px = data["X"].value_counts(normalize=True)
    pm = data.groupby(["T", "X"])["M"].mean()
    ey = data.groupby(["T", "M", "X"])["Y"].mean()
    total = 0.0
    for x in (0, 1):
        for m in (0, 1):
            p = pm[(weights_from, x)] if m == 1 else 1 - pm[(weights_from, x)]
            total += px[x] * p * (ey[(1, m, x)] - ey[(0, m, x)])
    return float(total)


def my_nde(data):
    """sum_x P(x) sum_m P(M=m | T=0, x) [E(Y | 1, m, x) - E(Y | 0, m, x)]."""
    return _nde(data, weights_from=0)


def _cde0(data):
    px = data["X"].value_counts(normalize=True)
    ey = data.groupby(["T", "M", "X"])["Y"].mean()
    return float(sum(px[x] * (ey[(1, 0, x)] - ey[(0, 0, x)]) for x in (0, 1)))


WRONG = {
    "my_nde": {
        "the naive contrast": lambda data: float(data.loc[data["T"] == 1, "Y"].mean()
                                                 - data.loc[data["T"] == 0, "Y"].mean()),
        "the right formula with the wrong weights, P(M=m | T=1, x): the total direct effect": lambda data: _nde(
            data, weights_from=1),
        "a rung-2 answer where rung 3 is asked: the controlled direct effect at M = 0": _cde0,
        "the coefficient of T in a linear regression of Y on T, M, X": lambda data: float(np.linalg.lstsq(
            np.column_stack([np.ones(len(data)), data["T"], data["M"], data["X"]]), data["Y"], rcond=None)[0][1]),
    },
}
