"""Solutions to notebook 01 (teacher's copy): each function answers one blank from the
notebook's variables; ``WRONG`` lists plausible wrong answers the checking cell must reject."""


def _differences(clinic):
    rate = clinic.groupby(["S", "T"])["R"].mean()
    return {s: rate[(s, 1)] - rate[(s, 0)] for s in (0, 1)}


def my_adjusted(clinic):
    """The adjustment formula: sum_s P(S=s) [P(R=1 | T=1, S=s) - P(R=1 | T=0, S=s)]."""
    diff = _differences(clinic)
    share = clinic["S"].value_counts(normalize=True)
    return sum(share[s] * diff[s] for s in (0, 1))


WRONG = {
    "my_adjusted": {
        "the naive contrast": lambda clinic: clinic.loc[clinic["T"] == 1, "R"].mean()
        - clinic.loc[clinic["T"] == 0, "R"].mean(),
        "the unweighted mean of the stratum differences": lambda clinic: sum(_differences(clinic).values()) / 2,
        "the right formula with P(S | T=1) as weights (the effect on the treated)": lambda clinic: sum(
            clinic.loc[clinic["T"] == 1, "S"].value_counts(normalize=True)[s] * d
            for s, d in _differences(clinic).items()),
        "the small-stone difference alone": lambda clinic: _differences(clinic)[0],
        "the adjusted effect in the trial's population, not the clinic's": lambda adjusted: adjusted.value,
    },
}
