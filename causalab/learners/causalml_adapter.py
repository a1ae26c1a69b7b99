"""CausalML's meta-learners as causalab learners (optional: ``causalab[causalml]``, see below).

``CausalML(BaseXRegressor(learner=GradientBoostingRegressor()))`` wraps any CausalML
meta-learner (``causalml.inference.meta``: the S, T, X, R and DR learners, regressor
flavours) under the learner contract, so it is evaluated beside causalab's own learners and
passes :func:`causalab.testing.check_learner`.

Clone: CausalML's meta-learners (0.16 and later) are scikit-learn estimators that store
their constructor arguments verbatim and deep-copy them at fit, so scikit-learn's ``clone``
works as it does for any estimator; the adapter keeps the learner you pass as a parameter
and fits a fresh clone of it, never the instance itself.

Installing: ``pip install causalml`` pulls xgboost, whose Linux wheel depends on NVIDIA's
NCCL (a CUDA library of about 200 MB), and CausalML 0.18 requires scipy >= 1.16. Neither is
needed by the meta-learners: ``pip install "causalab[causalml]"`` installs their light
dependencies (``xgboost-cpu``, which provides the ``xgboost`` module without CUDA, and
``seaborn``), then ``pip install --no-deps causalml`` adds CausalML itself without
touching scipy.
"""

from __future__ import annotations

import inspect

import numpy as np

from ..exceptions import InvalidValueError, UnsupportedQueryError
from ._cate import BaselinePlusCate
from .base import LearnerTags, as_int_seed, clip_to_outcome, features_matrix

CAUSALML_TAGS = LearnerTags("backdoor", "regression", "adjustment", "factual-plus-cate")

#: how to get CausalML without CUDA or a scipy upgrade (the error message when it is absent)
INSTALL = ('pip install "causalab[causalml]" && pip install --no-deps causalml  (the extra installs xgboost-cpu and '
           "seaborn; a plain `pip install causalml` pulls NVIDIA NCCL through xgboost and upgrades scipy)")


def _is_causalml_learner(obj) -> bool:
    return any(k.__module__.startswith("causalml.") for k in type(obj).__mro__) and \
        callable(getattr(obj, "fit", None)) and callable(getattr(obj, "predict", None)) and \
        callable(getattr(obj, "get_params", None))


