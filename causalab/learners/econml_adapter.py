"""EconML's CATE estimators as causalab learners (optional: ``pip install causalab[econml]``).

``EconML(LinearDML(discrete_treatment=True))`` wraps any EconML estimator with
``fit(Y, T, X=...)`` and ``effect(X, T0, T1)`` (the DML and DR families, causal forests,
meta-learners) under the learner contract, so it is evaluated beside causalab's own learners
and passes :func:`causalab.testing.check_learner`.

Clone: EconML estimators have no ``get_params``, so scikit-learn's ``clone`` would deep-copy
them and a copy never equals its original. The adapter therefore stores the estimator's
*constructor arguments* (:class:`EconMLEstimator`, read from the instance you pass, which is
never fitted or changed), and every fit builds a fresh estimator from them: clones compare
equal, nested scikit-learn models are cloned, and ``set_params(estimator__cv=3)`` works.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager

import numpy as np

from ..exceptions import InvalidValueError, UnsupportedQueryError
from ._cate import BaselinePlusCate
from .base import Effect, LearnerTags, as_int_seed, clip_to_outcome, features_matrix

ECONML_TAGS = LearnerTags("backdoor", "regression", "adjustment", "factual-plus-cate")


@contextmanager
def seeded_numpy_global(seed):
    """numpy's global generator seeded for a dependency that draws from it, and put back
    afterwards. EconML's default first stage (``model_y="auto"``) fits scikit-learn's Lasso
    with ``random_state=None``, whose coordinate descent draws from the global generator: a
    fit would otherwise move the caller's global state and depend on it."""
    saved = np.random.get_state()
    np.random.seed(int(seed) % 2**32 if isinstance(seed, (int, np.integer)) else 0)
    try:
        yield
    finally:
        np.random.set_state(saved)


class EconMLEstimator:
    """An EconML estimator as its class and constructor arguments (what ``clone`` needs).

    ``get_params`` returns the arguments (nested scikit-learn models compare by their own
    parameters), ``build()`` makes a fresh unfitted estimator, and the repr is the
    estimator's constructor call with its non-default arguments.
    """

    def __init__(self, estimator_class: type, params: dict):
        self.estimator_class = estimator_class
        self.params = dict(params)

    @classmethod
    def of(cls, estimator) -> "EconMLEstimator":
        """The spec of an EconML estimator instance (or a spec, returned as it is)."""
        if isinstance(estimator, EconMLEstimator):
            return estimator
        if isinstance(estimator, type):
            raise InvalidValueError(f"EconML takes an estimator instance, e.g. {estimator.__name__}(), not the class")
        if not (callable(getattr(estimator, "fit", None)) and callable(getattr(estimator, "effect", None))):
            raise InvalidValueError(f"EconML wraps an EconML CATE estimator (fit(Y, T, X=...), effect(X, T0, T1)); "
                                    f"got {estimator!r}")
        klass = type(estimator)
        params = {}
        for name, p in inspect.signature(klass.__init__).parameters.items():
            if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            value = getattr(estimator, name, p.default)
            if value is not p.empty and not (isinstance(value, str) and value == "deprecated"):
                params[name] = value
        return cls(klass, params)

    def _defaults(self) -> dict:
        sig = inspect.signature(self.estimator_class.__init__).parameters
        return {k: p.default for k, p in sig.items() if p.default is not p.empty}

    def get_params(self, deep: bool = True) -> dict:
        out = {"estimator_class": self.estimator_class, **self.params}
        if deep:
            for k, v in self.params.items():
                if hasattr(v, "get_params") and not isinstance(v, type):
                    out.update({f"{k}__{kk}": vv for kk, vv in v.get_params(deep=True).items()})
        return out

    def set_params(self, **params) -> "EconMLEstimator":
        from sklearn.base import BaseEstimator

        nested = {k: v for k, v in params.items() if "__" in k}
        for k, v in params.items():
            if "__" in k:
                continue
            if k == "estimator_class":
                self.estimator_class = v
            elif k in self._defaults() or k in self.params:
                self.params[k] = v
            else:
                raise InvalidValueError(f"{self.estimator_class.__name__} has no parameter {k!r}")
        if nested:
            BaseEstimator.set_params(_Nested(self.params), **nested)
        return self

    def __sklearn_clone__(self):
        from sklearn.base import clone

        return EconMLEstimator(self.estimator_class, {k: clone(v, safe=False) for k, v in self.params.items()})

    def build(self, **overrides):
        """A fresh, unfitted estimator (nested models cloned), with ``overrides`` applied."""
        from sklearn.base import clone

        params = {k: clone(v, safe=False) for k, v in self.params.items()}
        params.update(overrides)
        return self.estimator_class(**params)

    def __eq__(self, other):
        return isinstance(other, EconMLEstimator) and self.estimator_class is other.estimator_class \
            and {k: _plain(v) for k, v in self.params.items()} == {k: _plain(v) for k, v in other.params.items()}

    __hash__ = None

    def __repr__(self):
        defaults = self._defaults()
        shown = []
        for k, v in self.params.items():
            if k in defaults and _same_default(v, defaults[k]):
                continue
            shown.append(f"{k}={v!r}")
        return f"{self.estimator_class.__name__}({', '.join(shown)})"


