"""Wrong graphs and DoWhy's refuters, scored against the truth (issue 16, sections 2 and 3).

Cheap by design: small n, 5 refuter simulations, one shared Backdoor cell per environment.
"""

from __future__ import annotations

import random
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import causalab as cl
from causalab.evaluation import cell_seeds, evaluate, to_frame, variant_task
from causalab.evaluation.refute import refuter_scorecard, sensitivity_table
from causalab.exceptions import CyclicGraphError, InvalidValueError, UnsupportedQueryError
from causalab.learners import Backdoor, LinearRegression

SIMS = 5
N = 400


# ---------------------------------------------------------------- section 3: wrong graphs
def test_graph_variants_are_the_documented_edits():
    conf = cl.make("Confounding-v0").task
    g = variant_task(conf, "drop_confounder").graph
    assert set(g.edges) == {("T", "Y")} and "Z" in g  # Z stays, causing nothing
    assert set(variant_task(conf, "reverse_edge").graph.edges) == {("T", "Z"), ("Z", "Y"), ("T", "Y")}
    with pytest.raises(UnsupportedQueryError, match="add_collider"):  # T has no descendant but Y
        variant_task(conf, "add_collider")
    med = cl.make("Mediation-v0").task  # X -> T -> M -> Y: the mediator declared a confounder
    g = variant_task(med, "add_collider").graph
    assert set(g.in_edges("M")) == set() and {("M", "T"), ("M", "Y")} <= set(g.edges)
    inst = cl.make("Instrument-v0").task  # the hidden confounder dropped: "no hidden confounding"
    g = variant_task(inst, "drop_confounder").graph
    assert inst.latent and not [v for v in g if g.nodes[v].get("latent")] and set(g.edges) == {("Z", "T"), ("T", "Y")}
    assert variant_task(conf, "true") is conf and conf.graph.has_edge("Z", "T")  # nothing mutated


def test_drop_confounder_makes_backdoor_the_naive_slope():
    # Confounding-v0's documented equations: Z ~ N(0,1), T = s Z + e_T, Y = b T + s Z + e_Y (unit
    # variances). Forgetting Z, back-door adjusts for nothing: the slope Cov(T, Y) / Var T =
    # (b (s^2 + 1) + s^2) / (s^2 + 1) = b + s^2 / (s^2 + 1); its OLS standard error is
    # sqrt(Var(Y - slope T) / (n Var T)) with Var Y = b^2 (s^2+1) + 2 b s^2 + s^2 + 1.
    s, b, n = 1.5, 1.0, 800
    env = cl.make("Confounding-v0", strength=s)
    slope = b + s**2 / (s**2 + 1)
    var_t, var_y = s**2 + 1, b**2 * (s**2 + 1) + 2 * b * s**2 + s**2 + 1
    se = np.sqrt((var_y - slope**2 * var_t) / (n * var_t))
    rows = pd.concat([evaluate(env, Backdoor(), n_train=n, n_test=100, graph=g) for g in ("true", "drop_confounder")])
    ate = rows[rows["metric"] == "ate"].set_index("graph")
    assert abs(ate.loc["drop_confounder", "value"] - slope) < 4 * se
    assert abs(ate.loc["true", "value"] - b) < 0.1  # the true graph recovers the effect
    assert (ate["true_value"] == b).all()  # scored against the real truth either way
    assert ate.loc["drop_confounder", "judged_family"] == "naive" and ate.loc["drop_confounder", "expected"] == ""
    v = cl.verdicts(rows).set_index("graph")
    assert v.loc["drop_confounder", "observed"] == "fails" and v.loc["true", "observed"] == "succeeds"


def test_a_variant_that_does_not_apply_is_an_unsupported_row_and_graph_is_in_the_store_key(tmp_path):
    rows = evaluate("Confounding-v0", Backdoor(), n_train=100, n_test=50, graph="add_collider")
    assert list(rows["metric"]) == ["fit"] and rows["status"].iloc[0] == "unsupported"
    assert "add_collider" in rows["message"].iloc[0] and rows["graph"].iloc[0] == "add_collider"
    from causalab.runner import cell_key

    env, learner = cl.make("Confounding-v0"), Backdoor()
    keys = {cell_key(env, learner, 0, 100, 50, graph=g) for g in ("true", "drop_confounder", "reverse_edge")}
    assert len(keys) == 3


def _cycle(task):
    g = task.graph.copy()
    g.add_edge("Y", "Z")  # Z -> T -> Y -> Z
    return g


