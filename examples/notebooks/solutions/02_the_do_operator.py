"""Solutions to notebook 02 (teacher's copy); see solutions/_harness.py for the format."""


def my_variance():
    """Y = T + 2 Z + e_Y + 1 with T = Z + e_T: Y = 3 Z + e_T + e_Y + 1, so Var(Y) = 9 + 1 + 1."""
    return 3.0**2 * 1 + 1 + 1


WRONG = {
    "my_variance": {
        "the variance under the hard intervention do(T = 1): Var(2 Z + e_Y)": lambda: 2.0**2 + 1,
        "the right sum with the wrong weights: Var(T) + 2² Var(Z) + Var(e_Y), no covariance": lambda: 2 + 4 + 1.0,
        "the shift read as added variance: Var(Y) + 1": lambda: 12.0,
        "a noise term dropped: 3² Var(Z) + Var(e_Y)": lambda: 10.0,
    },
}
