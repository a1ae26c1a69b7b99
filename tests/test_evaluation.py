"""Metrics, evaluate and verdicts: the numbers in the table are the numbers the learners and
the environment's documented equations give."""

import numpy as np
import pandas as pd
import pytest

import causalab as cl
from causalab.envs.base import Environment
from causalab.evaluation import COLUMNS, cell_seeds, evaluate, verdicts
from causalab.evaluation import metrics
from causalab.learners import Backdoor, Learner, LearnerTags, LinearRegression

TIMING = ["fit_seconds", "predict_seconds"]


def test_columns_are_pinned():
    assert COLUMNS == (
        "environment", "knobs", "graph", "learner", "params", "family", "judged_family", "expected", "expected_reason",
        "seed", "n_train", "rung", "regime", "metric", "value", "true_value", "se", "status", "message",
        "fit_seconds", "predict_seconds")


# ---------------------------------------------------------------------- metrics
def test_metrics_by_hand():
    assert metrics.rmse([1, 2, 3], [1, 2, 5]) == pytest.approx(np.sqrt(4 / 3))
    assert metrics.accuracy([0.9, 0.2, 0.6, 0.5], [1, 0, 0, 1]) == 0.5  # 0.5 predicts 0
    assert metrics.brier([0.9, 0.2], [1, 0]) == pytest.approx((0.01 + 0.04) / 2)
    assert metrics.pehe([1, 1], [0, 2]) == 1.0
    assert metrics.survival_ratio(3.0, 1.5) == 2.0
    assert metrics.covered((0.5, 1.5), 1.0) == 1.0 and metrics.covered((0.5, 0.9), 1.0) == 0.0


@pytest.mark.parametrize("call", [
    lambda: metrics.rmse([1, 2], [1]),
    lambda: metrics.rmse([], []),
    lambda: metrics.rmse([np.nan], [1]),
    lambda: metrics.survival_ratio(1.0, 0.0),
    lambda: metrics.covered((2, 1), 1.5),
])
def test_metrics_refuse_bad_input(call):
    with pytest.raises(cl.InvalidValueError):
        call()


# ---------------------------------------------------------------------- evaluate
@pytest.fixture(scope="module")
def confounding_results():
    learners = [LinearRegression(features="treatment"), LinearRegression(features="covariates"), Backdoor()]
    return evaluate("Confounding-v0", learners, n_train=3000, seeds=[0, 1], n_test=2000)


def test_table_reports_what_the_learners_did_on_the_documented_data(confounding_results):
    r = confounding_results
    assert list(r.columns) == list(COLUMNS) and set(r["status"]) == {"ok", "unsupported"}
    env = cl.make("Confounding-v0")
    train_seed, _, _ = cell_seeds(0, 3000)
    data = env.sample(3000, seed=train_seed)
    slope = np.polyfit(data["T"], data["Y"], 1)[0]
    naive = r[(r["learner"] == "LinearRegression(features='treatment')") & (r["metric"] == "ate") & (r["seed"] == 0)]
    assert naive["value"].item() == pytest.approx(slope, abs=1e-10)
    assert naive["true_value"].item() == 1.0
    assert naive["judged_family"].item() == "naive" and naive["expected"].item() == "fails"
    # every learner of a cell saw the same data: OLS on (Z, T) twice, by two routes
    ate = r[(r["metric"] == "ate") & (r["seed"] == 0)].set_index("learner")["value"]
    assert ate["LinearRegression(features='covariates')"] == pytest.approx(ate["Backdoor()"], abs=1e-9)


