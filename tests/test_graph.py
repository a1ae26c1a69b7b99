"""Graph questions on textbook graphs with known answers."""

import numpy as np
import pytest

import causalab as cl


def _uniform(k):
    return np.full((2,) * k, 0.5)


def dag(edges, hidden=()):
    nodes = []
    for u, v in edges:
        for x in (u, v):
            if x not in nodes:
                nodes.append(x)
    parents = {n: [u for u, v in edges if v == n] for n in nodes}
    return cl.SCM({n: cl.Table(parents[n], _uniform(len(parents[n]))) for n in nodes}, hidden=hidden)


def test_d_separation_on_a_collider():
    g = dag([("A", "C"), ("B", "C"), ("C", "D")])
    assert g.d_separated("A", "B")
    assert not g.d_separated("A", "B", given=["C"])
    assert not g.d_separated("A", "B", given=["D"])


def test_backdoor_sets_in_the_m_graph():
    # M-bias: T <- U1 -> M <- U2 -> Y, T -> Y; adjusting for M opens a path
    g = dag([("U1", "T"), ("U1", "M"), ("U2", "M"), ("U2", "Y"), ("T", "Y")])
    assert g.is_backdoor_set("T", "Y", [])
    assert not g.is_backdoor_set("T", "Y", ["M"])
    assert g.is_backdoor_set("T", "Y", ["M", "U1"])
    assert g.minimal_backdoor_set("T", "Y") == set()


def test_backdoor_excludes_descendants_and_hidden():
    g = dag([("Z", "T"), ("Z", "Y"), ("T", "M"), ("M", "Y")])
    assert g.is_backdoor_set("T", "Y", ["Z"])
    assert not g.is_backdoor_set("T", "Y", ["Z", "M"])
    assert g.minimal_backdoor_set("T", "Y") == {"Z"}
    hidden = dag([("Z", "T"), ("Z", "Y"), ("T", "Y")], hidden=["Z"])
    assert hidden.minimal_backdoor_set("T", "Y") is None


def test_front_door():
    fd = cl.make("FrontDoor-v0").scm
    assert fd.is_frontdoor_set("X", "Y", ["Z"])
    assert not fd.is_backdoor_set("X", "Y", [])
    g = dag([("U", "X"), ("U", "Y"), ("X", "Z"), ("Z", "Y"), ("X", "Y")], hidden=["U"])
    assert not g.is_frontdoor_set("X", "Y", ["Z"])  # a direct edge bypasses Z
    g = dag([("U", "X"), ("U", "Z"), ("X", "Z"), ("Z", "Y")], hidden=["U"])
    assert not g.is_frontdoor_set("X", "Y", ["Z"])  # X and Z are confounded


def test_instruments():
    g = dag([("Z", "T"), ("U", "T"), ("U", "Y"), ("T", "Y"), ("W", "T"), ("W", "Y")], hidden=["U"])
    assert g.is_instrument("Z", "T", "Y")
    assert not g.is_instrument("W", "T", "Y")
    assert g.instruments("T", "Y") == ["Z"]
    leaky = dag([("Z", "T"), ("Z", "Y"), ("T", "Y")])
    assert not leaky.is_instrument("Z", "T", "Y")


def test_graph_questions_reject_unknown_names():
    g = dag([("A", "B")])
    with pytest.raises(cl.UnknownVariableError, match="'a'"):
        g.d_separated("a", "B")


def test_instruments_are_observed_valid_instruments():
    # Instrument-v0: Z -> T only; MBias-v0: U1 -> T only, but U1 is hidden, so it cannot be used
    assert cl.make("Instrument-v0").scm.instruments("T", "Y") == ["Z"]
    assert cl.make("MBias-v0").scm.instruments("T", "Y") == []
    assert cl.make("Confounding-v0").scm.instruments("T", "Y") == []
