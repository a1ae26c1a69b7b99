"""Solutions to notebook 14 (teacher's copy); see solutions/_harness.py for the format."""


def my_bias(A, C):
    """c Cov(U, T | X) / Var(T | X) = a c / (a**2 + 1): U's variance 1, T's own noise variance 1."""
    return A * C / (A**2 + 1)


WRONG = {
    "my_bias": {
        # Var(T) = 1 (X) + a**2 (U) + 1 (noise); Cov(T, Y) = Var(T) + Cov(T, X + c U) = Var(T) + 1 + a c
        "the naive contrast's bias: the unadjusted slope Cov(T, Y) / Var(T) minus 1":
            lambda A, C: (2 + A**2 + 1 + A * C) / (2 + A**2) - 1,
        "the right formula with the wrong weight: a c, not divided by Var(T | X)": lambda A, C: A * C,
        "the right formula with the wrong variance: a c / Var(T), X's part included":
            lambda A, C: A * C / (2 + A**2),
        "0: the refuters passed, so the estimate is unbiased": lambda: 0.0,
    },
}