def test_rung_errors_against_the_documented_noise(confounding_results):
    r = confounding_results.set_index(["learner", "seed", "regime", "metric"])["value"]
    n = 2000
    for seed in (0, 1):
        # Y = T + Z + e, e ~ N(0, 1): a right model's error under do() is the noise alone,
        # RMSE^2 ~ mean of e^2, SE sqrt(2 / n)
        do_rmse = r[("Backdoor()", seed, "do(T=1)", "do_rmse")]
        assert abs(do_rmse**2 - 1.0) <= 4 * np.sqrt(2 / n) + 0.02  # + the fitted coefficients' error
        # rung 3: abduction recovers each unit's e, so only the coefficient error remains
        assert r[("Backdoor()", seed, "do(T=0)", "cf_rmse")] < 0.1
        # the naive learner: under do(T=1) its answer is off by the bias 0.5 for every unit
        # (closed form in test_excess.py), under do(T=0) it is right: only do(T=1) inflates its error
        naive = "LinearRegression(features='treatment')"
        assert r[(naive, seed, "do(T=1)", "do_bias_rmse")] > 0.4 > 0.1 > r[(naive, seed, "do(T=0)", "do_bias_rmse")]
        assert r[(naive, seed, "do(T=1)", "survival")] > 1.03 > r[(naive, seed, "do(T=0)", "survival")]
        assert r[(naive, seed, "do(T=0)", "cf_rmse")] > 0.9


def test_same_seed_same_table():
    learners = [LinearRegression(features="treatment"), Backdoor()]
    a = evaluate("KidneyStones-v0", learners, n_train=500, seeds=[3])
    b = evaluate("KidneyStones-v0", learners, n_train=500, seeds=[3])
    pd.testing.assert_frame_equal(a.drop(columns=TIMING), b.drop(columns=TIMING))
    c = evaluate("KidneyStones-v0", learners, n_train=500, seeds=[4])
    assert not np.allclose(a["value"].fillna(0), c["value"].fillna(0))


def test_discrete_outcome_gets_accuracy_and_brier_and_exact_counterfactuals():
    r = evaluate("KidneyStones-v0", [Backdoor()], n_train=2000, seeds=[0], n_test=2000)
    metrics_seen = set(r["metric"])
    assert {"accuracy", "brier", "cf_accuracy", "cf_brier", "ate_covered", "att", "atc", "att_covered"} <= metrics_seen
    att = r[r["metric"] == "att"]
    assert att["true_value"].item() == pytest.approx(float(cl.make("KidneyStones-v0").scm.ett("T", "R")))


def test_refusals_are_rows_not_errors():
    r = evaluate("FrontDoor-v0", [Backdoor()], n_train=500, seeds=[0])
    assert len(r) == 1 and r["status"].item() == "not_identified" and "U[X,Y]" in r["message"].item()
    v = verdicts(r)
    assert v["observed"].item() == "refuses" and v["verdict"].item() == "as expected"


def test_soft_and_stochastic_regimes_reach_learners_as_per_unit_values():
    r = evaluate("Confounding-v0", [LinearRegression()], n_train=2000, seeds=[0], n_test=1000)
    shift = r[(r["regime"] == "do(Z=Z+1)") & (r["metric"] == "cf_rmse")]
    # under do(Z=Z+1) the truth is T' = T + 1, Y' = T' + Z' + e = Y + 2 for every unit; the
    # plug-in sets Z' = Z + 1 but keeps T as observed and drops e: error 1 + e, RMSE sqrt(2)
    assert shift["status"].item() == "ok"
    assert abs(shift["value"].item() - np.sqrt(2)) <= 4 * np.sqrt(2 / 1000) + 0.05


class Broken(Learner):
    _tags = LearnerTags("naive", "regression", None, None)

    def __init__(self):
        pass

    def _fit(self, data):
        raise RuntimeError("boom")


def test_errors_raise_by_default_and_are_recorded_on_request():
    with pytest.raises(RuntimeError, match="boom"):
        evaluate("Confounding-v0", [Broken()], n_train=200, seeds=[0])
    r = evaluate("Confounding-v0", [Broken()], n_train=200, seeds=[0], errors="record")
    assert r["status"].tolist() == ["error"] and "boom" in r["message"].item()
    with pytest.raises(cl.InvalidValueError, match="errors"):
        evaluate("Confounding-v0", [Broken()], n_train=200, seeds=[0], errors="ignore")


