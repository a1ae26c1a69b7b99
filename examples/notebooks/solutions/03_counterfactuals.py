"""Solutions to notebook 03 (teacher's copy); see solutions/_harness.py for the format."""


def my_probability():
    """U_Y in [0, 0.8) given X=0, Y=0; Y=0 under X=1 needs U_Y < 0.3: 0.3 / 0.8."""
    return 0.3 / 0.8


WRONG = {
    "my_probability": {
        "a rung-2 answer where rung 3 is asked: P(Y=0 | do(X=1))": lambda binary: float(
            binary.prob({"Y": 0}, do={"X": 1})),
        "the factual probability P(Y=0 | X=0)": lambda: 0.8,
        "the right ratio with the wrong interval: 0.3 / 0.7": lambda: 0.3 / 0.7,
        "the complement, P(Y_1 = 1 | X=0, Y=0)": lambda: 1 - 0.3 / 0.8,
        "the lower bound the data allow, (0.3 + 0.8 - 1) / 0.8": lambda: 0.1 / 0.8,
    },
}
