"""Solutions to notebook 17 (teacher's copy); see solutions/_harness.py for the format."""

import itertools


def my_shd(found, truth):
    """One point per unordered pair whose (a -> b, b -> a) differs between the graphs."""
    learned = found.graph_
    return sum((learned.has_edge(a, b), learned.has_edge(b, a)) != (truth.has_edge(a, b), truth.has_edge(b, a))
               for a, b in itertools.combinations(sorted(truth), 2))


WRONG = {
    "my_shd": {
        "the naive count: directed edges in one graph only (a reversed edge counted twice)":
            lambda found, truth: len(set(found.graph_.edges) ^ set(truth.edges)),
        "direction ignored: the skeletons' difference": lambda found, truth: len(
            {frozenset(e) for e in found.graph_.edges} ^ {frozenset(e) for e in truth.edges}),
        "only the true edges PC's graph lacks (directed)": lambda found, truth: len(
            set(truth.edges) - set(found.graph_.edges)),
    },
}
