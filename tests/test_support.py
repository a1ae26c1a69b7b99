"""Support, positivity and degenerate fits (issue 15, parts 1 and 4): each example of the issue
re-run, its expected value from the SCM's exact truth or its documented equations."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import causalab as cl
from causalab.envs.base import Environment
from causalab.evaluation import evaluate
from causalab.learners import (
    GCM,
    TARNet,
    Backdoor,
    GradientBoosting,
    LinearRegression,
    NeuralSCM,
    SLearner,
    TLearner,
    support_policy,
)
from causalab.learners.base import t_interval
from causalab.testing.learners import check_constant_treatment, check_unseen_value


@pytest.fixture(scope="module")
def kidney():
    env = cl.make("KidneyStones-v0")
    return env, env.sample(2000, seed=0)


# ---------------------------------------------------------------------- constant treatment, thin levels
@pytest.mark.parametrize("learner", [Backdoor(), LinearRegression(), GradientBoosting(max_iter=5), SLearner(),
                                     NeuralSCM(max_epochs=2), GCM(n_draws=2), TLearner(), TARNet(max_epochs=2)],
                         ids=repr)
def test_kidney_stones_with_only_the_treated_is_refused_at_fit(kidney, learner):
    # the example: Backdoor gave 1.9e11, OLS / boosting / S-learner 0.0, NeuralSCM a made-up
    # number, GCM a raw scikit-learn ValueError
    env, data = kidney
    with pytest.raises(cl.OutOfSupportError, match=r"every training unit has T=1") as info:
        learner.fit(data[data["T"] == 1], env.task)
    assert isinstance(info.value, cl.UnsupportedQueryError) and isinstance(info.value, ValueError)
    assert not hasattr(learner, "task_")


def test_with_both_arms_the_same_learner_recovers_the_exact_effect(kidney):
    env, data = kidney
    truth = float(env.scm.ate("T", "R"))  # exact enumeration: 0.8325 - 0.7789
    effect = Backdoor().fit(data, env.task).effect(1, 0)
    se = (effect.interval[1] - effect.interval[0]) / (2 * stats.t.ppf(0.975, len(data) - 3))
    assert abs(effect.value - truth) <= 4 * se


def test_a_level_below_the_floor_is_refused_and_the_floor_is_a_setting(kidney):
    env, data = kidney
    thin = pd.concat([data[data["T"] == 1], data[data["T"] == 0].iloc[:9]])  # 9 controls < min_units=10
    with pytest.raises(cl.OutOfSupportError, match=r"min_units=10.*\{0: 9, 1: \d+\}"):
        LinearRegression().fit(thin, env.task)
    with support_policy(min_units=5):
        assert cl.learners.get_support_policy().min_units == 5
        LinearRegression().fit(thin, env.task)
    assert cl.learners.get_support_policy().min_units == 10  # restored
    with support_policy(on_violation="warn"), pytest.warns(cl.SupportWarning, match="min_units=10"):
        fitted = LinearRegression().fit(thin, env.task)
    with pytest.raises(cl.OutOfSupportError, match=r"T=0 has 9 training unit"):
        fitted.effect(1, 0)  # checked again at the query
    with pytest.raises(cl.InvalidValueError, match="on_violation"):
        with support_policy(on_violation="ignore"):
            pass


def test_a_continuous_value_outside_the_training_range(kidney):
    # Confounding-v0 (linear): Y = T + Z + e, so E[Y | do(T=t)] - E[Y | do(T=0)] = t exactly
    env = cl.make("Confounding-v0")
    data = env.sample(3000, seed=1)
    fitted = LinearRegression(features="covariates").fit(data, env.task)
    high = float(data["T"].max())
    tol = 4 * high / np.sqrt(len(data))  # 4 SE of the slope: Var(T | Z) = 1, noise sd 1
    assert fitted.effect(high, 0).value == pytest.approx(high, abs=tol)  # inside: answered
    for call in (lambda: fitted.effect(high + 1, 0), lambda: fitted.predict_do(data.iloc[:5], {"T": high + 1}),
                 lambda: fitted.predict_counterfactual(data.iloc[:5], {"T": -high - 10})):
        with pytest.raises(cl.OutOfSupportError, match=r"outside the training range"):
            call()
    with support_policy(on_violation="warn"), pytest.warns(cl.SupportWarning, match=f"T={high + 1:.4g}"):
        far = fitted.effect(high + 1, 0)
    assert far.value == pytest.approx(high + 1, abs=tol * (high + 1) / high)  # linear: extrapolates rightly


class Shifted(Environment):
    """Y := 2 T + Z + N(0, 1), T := Z + N(0, 1), Z := N(0, 1); the regime do(T=8) lies past
    every training unit's T (sd sqrt(2): 8 is 5.7 sd out)."""

    story = "test"
    treatment, outcome, covariates = "T", "Y", ("Z",)
    expected = {"backdoor": (True, "Z blocks the back door")}

    def build(self):
        scm = cl.SCM()
        scm.add("Z", cl.Normal(0, 1))
        scm.add("T", cl.Linear({"Z": 1.0}))
        scm.add("Y", cl.Linear({"T": 2.0, "Z": 1.0}))
        return scm

    @property
    def regimes(self):
        return {"do(T=0)": cl.Intervention({"T": 0}), "do(T=8)": cl.Intervention({"T": 8})}