def test_real_data_scores_the_att_against_the_experiment_on_the_data_as_they_are():
    r = evaluate("LaLonde-v0", [LinearRegression(features="treatment"), LinearRegression()], n_train=3000,
                 seeds=[0, 1], n_test=1000)
    att = r[r["metric"] == "att"]
    assert not (r["metric"] == "ate").any()  # the experiment's number is the ATT of the treated men
    # the experimental estimate and its (unpooled) standard error, recomputed from the NSW sample
    nsw = cl.make("LaLonde-v0").experimental_data()
    y1, y0 = nsw.loc[nsw["treat"] == 1, "re78"], nsw.loc[nsw["treat"] == 0, "re78"]
    assert att["true_value"].to_numpy() == pytest.approx(np.full(len(att), 1794.34), abs=0.005)
    assert att["se"].to_numpy() == pytest.approx(np.full(len(att), np.sqrt(y1.var() / len(y1) + y0.var() / len(y0))))
    # every row, no resampling: the naive contrast is the published -8,497.52 under every seed
    assert (r["n_train"] == 185 + 15992).all()
    naive = att[att["learner"] == "LinearRegression(features='treatment')"]["value"]
    assert naive.to_numpy() == pytest.approx([-8497.52, -8497.52], abs=0.01)
    ols = att[att["learner"] == "LinearRegression()"]["value"].to_numpy()
    assert ols[0] == ols[1]  # a deterministic learner: the same score under every seed
    assert not (r["rung"] == 3).any()


# ---------------------------------------------------------------------- verdicts
class WronglyExpected(Environment):
    """Confounding's equations with a wrong expectation: that the naive contrast succeeds."""

    story = "test"
    treatment, outcome, covariates = "T", "Y", ("Z",)
    expected = {"naive": (True, "a wrong claim, planted")}

    def build(self):
        return cl.make("Confounding-v0").scm


def test_verdicts_flag_a_mismatch_and_agree_with_the_truth():
    v = verdicts(evaluate(WronglyExpected(), [LinearRegression(features="treatment")], n_train=1000, seeds=[0, 1]))
    assert v["verdict"].item() == "MISMATCH" and v["observed"].item() == "fails"
    v = verdicts(evaluate("Confounding-v0", [LinearRegression(features="treatment"), Backdoor()], n_train=1000,
                          seeds=[0, 1])).set_index("learner")
    assert v.loc["Backdoor()", "verdict"] == "as expected" and v.loc["Backdoor()", "observed"] == "succeeds"
    naive = v.loc["LinearRegression(features='treatment')"]
    assert naive["observed"] == "fails" and naive["ate_error"] == pytest.approx(0.5, abs=0.1)


def test_a_learner_is_judged_by_what_it_was_fed():
    r = evaluate("MBias-v0", [LinearRegression(), Backdoor()], n_train=1000, seeds=[0])
    judged = r.groupby("learner")["judged_family"].first()
    assert judged["LinearRegression()"] == "backdoor"  # adjusting for M, which the environment says fails
    assert judged["Backdoor()"] == "naive"  # DoWhy found nothing to adjust for
    r = evaluate("Mediation-v0", [LinearRegression()], n_train=500, seeds=[0])
    assert r["judged_family"].iloc[0] == "correlational"  # fed the mediator, a descendant of T


def test_sachs_scores_predicted_shifts_against_the_measured_ones():
    env = cl.make("Sachs-v0")
    r = evaluate(env, [LinearRegression()], n_train=800, seeds=[0], n_test=600)  # trained on all 853 cells
    shifts = r[r["metric"] == "shift"].set_index("regime")
    truth = env.true_effects()
    assert set(shifts.index) == {k.split(":")[0] for k in truth if k.endswith(":erk")}
    assert shifts.loc["u0126", "true_value"] == pytest.approx(float(truth["u0126:erk"]))
    # the plug-in shift of a linear model is its mek coefficient times the move of mek
    fitted = LinearRegression().fit(env.data(), env.task)
    test = env.data()
    target = env.regime_intervention("u0126")["mek"]
    coef = fitted.coef_[fitted.features_.index("mek")]
    expected = coef * (target - test["mek"].mean()) + fitted.predict(test).mean() - test["erk"].mean()
    assert shifts.loc["u0126", "value"] == pytest.approx(expected, abs=1e-9)


def test_units_under_a_regime_are_their_exact_counterfactuals():
    # the evaluator scores rung 3 against the test units drawn again under the regime; with shared
    # noise these are the units' counterfactuals from stored noise, soft and stochastic regimes too
    for env_id in ("Confounding-v0", "KidneyStones-v0", "SpuriousShortcut-v0"):
        env = cl.make(env_id)
        world = env.sample_world(500, seed=9)
        for regime in env.regimes.values():
            under = env.do(regime).sample_world(500, seed=9)
            per_unit = {v: under[v].to_numpy() for v in regime}
            cf = env.counterfactual(world, per_unit)
            np.testing.assert_allclose(cf[env.outcome].to_numpy(dtype=float),
                                       under[env.outcome].to_numpy(dtype=float), atol=1e-9)


