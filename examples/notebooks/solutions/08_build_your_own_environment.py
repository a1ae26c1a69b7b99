"""Solutions to notebook 08 (teacher's copy); see solutions/_harness.py for the format."""

import math


def my_probability():
    """sigmoid(5 - 0.1 x 70) = 1 / (1 + e^2)."""
    return 1 / (1 + math.exp(-(5 - 0.1 * 70)))


WRONG = {
    "my_probability": {
        "the linear score 5 - 0.1 x 70, not passed through the sigmoid": lambda: 5 - 0.1 * 70,
        "the sign of the age coefficient flipped: sigmoid(-5 + 0.1 x 70)": lambda: 1 / (1 + math.exp(-(-5 + 0.1 * 70))),
        "the odds exp(5 - 0.1 x 70) instead of the probability": lambda: math.exp(5 - 0.1 * 70),
        "the share exercising in the whole population (every age)": lambda env: float(
            env.sample(200_000, seed=4)["Exercise"].mean()),
    },
}