def test_the_evaluator_records_a_refusal_or_on_request_the_warning():
    env, learner = Shifted(), LinearRegression(features="covariates")
    refused = evaluate(env, learner, n_train=400, seeds=[0], n_test=400)
    row = refused[(refused["regime"] == "do(T=8)") & (refused["metric"] == "do_rmse")]
    assert row["status"].item() == "unsupported" and "outside the training range" in row["message"].item()
    inside = refused[(refused["regime"] == "do(T=0)") & (refused["metric"] == "do_rmse")]
    assert inside["status"].item() == "ok" and inside["message"].item() == ""
    warned = evaluate(env, learner, n_train=400, seeds=[0], n_test=400, support="warn")
    row = warned[(warned["regime"] == "do(T=8)") & (warned["metric"] == "do_rmse")]
    assert row["status"].item() == "ok" and row["message"].item().startswith("SupportWarning:")
    # the linear model is right, so its error under do(T=8) is the noise, sd 1, plus coefficient error
    assert abs(row["value"].item() ** 2 - 1.0) <= 4 * np.sqrt(2 / 400) + 0.1
    with pytest.raises(cl.InvalidValueError, match="support"):
        evaluate(env, learner, n_train=400, support="ignore")


# ---------------------------------------------------------------------- overlap
def _clipped_share(overlap: float, lo: float = 0.05) -> float:
    """Exact share of units with propensity sigmoid(o X1) outside [lo, 1 - lo], X1 ~ N(0, 1)."""
    return float(2 * stats.norm.sf(np.log((1 - lo) / lo) / overlap))


@pytest.fixture(scope="module")
def poor_overlap():
    env = cl.make("HeterogeneousEffects-v0", overlap=8)
    return env, env.sample(2000, seed=0)


def test_ipw_under_poor_overlap_warns_with_the_share_dowhy_clips(poor_overlap):
    # the example: DoWhy clips ~71% of the propensities and converges to ~3.05 against 1
    env, data = poor_overlap
    with pytest.warns(cl.OverlapWarning, match=r"poor overlap: \d+\.\d% of the 2000 training units"):
        ipw = Backdoor("ipw").fit(data, env.task)
    share = ipw.overlap_.share_clipped
    assert abs(share - _clipped_share(8)) < 0.1  # 0.713 exactly; the fitted slope is estimated
    est = ipw.estimator_.estimate_effect(ipw._train_.copy(), treatment_value=1, control_value=0, target_units="ate")
    ps = np.asarray(est.propensity_scores)
    assert abs(np.mean((ps <= 0.05) | (ps >= 0.95)) - share) < 0.02  # what DoWhy itself clipped
    assert ipw.overlap_.ess < 0.05 * len(data)
    assert abs(ipw.effect(1, 0).value - float(env.true_effects()["ate"])) > 1  # the bias the warning is about


