"""Solutions to notebook 05 (teacher's copy); see solutions/_harness.py for the format."""


def my_limit():
    """Cov(T, Y) / Var(T) with T = sZ + e, Y = T + sZ + e': 1 + s² / (s² + 1) = 1.8 at s = 2."""
    s = 2.0
    return 1 + s**2 / (s**2 + 1)


WRONG = {
    "my_limit": {
        "the true effect (a rung-2 answer where the rung-1 limit is asked)": lambda truth: truth,
        "the right formula at the wrong strength, s = 1": lambda: 1.5,
        "the right covariance with the wrong normaliser: 1 + s² (Var(T) taken as 1)": lambda: 5.0,
        "1 + s / (s² + 1)": lambda: 1.4,
    },
}