class CausalML(BaselinePlusCate):
    """Any CausalML meta-learner as a causalab learner.

    CausalML estimates the CATE ``tau_t(x) = E[Y_t - Y_t0 | X = x]`` of each treated level
    ``t`` against the control level ``t0`` (the lowest level, which must be the learner's
    ``control_name``), with ``X`` the task's covariates. ``learner.predict(X)`` gives it, as
    calling CausalML directly does. Rung 2 needs a baseline besides the CATE:
    ``mu_t(x) = b(x) + tau_t(x)``, ``b`` the ``outcome_model`` fitted on the control units.
    Answers about a binary outcome are clipped to [0, 1], as every learner's are.
    ``effect`` is the mean CATE over the units (the mean of the ``predict_do`` contrasts;
    no interval: CausalML's bootstrap intervals refit the learner hundreds of times). Rung 1
    is ``mu_T(x)`` at each unit's own treatment; rung 3 adds the estimated effect to the
    factual outcome (additive noise; refused on a discrete outcome).

    Assumptions: the covariates satisfy the back-door criterion (no hidden confounding) and
    overlap; the hidden confounders of the task's graph are not checked. Needs a binary or
    categorical treatment (CausalML's meta-learners take treatment groups) and covariates.

    Parameters
    ----------
    learner : CausalML meta-learner
        An unfitted instance, e.g. ``BaseXRegressor(learner=GradientBoostingRegressor())``,
        ``BaseTRegressor(learner=LinearRegression())``, ``BaseRRegressor(...)``,
        ``BaseDRRegressor(...)``. Cloned at every fit (never fitted itself). Propensity
        scores, where the learner needs them (X, R, DR), are CausalML's default model's.
    outcome_model : scikit-learn regressor, optional
        The baseline model (default ``sklearn.linear_model.LinearRegression()``).
    seed : int or None
        Seeds CausalML's randomness: the learner's ``random_state`` (R-learner) and the
        ``seed`` of its ``fit`` (DR-learner's cross-fitting folds), where it has them, and
        the ``random_state`` of every nested model that leaves it at None (the base learner,
        e.g. ``GradientBoostingRegressor()``, which would otherwise draw from numpy's global
        generator at each fit, so two fits differed). None: the learner's own
        ``random_state``, or 0 when it has none (fits are reproducible).
    """

    _tags = CAUSALML_TAGS
    _additive_counterfactual = True

    def __init__(self, learner, outcome_model=None, seed=None):
        self.learner = learner
        self.outcome_model = outcome_model
        self.seed = seed

    def _fit_columns(self):
        task = self.task_
        return [task.treatment, *task.covariates, task.outcome]

    def _overlap_adjustment(self):
        return list(self.task_.covariates)

    def _x(self, data):
        return features_matrix(data, self.task_, list(self.task_.covariates))

    def seeded(self):
        """A fresh, unfitted clone of ``learner`` with the seed applied, and the keyword
        arguments its ``fit`` takes for it: what :meth:`fit` runs, and what calling CausalML
        directly on the same seed means (``est.fit(X, t, y, **fit_kwargs)``)."""
        from sklearn.base import clone

        if isinstance(self.learner, type):
            raise InvalidValueError(f"CausalML takes a meta-learner instance, e.g. {self.learner.__name__}(...), "
                                    "not the class")
        if not _is_causalml_learner(self.learner):
            raise InvalidValueError("CausalML wraps a CausalML meta-learner (causalml.inference.meta, e.g. "
                                    f"BaseXRegressor(learner=...)); got {self.learner!r}")
        est = clone(self.learner)
        params = est.get_params(deep=False)
        seed = None if self.seed is None else as_int_seed(self.seed)
        if "random_state" in params and (seed is not None or params["random_state"] is None):
            est.set_params(random_state=0 if seed is None else seed)
        # nested models (the base learner, a propensity model) with random_state=None would draw
        # from numpy's global generator at every fit: seeded as causalab's Sklearn wrapper does
        nested = {k: 0 if seed is None else seed for k, v in est.get_params(deep=True).items()
                  if k.endswith("__random_state") and v is None}
        if nested:
            est.set_params(**nested)
        fit_kwargs = {}
        if "seed" in inspect.signature(est.fit).parameters:
            fit_kwargs["seed"] = 0 if seed is None else seed
        return est, fit_kwargs

    def _fit(self, data):
        from sklearn.base import clone
        from sklearn.linear_model import LinearRegression

        task = self.task_
        vt = task.type(task.treatment)
        if not vt.discrete:
            raise UnsupportedQueryError(f"CausalML's meta-learners take treatment groups; {task.treatment!r} is "
                                        "continuous (use EconML's LinearDML, or SLearner)")
        if not task.covariates:
            raise UnsupportedQueryError("CausalML needs covariates; the task declares none")
        est, fit_kwargs = self.seeded()
        control = min(vt.levels)
        own = est.get_params(deep=False).get("control_name", 0)
        if own != control:
            raise InvalidValueError(f"{type(est).__name__}(control_name={own!r}) but the lowest level of "
                                    f"{task.treatment!r} is {control!r}; set control_name={control!r}")
        x = self._x(data)
        t = data[task.treatment].to_numpy(dtype=np.int64)
        y = data[task.outcome].to_numpy(dtype=np.float64)
        est.fit(x, t, y, **fit_kwargs)
        self.estimator_ = est
        self.control_ = float(control)
        self.groups_ = [float(g) for g in np.asarray(est.t_groups).reshape(-1)]
        rows = t == control
        base = LinearRegression() if self.outcome_model is None else self.outcome_model
        self.baseline_ = clone(base).fit(x[rows], y[rows])
        self.adjustment_set_ = list(task.covariates)

    def cate(self, data) -> np.ndarray:
        """CausalML's ``learner.predict(X)``: one column per treated level (``groups_``)."""
        self._check_fitted()
        data = self._prepare("predict_do", data)
        return self._cate_matrix(data)

    def _cate_matrix(self, data) -> np.ndarray:
        out = np.asarray(self.estimator_.predict(self._x(data)), dtype=np.float64)
        return out.reshape(len(data), -1)

    def _mu(self, data, t) -> np.ndarray:
        x = self._x(data)
        t = np.broadcast_to(np.asarray(t, dtype=np.float64), (len(data),))
        out = np.asarray(self.baseline_.predict(x), dtype=np.float64).reshape(-1).copy()
        if np.any(t != self.control_):
            tau = self._cate_matrix(data)
            for j, g in enumerate(self.groups_):
                rows = t == g
                out[rows] += tau[rows, j]
        return clip_to_outcome(out, self.task_)


__all__ = ["CausalML", "INSTALL"]
