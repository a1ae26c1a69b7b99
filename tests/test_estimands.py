"""Estimands (ATE, ATT, ATC), the intervals of every learner and their calibration, and
variable types the user controls (issue 19)."""

import numpy as np
import pandas as pd
import pytest

import causalab as cl
from causalab.envs.base import RealDataEnvironment
from causalab.envs.task import variable_type_from_data
from causalab.evaluation import coverage_table, evaluate
from causalab.learners import Backdoor, GradientBoosting, LinearRegression, TARNet, TLearner

Z95 = 1.959963984540054


def _coverage(env, learner, estimand, reps, n):
    """Share of ``reps`` fresh samples of ``n`` rows whose 95% interval holds the truth."""
    truth = float(env.true_effects()[estimand])
    hits = 0
    for seed in range(reps):
        effect = learner.fit(env.sample(n, seed=seed), env.task).effect(1, 0, estimand=estimand)
        lo, hi = effect.interval
        hits += lo <= truth <= hi
    return hits / reps


@pytest.mark.parametrize("env_id,learner,estimand,reps", [
    ("Confounding-v0", LinearRegression(features="covariates"), "ate", 400),  # Y linear in T and Z: OLS is right
    # T depends on X1 only and mu_t is linear in X1: OLS per arm recovers the ATE and ATT exactly in
    # expectation (X2^2, sin X3, sin 2 X2 are independent of X1 and T, so they only add noise)
    ("HeterogeneousEffects-v0", TLearner(), "ate", 200),
    ("HeterogeneousEffects-v0", TLearner(), "att", 200),
])
def test_well_specified_intervals_cover_within_the_binomial_error(env_id, learner, estimand, reps):
    coverage = _coverage(cl.make(env_id), learner, estimand, reps, n=400)
    assert abs(coverage - 0.95) <= 3 * np.sqrt(0.95 * 0.05 / reps), coverage


def test_a_biased_learner_is_not_calibrated():
    # the naive contrast on Confounding-v0 is off by 0.5 with a standard error of about 0.04
    assert _coverage(cl.make("Confounding-v0"), LinearRegression(features="treatment"), "ate", 20, 400) == 0.0


def test_the_bootstrap_agrees_with_the_analytic_standard_error():
    env = cl.make("Confounding-v0")
    fitted = LinearRegression().fit(env.sample(1000, seed=1), env.task)
    analytic = fitted.effect(1, 0)
    boot = fitted._bootstrap_effect(analytic, 1.0, 0.0, None, "ate", 200, seed=0)
    # the bootstrap sd of 200 resamples is within about 1/sqrt(2 * 200) = 5% of the truth: 4 of those
    assert boot.se == pytest.approx(analytic.se, rel=0.2)
    assert boot.interval == pytest.approx((analytic.value - Z95 * boot.se, analytic.value + Z95 * boot.se))
    # a learner whose interval is a bootstrap: seeded, and tagged as such
    ridge = LinearRegression(alpha=1.0).fit(env.sample(500, seed=2), env.task)
    assert ridge.tags.effect_interval == "bootstrap" and fitted.tags.effect_interval == "analytic"
    assert ridge.effect(1, 0).interval is None
    a, b = ridge.effect(1, 0, n_bootstrap=20, seed=3), ridge.effect(1, 0, n_bootstrap=20, seed=3)
    assert a == b and a.interval != ridge.effect(1, 0, n_bootstrap=20, seed=4).interval
    assert "bootstrap (20 resamples)" in a.method


def test_att_and_atc_average_the_contrast_over_the_treated_and_the_controls():
    env = cl.make("HeterogeneousEffects-v0")
    data = env.sample(600, seed=0)
    fitted = TLearner(GradientBoosting(max_iter=20)).fit(data, env.task)
    tau = (fitted.predict_do(data, {"T": 1}) - fitted.predict_do(data, {"T": 0})).to_numpy()
    treated = data["T"].to_numpy() == 1
    effects = {e: fitted.effect(1, 0, estimand=e) for e in ("ate", "att", "atc")}
    assert effects["ate"].value == pytest.approx(tau.mean(), abs=1e-12)
    assert effects["att"].value == pytest.approx(tau[treated].mean(), abs=1e-12)
    assert effects["atc"].value == pytest.approx(tau[~treated].mean(), abs=1e-12)
    assert [e.estimand for e in effects.values()] == ["ate", "att", "atc"]
    # on given units: the rows of those units with T = treated
    some = data.iloc[:100]
    assert fitted.effect(1, 0, some, estimand="att").value == pytest.approx(tau[:100][treated[:100]].mean())
    ett = fitted.effect(1, 0, estimand="ett")  # the literature's name for the ATT
    assert ett.estimand == "att" and ett.value == effects["att"].value
    with pytest.raises(cl.InvalidValueError, match="'att'"):
        fitted.effect(1, 0, estimand="at")
    with pytest.raises(cl.InvalidValueError, match="n_bootstrap"):
        fitted.effect(1, 0, n_bootstrap=1)
    confounding = cl.make("Confounding-v0")
    ols = LinearRegression().fit(confounding.sample(200, seed=0), confounding.task)
    with pytest.raises(cl.UnsupportedQueryError, match="continuous treatment"):
        ols.effect(1, 0, estimand="att")


