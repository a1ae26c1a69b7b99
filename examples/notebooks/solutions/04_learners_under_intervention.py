"""Solutions to notebook 04 (teacher's copy); see solutions/_harness.py for the format."""


def _ate(results):
    return results[results["metric"] == "ate"].set_index("learner")


def my_best(results):
    """The learner whose ATE estimate is closest to the truth."""
    ate = _ate(results)
    return (ate["value"] - ate["true_value"]).abs().idxmin()


def _other_causal(results):
    ate = _ate(results)
    best = my_best(results)
    return next(name for name in ("Backdoor()", "NeuralSCM()") if name != best and name in ate.index)


WRONG = {
    "my_best": {
        "the other causal learner, farther from the truth": _other_causal,
        "the naive regression on T (the slope of the naive contrast)":
            lambda: "LinearRegression(features='treatment')",
        "the MLP, the best fit to observational data": lambda results: next(
            name for name in _ate(results).index if name.startswith("MLP")),
    },
}
