"""Solutions to notebook 11 (teacher's copy); see solutions/_harness.py for the format."""


def my_adjustment():
    """Z3 blocks T <- Z3 -> Y but opens T <- Z1 -> Z3 <- Z2 -> Y; Z1 (or Z2) closes it again."""
    return {"Z1", "Z3"}


WRONG = {
    "my_adjustment": {
        "the naive contrast: adjust for nothing": lambda: set(),
        "the confounder Z3 alone, which opens the collider path through Z1 and Z2": lambda: {"Z3"},
        "a valid set plus the mediator W (a descendant of T)": lambda: {"Z1", "Z3", "W"},
        "every pre-treatment variable: valid, but not the smallest": lambda: {"Z1", "Z2", "Z3"},
    },
}
