"""Causal effect estimators through DoWhy's CausalModel (identify_effect + estimate_effect).

Each learner hands DoWhy the data and the task's graph (hidden confounding as latent nodes
absent from the data), lets DoWhy identify its estimand, and estimates with DoWhy's own
estimator; nothing is rewritten here (but for Backdoor's optional ``matching_ties="average"``).
When the estimand is not identified the learner raises :class:`~causalab.NotIdentifiedError`
saying why, never a number.

Fitted DoWhy objects: ``estimand_`` (DoWhy's ``IdentifiedEstimand``), ``estimator_``,
``estimate_`` (the ``CausalEstimate`` of do(T=1) against do(T=0)) and ``causal_model_`` (the
``CausalModel``, holding the data as DoWhy saw it), so DoWhy's refuters run on the very fit
(``causal_model_.refute_estimate(estimand_, estimate_, ...)``; see
:mod:`causalab.evaluation.refute`).

Variable types at the boundary: a categorical variable (more than two levels) is handed to
DoWhy as a pandas categorical over the task's levels, which DoWhy's estimators one-hot encode
(first level dropped) wherever it is a treatment, a confounder or an effect modifier; never
as an integer code, which a linear model would read as a dose. The outcome is handed as its
numeric levels, so answers about a categorical outcome are its expected level (a linear
model of the levels is the sum of the linear models of each level's indicator).

Threads: DoWhy reads and writes process-wide state (logging levels, warning filters, and
fitted estimators mutated by ``estimate_effect``), so every call into it here holds one
module lock (:data:`DOWHY_LOCK`, shared with :class:`~causalab.learners.GCM`).
"""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..exceptions import DegenerateFitError, InvalidValueError, NotIdentifiedError, UnsupportedQueryError
from .base import (
    OVERLAP_BOUNDS,
    Effect,
    Learner,
    LearnerTags,
    _check_bounds,
    check_design,
    clip_to_outcome,
    t_interval,
)

#: held by every call into DoWhy (re-entrant: a call may nest another)
DOWHY_LOCK = threading.RLock()


#: (message regex, category) of the dependency warnings hidden inside DoWhy calls, each known
#: and harmless here; every other warning (causalab's own included) passes through
QUIET_WARNINGS = (
    # latent nodes are how causalab hands DoWhy hidden confounding: by design
    (r"\d+ variables are assumed unobserved because they are not in the dataset", UserWarning),
    # pandas deprecations inside DoWhy's and DoWhy-gcm's own code
    (r"The copy keyword is deprecated", DeprecationWarning),
    (r".*(is deprecated|will be removed in a future version)", FutureWarning),
    # DoWhy's rank-deficient OLS: Backdoor checks the design itself and raises DegenerateFitError
    (r"The design matrix is rank-deficient", Warning),
    # statsmodels' summary diagnostics, which DoWhy computes on small fits and causalab never reads
    (r"`kurtosistest` p-value may be inaccurate", UserWarning),
    (r"omni_normtest is not valid with less than", Warning),
    # DoWhy-gcm's model selection cross-validates classifiers on small classes
    (r"The least populated class in y has only \d+ members", UserWarning),
)


@contextmanager
def _quiet():
    """Hide the known, harmless warnings of DoWhy calls (:data:`QUIET_WARNINGS`, filtered by
    message) and DoWhy's log lines below ERROR (it logs every latent node, by design here).
    Holds :data:`DOWHY_LOCK`: the logger level and the warning filters are process-wide."""
    import logging

    with DOWHY_LOCK:
        logger = logging.getLogger("dowhy")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings():
                for message, category in QUIET_WARNINGS:
                    warnings.filterwarnings("ignore", message=message, category=category)
                yield
        finally:
            logger.setLevel(level)


