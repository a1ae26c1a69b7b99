"""Correlational learners: predictors of the outcome from observed features.

They estimate E[Y | features] and nothing else. Asked about an intervention they plug the
value into the treatment column and keep every other feature as observed: that is
conditioning, not intervening, and it is right only when the features happen to form a
valid adjustment set (then the learner is a back-door estimator in disguise). Asked about
a counterfactual they do the same on the factual row, ignoring the factual outcome. The
evaluator exposes exactly these mistakes; ``features_`` says what each learner was fed.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import InvalidValueError, unknown_variable
from .base import (
    Effect,
    Learner,
    LearnerTags,
    as_int_seed,
    check_design,
    clip_to_outcome,
    features_matrix,
    t_interval,
)

CORRELATIONAL_TAGS = LearnerTags(family="correlational", predict="regression", predict_do="conditioning",
                                 predict_counterfactual="plug-in")
ANALYTIC_TAGS = LearnerTags(family="correlational", predict="regression", predict_do="conditioning",
                            predict_counterfactual="plug-in", effect_interval="analytic")


class Correlational(Learner):
    """Shared machinery: feature selection, the plug-in answers to rungs 2 and 3.

    Parameters
    ----------
    features : list of str, "treatment", "covariates" or None
        Columns to predict from. ``None``: every observed column but the outcome (the
        predictive-ML habit, which may include mediators and colliders); ``"treatment"``: the
        treatment alone (the naive contrast); ``"covariates"``: the treatment and the
        environment's declared covariates. The names resolve per task, so one learner serves
        every environment.
    """

    _tags = CORRELATIONAL_TAGS
    _drop_first = False

    def _fit_columns(self):
        task = self.task_
        if self.features is None:
            features = [c for c in task.observed if c != task.outcome]
        elif isinstance(self.features, str) and self.features in ("treatment", "covariates"):
            features = [task.treatment] + (list(task.covariates) if self.features == "covariates" else [])
        else:
            if isinstance(self.features, str) or not all(isinstance(f, str) for f in self.features):
                raise InvalidValueError(f"features must be a list of column names, 'treatment', 'covariates' or "
                                        f"None, got {self.features!r}")
            features = list(self.features)
            for f in features:
                if f not in task.variables:
                    raise unknown_variable(f, task.variables, "feature")
                if f == task.outcome:
                    raise InvalidValueError(f"the outcome {f!r} cannot be one of its own features")
            if not features:
                raise InvalidValueError("features is empty; give at least one column")
        self.features_ = features
        return [*features, task.outcome]

    def _intervenable(self):
        return set(self.features_)

    def _overlap_adjustment(self):
        """Fed the treatment and pre-treatment features only, a correlational learner adjusts
        for those features (a back-door estimator in disguise): their overlap is diagnosed."""
        import networkx as nx

        task = self.task_
        if self.tags.family != "correlational" or task.treatment not in self.features_:
            return None
        others = [f for f in self.features_ if f != task.treatment]
        below = nx.descendants(task.graph, task.treatment) if task.treatment in task.graph else set()
        return None if set(others) & below else others

    def _x(self, data, overrides=None):
        return features_matrix(data, self.task_, self.features_, self._drop_first, overrides)

    def _y(self, data):
        return data[self.task_.outcome].to_numpy(dtype=np.float64)

    @property
    def _binary_outcome(self):
        return self.task_.kind(self.task_.outcome) == "binary"

    def _fit(self, data):
        self._fit_xy(self._x(data), self._y(data))

    # answers about a discrete outcome are projected onto its range (a linear probability
    # model, or a regression of categorical levels, can leave it)
    def _predict(self, data):
        return clip_to_outcome(self._predict_x(self._x(data)), self.task_)

    def _predict_do(self, data, do):
        return clip_to_outcome(self._predict_x(self._x(data, do)), self.task_)

    # the plug-in: the factual features with the intervened values replaced, outcome unused
    _predict_counterfactual = _predict_do


class LinearRegression(Correlational):
    """Ordinary least squares (``alpha=0``) or ridge regression of the outcome on features.

    Assumptions: none causal. E[Y | features] is modelled as linear; a binary outcome is
    fitted as a linear probability model (its answers clipped to [0, 1]), a categorical one
    as a regression of its levels (answers clipped to the levels' range). With the treatment alone as feature it is the
    naive regression; with a valid adjustment set it is linear back-door adjustment.

    OLS (``alpha=0``) refuses a design the data cannot determine with
    :class:`~causalab.DegenerateFitError` naming the cause: no more rows than parameters,
    a constant feature column (e.g. a categorical level absent from the training rows), or
    a column collinear with others. Ridge (``alpha > 0``) is determined either way.

    Parameters
    ----------
    features : list of str or None
        See :class:`Correlational`.
    alpha : float
        Ridge penalty on standardised features (0: OLS).

    The model has no interaction: every unit's effect is the same, so on a continuous outcome
    its ATT and ATC are its ATE by assumption (``effect`` says so in ``Effect.method``).

    ``effect`` has an analytic interval for OLS (``alpha=0``): the contrast is ``g' beta`` with
    ``g`` the mean difference of the design rows under the two treatments, and its standard
    error ``sqrt(g' V g)`` with ``V`` the heteroskedasticity-robust (HC1 sandwich) covariance
    of the coefficients (Student's t with the residual degrees of freedom); with a ridge
    penalty the interval is a bootstrap.
    """

    _drop_first = True

    @property
    def tags(self):
        return self._outcome_tags(CORRELATIONAL_TAGS if self._ridge else ANALYTIC_TAGS)

    @property
    def _ridge(self):
        return not (isinstance(self.alpha, (int, float)) and not isinstance(self.alpha, bool) and self.alpha == 0)

    def __init__(self, features=None, alpha: float = 0.0):
        self.features = features
        self.alpha = alpha

    def _fit_xy(self, x, y):
        alpha = self.alpha
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not np.isfinite(alpha) or alpha < 0:
            raise InvalidValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
        if alpha == 0:
            check_design(x, self._column_names(), "LinearRegression (OLS)")
        self.x_mean_, self.x_scale_ = x.mean(axis=0), x.std(axis=0)
        self.x_scale_[self.x_scale_ == 0] = 1.0
        z = (x - self.x_mean_) / self.x_scale_
        y_mean = y.mean()
        a = z.T @ z + alpha * np.eye(z.shape[1])
        # ridge: a constant or collinear feature gets the penalty's (min-norm) share
        beta = np.linalg.lstsq(a, z.T @ (y - y_mean), rcond=None)[0]
        self.coef_ = beta / self.x_scale_
        self.intercept_ = float(y_mean - self.x_mean_ @ self.coef_)
        if not self._ridge:
            self.coef_cov_, self.df_resid_ = _hc1_covariance(x, y - self._predict_x(x))

    def _constant_effect(self):
        # linear in the features, no interaction: every unit's contrast is the same (a discrete
        # outcome's answers are clipped to its range, which can make them differ)
        return self.task_.kind(self.task_.outcome) == "continuous"

    def _column_names(self) -> list[str]:
        """The design's column names: a categorical feature's one-hot columns as ``'Z=level'``."""
        names = []
        for f in self.features_:
            vtype = self.task_.type(f)
            if vtype.kind == "categorical":
                names += [f"{f}={lv}" for lv in vtype.levels[1:]]
            else:
                names.append(f)
        return names

    def _predict_x(self, x):
        return x @ self.coef_ + self.intercept_

    def _effect(self, treated, control, data, estimand="ate"):
        if self._ridge:
            return super()._effect(treated, control, data, estimand)
        units = self._estimand_units(data, estimand, treated, control)
        t = self.task_.treatment
        x_hi, x_lo = self._x(units, {t: treated}), self._x(units, {t: control})
        g = np.concatenate([[0.0], (x_hi - x_lo).mean(axis=0)])  # the intercept cancels in a contrast
        # the answers rung 2 gives (projected onto a discrete outcome's range; without a
        # projection this is g' beta); the standard error is the linear contrast's
        value = float(np.mean(clip_to_outcome(self._predict_x(x_hi), self.task_)
                              - clip_to_outcome(self._predict_x(x_lo), self.task_)))
        se = float(np.sqrt(max(g @ self.coef_cov_ @ g, 0.0)))
        return Effect(value, t_interval(value, se, df=self.df_resid_), "OLS, HC1 standard error", estimand, se)


def _hc1_covariance(x: np.ndarray, residuals: np.ndarray) -> tuple[np.ndarray, int]:
    """HC1 (heteroskedasticity-robust) covariance of OLS's (intercept, coefficients) for the
    design ``[1, x]``, and the residual degrees of freedom (the interval's t quantile)."""
    n = len(x)
    design = np.column_stack([np.ones(n), x])
    bread = np.linalg.pinv(design.T @ design)
    meat = (design * residuals[:, None] ** 2).T @ design
    dof = max(n - np.linalg.matrix_rank(design), 1)
    return bread @ meat @ bread * (n / dof), dof


class GradientBoosting(Correlational):
    """scikit-learn's histogram gradient boosting (regressor, or classifier for a binary
    outcome, predicting P(Y=1 | features)). Assumptions: none causal.

    Parameters
    ----------
    features : list of str or None
        See :class:`Correlational`.
    max_iter, learning_rate, max_leaf_nodes : boosting hyperparameters.
    early_stopping : {"auto", True, False}
        scikit-learn's: ``"auto"`` (its default) stops early on a 10% validation split only
        when there are more than 10,000 training rows, so the fit changes character at that
        size; ``True`` or ``False`` fixes it. Every other hyperparameter is scikit-learn's
        default.
    seed : int or numpy Generator
        Seeds the early-stopping split.
    """

    def __init__(self, features=None, max_iter: int = 200, learning_rate: float = 0.1,
                 max_leaf_nodes: int = 31, early_stopping="auto", seed=0):
        self.features = features
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.early_stopping = early_stopping
        self.seed = seed

    def _fit_xy(self, x, y):
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        cls = HistGradientBoostingClassifier if self._binary_outcome else HistGradientBoostingRegressor
        if self.early_stopping not in ("auto", True, False):
            raise InvalidValueError(f"early_stopping must be 'auto', True or False, got {self.early_stopping!r}")
        try:
            self.model_ = cls(max_iter=self.max_iter, learning_rate=self.learning_rate,
                              max_leaf_nodes=self.max_leaf_nodes, early_stopping=self.early_stopping,
                              random_state=as_int_seed(self.seed))
            self.model_.fit(x, y.astype(int) if self._binary_outcome else y)
        except (ValueError, TypeError) as exc:
            raise InvalidValueError(f"GradientBoosting could not fit: {exc}") from exc

    def _predict_x(self, x):
        if self._binary_outcome:
            proba = self.model_.predict_proba(x)
            classes = list(self.model_.classes_)
            return proba[:, classes.index(1)] if 1 in classes else np.zeros(len(x))
        return self.model_.predict(x)


def is_sklearn_model(obj) -> bool:
    """A scikit-learn-style model (an instance with ``fit``, ``predict`` and ``get_params``)
    that is not a causalab learner."""
    return not isinstance(obj, (type, Learner)) and all(
        callable(getattr(obj, m, None)) for m in ("fit", "predict", "get_params"))


class Sklearn(Correlational):
    """Any scikit-learn regressor (or, for a binary outcome, classifier) as a correlational
    learner: E[Y | features] by ``model``, P(Y=1 | features) by a classifier's
    ``predict_proba``. Assumptions: none causal (see :class:`Correlational`).

    This is what :class:`~causalab.learners.TLearner` and :class:`~causalab.learners.SLearner`
    build around a scikit-learn model given as ``base``
    (``TLearner(base=RandomForestRegressor())``).

    Parameters
    ----------
    model : scikit-learn regressor or classifier
        Cloned at every fit (the instance you pass is never fitted). A regressor on a binary
        outcome is a linear-probability-style fit, its answers clipped to [0, 1]; a
        classifier needs a binary outcome.
    features : list of str, "treatment", "covariates" or None
        See :class:`Correlational`.
    seed : int or numpy Generator
        Given to the model as ``random_state`` when it has one left at ``None`` (a forest's
        default, which would draw from numpy's global generator); a ``random_state`` you set
        is kept.
    """

    def __init__(self, model, features=None, seed=0):
        self.model = model
        self.features = features
        self.seed = seed

    def _fit_xy(self, x, y):
        from sklearn.base import clone, is_classifier

        if not is_sklearn_model(self.model):
            what = f"the class {self.model.__name__}; pass an instance, {self.model.__name__}()" \
                if isinstance(self.model, type) else repr(self.model)
            raise InvalidValueError(f"Sklearn needs a scikit-learn regressor or classifier instance (fit, predict, "
                                    f"get_params), got {what}")
        model = clone(self.model)
        if "random_state" in model.get_params(deep=False) and model.get_params(deep=False)["random_state"] is None:
            model.set_params(random_state=as_int_seed(self.seed))
        self.classifier_ = is_classifier(model)
        if self.classifier_:
            if not self._binary_outcome:
                raise InvalidValueError(f"{type(model).__name__} is a classifier; the outcome "
                                        f"{self.task_.outcome!r} is {self.task_.kind(self.task_.outcome)}: give a "
                                        "regressor")
            if not callable(getattr(model, "predict_proba", None)):
                raise InvalidValueError(f"{type(model).__name__} has no predict_proba; a classifier answers "
                                        "P(Y=1) through it")
        try:
            self.model_ = model.fit(x, y.astype(int) if self.classifier_ else y)
        except (ValueError, TypeError) as exc:
            raise InvalidValueError(f"{type(model).__name__} could not fit: {exc}") from exc

    def _predict_x(self, x):
        if self.classifier_:
            proba = self.model_.predict_proba(x)
            classes = list(self.model_.classes_)
            return proba[:, classes.index(1)] if 1 in classes else np.zeros(len(x))
        return np.asarray(self.model_.predict(x), dtype=np.float64).reshape(-1)