@pytest.mark.parametrize("kwargs, error, text", [
    ({"graph": "drop_confounders"}, InvalidValueError, "Did you mean 'drop_confounder'"),
    ({"graph": 3}, InvalidValueError, "graph must be one of"),
    ({"graph": _cycle}, CyclicGraphError, "_cycle"),
    ({"graph": lambda task: "Z -> T"}, InvalidValueError, "networkx.DiGraph"),
    ({"graph": lambda task: nx.DiGraph([("T", "Y")])}, InvalidValueError, "lacks the observed variables"),
    ({"refuters": ["placebo"]}, InvalidValueError, "unknown refuter 'placebo'"),
    ({"refuters": ["bootstrap"], "refuter_simulations": 1}, InvalidValueError, "refuter_simulations"),
])
def test_bad_graph_or_refuter_is_a_typed_error_naming_it(kwargs, error, text):
    with pytest.raises(error, match=re.escape(text) if "'" in text else text) as info:
        evaluate("Confounding-v0", Backdoor(), n_train=100, n_test=50, **kwargs)
    if "refuters" in kwargs and "refuter_simulations" not in kwargs:
        assert "placebo_treatment" in str(info.value)  # what is allowed


def test_cli_refuses_an_unknown_refuter_or_graph(tmp_path, capsys):
    from causalab.cli import main

    for flag, value in (("--refuters", "placebo"), ("--graph-variant", "wrong")):
        assert main(["run", "--envs", "Confounding-v0", "--learners", "backdoor", "--seeds", "1", flag, value,
                     "--out", str(tmp_path), "--quiet"]) == 2
        assert repr(value) in capsys.readouterr().err


# ---------------------------------------------------------------- section 2: refuters
REFUTED = ["placebo_treatment", "random_common_cause", "data_subset", "bootstrap"]


@pytest.fixture(scope="module")
def confounding_refuted():
    """Backdoor on Confounding-v0, true graph and with the confounder forgotten, every refuter."""
    return pd.concat([evaluate("Confounding-v0", Backdoor(), n_train=N, n_test=100, graph=g,
                               refuters=[*REFUTED, "dummy_outcome", "add_unobserved_common_cause", "sensitivity",
                                         "graph_falsification"],
                               refuter_simulations=SIMS)
                      for g in ("true", "drop_confounder")], ignore_index=True)


@pytest.mark.parametrize("name, method, kwargs", [
    ("placebo_treatment", "placebo_treatment_refuter", {"placebo_type": "permute"}),
    ("data_subset", "data_subset_refuter", {"subset_fraction": 0.8}),
    ("bootstrap", "bootstrap_refuter", {}),
])
def test_refuter_flag_equals_dowhy_called_directly(confounding_refuted, name, method, kwargs):
    from dowhy import CausalModel

    env = cl.make("Confounding-v0")
    train = env.sample(N, seed=cell_seeds(0, N)[0])  # the cell's training data
    rows = confounding_refuted[(confounding_refuted["graph"] == "true") & (confounding_refuted["regime"] == name)]
    got = rows.set_index("metric")
    seed = int(re.search(r"seed (\d+)", got.loc["flagged", "message"]).group(1))
    model = CausalModel(data=train, treatment="T", outcome="Y", graph=env.task.graph)
    estimand = model.identify_effect(method_name="maximal-adjustment")
    estimate = model.estimate_effect(estimand, method_name="backdoor.linear_regression", control_value=0,
                                     treatment_value=1, target_units="ate")
    state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    try:
        ref = model.refute_estimate(estimand, estimate, method_name=method, num_simulations=SIMS,
                                    random_state=np.random.RandomState(seed), **kwargs)
    finally:
        np.random.set_state(state)
        random.setstate(py_state)
    assert got.loc["flagged", "value"] == float(ref.refutation_result["is_statistically_significant"])
    assert got.loc["p_value", "value"] == pytest.approx(float(ref.refutation_result["p_value"]), abs=1e-12)
    assert got.loc["statistic", "value"] == pytest.approx(float(ref.new_effect), abs=1e-12)
    assert got.loc["statistic", "true_value"] == (0.0 if name == "placebo_treatment" else 1.0)


def test_refuters_give_rows_and_a_scorecard_against_the_truth(confounding_refuted):
    r = confounding_refuted
    ref = r[r["rung"] == "refute"]
    assert set(ref["regime"]) == {*REFUTED, "dummy_outcome", "add_unobserved_common_cause", "sensitivity",
                                  "graph_falsification"}
    flags = ref[ref["metric"] == "flagged"]
    assert (flags["status"] == "ok").all() and flags["value"].isin([0.0, 1.0]).all()
    card = refuter_scorecard(r).set_index("refuter")
    # the drop-confounder estimate (the naive slope 1.5) is truly wrong, the true-graph one truly right
    assert (card["truly_wrong"] == 1).all() and (card["truly_right"] == 1).all()
    wrong_flagged = flags[flags["graph"] == "drop_confounder"].set_index("regime")["value"]
    assert (card["sensitivity"] == wrong_flagged.reindex(card.index)).all()
    assert cl.verdicts(r).attrs["refuter_scorecard"].equals(refuter_scorecard(r))


