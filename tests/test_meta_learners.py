"""The DR-learner and the X-learner (causalab.learners.meta): the DR-learner's estimator against
the AIPW formulas computed by hand, and both against closed-form truths on
HeterogeneousEffects-v0 (ATE = 1 exactly, ATT by quadrature, CATE 1 + 2 X1 + sin 2 X2)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LogisticRegression

import causalab as cl
from causalab.learners import DRLearner, LinearRegression, TLearner, XLearner


@pytest.fixture(scope="module")
def hetero():
    env = cl.make("HeterogeneousEffects-v0")
    return env, env.sample(2000, seed=0)


def _small_frame(n=80, seed=3):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    t = (rng.uniform(size=n) < 1 / (1 + np.exp(-x1))).astype(np.int64)
    y = x1 + 0.5 * x2 + t * (1 + x2) + rng.normal(size=n)
    frame = pd.DataFrame({"X1": x1, "X2": x2, "T": t, "Y": y})
    task = cl.Task.from_data(frame, "X1 -> T; X2 -> T; X1 -> Y; X2 -> Y; T -> Y", "T", "Y")
    return frame, task


def test_dr_learner_is_the_aipw_estimator_computed_by_hand():
    """Cross-fitted OLS arms and logistic propensities refitted by hand on the learner's folds;
    ATE, ATT and ATC by the textbook AIPW formulas (written differently from the learner's):
    equal to 1e-10, standard errors included."""
    frame, task = _small_frame()
    logistic = LogisticRegression(C=10.0)
    dr = DRLearner(LinearRegression(), logistic, n_folds=2, clip=0.02).fit(frame, task)
    x = frame[["X1", "X2"]].to_numpy()
    t, y, n = frame["T"].to_numpy(), frame["Y"].to_numpy(), len(frame)
    design = np.column_stack([np.ones(n), x])
    m0, m1, e = np.empty(n), np.empty(n), np.empty(n)
    assert set(np.unique(dr.folds_)) == {0, 1}
    for fold in (0, 1):
        here, rest = dr.folds_ == fold, dr.folds_ != fold
        for arm, out in ((0, m0), (1, m1)):
            rows = rest & (t == arm)
            beta = np.linalg.lstsq(design[rows], y[rows], rcond=None)[0]
            out[here] = design[here] @ beta
        e[here] = LogisticRegression(C=10.0).fit(x[rest], t[rest]).predict_proba(x[here])[:, 1]
    e = np.clip(e, 0.02, 0.98)
    terms = m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1 - e)
    np.testing.assert_allclose(dr.pseudo_outcome_, terms, atol=1e-10)
    ate = dr.effect()
    np.testing.assert_allclose([ate.value, ate.se], [terms.mean(), terms.std(ddof=1) / np.sqrt(n)], atol=1e-10)
    assert ate.interval[0] < ate.value < ate.interval[1]
    n1, n0 = t.sum(), n - t.sum()
    # ATT = mean over the treated of (Y - m0) minus the odds-weighted control residuals
    att = np.mean((y - m0)[t == 1]) - np.sum((e / (1 - e) * (y - m0))[t == 0]) / n1
    atc = np.mean((m1 - y)[t == 0]) + np.sum(((1 - e) / e * (y - m1))[t == 1]) / n0
    np.testing.assert_allclose([dr.effect(estimand="att").value, dr.effect(estimand="atc").value], [att, atc],
                               atol=1e-10)
    # the reversed contrast: its ATT averages over the units with T = 0 (the treated value)
    np.testing.assert_allclose(dr.effect(0, 1, estimand="att").value, -atc, atol=1e-10)
    np.testing.assert_allclose(dr.effect(0, 1).value, -terms.mean(), atol=1e-10)
    # rung 2: the control arm's models averaged over the folds, plus the final OLS of phi on X
    phi_beta = np.linalg.lstsq(design, terms, rcond=None)[0]
    np.testing.assert_allclose((dr.predict_do(frame, {"T": 1}) - dr.predict_do(frame, {"T": 0})).to_numpy(),
                               design @ phi_beta, atol=1e-9)


def test_dr_learner_is_doubly_robust_where_the_naive_contrast_is_not(hetero):
    """With a constant outcome model (the mean) the DR-learner rests on the propensity alone,
    which is right (logistic in X1): its ATE is within 4 of its standard errors of the true 1,
    while the T-learner on the same constant model (the naive contrast) is many away. With OLS
    arms the ATE and the ATT land within 4 SE of their closed forms too."""
    env, data = hetero
    truth = env.true_effects()
    dummy = DRLearner(DummyRegressor(), n_folds=2).fit(data, env.task)
    est = dummy.effect()
    assert abs(est.value - 1.0) < 4 * est.se, est
    naive = TLearner(DummyRegressor()).fit(data, env.task).effect().value
    assert abs(naive - 1.0) > 6 * est.se, (naive, est.se)  # 9.5 SE here
    ols = DRLearner(LinearRegression(), n_folds=2).fit(data, env.task)
    for estimand in ("ate", "att"):
        got = ols.effect(estimand=estimand)
        assert abs(got.value - float(truth[estimand])) < 4 * got.se, (estimand, got)
    # the CATE: the final OLS finds tau's slope in X1 (2); sqrt(PEHE) well below tau's spread (2.1)
    cate = (ols.predict_do(data, {"T": 1}) - ols.predict_do(data, {"T": 0})).to_numpy()
    assert np.sqrt(np.mean((cate - env.true_cate(data)) ** 2)) < 1.0


def test_x_learner_recovers_the_ate_and_the_cate(hetero):
    """X-learner on OLS: the ATE within 4 bootstrap SE of the true 1, and its CATE close to
    tau (sqrt(PEHE) < 1, while a constant effect's is 2.1 and imputing with the wrong arm's sign
    gives far more)."""
    env, data = hetero
    x = XLearner(LinearRegression()).fit(data, env.task)
    est = x.effect(n_bootstrap=30, seed=0)
    assert abs(est.value - 1.0) < 4 * est.se, est
    cate = (x.predict_do(data, {"T": 1}) - x.predict_do(data, {"T": 0})).to_numpy()
    assert np.sqrt(np.mean((cate - env.true_cate(data)) ** 2)) < 1.0
    # rung 3 adds the CATE to the factual outcome
    cf = x.predict_counterfactual(data, {"T": 1}).to_numpy()
    np.testing.assert_allclose(cf, data["Y"].to_numpy() + (1 - data["T"].to_numpy()) * cate, atol=1e-9)


def test_meta_learners_warn_on_poor_overlap_and_refuse_bad_parameters():
    env = cl.make("HeterogeneousEffects-v0", overlap=5.0)
    data = env.sample(600, seed=1)
    with pytest.warns(cl.OverlapWarning, match="DRLearner: poor overlap"):
        dr = DRLearner(LinearRegression(), n_folds=2, clip=0.05).fit(data, env.task)
    assert 0 < dr.share_clipped_ < 1 and dr.propensity_.min() >= 0.05 and dr.propensity_.max() <= 0.95
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cl.OverlapWarning)
        for bad, text in ((DRLearner(n_folds=1), "n_folds"), (DRLearner(clip=0.5), "clip"),
                          (DRLearner(propensity_model="logistic"), "propensity_model"),
                          (XLearner(final_model=3), "final_model")):
            with pytest.raises(cl.InvalidValueError, match=text):
                bad.fit(data, env.task)
        cont = cl.make("Confounding-v0")
        with pytest.raises(cl.UnsupportedQueryError, match="binary treatment"):
            XLearner(LinearRegression()).fit(cont.sample(100, seed=0), cont.task)