class _DoWhyLearner(Learner):
    """Shared: build the CausalModel, identify, fit DoWhy's estimator for do(T=1) vs do(T=0)."""

    method_name: str
    _additive_counterfactual = True  # every rung 3 here is the factual outcome plus a linear effect

    def _fit(self, data):
        from dowhy import CausalModel

        task = self.task_
        self._check_types()
        data = data[task.observed]
        self.n_train_ = len(data)
        with _quiet():
            model = CausalModel(data=self._to_dowhy(data), treatment=task.treatment, outcome=task.outcome,
                                graph=task.graph.copy())
            estimand = model.identify_effect(proceed_when_unidentifiable=False, method_name=self._identification())
            if estimand.estimands is None:  # DoWhy's answer when T has no directed path to Y
                raise UnsupportedQueryError(
                    f"the graph has no directed path from {task.treatment} to {task.outcome}: the effect is zero by the "
                    f"graph alone, and DoWhy returns no estimand for {type(self).__name__} to estimate")
            self._check_identified(estimand)
            try:
                estimate = model.estimate_effect(estimand, method_name=self._method(), control_value=0,
                                                 treatment_value=1, target_units="ate",
                                                 method_params=self._method_params(estimand))
            except ValueError as exc:  # e.g. "Only singleton frontdoor variables are supported"
                raise UnsupportedQueryError(f"DoWhy's {self._method()} cannot estimate this effect: {exc}") from exc
        self.estimand_, self.estimator_ = estimand, estimate.estimator
        # DoWhy's own objects, so DoWhy's refuters can run on this fit as a user would run them
        # (causalab.evaluation.refute): the model (holding the data as DoWhy saw it) and the estimate
        self.causal_model_, self.estimate_ = model, estimate
        self.slope_ = float(estimate.value)  # effect of do(T=1) against do(T=0)
        self._train_ = data  # numeric; _to_dowhy gives DoWhy its own copy on each call
        self.y_mean_ = float(data[task.outcome].mean())
        self.t_mean_ = float(data[task.treatment].mean())

    def _method(self) -> str:
        return self.method_name

    def _check_types(self):
        """Refuse categorical variables this estimator would read as numbers (hook)."""

    def _refuse_categorical(self, names, role: str, why: str):
        task = self.task_
        for name in names:
            if task.kind(name) == "categorical":
                raise UnsupportedQueryError(
                    f"{type(self).__name__} cannot take the categorical {role} {name!r} (levels "
                    f"{list(task.type(name).levels)}): {why}")

    def _to_dowhy(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` for DoWhy (which writes columns into the frame it is given):
        categorical variables but the outcome as pandas categoricals over the task's levels,
        so DoWhy one-hot encodes them instead of reading their codes as a dose."""
        task, out = self.task_, frame.copy()
        for name in out.columns:
            if name != task.outcome and name in task.variables and task.kind(name) == "categorical":
                out[name] = pd.Categorical(out[name].to_numpy(), categories=list(task.type(name).levels))
        return out

    def _width(self, name) -> int:
        """Columns ``name`` takes in DoWhy's design: its levels but the first if categorical."""
        vtype = self.task_.type(name)
        return len(vtype.levels) - 1 if vtype.kind == "categorical" else 1

    def _treatment_value(self, value):
        """A treatment value as DoWhy compares it: an int level for a categorical treatment."""
        task = self.task_
        return int(value) if task.kind(task.treatment) == "categorical" else value

    def _identification(self) -> str:
        return "default"

    def _method_params(self, estimand) -> dict | None:
        return {"need_conditional_estimates": False}

    def _binary_treatment(self, what: str):
        task = self.task_
        if task.kind(task.treatment) != "binary":
            raise UnsupportedQueryError(f"{what} needs a binary treatment; {task.treatment!r} is "
                                        f"{task.kind(task.treatment)}")

    # linear, constant-effect answers (front door, IV): E[Y_t] = E[Y] + slope (t - E[T])
    def _linear_do(self, data, do):
        t = do[self.task_.treatment]
        out = np.broadcast_to(self.y_mean_ + self.slope_ * (np.asarray(t) - self.t_mean_), (len(data),))
        return clip_to_outcome(out, self.task_)

    def _linear_counterfactual(self, data, do):
        task = self.task_
        t = np.asarray(do[task.treatment])
        factual_t = data[task.treatment].to_numpy(dtype=np.float64)
        return data[task.outcome].to_numpy(dtype=np.float64) + self.slope_ * (t - factual_t)

    def _linear_effect(self, treated, control, data, estimand="ate"):
        """A constant effect: ATE = ATT = ATC = slope (treated - control), every unit alike; the
        interval from the method's standard error (:meth:`_slope_se`)."""
        value = self.slope_ * (treated - control)
        se = abs(treated - control) * self._slope_se()
        return Effect(value, t_interval(value, se), f"DoWhy {self._method()}", estimand, se)


class Backdoor(_DoWhyLearner):
    """Back-door adjustment through DoWhy: the adjustment set is identified from the task's
    graph (DoWhy's default back-door set), then estimated by ``method``.

    Assumptions: the graph is right and an observed set blocks every back-door path from
    treatment to outcome (no hidden confounding left open); positivity.

    Categorical treatments and confounders (more than two levels) are one-hot encoded over
    the task's levels (see the module docstring): ``effect(2, 1)`` of a three-level treatment
    compares two of its levels, not two doses.

    Parameters
    ----------
    method : {"regression", "ipw", "matching"}
        ``"regression"``: DoWhy's linear regression of Y on T and the adjustment set (a
        linear, additive outcome model: per-unit answers on every rung, a 95% interval for
        the effect from the regression's standard error; on a binary outcome a linear
        probability model, its per-unit answers clipped to [0, 1], and no rung 3, since the
        factual outcome plus an effect leaves [0, 1]). ``"ipw"``: propensity-score weighting
        (binary treatment; Hajek-normalised weights, DoWhy's ``"ips_weight"``, and DoWhy's own
        weights for the ATT and ATC), answering rung 2 with the population means
        E[Y | do(T=t)] for every unit; a sandwich interval (:meth:`_ipw_se`). ``"matching"``:
        propensity-score matching (binary treatment, one nearest neighbour with replacement
        in each direction; the ATT matches the treated, the ATC the controls, and the ATE is
        the unit-weighted mean of the two), the average effect only (a bootstrap interval).
    adjustment : {"maximal-adjustment", "minimal-adjustment", "default"}
        DoWhy's back-door identification method, choosing the adjustment set from the graph.
        The maximal valid set (default) also holds prognostic covariates, which sharpens the
        estimate and gives the propensity methods something to model.
    clip : tuple of float
        ``(low, high)``: ``"ipw"`` clips the estimated propensities to this interval
        (DoWhy's ``min_ps_score`` / ``max_ps_score``, default (0.05, 0.95)); the overlap
        diagnostics (``overlap_``) count the units outside it for every method. Clipping
        bounds the weights but biases the estimate where many units are clipped.

    propensity_model : scikit-learn classifier or None
        The propensity model of ``"ipw"`` and ``"matching"`` (cloned before fitting). ``None``
        is DoWhy's default, scikit-learn's ``LogisticRegression()``: an L2 penalty with
        ``C=1.0`` on the one-hot adjustment set, which shrinks the propensities toward 1/2
        (give ``LogisticRegression(C=numpy.inf)`` for the unpenalised fit).
    matching_ties : {"first", "average"}
        How ``"matching"`` treats units of the other arm tied at the nearest propensity
        score (the rule with discrete covariates, where many units share one score).
        ``"first"`` is DoWhy's estimator as it is: one neighbour, whichever the ball tree
        returns first, so the estimate depends on the rows' order and uses one unit of each
        tied group. ``"average"``: each unit is matched to every unit at the nearest score
        (scores equal to 12 decimals are tied) and their outcomes averaged, as Stata's
        ``teffects psmatch`` does; with discrete covariates it is exact stratification on the
        score and does not depend on the rows' order.
    outcome_model : scikit-learn regressor or classifier, or None
        With ``method="regression"``: the outcome model of the adjustment formula in place of
        DoWhy's linear regression (the g-formula: ``E[Y | do(T=t)] = mean_i mu(t, x_i)``,
        ``mu`` the model fitted to Y on T and the identified adjustment set, a categorical
        variable one-hot), e.g. ``Backdoor(outcome_model=RandomForestRegressor())``. Cloned at
        fit (through :class:`~causalab.learners.Sklearn`, a ``random_state`` left at None
        seeded); a classifier answers P(Y=1) on a binary outcome. Rung 3 adds the model's
        contrast to the factual outcome (additive noise). No interval. ``None``: DoWhy's
        linear regression.

    Every fit records ``overlap_`` (:class:`~causalab.learners.Overlap`: the share of units
    whose logistic propensity on the adjustment set lies outside ``clip``, and the
    inverse-propensity weights' effective sample size) and warns with
    :class:`~causalab.OverlapWarning` when it is poor. ``"regression"`` refuses a design
    DoWhy's OLS cannot determine (no residual degrees of freedom, a collinear column) with
    :class:`~causalab.DegenerateFitError`; its interval uses Student's t with the residual
    degrees of freedom.

    Raises
    ------
    NotIdentifiedError
        When no observed adjustment set exists (hidden confounding).
    DegenerateFitError
        When the regression's design is saturated or rank-deficient.
    """

    _METHODS = {"regression": "backdoor.linear_regression", "ipw": "backdoor.propensity_score_weighting",
                "matching": "backdoor.propensity_score_matching"}
    _TIES = ("first", "average")

    def __init__(self, method: str = "regression", adjustment: str = "maximal-adjustment", clip=OVERLAP_BOUNDS,
                 propensity_model=None, matching_ties: str = "first", outcome_model=None):
        self.method = method
        self.adjustment = adjustment
        self.clip = clip
        self.propensity_model = propensity_model
        self.matching_ties = matching_ties
        self.outcome_model = outcome_model

    def _propensity_bounds(self):
        return _check_bounds(self.clip)

    def _method_params(self, estimand):
        params = super()._method_params(estimand)
        if self.method == "ipw":
            lo, hi = self._propensity_bounds()
            params.update(min_ps_score=lo, max_ps_score=hi)
        if self.method != "regression" and self.propensity_model is not None:
            from sklearn.base import clone

            params["propensity_score_model"] = clone(self.propensity_model)  # DoWhy fits it in place
        return params

    def _identification(self):
        allowed = ("maximal-adjustment", "minimal-adjustment", "default")
        if self.adjustment not in allowed:
            raise InvalidValueError(f"adjustment must be one of {allowed}, got {self.adjustment!r}")
        if self.matching_ties not in self._TIES:
            raise InvalidValueError(f"matching_ties must be one of {self._TIES}, got {self.matching_ties!r}")
        model = self.propensity_model
        if model is not None and not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
            raise InvalidValueError(f"propensity_model must be a scikit-learn classifier (fit and predict_proba) or "
                                    f"None, got {model!r}")
        if self.outcome_model is not None:
            from .correlational import is_sklearn_model

            if not is_sklearn_model(self.outcome_model):
                raise InvalidValueError(f"outcome_model must be a scikit-learn regressor or classifier instance (fit, "
                                        f"predict, get_params) or None, got {self.outcome_model!r}")
            if self.method != "regression":
                raise InvalidValueError(f"outcome_model goes with method='regression' (the adjustment formula); "
                                        f"method={self.method!r} models the propensity: give propensity_model")
        return self.adjustment

    @property
    def tags(self):
        rungs = {"regression": ("regression", "adjustment", "abduction", "analytic"),
                 "ipw": (None, "population", None, "analytic"),
                 "matching": (None, None, None, "bootstrap")}.get(self.method, (None, None, None, "bootstrap"))
        return self._outcome_tags(LearnerTags("backdoor", *rungs))

    def _method(self):
        if self.method not in self._METHODS:
            raise InvalidValueError(f"Backdoor method must be one of {sorted(self._METHODS)}, got {self.method!r}")
        if self.method != "regression":
            self._binary_treatment(f"Backdoor(method={self.method!r})")
        return self._METHODS[self.method]

    def _check_identified(self, estimand):
        if estimand.estimands.get("backdoor") is None:
            task = self.task_
            raise NotIdentifiedError(
                f"back-door adjustment is not identified for {task.treatment} -> {task.outcome}: no observed set "
                f"blocks every back-door path (hidden confounding through {task.latent}). "
                "Try FrontDoor or IV if the graph allows them.")
        # DoWhy lists every valid set it found; its "backdoor" key is the first, which for
        # "maximal-adjustment" can be the empty one: pick the largest (smallest) ourselves
        sets = [list(v) for k, v in estimand.backdoor_variables.items() if k != "backdoor"]
        if sets and self.adjustment != "default":
            choose = max if self.adjustment == "maximal-adjustment" else min
            estimand.set_backdoor_variables(choose(sets, key=len), key="backdoor")
        self.adjustment_set_ = list(estimand.get_backdoor_variables("backdoor"))
        # one parameter per column of DoWhy's design: a categorical variable has one per level but the first
        n = self.n_train_
        params = 1 + sum(self._width(v) for v in (self.task_.treatment, *self.adjustment_set_))
        if self.method == "regression" and self.outcome_model is None and n <= params:  # before statsmodels / 0
            raise DegenerateFitError(f"Backdoor('regression') on the adjustment set {self.adjustment_set_}: {n} "
                                     f"training rows for {params} parameters; a fit needs more rows than parameters")
        if not self.adjustment_set_ and self.method != "regression":
            raise UnsupportedQueryError(
                f"Backdoor(method={self.method!r}): the identified adjustment set is empty, and DoWhy's propensity "
                "methods need at least one covariate to model; use method='regression' (a difference in means here)")

    def _fit(self, data):
        self._propensity_bounds()  # a bad clip is refused before any work
        super()._fit(data)
        if self.outcome_model is not None:
            from .correlational import Sklearn

            features = [self.task_.treatment, *self.adjustment_set_]
            self.outcome_fit_ = Sklearn(self.outcome_model, features=features).fit(self._train_, self.task_)
            return
        if self.method == "regression":
            self._check_design()
        if self.method == "ipw":
            task = self.task_
            with _quiet():
                est = self.estimator_.estimate_effect(self._to_dowhy(self._train_), treatment_value=1, control_value=0,
                                                      target_units="ate")
            ps = np.asarray(est.propensity_scores, dtype=np.float64)
            t = self._train_[task.treatment].to_numpy(dtype=np.float64)
            y = self._train_[task.outcome].to_numpy(dtype=np.float64)
            # the Hajek arm means whose difference is DoWhy's estimate (weighting_scheme "ips_weight")
            self.arm_means_ = {0.0: float(np.sum((1 - t) * y / (1 - ps)) / np.sum((1 - t) / (1 - ps))),
                               1.0: float(np.sum(t * y / ps) / np.sum(t / ps))}

    @contextmanager
    def _dowhy_call(self):
        """Quiet DoWhy, and name a categorical level the training data never had (DoWhy's
        one-hot encoder, fitted on the training rows, cannot place it)."""
        try:
            with _quiet():
                yield
        except ValueError as exc:
            if "unknown categor" not in str(exc).lower():
                raise
            raise InvalidValueError(f"{type(self).__name__}: the data hold a level of a categorical variable that no "
                                    f"training unit had, so its one-hot column was never fitted: {exc}") from exc

    def _predict(self, data):
        if self.outcome_model is not None:
            return self.outcome_fit_._predict(data)
        with self._dowhy_call():
            out = np.asarray(self.estimator_.predict(self._to_dowhy(data[self._query_columns("predict")])))
        return clip_to_outcome(out, self.task_)

    def _predict_do(self, data, do):
        t = do[self.task_.treatment]
        if self.outcome_model is not None:  # the g-formula's per-unit terms mu(t, x_i)
            return self.outcome_fit_._predict_do(data, {self.task_.treatment: t})
        if self.method == "ipw":
            if np.ndim(t):
                return np.array([self.arm_means_[float(v)] for v in t])
            return np.full(len(data), self.arm_means_[float(t)])
        return clip_to_outcome(self._linear_do_values(data, t), self.task_)

    def _linear_do_values(self, data, t):
        frame = self._to_dowhy(data[self._query_columns("predict_do")])
        if np.ndim(t):  # per-unit values (a policy): DoWhy takes one value per call
            t, out = np.asarray(t, dtype=np.float64), np.empty(len(data))
            for value in np.unique(t):
                rows = t == value
                with self._dowhy_call():
                    out[rows] = np.asarray(self.estimator_.interventional_outcomes(frame[rows],
                                                                                   self._treatment_value(value)))
            return out
        with self._dowhy_call():
            return np.asarray(self.estimator_.interventional_outcomes(frame, self._treatment_value(t)))

    def _predict_counterfactual(self, data, do):
        # linear additive outcome model: the unit's residual is its noise (abduction); a
        # discrete outcome never gets here (the tags withdraw rung 3, see _outcome_tags)
        task = self.task_
        factual = self._predict(data)
        return data[task.outcome].to_numpy(dtype=np.float64) + self._predict_do(data, do) - factual

    def _constant_effect(self):
        # DoWhy's linear regression without effect modifiers: T enters alone, one slope for all
        return self.method == "regression" and self.outcome_model is None \
            and self.task_.kind(self.task_.outcome) == "continuous" and not self.estimator_._effect_modifier_names

    def _effect(self, treated, control, data, estimand="ate"):
        if self.outcome_model is not None:  # the g-formula: the mean of the per-unit contrasts
            return Learner._effect(self, treated, control, data, estimand)
        if self.method == "regression":
            # DoWhy's regression averages its contrast over the rows it is given: the estimand's units
            units = self._estimand_units(data, estimand, treated, control)
            with self._dowhy_call():
                est = self.estimator_.estimate_effect(self._to_dowhy(units),
                                                      treatment_value=self._treatment_value(treated),
                                                      control_value=self._treatment_value(control),
                                                      target_units="ate", need_conditional_estimates=False)
                interval, se = self._regression_interval(units, treated, control, float(est.value))
            return Effect(float(est.value), interval, f"DoWhy {self._method()}", estimand, se)
        if data is not None:
            # DoWhy's weights and matches score the training units it was fitted on, outcomes
            # included; rung 2 for other units is the training population's Hajek arm means
            if self.method == "ipw" and estimand == "ate":
                return super()._effect(treated, control, data, estimand)
            raise UnsupportedQueryError(f"Backdoor(method={self.method!r}) estimates the {estimand.upper()} of its "
                                        "training units only (it weights or matches their outcomes); call "
                                        "effect() without data")
        if self.method == "matching" and self.matching_ties == "average":
            return Effect(self._matching_average(self._train_, estimand), None,
                          f"DoWhy {self._method()}, ties averaged", estimand)
        frame = self._to_dowhy(self._train_)
        with self._dowhy_call():  # DoWhy's own weights (and matches) for each target population
            est = self.estimator_.estimate_effect(frame, treatment_value=self._treatment_value(treated),
                                                  control_value=self._treatment_value(control),
                                                  target_units=estimand, need_conditional_estimates=False)
        value = float(est.value)
        if self.method != "ipw":
            return Effect(value, None, f"DoWhy {self._method()}", estimand)
        se = self._ipw_se(frame, np.asarray(est.propensity_scores, dtype=np.float64), estimand)
        return Effect(value, t_interval(value, se), f"DoWhy {self._method()}, sandwich standard error", estimand, se)

    def _ipw_se(self, frame, ps, estimand):
        """Standard error of the Hajek (self-normalised) weighting estimator DoWhy computes, from
        its linearisation ``phi_i = w1_i (y_i - m1) / mean(w1) - w0_i (y_i - m0) / mean(w0)``
        with each arm's weights for the estimand (ATE: 1/e and 1/(1-e); ATT: 1 and e/(1-e); ATC:
        (1-e)/e and 1), the clipped propensity scores ``e`` taken as known. For the ATE this
        is conservative (estimating e lowers the variance; Lunceford & Davidian 2004)."""
        task = self.task_
        t = frame[task.treatment].to_numpy(dtype=np.float64)
        y = frame[task.outcome].to_numpy(dtype=np.float64)
        odds = {"ate": (1 / ps, 1 / (1 - ps)), "att": (np.ones_like(ps), ps / (1 - ps)),
                "atc": ((1 - ps) / ps, np.ones_like(ps))}[estimand]
        w1, w0 = t * odds[0], (1 - t) * odds[1]
        m1, m0 = np.sum(w1 * y) / np.sum(w1), np.sum(w0 * y) / np.sum(w0)
        phi = w1 * (y - m1) / w1.mean() - w0 * (y - m0) / w0.mean()
        return float(np.sqrt(np.mean(phi**2) / len(phi)))

    def _matching_average(self, data, estimand="ate") -> float:
        """DoWhy's propensity-score matching effect, each unit matched to every unit of the
        other arm at the nearest score, outcomes averaged: the ATT over the treated units' gaps,
        the ATC over the controls', the ATE over both (the unit-weighted mean of ATT and ATC)."""
        task = self.task_
        with self._dowhy_call():
            ps = np.asarray(self.estimator_.predict_proba(self._to_dowhy(data))[:, 1], dtype=np.float64)
        ps = np.round(ps, 12)
        t = data[task.treatment].to_numpy(dtype=np.float64) == 1
        y = data[task.outcome].to_numpy(dtype=np.float64)
        if t.all() or not t.any():
            raise InvalidValueError(f"Backdoor(method='matching'): every unit has {task.treatment}="
                                    f"{int(t[0])}; matching needs units in both arms")
        gaps = {"att": y[t] - _tied_mean(ps[~t], y[~t], ps[t]), "atc": _tied_mean(ps[t], y[t], ps[~t]) - y[~t]}
        return float(np.concatenate([gaps["att"], gaps["atc"]]).mean() if estimand == "ate" else gaps[estimand].mean())

    def _regression_interval(self, data, treated, control, value):
        """95% interval from the regression's covariance. The average effect is g'beta with
        g the mean difference of DoWhy's design rows at the two treatment values (effect
        modifiers enter as interactions), so its variance is g' Cov(beta) g, the
        covariates' means taken as fixed."""
        est, t = self.estimator_, self.task_.treatment

        def design(value):  # DoWhy's rows with the treatment set (and one-hot encoded, if categorical)
            return est._build_features(self._to_dowhy(data.assign(**{t: self._treatment_value(value)})))

        g = (design(treated) - design(control)).mean(axis=0)
        assert abs(float(g @ np.asarray(est.model.params)) - value) < 1e-8 * (1 + abs(value))
        se = float(np.sqrt(g @ np.asarray(est.model.cov_params()) @ g))
        return t_interval(value, se, df=float(est.model.df_resid)), se

    def _check_design(self):
        """DoWhy's OLS silently takes the pseudo-inverse of a singular design: refuse it."""
        task, est = self.task_, self.estimator_
        x = np.asarray(est._build_features(self._to_dowhy(self._train_)), dtype=np.float64)[:, 1:]  # no constant
        encoders = est._encoders._encoders

        def encoded(plain, which):  # DoWhy's one_hot_encode: the plain columns (sorted), then the dummies
            enc = encoders.get(which)
            if enc is None:
                return list(plain)
            dummies = set(enc.feature_names_in_)
            return sorted(c for c in plain if c not in dummies) + list(enc.get_feature_names_out())

        names = [*encoded([task.treatment], "treatment"),
                 *encoded(est._observed_common_causes_names, "observed_common_causes"),
                 *(f"{task.treatment}*{m}" for m in (est._effect_modifier_names or []))]
        if len(names) != x.shape[1]:
            names = [f"column {j}" for j in range(x.shape[1])]
        check_design(x, names, f"Backdoor('regression') on the adjustment set {self.adjustment_set_}")


def _tied_mean(pool_scores, pool_outcomes, scores) -> np.ndarray:
    """For each of ``scores``, the mean outcome of the pool's units at the nearest pool score
    (every unit of a tied score, and both neighbouring scores when they are equally near)."""
    levels, group = np.unique(pool_scores, return_inverse=True)
    sums, counts = np.bincount(group, pool_outcomes), np.bincount(group).astype(np.float64)
    right = np.clip(np.searchsorted(levels, scores), 0, len(levels) - 1)
    left = np.clip(right - 1, 0, len(levels) - 1)
    d_left, d_right = np.abs(scores - levels[left]), np.abs(scores - levels[right])
    use_left, use_right = d_left <= d_right, d_right <= d_left
    total = np.where(use_left, sums[left], 0.0) + np.where(use_right & (right != left), sums[right], 0.0)
    count = np.where(use_left, counts[left], 0.0) + np.where(use_right & (right != left), counts[right], 0.0)
    # left == right (one level, or a score beyond the ends): that level alone
    single = right == left
    total = np.where(single, sums[right], total)
    count = np.where(single, counts[right], count)
    return total / count


class FrontDoor(_DoWhyLearner):
    """Front-door adjustment through DoWhy's two-stage regression (``frontdoor.two_stage_regression``).

    Assumptions: the mediators Z identified from the graph intercept every directed path
    from treatment X to outcome Y, no back-door path from X to Z is open, and X blocks every
    back-door path from Z to Y (Pearl's front-door criterion); both stages linear with a
    constant effect, so E[Y | do(X=x)] = E[Y] + b (x - E[X]) with b = DoWhy's estimate per
    unit of X. Rung 3 under the same linear model: Y + b (x - X).

    ``effect`` is the same for the ATE, ATT and ATC (a constant effect), with Sobel's
    delta-method interval for the product of the two stages' slopes.

    Raises
    ------
    NotIdentifiedError
        When the graph has no front-door set.
    """

    _tags = LearnerTags("frontdoor", None, "population", "constant-effect", "analytic")
    method_name = "frontdoor.two_stage_regression"

    def __init__(self):
        pass

    def _check_identified(self, estimand):
        if not estimand.get_frontdoor_variables():
            task = self.task_
            raise NotIdentifiedError(
                f"no front-door set for {task.treatment} -> {task.outcome} in the task's graph: no observed "
                "mediators intercept every directed path with unconfounded links")
        self.frontdoor_set_ = list(estimand.get_frontdoor_variables())
        self._refuse_categorical(self.frontdoor_set_, "mediator",
                                 "the first stage is a linear regression of the mediator, which would read its levels "
                                 "as a dose; use NeuralSCM or GCM")

    def _check_types(self):
        self._refuse_categorical([self.task_.treatment], "treatment",
                                 "the front-door stages are linear in the treatment, which would read its levels as a "
                                 "dose; use Backdoor (one-hot treatment) where the back door is open, or NeuralSCM")

    _predict_do = _DoWhyLearner._linear_do
    _predict_counterfactual = _DoWhyLearner._linear_counterfactual
    _effect = _DoWhyLearner._linear_effect

    def _constant_effect(self):  # one slope: E[Y_t] linear in t for every unit
        return True

    def _slope_se(self) -> float:
        """Sobel's delta-method standard error of the product ``a b`` of the two stages'
        slopes: ``sqrt(b^2 Var(a) + a^2 Var(b))``, each stage's variance from its regression."""
        stages = [self.estimator_._first_stage_model, self.estimator_._second_stage_model]
        with _quiet():  # DoWhy's state is process-wide (see the module docstring)
            data = self._to_dowhy(self._train_)
            (a, var_a), (b, var_b) = (_stage_slope(est, data) for est in stages)
        assert abs(a * b - self.slope_) < 1e-6 * (1 + abs(self.slope_))
        return float(np.sqrt(b**2 * var_a + a**2 * var_b))


def _stage_slope(est, data):
    """A DoWhy linear-regression stage's effect of a unit change of its treatment, and its
    variance (``g' Cov(beta) g`` over DoWhy's own design rows, as Backdoor's interval)."""
    n = len(data)
    g = (est._build_features(data, treatment_values=np.ones(n))
         - est._build_features(data, treatment_values=np.zeros(n))).mean(axis=0)
    return float(g @ np.asarray(est.model.params)), float(g @ np.asarray(est.model.cov_params()) @ g)


class IV(_DoWhyLearner):
    """Instrumental variables through DoWhy (``iv.instrumental_variable``: the Wald
    estimator for one binary instrument, two-stage least squares otherwise).

    Assumptions: the instruments identified from the graph move the treatment, reach the
    outcome only through it and share no cause with it; a linear, constant effect, so
    E[Y | do(T=t)] = E[Y] + b (t - E[T]) and the counterfactual is Y + b (t - T).

    ``effect`` is the same for the ATE, ATT and ATC (a constant effect), with a
    heteroskedasticity-robust analytic interval (:meth:`_slope_se`).

    Raises
    ------
    NotIdentifiedError
        When the graph has no observed instrument.
    """

    _tags = LearnerTags("iv", None, "population", "constant-effect", "analytic")
    method_name = "iv.instrumental_variable"

    def __init__(self):
        pass

    def _check_identified(self, estimand):
        task = self.task_
        # DoWhy may list latent nodes as instruments; only observed ones can be used
        self.instruments_ = [z for z in estimand.instrumental_variables if z in task.variables]
        if not self.instruments_:
            raise NotIdentifiedError(
                f"no observed instrument for {task.treatment} -> {task.outcome} in the task's graph")
        self._refuse_categorical(self.instruments_, "instrument",
                                 "DoWhy's Wald and 2SLS estimators read a single instrument's levels as numbers, an "
                                 "arbitrary (possibly very weak) instrument; give a binary or continuous instrument")

    def _check_types(self):
        self._refuse_categorical([self.task_.treatment], "treatment",
                                 "DoWhy's IV estimators are linear in the treatment, which would read its levels as a "
                                 "dose")

    def _method_params(self, estimand):
        return {"iv_instrument_name": self.instruments_}

    def _slope_se(self) -> float:
        """Heteroskedasticity-robust standard error of the IV slope. One instrument (DoWhy's
        Wald or covariance ratio): ``b = Cov(Y, Z) / Cov(T, Z)`` with influence
        ``(Z - Zbar)(Y - Ybar - b (T - Tbar)) / Cov(T, Z)``. Several (DoWhy's 2SLS of Y on T
        without a constant): the 2SLS sandwich ``(Xh'Xh)^-1 Xh' diag(u^2) Xh (Xh'Xh)^-1``,
        ``Xh`` the first stage's fitted T."""
        task, data = self.task_, self._train_
        y = data[task.outcome].to_numpy(dtype=np.float64)
        t = data[task.treatment].to_numpy(dtype=np.float64)
        z = data[self.instruments_].to_numpy(dtype=np.float64)
        b, n = self.slope_, len(y)
        if z.shape[1] == 1:
            zc = z[:, 0] - z[:, 0].mean()
            cov_tz = np.mean(zc * (t - t.mean()))
            phi = zc * (y - y.mean() - b * (t - t.mean())) / cov_tz
            return float(np.sqrt(np.mean(phi**2) / n))
        t_hat = z @ np.linalg.lstsq(z, t, rcond=None)[0]
        u = y - b * t
        return float(np.sqrt(np.sum(t_hat**2 * u**2)) / np.sum(t_hat**2))

    _predict_do = _DoWhyLearner._linear_do
    _predict_counterfactual = _DoWhyLearner._linear_counterfactual
    _effect = _DoWhyLearner._linear_effect

    def _constant_effect(self):  # one slope: E[Y_t] linear in t for every unit
        return True
