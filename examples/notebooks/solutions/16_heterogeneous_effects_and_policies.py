"""Solutions to notebook 16 (teacher's copy); see solutions/_harness.py for the format."""

import numpy as np


def my_value(y, t, e, pi):
    """mean of y 1{t = pi} / P(T = pi | X): the rule's value by inverse probability weighting."""
    p_agree = np.where(pi == 1, e, 1 - e)
    return float(np.mean(y * (t == pi) / p_agree))


WRONG = {
    "my_value": {
        "the naive answer: the mean outcome of the units whose treatment agrees with the rule":
            lambda y, t, pi: float(y[t == pi].mean()),
        "the right formula with the wrong weights: 1 / e for every agreeing unit":
            lambda y, t, e, pi: float(np.mean(y * (t == pi) / e)),
        "the value of treating everyone (the ATE's world, not the rule's)":
            lambda y, t, e: float(np.mean(y * t / e)),
        "the rule's gain over treating no one, not its value":
            lambda y, t, e, pi: my_value(y, t, e, pi) - float(np.mean(y * (1 - t) / (1 - e))),
    },
}