def test_clipping_bounds_are_a_documented_setting(poor_overlap):
    env, data = poor_overlap
    with pytest.warns(cl.OverlapWarning, match=r"\[0.01, 0.99\]"):
        wide = Backdoor("ipw", clip=(0.01, 0.99)).fit(data, env.task)
    assert wide.get_params()["clip"] == (0.01, 0.99)
    assert abs(wide.overlap_.share_clipped - _clipped_share(8, 0.01)) < 0.1  # 0.566 exactly
    est = wide.estimator_.estimate_effect(wide._train_.copy(), treatment_value=1, control_value=0, target_units="ate")
    assert np.asarray(est.propensity_scores).min() >= 0.01 and np.asarray(est.propensity_scores).max() <= 0.99
    for bad in ((0.6, 0.9), (0.1,), "tight"):
        with pytest.raises(cl.InvalidValueError, match="bounds"):
            Backdoor("ipw", clip=bad).fit(data, env.task)


def test_good_overlap_is_quiet_and_every_backdoor_learner_is_diagnosed():
    env = cl.make("HeterogeneousEffects-v0")  # overlap=1: the exact share outside is 0.3%
    data = env.sample(2000, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", cl.OverlapWarning)
        fits = [Backdoor().fit(data, env.task), LinearRegression(features="covariates").fit(data, env.task),
                TLearner().fit(data, env.task)]
    for fitted in fits:
        assert abs(fitted.overlap_.share_clipped - _clipped_share(1)) < 0.01
        assert sorted(fitted.overlap_.adjustment_set) == ["X1", "X2", "X3"]
    naive = LinearRegression(features="treatment").fit(data, env.task)
    assert not hasattr(naive, "overlap_")  # no adjustment set, nothing to diagnose


def test_overlap_rows_in_the_result_table_and_the_report(poor_overlap):
    env, _ = poor_overlap
    r = evaluate(env, [Backdoor("ipw"), LinearRegression(features="treatment")], n_train=2000, seeds=[0], n_test=300)
    rows = r[r["regime"] == "overlap"]
    assert set(rows["learner"]) == {"Backdoor(method='ipw')"}
    assert set(rows["metric"]) == {"overlap_share_clipped", "overlap_ess"} and set(rows["rung"]) == {2}
    share = rows.loc[rows["metric"] == "overlap_share_clipped", "value"].item()
    assert abs(share - _clipped_share(8)) < 0.1
    assert rows["message"].str.startswith("OverlapWarning:").all()
    ate = r[(r["metric"] == "ate") & (r["learner"] == "Backdoor(method='ipw')")]
    assert "OverlapWarning" not in ate["message"].item()  # the fit's overlap warning sits on the overlap rows
    text = cl.report(r).markdown()
    assert "## Overlap" in text and "| poor |" in text


def test_dependency_warnings_are_filtered_by_message_not_all_at_once():
    from causalab.learners.dowhy_estimators import _quiet

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with _quiet():
            warnings.warn("1 variables are assumed unobserved because they are not in the dataset", UserWarning)
            warnings.warn("something new from a dependency", UserWarning)
            warnings.warn(cl.OverlapWarning("ours"))
    assert [str(w.message) for w in seen] == ["something new from a dependency", "ours"]


# ---------------------------------------------------------------------- degenerate designs
class Collinear(Environment):
    """Z := N(0, 1); Z2 := 2 Z exactly; C := Categorical(1/3 each); D := 1[C == 0] exactly;
    T := Z + N(0, 1); Y := T + Z + N(0, 1). Z2 duplicates Z, D is a sum of C's one-hot columns."""

    story = "test"
    treatment, outcome, covariates = "T", "Y", ("Z", "Z2", "C", "D")
    expected = {}

    def build(self):
        scm = cl.SCM()
        scm.add("Z", cl.Normal(0, 1))
        scm.add("Z2", cl.Custom(lambda pa, noise: 2 * pa["Z"], parents=["Z"], noise=cl.Normal(0, 1)))
        scm.add("C", cl.Table([], [1 / 3, 1 / 3, 1 / 3]))
        scm.add("D", cl.Table(["C"], [1.0, 0.0, 0.0]))
        scm.add("T", cl.Linear({"Z": 1.0}))
        scm.add("Y", cl.Linear({"T": 1.0, "Z": 1.0}))
        return scm


@pytest.fixture(scope="module")
def collinear():
    env = Collinear()
    return env, env.sample(300, seed=0)


def test_ols_refuses_a_collinear_column_naming_it(collinear):
    env, data = collinear
    with pytest.raises(cl.DegenerateFitError, match=r"'Z2' is collinear with \['Z'\]"):
        LinearRegression(features=["T", "Z", "Z2"]).fit(data, env.task)
    with pytest.raises(cl.DegenerateFitError, match=r"'D' is collinear with \['C=1', 'C=2'\]"):
        LinearRegression(features=["T", "C", "D"]).fit(data, env.task)
    with pytest.raises(cl.DegenerateFitError, match=r"'Z' is constant"):
        LinearRegression(features=["T", "Z"]).fit(data.assign(Z=0.5), env.task)
    # ridge is determined either way; without the duplicate, OLS recovers the exact effect 1
    LinearRegression(features=["T", "Z", "Z2"], alpha=1.0).fit(data, env.task)
    fitted = LinearRegression(features=["T", "Z"]).fit(data, env.task)
    assert fitted.effect(1, 0).value == pytest.approx(1.0, abs=4 / np.sqrt(len(data)))


def test_backdoor_regression_refuses_a_collinear_adjustment_set(collinear):
    env, data = collinear
    with pytest.raises(cl.DegenerateFitError, match=r"collinear with"):
        Backdoor().fit(data, env.task)  # the maximal set holds Z and Z2


def test_too_few_rows_for_the_model_are_refused():
    env = cl.make("Confounding-v0")
    data = env.sample(3, seed=0)
    with pytest.raises(cl.DegenerateFitError, match=r"3 training rows for 3 parameters"):
        LinearRegression(features="covariates").fit(data, env.task)
    with pytest.raises(cl.DegenerateFitError, match=r"3 training rows for 3 parameters"):
        Backdoor().fit(data, env.task)


def test_small_sample_intervals_use_t_quantiles():
    # Backdoor's regression on Confounding-v0 is OLS of Y on (1, T, Z): its effect interval is
    # the textbook one, beta_T +- t(0.975, n - 3) se(beta_T), derived here by hand
    env = cl.make("Confounding-v0")
    n = 8
    data = env.sample(n, seed=4)
    effect = Backdoor().fit(data, env.task).effect(1, 0)
    x = np.column_stack([np.ones(n), data["T"], data["Z"]])
    y = data["Y"].to_numpy()
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    se = np.sqrt(resid @ resid / (n - 3) * np.linalg.inv(x.T @ x)[1, 1])
    half = stats.t.ppf(0.975, n - 3) * se  # 2.571 se, where 1.96 would undercover
    assert effect.value == pytest.approx(beta[1], abs=1e-9)
    assert effect.interval == pytest.approx((beta[1] - half, beta[1] + half), abs=1e-9)
    assert t_interval(0.0, 1.0) == pytest.approx((-1.959964, 1.959964))
    with pytest.raises(cl.DegenerateFitError, match="saturated"):
        t_interval(0.0, 1.0, df=0)


# ---------------------------------------------------------------------- the common checks can fail
class Unchecked(LinearRegression):
    """Drops the support record the base class keeps, so its queries go unchecked."""

    def _fit(self, data):
        super()._fit(data)
        self.support_ = None


class FitsAnything(LinearRegression):
    """Skips the base class's fit (and so its support check)."""

    def fit(self, data, task):
        self.task_ = task
        self.columns_ = self._fit_columns()
        self._fit(data)
        return self


def test_the_support_checks_catch_a_learner_that_skips_them():
    with pytest.raises(AssertionError, match="OutOfSupportError naming T="):
        check_unseen_value(Unchecked())
    with pytest.raises(AssertionError, match="OutOfSupportError naming T=1"):
        check_constant_treatment(FitsAnything(alpha=1.0))  # ridge: no design check to stop it either
    check_unseen_value(LinearRegression())
    check_constant_treatment(LinearRegression())
