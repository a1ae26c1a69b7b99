"""Solutions to notebook 18 (teacher's copy); see solutions/_harness.py for the format."""


def my_pn(scm):
    """Under monotonicity: PN = [P(Y=1) - P(Y=1 | do(X=0))] / P(X=1, Y=1)."""
    return float((scm.prob({"Y": 1}) - scm.prob({"Y": 1}, do={"X": 0})) / scm.prob({"X": 1, "Y": 1}))


WRONG = {
    "my_pn": {
        "the naive excess risk ratio from the observational contrast": lambda scm: float(
            1 - scm.prob({"Y": 1}, given={"X": 0}) / scm.prob({"Y": 1}, given={"X": 1})),
        "the right numerator with the wrong denominator, P(Y=1)": lambda scm: float(
            (scm.prob({"Y": 1}) - scm.prob({"Y": 1}, do={"X": 0})) / scm.prob({"Y": 1})),
        "a rung-2 answer where rung 3 is asked: the ATE": lambda scm: float(
            scm.prob({"Y": 1}, do={"X": 1}) - scm.prob({"Y": 1}, do={"X": 0})),
        "the experimental excess risk ratio 1 - p0 / p1 (ignores who was exposed)": lambda scm: float(
            1 - scm.prob({"Y": 1}, do={"X": 0}) / scm.prob({"Y": 1}, do={"X": 1})),
    },
}
