"""Solutions to notebook 07 (teacher's copy); see solutions/_harness.py for the format."""

import numpy as np


def my_counterfactuals(learners, factual):
    """Abduction U = Y - f(T, Z), action T = 2, prediction f(2, Z) + U."""
    f = learners["MLP (regression of Y on T, Z)"]
    noise = factual["Y"].to_numpy() - f.predict(factual).to_numpy()
    return f.predict_do(factual, {"T": 2.0}).to_numpy() + noise


WRONG = {
    "my_counterfactuals": {
        "a rung-2 answer where rung 3 is asked: E[Y | do(T=2), Z] from the MLP": lambda learners, factual: learners[
            "MLP (regression of Y on T, Z)"].predict_do(factual, {"T": 2.0}).to_numpy(),
        "a rung-2 answer from the neural SCM: NeuralSCM.predict_do": lambda learners, factual: learners[
            "NeuralSCM"].predict_do(factual, {"T": 2.0}).to_numpy(),
        "the naive slope: Y + (2 - T) x the slope of Y on T alone": lambda factual: (
            factual["Y"] + (2.0 - factual["T"]) * np.polyfit(factual["T"], factual["Y"], 1)[0]).to_numpy(),
        "the factual Y, unchanged": lambda factual: factual["Y"].to_numpy(),
    },
}
