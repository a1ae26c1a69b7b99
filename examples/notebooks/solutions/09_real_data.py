"""Solutions to notebook 09 (teacher's copy); see solutions/_harness.py for the format."""


def my_ett(rep9):
    """The mean of the conditional effects mu1 - mu0 over the treated children."""
    return float((rep9["mu1"] - rep9["mu0"])[rep9["T"] == 1].mean())


def _individual(rep9):
    treated = rep9["T"] == 1
    y1 = rep9["y_factual"].where(treated, rep9["y_cfactual"])
    y0 = rep9["y_cfactual"].where(treated, rep9["y_factual"])
    return y1 - y0, treated


WRONG = {
    "my_ett": {
        "the naive contrast of the factual outcomes": lambda rep9: float(
            rep9.loc[rep9["T"] == 1, "y_factual"].mean() - rep9.loc[rep9["T"] == 0, "y_factual"].mean()),
        "the right effects with the wrong weights: averaged over every child (the ATE)": lambda rep9: float(
            (rep9["mu1"] - rep9["mu0"]).mean()),
        "the right effects averaged over the control children (the ATC)": lambda rep9: float(
            (rep9["mu1"] - rep9["mu0"])[rep9["T"] == 0].mean()),
        "the individual effects y1 - y0 with their noise, over the treated": lambda rep9: float(
            (lambda eff, treated: eff[treated].mean())(*_individual(rep9))),
    },
}
