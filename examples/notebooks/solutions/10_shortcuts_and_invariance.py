"""Solutions to notebook 10 (teacher's copy); see solutions/_harness.py for the format."""


def my_shortcut_accuracy():
    """The rule is right exactly when S copied Y without error: 1 - e_2 = 1 - 0.9."""
    return 1 - 0.9


WRONG = {
    "my_shortcut_accuracy": {
        "the naive answer: the shortcut's accuracy in the training domains": lambda: 1 - (0.1 + 0.2) / 2,
        "the right formula with the wrong domain's error rate (domain 1)": lambda: 1 - 0.2,
        "the error rate instead of the accuracy": lambda: 0.9,
        "the accuracy of the causal rule 'predict Y = C'": lambda: 0.75,
    },
}
