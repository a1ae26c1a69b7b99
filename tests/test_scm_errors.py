"""Bad input raises a typed error naming the bad value; failed calls mutate nothing."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

import causalab as cl
from causalab.exceptions import CausalabError


@pytest.fixture
def scm():
    s = cl.SCM()
    s.add("Z", cl.Normal(0, 1))
    s.add("T", cl.Table([], 0.4))
    s.add("Y", cl.Linear({"Z": 1.0, "T": 2.0}))
    s.add("C", cl.Table([], [0.2, 0.3, 0.5]))
    return s


def test_errors_are_builtins_too():
    assert issubclass(cl.UnknownVariableError, ValueError)
    assert issubclass(cl.UnsupportedQueryError, NotImplementedError)
    for err in (cl.UnknownVariableError, cl.CyclicGraphError, cl.ZeroProbabilityError, cl.InvalidValueError):
        assert issubclass(err, CausalabError)


def test_missing_parent_named_with_close_match(scm):
    with pytest.raises(cl.MissingParentError, match=r"'Zz'.*Did you mean 'Z'"):
        scm.add("W", cl.Linear({"Zz": 1.0}))
    assert "W" not in scm.variables


def test_duplicate_name(scm):
    with pytest.raises(cl.DuplicateVariableError, match="'Z'"):
        scm.add("Z", cl.Normal(0, 1))


def test_cycle_rejected_with_the_cycle_named():
    with pytest.raises(cl.CyclicGraphError, match="A -> B -> A|B -> A -> B"):
        cl.SCM({"A": cl.Linear({"B": 1.0}), "B": cl.Linear({"A": 1.0})})


def test_unordered_dict_construction_sorts_topologically():
    s = cl.SCM({"Y": cl.Linear({"X": 2.0}), "X": cl.Normal(0, 1)})
    assert s.variables == ["X", "Y"]


def test_bad_tables():
    with pytest.raises(cl.InvalidValueError, match="sum to 1"):
        cl.Table([], [0.2, 0.2])
    with pytest.raises(cl.InvalidValueError, match=r"\[0, 1\]"):
        cl.Table([], 1.5)
    s = cl.SCM().add("A", cl.Table([], [0.2, 0.3, 0.5]))
    with pytest.raises(cl.InvalidValueError, match="3 levels"):
        s.add("B", cl.Table(["A"], [0.1, 0.2]))
    s.add("X", cl.Normal(0, 1))
    with pytest.raises(cl.InvalidValueError, match="continuous"):
        s.add("D", cl.Table(["X"], [0.1, 0.2]))


def test_table_dict_form_matches_list_form():
    a = cl.Table(["S"], {0: 0.2, 1: 0.7})
    b = cl.Table(["S"], [0.2, 0.7])
    np.testing.assert_array_equal(a.array, b.array)
    c = cl.Table(["S", "R"], {(0, 0): [0.1, 0.9], (0, 1): [0.5, 0.5], (1, 0): [1, 0], (1, 1): [0.3, 0.7]})
    assert c.array.shape == (2, 2, 2)


def test_bad_noise_parameters():
    with pytest.raises(cl.InvalidValueError, match="scale"):
        cl.Normal(0, -1)
    with pytest.raises(cl.InvalidValueError, match="high must exceed low"):
        cl.Uniform(1, 0)


@pytest.mark.parametrize("n", [0, -3, 2.5, "10", True])
def test_bad_sample_size(scm, n):
    with pytest.raises(cl.InvalidValueError, match="n_samples"):
        scm.sample(n, seed=0)


def test_bad_seed(scm):
    with pytest.raises(cl.InvalidValueError, match="seed"):
        scm.sample(10, seed=-1)


def test_unknown_variable_in_queries(scm):
    with pytest.raises(cl.UnknownVariableError, match=r"'y'.*Did you mean 'Y'"):
        scm.do({"y": 1})
    with pytest.raises(cl.UnknownVariableError):
        scm.prob({"Q": 1})
    with pytest.raises(cl.UnknownVariableError):
        scm.expectation("Q")


def test_bad_intervention_values(scm):
    with pytest.raises(cl.InvalidInterventionError, match="levels"):
        scm.do({"T": 2})
    with pytest.raises(cl.InvalidInterventionError, match="levels"):
        scm.do({"C": 0.5})
    with pytest.raises(cl.InvalidInterventionError, match="finite"):
        scm.do({"Y": math.nan})
    with pytest.raises(cl.InvalidInterventionError, match="not a level"):
        scm.do({"T": cl.shift(1)}).sample(10, seed=0)  # T=1 shifted to 2 is not a binary level
    with pytest.raises(cl.InvalidInterventionError):
        scm.do({"Y": "high"})
    with pytest.raises(cl.InvalidInterventionError):
        scm.do({})


def test_bad_event_levels(scm):
    with pytest.raises(cl.InvalidValueError, match="level"):
        scm.prob({"C": 3})
    with pytest.raises(cl.InvalidValueError, match="not a number"):
        scm.prob({"C": "a"})


def test_zero_probability_conditioning():
    s = cl.SCM().add("A", cl.Table([], 0.0)).add("B", cl.Table(["A"], [0.5, 0.5]))
    with pytest.raises(cl.ZeroProbabilityError, match="probability 0"):
        s.prob({"B": 1}, given={"A": 1})
    with pytest.raises(cl.ZeroProbabilityError):
        s.counterfactual_prob({"B": 1}, do={"A": 0}, given={"A": 1})


def test_exact_query_on_continuous_model_is_unsupported(scm):
    with pytest.raises(cl.UnsupportedQueryError, match="continuous"):
        scm.prob({"T": 1}, given={"Y": 0.0})


def test_counterfactual_data_errors(scm):
    data = scm.sample(5, seed=0)
    with pytest.raises(cl.InvalidValueError, match=r"lacks column\(s\) \['Y'\]"):
        scm.counterfactual(data.drop(columns="Y"), do={"T": 1})
    bad = data.copy()
    bad.loc[2, "Y"] = np.nan
    with pytest.raises(cl.InvalidValueError, match="NaN"):
        scm.counterfactual(bad, do={"T": 1})
    bad = data.copy()
    bad.loc[1, "C"] = 7
    with pytest.raises(cl.InvalidValueError, match="levels"):
        scm.counterfactual(bad, do={"T": 1})
    with pytest.raises(cl.InvalidValueError, match="DataFrame"):
        scm.counterfactual(data.to_numpy(), do={"T": 1})


def test_counterfactual_without_inverse_is_unsupported():
    s = cl.SCM().add("X", cl.Normal(0, 1))
    s.add("Y", cl.Custom(lambda pa, u: pa["X"] * torch.exp(u), ["X"], cl.Normal(0, 1)))
    data = s.sample(4, seed=0)
    with pytest.raises(cl.UnsupportedQueryError, match="no inverse"):
        s.counterfactual(data, do={"X": 1.0})
    # with stored noise it is exact
    world = s.sample_world(4, seed=0)
    cf = s.counterfactual(world, do={"X": 1.0})
    np.testing.assert_allclose(cf["Y"], np.exp(world["U[Y]"]))


def test_failed_calls_mutate_nothing(scm):
    before = repr(scm), scm.variables, scm.graph.edges
    for call in (lambda: scm.add("Y2", cl.Linear({"nope": 1.0})), lambda: scm.do({"T": 5}),
                 lambda: scm.add("Z", cl.Normal(0, 1))):
        with pytest.raises(CausalabError):
            call()
    assert (repr(scm), scm.variables, scm.graph.edges) == before
    data = scm.sample(10, seed=1)
    copy = data.copy()
    scm.counterfactual(data, do={"T": 1})
    pd.testing.assert_frame_equal(data, copy)


@pytest.mark.parametrize("build,text", [
    (lambda: cl.Linear({"A": 1.0}, intercept=float("nan")), "intercept"),
    (lambda: cl.Linear({"A": 1.0}, intercept="1"), "intercept"),
    (lambda: cl.Linear({"A": True}), "'A'"),
    (lambda: cl.Logistic({"A": float("inf")}), "'A'"),
    (lambda: cl.Logistic({"A": 1.0}, intercept=float("nan")), "intercept"),
    (lambda: cl.Threshold({"A": 1.0}, intercept=float("-inf")), "intercept"),
    (lambda: cl.Threshold([("A", 1.0)]), "dict"),
    (lambda: cl.Table(["A"], {0: 0.2, 1: 0.3, -1: 0.9}), "-1"),
    (lambda: cl.Table(["A"], {0: 0.2, 1.0: 0.3}), "1.0"),
    (lambda: cl.Table(["A"], {0: 0.2, "1": 0.3}), "'1'"),
    (lambda: cl.Table(["A"], {False: 0.2, True: 0.3}), "False"),
])
def test_non_finite_parameters_and_inexact_table_keys_are_refused(build, text):
    with pytest.raises(cl.InvalidValueError, match=text.replace("(", "\\\\(")):
        build()


def test_stochastic_do_whose_support_exceeds_the_levels_is_refused():
    from torch.distributions import Categorical, Poisson

    scm = cl.make("KidneyStones-v0").scm
    with pytest.raises(cl.InvalidInterventionError, match="exceeds"):
        scm.do({"T": Categorical(torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64))})
    with pytest.raises(cl.InvalidInterventionError, match="unbounded"):
        scm.do({"T": Poisson(torch.tensor(1.0, dtype=torch.float64))})
    ok = scm.do({"T": Categorical(torch.tensor([0.5, 0.5], dtype=torch.float64))})
    # a fair coin over the arms: the average of the two interventional rates
    expected = 0.5 * (float(scm.prob({"R": 1}, do={"T": 0})) + float(scm.prob({"R": 1}, do={"T": 1})))
    assert float(ok.prob({"R": 1})) == pytest.approx(expected, abs=1e-12)


def test_exact_inference_refuses_tables_over_its_budget_quickly():
    import time

    scm = cl.SCM()
    for j in range(30):  # dense: node j depends on every earlier node, a 2^30-entry table
        scm.add(f"X{j}", cl.Logistic({f"X{i}": 0.1 for i in range(j)}))
    start = time.perf_counter()
    with pytest.raises(cl.UnsupportedQueryError, match="budget.*Monte Carlo"):
        scm.prob({"X29": 1})
    assert time.perf_counter() - start < 5


def test_exact_inference_refuses_a_clique_over_its_budget():
    import itertools

    scm = cl.SCM()
    k = 24  # every pair of roots has a common child: eliminating the roots joins them all
    for i in range(k):
        scm.add(f"R{i}", cl.Table([], 0.5))
    for i, j in itertools.combinations(range(k), 2):
        scm.add(f"C{i}_{j}", cl.Table([f"R{i}", f"R{j}"], [[0.1, 0.6], [0.7, 0.2]]))
    given = {f"C{i}_{j}": 1 for i, j in itertools.combinations(range(k), 2) if (i, j) != (0, 1)}
    with pytest.raises(cl.UnsupportedQueryError, match="clique"):
        scm.prob({"C0_1": 1}, given=given)


def test_many_observed_children_contract_in_bounded_steps():
    # naive Bayes: X and 63 children; P(X=1 | all children = 1) by Bayes' rule by hand
    scm = cl.SCM().add("X", cl.Table([], 0.3))
    for i in range(63):
        scm.add(f"F{i}", cl.Table(["X"], [0.4, 0.6]))
    given = {f"F{i}": 1 for i in range(63)}
    odds = (0.3 / 0.7) * (0.6 / 0.4) ** 63
    assert float(scm.prob({"X": 1}, given=given)) == pytest.approx(odds / (1 + odds), rel=1e-9)


def _boom(X):
    raise ZeroDivisionError("inside the user's function")


@pytest.mark.parametrize("mechanism,text", [
    (cl.Additive(_boom, parents=["X"]), "ZeroDivisionError"),
    (cl.Additive(lambda X: X[:, None], parents=["X"]), r"shape \(50, 1\)"),
    (cl.Additive(lambda X: "abc", parents=["X"]), "not numbers"),
    (cl.Custom(lambda parents, u: torch.ones(3), ["X"], cl.Normal(0, 1)), r"shape \(3,\)"),
])
def test_errors_inside_user_mechanisms_name_the_variable(mechanism, text):
    scm = cl.SCM().add("X", cl.Normal(0, 1)).add("Y", mechanism)
    with pytest.raises(cl.MechanismError, match="'Y'") as info:
        scm.sample(50, seed=0)
    assert info.match(text)
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, cl.CausalabError)


def test_counterfactual_prob_with_sixty_deterministic_children():
    s = cl.SCM().add("X", cl.Table([], 0.3))
    for i in range(60):
        s.add(f"F{i}", cl.Table(["X"], [0.0, 1.0]))  # F_i = X
    assert float(s.counterfactual_prob({"F0": 1}, do={"X": 1}, given={"X": 0})) == 1.0
    given = {f"F{i}": 1 for i in range(60)}  # so X = 1; under do(X=0) every F is 0
    assert float(s.counterfactual_prob({"F59": 0}, do={"X": 0}, given=given)) == 1.0


def test_einsum_with_many_single_state_variables():
    from causalab.scm import exact

    # 60 one-state variables (the noise cells of deterministic mechanisms) take no einsum letter
    names = tuple(f"u{i}" for i in range(60))
    factors = [(np.full(1, 0.5), (v,)) for v in names] + [(np.ones((1,) * 60 + (2,)), names + ("x",))]
    out = exact._einsum(factors, ("x", "u0"))
    np.testing.assert_allclose(out, np.full((2, 1), 0.5**60))
    assert exact._einsum(factors[::-1], ()).shape == ()