def test_scorecard_counts_by_hand():
    # four cells: two truly wrong (error 1 >> tolerance 0.05), two right (error 0); flags by hand
    base = {"environment": "E", "knobs": "{}", "graph": "true", "params": "{}", "family": "backdoor",
            "judged_family": "backdoor", "expected": "", "expected_reason": "", "n_train": 10, "se": np.nan,
            "status": "ok", "message": "", "fit_seconds": 0.0, "predict_seconds": 0.0}
    rows = []
    for learner, ate, flag in (("a", 2.0, 1.0), ("b", 2.0, 0.0), ("c", 1.0, 1.0), ("d", 1.0, 0.0)):
        cell = {**base, "learner": learner, "seed": 0}
        rows += [{**cell, "rung": 1, "regime": "observational", "metric": "outcome_sd", "value": 1.0,
                  "true_value": np.nan},
                 {**cell, "rung": 2, "regime": "ate", "metric": "ate", "value": ate, "true_value": 1.0},
                 {**cell, "rung": "refute", "regime": "bootstrap", "metric": "flagged", "value": flag,
                  "true_value": np.nan}]
    card = refuter_scorecard(to_frame(rows)).iloc[0]
    assert (card["truly_wrong"], card["truly_right"], card["sensitivity"], card["false_alarms"]) == (2, 2, 0.5, 0.5)


def test_generic_refit_runs_dowhy_refuters_on_any_learner():
    rows = evaluate("Confounding-v0", LinearRegression(), n_train=200, n_test=50,
                    refuters=["placebo_treatment", "random_common_cause", "dummy_outcome"], refuter_simulations=SIMS)
    ref = rows[rows["rung"] == "refute"]
    placebo = ref[(ref["regime"] == "placebo_treatment")].set_index("metric")
    assert (placebo["status"] == "ok").all() and "generic re-fit" in placebo.loc["flagged", "message"]
    # a placebo has no effect: its mean re-estimate is near 0 (the treatment's slope is ~1)
    assert abs(placebo.loc["statistic", "value"]) < 0.3
    assert (ref.loc[ref["regime"] == "dummy_outcome", "status"] == "unsupported").all()


def test_sensitivity_is_the_published_closed_forms_beside_the_exact_bias():
    # the back-door estimate on Instrument-v0 with its hidden confounder forgotten (adjusting for Z)
    env = cl.make("Instrument-v0")
    rows = evaluate(env, Backdoor(), n_train=N, n_test=100, graph="drop_confounder", refuters=["sensitivity"])
    table = sensitivity_table(rows).iloc[0]
    train = env.sample(N, seed=cell_seeds(0, N)[0])
    x = np.column_stack([np.ones(N), train["T"], train["Z"]])  # DoWhy's design: constant, treatment, Z
    y = train["Y"].to_numpy()
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    df = N - 3
    se = np.sqrt(resid @ resid / df * np.linalg.inv(x.T @ x)[1, 1])
    f = abs(beta[1] / se) / np.sqrt(df)  # Cinelli & Hazlett (2020): partial Cohen's f of the treatment
    rv = 0.5 * (np.sqrt(f**4 + 4 * f**2) - f**2)
    rr = np.exp(0.91 * beta[1] / np.std(y))  # VanderWeele & Ding (2017), SMD -> RR (Chinn 2000)
    assert table["robustness_value"] == pytest.approx(rv, rel=1e-9)
    assert table["e_value"] == pytest.approx(rr + np.sqrt(rr * (rr - 1)), rel=1e-9)
    assert table["ate"] == pytest.approx(beta[1], rel=1e-9) and table["bias"] == pytest.approx(beta[1] - 1.0)


def test_graph_falsification_notices_a_forgotten_confounder(confounding_refuted):
    # the wrong graph says Z causes nothing, so Z independent of T: the data (T = Z + noise) reject it;
    # the true graph implies no independence, so nothing can be rejected
    rows = confounding_refuted[(confounding_refuted["regime"] == "graph_falsification")]
    flagged = rows[rows["metric"] == "flagged"].set_index("graph")["value"]
    assert flagged["drop_confounder"] == 1.0 and flagged["true"] == 0.0
    assert "0 of 0 implied" in rows[(rows["graph"] == "true")]["message"].iloc[0]