class RefusalExpectedToSucceed(Environment):
    """FrontDoor's equations with a wrong claim: that back-door adjustment succeeds here."""

    story = "test"
    treatment, outcome, covariates = "X", "Y", ()
    expected = {"backdoor": (True, "a wrong claim, planted")}

    def build(self):
        return cl.make("FrontDoor-v0").scm


def test_a_refusal_where_success_is_expected_is_a_mismatch():
    v = verdicts(evaluate(RefusalExpectedToSucceed(), [Backdoor()], n_train=300, seeds=[0]))
    assert v["observed"].item() == "refuses" and v["verdict"].item() == "MISMATCH"


# ---------------------------------------------------------------------- no peeking
class Spy(LinearRegression):
    """Records the columns each public query receives (class-level: evaluate fits a clone)."""

    seen: list = []

    def predict(self, data):
        Spy.seen.append(("predict", tuple(data.columns)))
        return super().predict(data)

    def predict_do(self, data, do):
        Spy.seen.append(("predict_do", tuple(data.columns)))
        return super().predict_do(data, do)

    def predict_counterfactual(self, data, do):
        Spy.seen.append(("predict_counterfactual", tuple(data.columns)))
        return super().predict_counterfactual(data, do)


def test_rungs_1_and_2_never_see_the_outcome_nor_unfed_columns():
    Spy.seen = []
    r = evaluate("KidneyStones-v0", [Spy(features="treatment")], n_train=300, seeds=[0], n_test=200)
    assert {"rmse", "do_rmse", "shift_rmse", "att", "cf_accuracy"} <= set(r.loc[r["status"] == "ok", "metric"])
    seen = {}
    for rung, columns in Spy.seen:
        seen.setdefault(rung, set()).add(frozenset(columns))
    assert seen["predict"] == seen["predict_do"] == {frozenset({"T"})}  # not R, and not S (never fed)
    assert seen["predict_counterfactual"] == {frozenset({"T", "R", "S"})}  # rung 3 alone gets the factual row


def test_no_learner_scores_do_rmse_zero_where_the_outcome_has_noise():
    """Collider-v0 (T, Y ~ Bernoulli(0.5) independent, S := Bernoulli(p[T][Y])): Y is not a
    descendant of T, so Y under do(T) is the unit's own Y. An answer from the unit's (T, S)
    cannot beat the Bayes error E[Var(Y | T, S)] (closed form from the documented table);
    the per-unit squared errors lie in [0, 1], so their mean has SE <= 0.5 / sqrt(n)."""
    from causalab.learners import GCM, NeuralSCM

    p = np.array([[0.05, 0.5], [0.5, 0.95]])  # P(S=1 | T, Y), rows T, columns Y
    bayes = 0.0
    for t in (0, 1):
        for s_prob in (p[t], 1 - p[t]):  # S = 1, then S = 0
            joint = 0.25 * s_prob  # P(T=t, Y=y, S=s) for y = 0, 1
            q = joint[1] / joint.sum()
            bayes += joint.sum() * q * (1 - q)
    assert bayes == pytest.approx(0.1866, abs=1e-4)
    n = 1000
    # the default run's GCM (which copied each unit's Y, scoring 0), a fitted SCM simulating the
    # same way, and correlational plug-ins that read S; the evaluator hides Y from all of them
    learners = [GCM(n_draws=5), NeuralSCM(hidden=(8,), max_epochs=10), LinearRegression(), LinearRegression(features="treatment")]
    r = evaluate("Collider-v0", learners, n_train=500, seeds=[0], n_test=n)
    do_rmse = r[(r["metric"] == "do_rmse") & (r["status"] == "ok")]
    assert len(do_rmse) == 2 * len(learners)  # do(T=0), do(T=1)
    assert (do_rmse["value"] ** 2 >= bayes - 4 * 0.5 / np.sqrt(n)).all(), do_rmse[["learner", "regime", "value"]]