def test_a_constant_effect_model_says_its_att_is_its_ate_by_assumption():
    """HeterogeneousEffects-v0 has a heterogeneous effect (its ATT and ATE differ), yet a model with
    no interaction has one effect for every unit: its ATT equals its ATE and the result says why.
    A T-learner (one OLS per arm) or Backdoor with DoWhy's effect modifiers (X2, X3) has none of that."""
    from causalab.learners.base import CONSTANT_EFFECT_NOTE

    env = cl.make("HeterogeneousEffects-v0")
    data = env.sample(300, seed=0)
    truth = env.true_effects()
    assert abs(float(truth["att"]) - float(truth["ate"])) > 0.3  # the truth differs: the equality is the model's
    for learner in (LinearRegression(), LinearRegression(alpha=1.0), cl.learners.SLearner()):
        fitted = learner.fit(data, env.task)
        ate, att, atc = (fitted.effect(1, 0, estimand=e) for e in ("ate", "att", "atc"))
        assert att.value == pytest.approx(ate.value, abs=1e-9) and atc.value == pytest.approx(ate.value, abs=1e-9)
        assert CONSTANT_EFFECT_NOTE in att.method and CONSTANT_EFFECT_NOTE in atc.method
        assert CONSTANT_EFFECT_NOTE not in ate.method
    for learner in (TLearner(), Backdoor()):
        fitted = learner.fit(data, env.task)
        att = fitted.effect(1, 0, estimand="att")
        assert CONSTANT_EFFECT_NOTE not in att.method and att.value != pytest.approx(fitted.effect(1, 0).value)
    # a binary treatment whose one confounder is DoWhy's whole adjustment set: no effect modifier, one slope
    rng = np.random.default_rng(0)
    z = rng.normal(size=300)
    t = (z + rng.normal(size=300) > 0).astype(np.int64)
    table = pd.DataFrame({"Z": z, "T": t, "Y": (1 + z) * t + z + rng.normal(size=300)})
    fitted = Backdoor().fit(table, cl.Task.from_data(table, "Z -> T; Z -> Y; T -> Y", "T", "Y"))
    att = fitted.effect(1, 0, estimand="att")
    assert CONSTANT_EFFECT_NOTE in att.method and att.value == pytest.approx(fitted.effect(1, 0).value, abs=1e-9)


def test_the_evaluator_scores_each_estimand_and_bootstraps_only_on_request():
    learners = [Backdoor("ipw"), GradientBoosting(max_iter=10)]
    r = evaluate("HeterogeneousEffects-v0", learners, n_train=400, seeds=[0])
    truth = cl.make("HeterogeneousEffects-v0").true_effects()
    rows = r[r["metric"].isin(["ate", "att", "atc"])].set_index(["learner", "metric"])
    for e in ("ate", "att", "atc"):
        assert rows.loc[("Backdoor(method='ipw')", e), "true_value"] == pytest.approx(float(truth[e]))
    covered = set(r.loc[r["metric"].str.endswith("_covered"), "learner"])
    assert covered == {"Backdoor(method='ipw')"}  # analytic: always; GradientBoosting's bootstrap: not asked
    r = evaluate("HeterogeneousEffects-v0", learners[1:], n_train=400, seeds=[0], n_bootstrap=3)
    assert set(r.loc[r["metric"].str.endswith("_covered"), "metric"]) == {"ate_covered", "att_covered", "atc_covered"}
    table = coverage_table(r)
    assert set(table["estimand"]) == {"ate", "att", "atc"} and (table["n_intervals"] == 1).all()


# ---------------------------------------------------------------------- variable types
def test_the_inference_rule():
    assert variable_type_from_data(pd.Series([0.0, 1.0, 1.0])).kind == "binary"  # float 0/1: binary
    assert variable_type_from_data(pd.Series([True, False])).kind == "binary"
    assert variable_type_from_data(pd.Series([0, 1, 2])).levels == (0, 1, 2)  # integer codes: categorical
    assert variable_type_from_data(pd.Series([0.0, 1.0, 2.0])).kind == "continuous"
    assert variable_type_from_data(pd.Series([0.5, 1.0])).kind == "continuous"