def _plain(v):
    return (type(v).__name__, {k: _plain(x) for k, x in v.get_params(deep=False).items()}) \
        if hasattr(v, "get_params") and not isinstance(v, type) else v


def _same_default(value, default) -> bool:
    try:
        return bool(value == default) and type(value) is type(default)
    except Exception:  # noqa: BLE001 - an array-valued parameter: shown
        return False


class _Nested:
    """``BaseEstimator.set_params`` over a dict of parameters (for ``estimator__model_y__alpha``)."""

    def __init__(self, params):
        self._params = params

    def get_params(self, deep=True):
        return dict(self._params)

    def __setattr__(self, key, value):
        if key == "_params":
            object.__setattr__(self, key, value)
        else:
            self._params[key] = value


class EconML(BaselinePlusCate):
    """Any EconML CATE estimator as a causalab learner.

    EconML estimates the CATE ``tau(x) = E[Y_1 - Y_0 | X = x]`` with ``X`` the task's
    covariates (all of them as effect modifiers; EconML's ``W`` is not used). Rung 2 needs
    each unit's expected outcome under ``do(T=t)``, which needs a baseline besides the CATE:

    - discrete treatment: ``mu_t(x) = b(x) + tau(x; t0 -> t)``, ``b`` the ``outcome_model``
      fitted on the units with the lowest treatment level ``t0``;
    - continuous treatment: ``mu_t(x) = m(x) + tau(x; e(x) -> t)``, ``m`` and ``e`` the
      ``outcome_model`` fitted to Y and to T on the covariates (the partially linear model's
      decomposition).

    ``effect`` is EconML's own ``ate`` (and ``ate_interval``, 95%, where the estimator has
    inference: DML, DR, causal forests), equal to the mean of the ``predict_do`` contrasts.
    Rung 1 is ``mu_T(x)`` at each unit's own treatment; rung 3 adds the estimated effect to
    the factual outcome (additive noise; refused on a discrete outcome).

    Assumptions: the covariates satisfy the back-door criterion (no hidden confounding) and
    overlap; the hidden confounders of the task's graph are not checked.

    Parameters
    ----------
    estimator : EconML estimator or EconMLEstimator
        An unfitted instance, e.g. ``LinearDML(discrete_treatment=True)``,
        ``CausalForestDML(discrete_treatment=True)``, ``DRLearner()``. Stored as its class and
        constructor arguments (:class:`EconMLEstimator`); the instance itself is never fitted.
        An estimator with ``discrete_treatment=False`` treats a binary treatment as continuous
        (a linear effect in T), which is the same contrast between 0 and 1.
    outcome_model : scikit-learn regressor, optional
        The baseline model (default ``sklearn.linear_model.LinearRegression()``).
    seed : int or None
        Passed as ``random_state`` to the estimator (when it takes one). None: the
        estimator's own ``random_state``, or 0 when it has none (fits are reproducible).

    Threads: an estimator whose ``n_jobs`` is left at a default that runs threads
    (``CausalForestDML``'s ``n_jobs=-1``) is built with ``n_jobs=1``, because a threaded
    forest sums its trees in a varying order and its answers then differ from call to call
    in the 15th digit (causalab promises the same numbers bit for bit, and its runner
    parallelises over cells already). Any other ``n_jobs`` you give is kept. The fit runs
    with numpy's global generator seeded from the same ``random_state`` and restored
    afterwards (EconML's default first stage draws from it; see :func:`seeded_numpy_global`).
    """

    _tags = ECONML_TAGS
    _additive_counterfactual = True

    def __init__(self, estimator, outcome_model=None, seed=None):
        self.estimator = EconMLEstimator.of(estimator)
        self.outcome_model = outcome_model
        self.seed = seed

    @property
    def tags(self) -> LearnerTags:
        import dataclasses

        tags = self._outcome_tags(self._tags)
        return dataclasses.replace(tags, effect_interval=bool(getattr(self, "has_inference_", False)))

    def _fit_columns(self):
        task = self.task_
        return [task.treatment, *task.covariates, task.outcome]

    def _overlap_adjustment(self):
        return list(self.task_.covariates)

    def _random_state(self):
        spec = self.estimator
        if "random_state" not in spec._defaults():
            return {}
        if self.seed is None:
            own = spec.params.get("random_state")
            return {"random_state": 0 if own is None else own}
        return {"random_state": as_int_seed(self.seed)}

    def _threads(self):
        """``n_jobs=1`` in place of a class default that runs threads (CausalForestDML's -1): a
        threaded forest averages its trees in a varying order, so its answers changed in the
        15th digit from one call to the next and were not reproducible bit for bit."""
        default = self.estimator._defaults().get("n_jobs", None)
        if default in (None, 1) or not _same_default(self.estimator.params.get("n_jobs", default), default):
            return {}
        return {"n_jobs": 1}

    def _x(self, data):
        x = features_matrix(data, self.task_, list(self.task_.covariates))
        return x if x.shape[1] else None

    def _fit(self, data):
        from sklearn.base import clone
        from sklearn.linear_model import LinearRegression

        task = self.task_
        vt = task.type(task.treatment)
        spec = self.estimator
        discrete_estimator = bool(spec.params.get("discrete_treatment", "discrete_treatment" not in spec._defaults()))
        if not vt.discrete and discrete_estimator:
            raise UnsupportedQueryError(
                f"{spec!r} treats the treatment as discrete, but {task.treatment!r} is continuous; use an EconML "
                "estimator with discrete_treatment=False (e.g. LinearDML())")
        x = self._x(data)
        t = data[task.treatment].to_numpy(dtype=np.int64 if vt.discrete else np.float64)
        y = data[task.outcome].to_numpy(dtype=np.float64)
        state = self._random_state()
        est = spec.build(**state, **self._threads())
        with seeded_numpy_global(state.get("random_state", as_int_seed(self.seed or 0))):
            est.fit(y, t, X=x)
        self.estimator_ = est
        base = LinearRegression() if self.outcome_model is None else self.outcome_model
        xs = np.zeros((len(data), 1)) if x is None else x
        self.discrete_ = vt.discrete
        if vt.discrete:
            self.reference_ = float(min(np.unique(t)))
            rows = t == self.reference_
            self.baseline_ = clone(base).fit(xs[rows], y[rows])
        else:
            self.baseline_ = clone(base).fit(xs, y)
            self.treatment_model_ = clone(base).fit(xs, t)
        self.adjustment_set_ = list(task.covariates)
        self.has_inference_ = self._inference_works(x)

    def _inference_works(self, x) -> bool:
        try:
            lo, hi = self.estimator_.ate_interval(X=None if x is None else x[:2], **self._levels(1.0, 0.0))
        except Exception:  # noqa: BLE001 - an estimator without inference (e.g. meta-learners) raises here
            return False
        return bool(np.isfinite([lo, hi]).all())

    def _levels(self, treated: float, control: float) -> dict:
        cast = int if self.discrete_ else float
        return {"T0": cast(control), "T1": cast(treated)}

    def _cate(self, data, treated, control) -> np.ndarray:
        """``tau(x; control -> treated)`` per unit; ``control`` may be per-unit values."""
        x = self._x(data)
        n = len(data)
        control = np.broadcast_to(np.asarray(control, dtype=np.float64), (n,))
        treated = np.broadcast_to(np.asarray(treated, dtype=np.float64), (n,))
        if not self.discrete_:
            return np.asarray(self.estimator_.effect(x, T0=control, T1=treated), dtype=np.float64).reshape(n)
        out = np.zeros(n)
        for t1 in np.unique(treated):
            rows = treated == t1
            if t1 == self.reference_:
                continue
            values = np.asarray(self.estimator_.effect(None if x is None else x[rows],
                                                       **self._levels(t1, self.reference_)), dtype=np.float64)
            out[rows] = values.reshape(-1) if values.size == rows.sum() else values.reshape(-1)[0]
        return out

    def _mu(self, data, t) -> np.ndarray:
        x = self._x(data)
        xs = np.zeros((len(data), 1)) if x is None else x
        if self.discrete_:
            out = self.baseline_.predict(xs) + self._cate(data, t, self.reference_)
        else:
            out = self.baseline_.predict(xs) + self._cate(data, t, self.treatment_model_.predict(xs))
        return clip_to_outcome(out, self.task_)

    def _effect(self, treated, control, data):
        x = self._x(self._effect_units_ if data is None else data)
        if self.task_.kind(self.task_.outcome) != "continuous":  # the clipped surfaces, as predict_do answers
            return super()._effect(treated, control, data)
        levels = self._levels(treated, control)
        value = float(np.asarray(self.estimator_.ate(X=x, **levels)).reshape(-1)[0])
        interval = None
        if self.has_inference_:
            lo, hi = self.estimator_.ate_interval(X=x, alpha=0.05, **levels)
            interval = (float(np.asarray(lo).reshape(-1)[0]), float(np.asarray(hi).reshape(-1)[0]))
        return Effect(value, interval, f"EconML {self.estimator.estimator_class.__name__}")


__all__ = ["EconML", "EconMLEstimator"]