def test_lalonde_gives_the_same_answer_whether_age_is_int_or_float():
    env = cl.make("LaLonde-v0")
    as_float = cl.make("LaLonde-v0")
    as_float._observational = as_float._observational.astype({"age": np.float64, "educ": np.float64})
    assert env.data()["age"].dtype == np.int64 and as_float.data()["age"].dtype == np.float64
    answers = [LinearRegression().fit(e.data(), e.task).effect(1, 0, estimand="att").value for e in (env, as_float)]
    assert answers[0] == pytest.approx(answers[1], rel=1e-12)
    assert env.task.kind("age") == env.task.kind("educ") == "continuous"
    # declared otherwise by the user, age becomes 37 categories and the linear answer moves
    categorical = cl.make("LaLonde-v0", types={"age": "categorical"})
    assert len(categorical.task.type("age").levels) > 30
    other = LinearRegression().fit(categorical.data(), categorical.task).effect(1, 0, estimand="att").value
    assert abs(other - answers[0]) > 1.0
    with pytest.raises(cl.InvalidValueError, match="'age'] = 'binary'.*16"):
        cl.make("LaLonde-v0", types={"age": "binary"})
    text = categorical.describe()
    assert "scored on the ATT" in text and "att = 1794.34" in text
    assert "age       categorical" in text and "(types=)" in text and "educ      continuous  (declared)" in text


class _FloatTrial(RealDataEnvironment):
    """A randomised trial stored as numpy's default float64: T is 0.0 / 1.0."""

    story = "test"
    treatment, outcome, covariates = "T", "Y", ("X",)

    def data(self):
        rng = np.random.default_rng(0)
        x = rng.normal(size=300)
        t = (rng.random(300) < 0.5).astype(np.float64)
        return pd.DataFrame({"X": x, "T": t, "Y": x + 2.0 * t + rng.normal(size=300)})


def test_a_float_zero_one_treatment_is_binary_and_tarnet_fits_it():
    env = _FloatTrial()
    assert env.data()["T"].dtype == np.float64 and env.task.kind("T") == "binary"
    tarnet = TARNet(representation=(8,), head=(4,), max_epochs=5, batch_size=100).fit(env.data(), env.task)
    assert np.isfinite(tarnet.effect(1, 0, estimand="att").value)


def test_types_override_on_simulated_environments():
    env = cl.make("KidneyStones-v0", types={"S": "continuous"})
    assert env.task.kind("S") == "continuous" and cl.make("KidneyStones-v0").task.kind("S") == "binary"
    assert "(types=)" in env.describe() and "the model" in env.describe()
    with pytest.raises(cl.UnknownVariableError, match="'Q'"):
        cl.make("KidneyStones-v0", types={"Q": "binary"})
    with pytest.raises(cl.InvalidValueError, match="ordinal"):
        cl.make("KidneyStones-v0", types={"S": "ordinal"})
    with pytest.raises(cl.InvalidValueError, match="levels"):
        cl.make("Confounding-v0", types={"Z": "categorical"})


def test_matching_with_ties_averaged_gives_the_stratified_att_atc_and_ate():
    # KidneyStones: one binary confounder S, so the propensity takes two values and matching each unit to
    # every unit of the other arm at the nearest score is exact stratification on S, computed here by hand
    env = cl.make("KidneyStones-v0")
    data = env.sample(600, seed=0)
    fitted = Backdoor("matching", matching_ties="average").fit(data, env.task)
    t, y, s = (data[c].to_numpy() for c in ("T", "R", "S"))
    gap = {v: y[(t == 1) & (s == v)].mean() - y[(t == 0) & (s == v)].mean() for v in (0, 1)}
    for estimand, units in (("att", t == 1), ("atc", t == 0), ("ate", np.ones(len(t), dtype=bool))):
        effect = fitted.effect(1, 0, estimand=estimand)
        assert effect.value == pytest.approx(np.mean([gap[v] for v in s[units]]), abs=1e-12)
        assert effect.estimand == estimand and effect.interval is None  # a bootstrap one on request only


def test_a_knob_sweep_keeps_the_declared_types():
    from causalab.runner.sweep import knob_grid

    grid = knob_grid(cl.make("Confounding-v0", types={"Z": "continuous"}), {"strength": [0.0, 2.0]})
    assert [e.knobs["strength"] for e in grid] == [0.0, 2.0]
    assert all(e.types == {"Z": "continuous"} and "(types=)" in e.describe() for e in grid)


def test_run_asks_for_bootstrap_intervals_and_keeps_them_apart_in_the_store(tmp_path):
    ridge, store = LinearRegression(alpha=1.0), tmp_path / "r.sqlite"
    kwargs = dict(seeds=[0], n_train=200, n_test=100, n_jobs=1, progress=False, store=store)
    plain = cl.run("Confounding-v0", ridge, **kwargs)
    boot = cl.run("Confounding-v0", ridge, n_bootstrap=3, **kwargs)
    assert boot.attrs["computed_cells"] == 1  # not the stored cell without intervals
    assert not (plain["metric"] == "ate_covered").any() and (boot["metric"] == "ate_covered").sum() == 1
    assert cl.run("Confounding-v0", ridge, n_bootstrap=3, **kwargs).attrs["computed_cells"] == 0
    with pytest.raises(cl.InvalidValueError, match="n_bootstrap"):
        cl.run("Confounding-v0", ridge, n_bootstrap=1, **kwargs)
