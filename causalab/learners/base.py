"""The learner contract: scikit-learn's estimator conventions plus one method per rung.

A learner is fitted on observational data with ``fit(data, task)`` and then answers:

1. ``predict(data)``: E[outcome | the learner's features as they appear in ``data``];
2. ``predict_do(data, do)``: each unit's expected outcome under ``do`` (from its
   pre-treatment covariates), and ``effect(treated, control, estimand=...)`` an average
   effect (ATE, ATT or ATC, see :data:`ESTIMANDS`) with a 95% interval;
3. ``predict_counterfactual(data, do)``: each unit's outcome under ``do`` given its
   factual row, outcome included.

Each answer is a ``pandas.Series`` aligned to the input's index. :class:`LearnerTags` say
how a learner answers each rung; a rung it cannot answer raises
:class:`~causalab.UnsupportedQueryError` naming it. Subclasses implement ``_fit`` and the
``_predict*`` hooks; the base class validates every input once, here, and hands each hook
only the columns its query needs: rungs 1 and 2 never see the outcome (data without the
outcome column is the ordinary way to ask; an outcome column present is ignored).

Support and overlap are checked here too, for every learner (see :func:`support_policy`):
at fit, a treatment with fewer than two values (or, for a discrete treatment, fewer than
two levels with ``min_units`` training units each) is refused with
:class:`~causalab.OutOfSupportError`; at ``predict_do``, ``predict_counterfactual`` and
``effect``, each requested treatment value is checked against the training data (a
discrete level with fewer than ``min_units`` units, a continuous value outside the
training range). A back-door learner also gets overlap diagnostics at fit (``overlap_``,
:func:`overlap_diagnostics`) and an :class:`~causalab.OverlapWarning` when they are poor.

Types: the hooks receive each column in one dtype per variable type (int64 for binary and
categorical variables, float64 for continuous ones), whatever the caller brought (bool,
pandas' nullable or categorical dtypes), so every dtype gives the same answers. Answers about
a binary outcome are P(Y=1), about a categorical one its expected level: an answer outside
the outcome's range (:func:`outcome_range`) is an :class:`~causalab.InvalidValueError`, and a
learner whose rung 3 adds an estimated effect to the factual outcome (additive noise) does not
answer rung 3 on a discrete outcome.
"""

from __future__ import annotations

import contextvars
import dataclasses
import math
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._pickling import by_value
from ..exceptions import (
    CausalabError,
    DegenerateFitError,
    InvalidInterventionError,
    InvalidValueError,
    LearnerError,
    NotFittedError,
    OutOfSupportError,
    OverlapWarning,
    SupportWarning,
    UnsupportedQueryError,
    did_you_mean,
    unknown_variable,
)

#: estimator families: the keys environments use in ``expected``
FAMILIES = ("naive", "correlational", "backdoor", "frontdoor", "iv", "proxy", "invariant", "graph-based", "mediation")

#: the average effects :meth:`Learner.effect` answers. With ``tau(x) = mu_treated(x) - mu_control(x)``
#: the learner's unit-level contrast (``predict_do`` under the two treatments):
#: ``"ate"`` averages it over all units, ``"att"`` over the units with ``T = treated`` (the
#: average effect on the treated, also called ETT, the effect of treatment on the treated),
#: ``"atc"`` over the units with ``T = control`` (on the controls).
ESTIMANDS = ("ate", "att", "atc")

#: other names :meth:`Learner.effect` reads as one of :data:`ESTIMANDS` (the literature's ETT is the ATT)
ESTIMAND_ALIASES = {"ett": "att"}

#: what :meth:`Learner.effect` adds to ``Effect.method`` for an ATT or ATC of a constant-effect model
CONSTANT_EFFECT_NOTE = "constant-effect model: ATT = ATC = ATE by its assumption (no effect modifier)"

#: how :meth:`Learner.effect` gets its interval (``LearnerTags.effect_interval``)
INTERVAL_METHODS = ("analytic", "bootstrap")


@dataclass(frozen=True)
class LearnerTags:
    """How a learner answers each rung (``None``: it does not, and raises).

    Attributes
    ----------
    family : str
        Estimator family, one of :data:`FAMILIES` (the keys of ``env.expected``).
    predict : str or None
        How rung 1 is answered, e.g. ``"regression"``.
    predict_do : str or None
        ``"conditioning"``: the treatment column is set and the other features kept as
        observed (a correlational plug-in, not an intervention); ``"adjustment"``: per-unit
        outcome model over an adjustment set identified from the graph; ``"population"``:
        the same population mean E[Y | do] for every unit; ``"simulation"``: per-unit
        simulation of a fitted SCM.
    predict_counterfactual : str or None
        ``"plug-in"``: the factual features with the intervened values replaced (the
        factual outcome is ignored); ``"abduction"``: the unit's noise recovered from its
        factual row; ``"constant-effect"``: factual outcome plus the estimated effect.
    effect_interval : {"analytic", "bootstrap"}
        How :meth:`Learner.effect` gets its 95% interval: ``"analytic"``, from the method's own
        standard error (no refitting); ``"bootstrap"`` (the default for any learner), from
        ``n_bootstrap`` refits on resampled training rows (see :meth:`Learner.effect`). For
        compatibility ``True`` reads as ``"analytic"`` and ``False`` as ``"bootstrap"``.
    """

    family: str
    predict: str | None
    predict_do: str | None
    predict_counterfactual: str | None
    effect_interval: str = "bootstrap"

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise InvalidValueError(f"a learner's family is one of {FAMILIES}, got {self.family!r}")
        if isinstance(self.effect_interval, (bool, np.bool_)):
            object.__setattr__(self, "effect_interval", "analytic" if self.effect_interval else "bootstrap")
        if self.effect_interval not in INTERVAL_METHODS:
            raise InvalidValueError(f"effect_interval is one of {INTERVAL_METHODS}, got {self.effect_interval!r}")

    @property
    def rungs(self) -> dict[str, str | None]:
        return {"predict": self.predict, "predict_do": self.predict_do,
                "predict_counterfactual": self.predict_counterfactual}


@dataclass(frozen=True)
class Effect:
    """An average effect of ``do(T=treated)`` against ``do(T=control)`` with its interval.

    Attributes
    ----------
    value : float
    interval : (float, float) or None
        The 95% confidence interval (None when none was asked for, e.g. ``n_bootstrap=0``).
    method : str
        How the value and the interval were computed.
    estimand : str
        One of :data:`ESTIMANDS`.
    se : float
        The standard error behind the interval (NaN without one).
    """

    value: float
    interval: tuple[float, float] | None = None
    method: str = ""
    estimand: str = "ate"
    se: float = float("nan")

    def __float__(self):
        return float(self.value)

    def __repr__(self):
        ci = "" if self.interval is None else f", 95% CI [{self.interval[0]:.4g}, {self.interval[1]:.4g}]"
        return f"Effect({self.estimand} {self.value:.4g}{ci}{', ' + self.method if self.method else ''})"


@by_value
class Learner(BaseEstimator):
    """Base class of causalab learners (see the module docstring for the contract).

    Subclasses set ``_tags`` (or override :attr:`tags`), store constructor arguments
    unchanged, and implement:

    ``_fit(data)``
        fit on validated observational data; ``self.task_`` is set.
    ``_predict(data)``, ``_predict_do(data, do)``, ``_predict_counterfactual(data, do)``
        return a 1-D array; ``do`` is a dict ``{variable: float or per-unit array}``.
    ``_fit_columns()``, ``_query_columns(rung)``
        the columns fit needs (default: every observed column; stored as ``columns_``) and
        each query needs (those but the outcome, kept where the factual row is needed).
        The hooks receive exactly the query columns: ``_predict`` and ``_predict_do`` never
        see the outcome, whatever the caller passed, so no rung-1 or rung-2 answer can peek.
    ``_intervenable()``
        the variables ``do`` may set (default: the treatment).
    ``_effect(treated, control, data)`` (optional)
        the average effect; ``data`` is the rows passed to :meth:`effect`, or ``None`` for
        the training units. The default averages ``_predict_do(treated) - _predict_do(control)``
        over them (the base class keeps the training rows' query columns for that), so a
        learner with ``_predict_do`` needs nothing more.
    ``_constant_effect()`` (optional)
        True when the fitted model has one effect for every unit (no effect modifier); then
        :meth:`effect` notes in ``Effect.method`` that its ATT and ATC equal its ATE by assumption.

    Fitted or not, a learner pickles (``pickle``, ``joblib``) into bytes that load in a fresh
    process with the same answers; a class or function defined in ``__main__`` or a notebook
    travels by value (cloudpickle, :func:`causalab._pickling.by_value`).
    """

    _tags: LearnerTags
    #: rung 3 is the factual outcome plus an estimated effect (additive noise): withdrawn on a
    #: discrete outcome, where ``y + effect`` leaves the outcome's range
    _additive_counterfactual = False

    @property
    def tags(self) -> LearnerTags:
        return self._outcome_tags(self._tags)

    def _outcome_tags(self, tags: LearnerTags) -> LearnerTags:
        """``tags`` without rung 3 once fitted on a discrete outcome, if rung 3 assumes additive noise."""
        task = getattr(self, "task_", None)
        if self._additive_counterfactual and task is not None and task.type(task.outcome).discrete \
                and tags.predict_counterfactual is not None:
            return dataclasses.replace(tags, predict_counterfactual=None)
        return tags

    # ------------------------------------------------------------------ fit
    def fit(self, data: pd.DataFrame, task) -> "Learner":
        """Fit on observational ``data`` (not mutated) for ``task``; returns ``self``."""
        from ..envs.task import Task

        if not isinstance(task, Task):
            raise InvalidValueError(f"fit needs a causalab Task (env.task), got {type(task).__name__}")
        before = set(vars(self))
        self.task_ = task
        try:
            columns = self._fit_columns()
            data = _check_frame(data, task, columns, "fit")
            if len(data) < 2:
                raise InvalidValueError(f"fit needs at least 2 rows, got {len(data)}")
            if task.treatment in columns:
                self.support_ = treatment_support(data, task, type(self).__name__)
            with dependency_errors(self, "fit"):
                self._fit(data)
                self._fit_overlap(data)
            self._train_data_ = data[[c for c in dict.fromkeys([*columns, task.treatment]) if c in data.columns]]
            self._contrasts_ = {}  # (treated, control) -> each training unit's contrast, for effect()
        except BaseException:
            for name in set(vars(self)) - before:  # a failed fit leaves the learner unfitted
                delattr(self, name)
            raise
        self.columns_ = columns
        self.n_features_in_ = len(columns)
        # the units effect() averages over by default, as a rung-2 query sees them
        self._effect_units_ = data[self._query_columns("predict_do")]
        return self

    def _fit_columns(self) -> list[str]:
        return list(self.task_.observed)

    def _query_columns(self, rung: str) -> list[str]:
        cols = [c for c in self.columns_ if c != self.task_.outcome]
        if rung == "predict_counterfactual":
            cols.append(self.task_.outcome)
        return cols

    def _intervenable(self) -> set[str]:
        return {self.task_.treatment}

    # ------------------------------------------------------------------ overlap
    def _overlap_adjustment(self) -> list[str] | None:
        """The adjustment set this learner relies on for the treatment (a back-door
        learner's), or None when it relies on none; default: ``adjustment_set_``."""
        adjustment = getattr(self, "adjustment_set_", None)
        return None if adjustment is None else list(adjustment)

    def _propensity_bounds(self) -> tuple[float, float]:
        return OVERLAP_BOUNDS

    def _fit_overlap(self, data):
        """``overlap_`` for a back-door learner with a binary treatment, and a warning when poor."""
        task = self.task_
        adjustment = self._overlap_adjustment()
        # an empty set adjusts for nothing (the naive contrast): no propensity to diagnose
        if not adjustment or hasattr(self, "overlap_") or task.kind(task.treatment) != "binary" \
                or task.treatment not in data.columns or not set(adjustment) <= set(data.columns):
            return
        self.overlap_ = overlap_diagnostics(data, task, adjustment, self._propensity_bounds())
        if self.overlap_.poor:
            warnings.warn(OverlapWarning(f"{type(self).__name__}: {self.overlap_.describe()}"), stacklevel=3)

    # ------------------------------------------------------------------ rungs
    def predict(self, data: pd.DataFrame) -> pd.Series:
        """Rung 1: E[outcome | features] for each row of ``data`` (an outcome column, if
        there is one, is ignored)."""
        data = self._prepare("predict", data)
        with dependency_errors(self, "predict"):
            return self._series(self._predict(data), data)

    def predict_do(self, data: pd.DataFrame, do) -> pd.Series:
        """Rung 2: each unit's expected outcome under ``do`` (a dict or Intervention of hard
        values, scalars or per-unit arrays), from its pre-treatment covariates (an outcome
        column, if there is one, is ignored: reading it would be rung 3)."""
        data = self._prepare("predict_do", data)
        do = self._check_do(do, len(data), data.index)
        with dependency_errors(self, "predict_do"):
            return self._series(self._predict_do(data, do), data)

    def predict_counterfactual(self, data: pd.DataFrame, do) -> pd.Series:
        """Rung 3: each unit's outcome under ``do`` given its factual row (outcome included)."""
        data = self._prepare("predict_counterfactual", data)
        do = self._check_do(do, len(data), data.index)
        with dependency_errors(self, "predict_counterfactual"):
            return self._series(self._predict_counterfactual(data, do), data)

    def effect(self, treated=1, control=0, data: pd.DataFrame | None = None, estimand: str = "ate",
               n_bootstrap: int = 0, seed=0) -> Effect:
        """An average effect of ``do(T=treated)`` against ``do(T=control)``, with a 95% interval.

        With ``tau_i = mu_treated(x_i) - mu_control(x_i)`` the learner's contrast for unit ``i``
        (its ``predict_do`` answers under the two treatments, or the method's own estimator of
        the same average, e.g. DoWhy's):

        ``estimand="ate"``
            the average treatment effect, ``mean_i tau_i`` over all units;
        ``estimand="att"``
            the average effect on the treated (ETT), ``mean_i tau_i`` over the units with
            ``T_i = treated``;
        ``estimand="atc"``
            the average effect on the controls, over the units with ``T_i = control``.

        The units are the training data's (default) or the rows of ``data``. ATT and ATC need a
        discrete treatment (``T = treated`` has probability zero otherwise). ``"ett"`` is read
        as ``"att"`` (the returned ``Effect`` says ``"att"``).

        A model with one effect for every unit (no effect modifier: ``LinearRegression``,
        ``Backdoor("regression")`` with DoWhy's linear model, an S-learner on OLS, ``FrontDoor``,
        ``IV``) answers the ATT and the ATC with its ATE: that is its assumption, not a
        measurement, and the returned ``Effect.method`` says so (``"constant-effect model:
        ATT = ATC = ATE ..."``; see :meth:`_constant_effect`).

        Parameters
        ----------
        treated, control : float
            The two treatment values.
        data : DataFrame, optional
            The units to average over (their treatment column picks ATT's and ATC's units).
        estimand : {"ate", "att", "atc", "ett"}
        n_bootstrap : int
            Resamples for a learner whose interval is a bootstrap (``tags.effect_interval ==
            "bootstrap"``): the learner is refitted ``n_bootstrap`` times on training rows drawn
            with replacement (a fresh ``seed`` parameter each time) and the interval is the
            estimate +- 1.96 bootstrap standard errors. Cost: ``n_bootstrap`` fits and effects,
            about ``n_bootstrap`` times the learner's fit time (200 resamples: well under a
            second for ``LinearRegression(alpha=1)`` on 2,000 rows, a minute for
            ``GradientBoosting``, several for a neural learner). The default 0 returns such
            learners' estimate without an interval, so a plain ``effect()`` stays as cheap as
            one prediction; ask for ``n_bootstrap=200`` (or more) to get one. Analytic
            intervals are always returned and ignore it.
        seed : int or numpy Generator
            Seeds the bootstrap resamples.

        Returns
        -------
        Effect
            ``value``, ``interval``, ``se``, ``method`` and ``estimand``.
        """
        self._check_fitted()
        estimand = ESTIMAND_ALIASES.get(estimand, estimand) if isinstance(estimand, str) else estimand
        if estimand not in ESTIMANDS:
            raise InvalidValueError(f"estimand must be one of {ESTIMANDS} (or 'ett', read as 'att'), got "
                                    f"{estimand!r}.{did_you_mean(str(estimand), ESTIMANDS)}")
        check_n_bootstrap(n_bootstrap)
        task = self.task_
        t = task.treatment
        hi, lo = self._check_do({t: treated}, 1), self._check_do({t: control}, 1)
        hi, lo = float(hi[t]), float(lo[t])
        if data is not None:
            data = self._prepare("predict_do", data)
        if estimand != "ate":
            if not task.type(t).discrete:
                raise UnsupportedQueryError(
                    f"estimand={estimand!r} averages over the units with {t} = "
                    f"{'treated' if estimand == 'att' else 'control'}, which have probability zero for the "
                    f"continuous treatment {t!r}; ask for the ATE")
            if data is not None and t not in data.columns:
                raise InvalidValueError(f"estimand={estimand!r} picks its units by the treatment column {t!r}, "
                                        f"which the data lack; they have {list(map(str, data.columns))}")
        with dependency_errors(self, "effect"):
            point = self._call_effect(hi, lo, data, estimand)
            if not isinstance(point, Effect):  # a user's learner answering a bare number: the evaluator judges it
                return point
            point = replace(point, estimand=estimand)
            if estimand != "ate" and self._constant_effect():  # the model's assumption, said in the result
                point = replace(point, method=f"{point.method}; {CONSTANT_EFFECT_NOTE}")
            if point.interval is None and n_bootstrap and self.tags.effect_interval == "bootstrap":
                point = self._bootstrap_effect(point, hi, lo, data, estimand, int(n_bootstrap), seed)
        return point

    def _effect(self, treated: float, control: float, data, estimand: str = "ate") -> Effect:
        """The estimand's value (see :meth:`effect`) over ``data`` (None: the training units);
        an analytic interval where the method has one. Default: the mean of the ``predict_do``
        contrast over the estimand's units."""
        if self.tags.predict_do is None:
            self._unsupported("effect")
        t = self.task_.treatment
        if data is None:  # the training units: their contrasts once, then each estimand's share of them
            key = (treated, control)
            cache = self.__dict__.setdefault("_contrasts_", {})
            if key not in cache:  # the units as a rung-2 query sees them: no outcome column
                units = self._effect_units_
                cache[key] = np.asarray(self._predict_do(units, {t: treated}) - self._predict_do(units, {t: control}))
            diff = cache[key][self._estimand_mask(self._train_data_, estimand, treated, control)]
        else:
            units = self._estimand_units(data, estimand, treated, control)
            diff = self._predict_do(units, {t: treated}) - self._predict_do(units, {t: control})
        return Effect(float(np.mean(diff)), None, type(self).__name__, estimand)

    def _constant_effect(self) -> bool:
        """Whether the fitted model assumes one effect for every unit (no effect modifier), so
        that its ATT and ATC equal its ATE by construction. Default False; a learner whose
        model has that form overrides it, and :meth:`effect` then notes it in ``Effect.method``."""
        return False

    def _call_effect(self, treated: float, control: float, data, estimand: str) -> Effect:
        """``_effect`` with the estimand; an override written before estimands existed,
        ``_effect(treated, control, data)``, averages over the rows it is given: the estimand's."""
        import inspect

        params = inspect.signature(self._effect).parameters.values()
        if len(params) >= 4 or any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            return self._effect(treated, control, data, estimand)
        if estimand == "ate":
            return self._effect(treated, control, data)
        return self._effect(treated, control, self._estimand_units(data, estimand, treated, control))

    def _estimand_mask(self, data, estimand: str, treated: float, control: float) -> np.ndarray:
        """Which rows of ``data`` an estimand averages over (all for the ATE)."""
        if estimand == "ate":
            return np.ones(len(data), dtype=bool)
        t = self.task_.treatment
        level = treated if estimand == "att" else control
        mask = data[t].to_numpy(dtype=np.float64) == level
        if not mask.any():
            raise InvalidValueError(f"estimand={estimand!r}: no unit has {t} = {level:g} in the "
                                    f"{len(data)} rows averaged over")
        return mask

    def _estimand_units(self, data, estimand: str, treated: float, control: float) -> pd.DataFrame:
        """The rows of ``data`` (None: the training units, as a rung-2 query sees them) an
        estimand averages over."""
        units, labels = (self._effect_units_, self._train_data_) if data is None else (data, data)
        return units if estimand == "ate" else units[self._estimand_mask(labels, estimand, treated, control)]

    def _bootstrap_effect(self, point: Effect, treated, control, data, estimand, n_bootstrap: int, seed) -> Effect:
        """``point`` with the normal interval from ``n_bootstrap`` refits on resampled rows."""
        from sklearn.base import clone

        from .._random import seed_sequence

        train = self._train_data_
        values = np.empty(n_bootstrap)
        for b, child in enumerate(seed_sequence(seed).spawn(n_bootstrap)):
            rows = np.random.default_rng(child).integers(0, len(train), size=len(train))
            fresh = clone(self)
            if "seed" in fresh.get_params(deep=False):
                fresh.set_params(seed=int(child.generate_state(1, np.uint32)[0]))
            fresh.fit(train.iloc[rows].reset_index(drop=True), self.task_)
            values[b] = fresh._call_effect(treated, control, data, estimand).value
        se = float(np.std(values, ddof=1))
        return replace(point, interval=z_interval(point.value, se), se=se,
                       method=f"{point.method}, bootstrap ({n_bootstrap} resamples)")

    def _predict(self, data):
        self._unsupported("predict")

    def _predict_do(self, data, do):
        self._unsupported("predict_do")

    def _predict_counterfactual(self, data, do):
        self._unsupported("predict_counterfactual")

    # ------------------------------------------------------------------ checks
    def _check_fitted(self):
        if not hasattr(self, "task_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(data, env.task) first")

    def _unsupported(self, rung: str):
        why = self._why_unsupported(rung) or self._why_discrete(rung)
        raise UnsupportedQueryError(
            f"{type(self).__name__} does not answer {rung} (its tags: {self.tags.rungs}); "
            f"see the learner's docstring for what it estimates{why}")

    def _why_discrete(self, rung: str) -> str:
        task = getattr(self, "task_", None)
        if rung != "predict_counterfactual" or not self._additive_counterfactual or task is None \
                or not task.type(task.outcome).discrete:
            return ""
        return (f"; its rung-3 rule (the factual outcome plus the estimated effect) assumes additive noise, which the "
                f"{task.kind(task.outcome)} outcome {task.outcome!r} does not have (it would leave the outcome's "
                "range). NeuralSCM answers rung 3 on a discrete outcome: it abducts the posterior of each unit's noise")

    def _why_unsupported(self, rung: str) -> str:
        return ""

    def _prepare(self, rung: str, data) -> pd.DataFrame:
        self._check_fitted()
        if getattr(self.tags, rung) is None:
            self._unsupported(rung)
        columns = self._query_columns(rung)
        # the hook sees the query's columns only: never the outcome below rung 3
        return _check_frame(data, self.task_, columns, rung)[columns]

    def _series(self, values, data: pd.DataFrame) -> pd.Series:
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if len(values) != len(data) or not np.isfinite(values).all():
            raise LearnerError(f"{type(self).__name__} returned {len(values)} values (non-finite: "
                               f"{int((~np.isfinite(values)).sum())}) for {len(data)} rows")
        values = _check_outcome_range(values, self.task_, type(self).__name__)
        return pd.Series(values, index=data.index, name=self.task_.outcome)

    def _check_do(self, do, n: int, index: pd.Index | None = None) -> dict[str, float | np.ndarray]:
        """Validate an intervention: hard values on variables this learner can set; per-unit
        values given as a pandas Series are aligned to ``index`` (the data's) by label."""
        from ..scm.intervention import Intervention, Soft

        if isinstance(do, Intervention):
            items = {v: do[v] for v in do}
        elif isinstance(do, Mapping):
            items = dict(do)
        else:
            raise InvalidInterventionError(f"an intervention is a dict such as {{'T': 1}}, got {do!r}")
        if not items:
            raise InvalidInterventionError("an empty intervention; give at least one variable, e.g. {'T': 1}")
        task, allowed, out = self.task_, self._intervenable(), {}
        for name, spec in items.items():
            if name not in task.variables:
                raise unknown_variable(name, task.variables, "observed variable")
            if name == task.outcome:
                raise InvalidInterventionError(f"cannot intervene on the outcome {name!r}")
            if name not in allowed:
                raise UnsupportedQueryError(
                    f"{type(self).__name__} can intervene on {sorted(allowed)} only, not {name!r}")
            if isinstance(spec, Soft) or callable(spec) or not _is_value(spec):
                raise UnsupportedQueryError(
                    f"{type(self).__name__} answers hard interventions (a value or per-unit values) only; "
                    f"do({name}={spec!r}) is not one")
            out[name] = _check_value(name, spec, task.type(name), n, index)
        support = getattr(self, "support_", None)
        if support is not None and support.variable in out:
            support.check(out[support.variable], type(self).__name__)
        return out


def _is_value(spec) -> bool:
    import torch

    return isinstance(spec, (bool, int, float, np.integer, np.floating, np.bool_, np.ndarray, torch.Tensor,
                             list, tuple, pd.Series))


def _check_value(name, spec, vtype, n, index=None):
    if isinstance(spec, pd.Series):
        values = _align_series(name, spec, index)
    else:
        values = np.asarray(spec.cpu().numpy() if hasattr(spec, "cpu") else spec, dtype=np.float64)
    if values.ndim == 0:
        scalar = True
    elif values.ndim == 1 and len(values) == n:
        scalar = False
    else:
        raise InvalidInterventionError(f"do({name}=...) needs a number or {n} per-unit values, got shape {values.shape}")
    if not np.isfinite(values).all():
        raise InvalidInterventionError(f"do({name}=...) needs finite values, got {spec!r}")
    if vtype.discrete:
        bad = sorted(set(np.unique(values).tolist()) - set(vtype.levels))
        if bad:
            raise InvalidInterventionError(
                f"do({name}={bad[0]!r}): {name} is {vtype.kind} with levels {list(vtype.levels)}")
    return float(values) if scalar else values


def _align_series(name, spec: pd.Series, index) -> np.ndarray:
    """Per-unit values given as a Series are read by label, never by position: a Series whose
    index holds exactly the data's labels is reordered to the data's rows; any other is refused."""
    if index is None or spec.index.equals(index):
        return spec.to_numpy(dtype=np.float64)
    if len(spec) == len(index) and spec.index.is_unique and index.is_unique and spec.index.isin(index).all():
        return spec.reindex(index).to_numpy(dtype=np.float64)
    if not spec.index.is_unique:
        why = f"it repeats the label {_plain(spec.index[spec.index.duplicated()][0])!r}"
    elif not index.is_unique:
        why = "the data's index repeats labels"
    elif len(index.difference(spec.index)):
        why = f"it has no value for the data's row {_plain(index.difference(spec.index)[0])!r}"
    else:
        why = f"it has the label {_plain(spec.index.difference(index)[0])!r}, which the data lack"
    raise InvalidInterventionError(
        f"do({name}=<Series>): its index does not match the data's index ({why}); a Series is read by "
        "label: give one value for each of the data's rows (series.reindex(data.index)), or pass "
        "series.to_numpy() to mean values by position")


def _plain(label):
    return label.item() if isinstance(label, np.generic) else label


def check_n_bootstrap(n_bootstrap) -> int:
    """``n_bootstrap`` as an int: 0 (no bootstrap) or at least 2 resamples (one has no spread);
    anything else is an :class:`~causalab.InvalidValueError` naming it."""
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, (int, np.integer)) or n_bootstrap < 0 \
            or n_bootstrap == 1:
        raise InvalidValueError(f"n_bootstrap must be 0 (no bootstrap) or an int >= 2, got {n_bootstrap!r}")
    return int(n_bootstrap)


@contextmanager
def dependency_errors(learner, what: str):
    """Re-raise an error from inside a learner (scikit-learn, DoWhy, torch, or the learner's own
    code) as a :class:`~causalab.LearnerError` naming the learner, the step and the library
    that raised it; causalab's own typed errors pass through unchanged."""
    try:
        yield
    except (CausalabError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - re-raised as ours with the cause chained, never swallowed
        where = _raised_in(exc, type(learner).__module__)
        raise LearnerError(f"{type(learner).__name__}.{what} failed{' in ' + where if where else ''}: "
                           f"{type(exc).__name__}: {exc}") from exc


def _raised_in(exc, own: str = "") -> str:
    """The top-level package of the first frame in the traceback outside causalab and the
    learner's own module ``own`` (the library the learner called), or "" when the error arose
    in the learner's or causalab's own code."""
    tb = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        top = module.split(".")[0]
        if top and top not in ("causalab", "contextlib") and module != own:
            return top
        tb = tb.tb_next
    return ""


def _check_frame(data, task, columns, what: str) -> pd.DataFrame:
    """The columns a query needs are present, numeric, finite and inside their levels."""
    if not isinstance(data, pd.DataFrame):
        raise InvalidValueError(f"{what} needs a pandas DataFrame, got {type(data).__name__}")
    twice = sorted({str(c) for c in data.columns[data.columns.duplicated()] if c in columns})
    if twice:
        raise InvalidValueError(f"{what}: the data have more than one column named {twice[0]!r}; "
                                "column names must be unique")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        hint = did_you_mean(missing[0], data.columns)
        raise InvalidValueError(f"{what}: the data lack the column(s) {missing}; they have "
                                f"{list(map(str, data.columns))}.{hint}")
    canonical = {}
    for c in columns:
        col = data[c]
        values = _numeric_values(col, c, task.type(c), what)
        if not np.isfinite(values).all():
            bad = int((~np.isfinite(values)).sum())
            raise InvalidValueError(f"{what}: column {c!r} has {bad} NaN or infinite value(s)")
        vtype = task.type(c)
        if vtype.discrete:
            extra = sorted(set(np.unique(values).tolist()) - set(vtype.levels))
            if extra:
                raise InvalidValueError(f"{what}: column {c!r} is {vtype.kind} with levels {list(vtype.levels)}, "
                                        f"but has the value {extra[0]!r}")
        dtype = np.int64 if vtype.discrete else np.float64
        if col.dtype != dtype:
            canonical[c] = values.astype(dtype)
    return _with_columns(data, canonical)


def _numeric_values(col: pd.Series, name, vtype, what: str) -> np.ndarray:
    """A column's values as float64 (NaN for missing). Accepted dtypes: numbers and bools,
    pandas' nullable ``Int64``/``boolean``/``Float64`` and ``category`` with numeric
    categories (the values are the categories themselves, never their codes)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.dtype.categories
        if not (pd.api.types.is_numeric_dtype(cats) or pd.api.types.is_bool_dtype(cats)):
            allowed = list(vtype.levels) if vtype.discrete else "numbers"
            raise InvalidValueError(f"{what}: column {name!r} is a pandas categorical with categories {list(cats)}; "
                                    f"its categories must be the task's levels {allowed}, not labels")
        return col.astype(np.float64).to_numpy()
    if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        raise InvalidValueError(f"{what}: column {name!r} has dtype {col.dtype}; numeric data expected")
    return col.to_numpy(dtype=np.float64, na_value=np.nan)


def _with_columns(data: pd.DataFrame, columns: Mapping) -> pd.DataFrame:
    """``data`` with some columns replaced (a copy; the caller's frame is left as it was).
    Learners then see one dtype per variable type (int64 discrete, float64 continuous)
    whatever the caller's dtypes (bool, nullable, categorical), so they give the same answers."""
    if not columns:
        return data
    out = data.copy(deep=False)
    for c, values in columns.items():
        out[c] = values
    return out


def outcome_range(task) -> tuple[float, float] | None:
    """The range of every answer about a discrete outcome: ``(lowest level, highest level)``,
    ``(0, 1)`` for a binary one (answers are P(Y=1)); ``None`` for a continuous outcome."""
    vtype = task.type(task.outcome)
    return (float(min(vtype.levels)), float(max(vtype.levels))) if vtype.discrete else None


def clip_to_outcome(values, task) -> np.ndarray:
    """Project answers onto the outcome's range (a no-op for a continuous outcome): what a
    learner whose model can leave it (a linear probability model, squared error on 0/1
    targets) does before answering. The projection never moves an answer away from a truth
    inside the range."""
    values = np.asarray(values, dtype=np.float64)
    bounds = outcome_range(task)
    return values if bounds is None else np.clip(values, *bounds)


#: answers this far outside the outcome's range are float rounding, clipped silently
_RANGE_SLACK = 1e-6


def _check_outcome_range(values: np.ndarray, task, owner: str) -> np.ndarray:
    bounds = outcome_range(task)
    if bounds is None:
        return values
    lo, hi = bounds
    outside = (values < lo - _RANGE_SLACK) | (values > hi + _RANGE_SLACK)
    if outside.any():
        raise InvalidValueError(
            f"{owner} answered {int(outside.sum())} of {len(values)} unit(s) outside the range [{lo:g}, {hi:g}] of the "
            f"{task.kind(task.outcome)} outcome {task.outcome!r} (from {values.min():.4g} to {values.max():.4g}); "
            "answers about a discrete outcome are probabilities (binary) or expected levels (categorical)")
    return np.clip(values, lo, hi)


def features_matrix(data: pd.DataFrame, task, features, drop_first: bool = False,
                    overrides: Mapping | None = None) -> np.ndarray:
    """Float feature matrix: continuous and binary columns as they are, categorical ones
    one-hot over the task's levels; ``overrides`` replace columns (the plug-in of ``do``)."""
    overrides = overrides or {}
    n, blocks = len(data), []
    for f in features:
        col = overrides[f] if f in overrides else data[f].to_numpy(dtype=np.float64)
        col = np.broadcast_to(np.asarray(col, dtype=np.float64), (n,))
        vtype = task.type(f)
        if vtype.kind == "categorical":
            levels = vtype.levels[1:] if drop_first else vtype.levels
            blocks.append(np.stack([(col == lv).astype(np.float64) for lv in levels], axis=1))
        else:
            blocks.append(col[:, None])
    return np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0))


def as_int_seed(seed) -> int:
    """An int seed for libraries that want one (numpy Generators are drawn from once)."""
    from .._random import seed_sequence

    return int(seed_sequence(seed).generate_state(1, np.uint32)[0])


def z_interval(value: float, se: float, level: float = 0.95) -> tuple[float, float]:
    from scipy.stats import norm

    half = float(norm.ppf(0.5 + level / 2)) * se
    return (value - half, value + half) if math.isfinite(half) else None


def t_interval(value: float, se: float, df: float | None = None, level: float = 0.95) -> tuple[float, float] | None:
    """``value +- q se`` with ``q`` the two-sided ``level`` quantile of Student's t with ``df``
    degrees of freedom (small samples), or of the normal when ``df`` is None or infinite.
    None when ``se`` is not finite; :class:`~causalab.DegenerateFitError` when ``df <= 0``
    (a saturated fit has no residual to estimate a standard error from)."""
    from scipy.stats import norm, t

    if df is not None and not df > 0:
        raise DegenerateFitError(f"no residual degrees of freedom (df={df}) for an interval: the fit is saturated")
    q = norm.ppf(0.5 + level / 2) if df is None or math.isinf(df) else t.ppf(0.5 + level / 2, df)
    half = float(q) * se
    return (value - half, value + half) if math.isfinite(half) else None


# ---------------------------------------------------------------------- support
@dataclass(frozen=True)
class SupportPolicy:
    """What counts as support, and what a query outside it gets.

    Attributes
    ----------
    min_units : int
        The floor: a discrete treatment value needs at least this many training units
        (default 10) to be fitted on or asked about.
    on_violation : {"raise", "warn"}
        ``"raise"`` (default): a query outside the support raises
        :class:`~causalab.OutOfSupportError`; ``"warn"``: it is answered with a
        :class:`~causalab.SupportWarning`, which the evaluator records on the row. A treatment
        with a single value in the training data is refused at fit under either.
    """

    min_units: int = 10
    on_violation: str = "raise"

    def __post_init__(self):
        m = self.min_units
        if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
            raise InvalidValueError(f"min_units must be an int >= 1, got {m!r}")
        if self.on_violation not in ("raise", "warn"):
            raise InvalidValueError(f"on_violation must be 'raise' or 'warn', got {self.on_violation!r}")


_POLICY: contextvars.ContextVar[SupportPolicy] = contextvars.ContextVar("causalab_support_policy",
                                                                       default=SupportPolicy())


def get_support_policy() -> SupportPolicy:
    """The support policy in force here (see :func:`support_policy`)."""
    return _POLICY.get()


@contextmanager
def support_policy(min_units: int | None = None, on_violation: str | None = None):
    """Set the support policy for the calls inside the ``with`` block (this thread or task only).

    Every learner checks the treatment's support in the training data with the policy in
    force at the time of the call (fit or query): a discrete treatment value with fewer
    than ``min_units`` training units (default 10), or a continuous one outside the
    training range [min, max], is refused with :class:`~causalab.OutOfSupportError`, or,
    with ``on_violation="warn"``, answered with a :class:`~causalab.SupportWarning`. A
    constant treatment is refused at fit either way. Only the treatment is checked, not
    other intervened variables (a soft shift of a covariate moves some units past the
    observed range by design). ``causalab.evaluate(..., support=...)`` takes the same
    settings for a whole evaluation.

    Examples
    --------
    >>> with support_policy(on_violation="warn"):            # doctest: +SKIP
    ...     learner.predict_do(data, {"T": 5.0})               # answered, with a SupportWarning
    """
    current = _POLICY.get()
    policy = SupportPolicy(current.min_units if min_units is None else min_units,
                           current.on_violation if on_violation is None else on_violation)
    token = _POLICY.set(policy)
    try:
        yield policy
    finally:
        _POLICY.reset(token)


def _fmt_value(v) -> str:
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:.4g}"


@dataclass(frozen=True)
class Support:
    """The treatment's support in the training data: the units per level (discrete) or the
    range (continuous). :meth:`check` applies the policy in force to requested values."""

    variable: str
    discrete: bool
    counts: tuple[tuple[float, int], ...] = ()
    low: float = -math.inf
    high: float = math.inf

    def _count(self, value: float) -> int:
        return dict(self.counts).get(float(value), 0)

    def levels_seen(self) -> dict:
        return {int(k) if float(k).is_integer() else k: c for k, c in self.counts}

    def check(self, values, who: str = "the learner"):
        """Refuse (or warn about, per the policy) requested ``values`` outside the support."""
        policy = get_support_policy()
        values = np.unique(np.asarray(values, dtype=np.float64))
        name = self.variable
        if self.discrete:
            thin = [v for v in values if self._count(v) < policy.min_units]
            if not thin:
                return
            problem = ", ".join(f"{name}={_fmt_value(v)} has {self._count(v)} training unit(s)" for v in thin[:3])
            problem += f" (the floor is min_units={policy.min_units}; training units per level: {self.levels_seen()})"
        else:
            out = values[(values < self.low) | (values > self.high)]
            if not len(out):
                return
            problem = (f"do({name}={_fmt_value(out[0])}{', ...' if len(out) > 1 else ''}) is outside the training "
                       f"range [{self.low:.4g}, {self.high:.4g}] of {name} ({len(out)} value(s) outside)")
        _violation(f"{who}: {problem}; its answer there would be an extrapolation", policy)


def _violation(text: str, policy: SupportPolicy, stacklevel: int = 5):
    text += (". Answer anyway with causalab.learners.support_policy(on_violation='warn') (or "
             "evaluate(..., support='warn'))")
    if policy.on_violation == "warn":
        warnings.warn(SupportWarning(text), stacklevel=stacklevel)
    else:
        raise OutOfSupportError(text)


def treatment_support(data: pd.DataFrame, task, who: str = "the learner") -> Support:
    """The treatment's :class:`Support` in training ``data``, refusing a treatment that cannot
    support an effect: a single value (always), or, for a discrete treatment, fewer than two
    levels with ``min_units`` units each (per the policy: raise or warn)."""
    name = task.treatment
    values = data[name].to_numpy(dtype=np.float64)
    seen, counts = np.unique(values, return_counts=True)
    if len(seen) < 2:
        raise OutOfSupportError(
            f"{who}: every training unit has {name}={_fmt_value(seen[0])}; an effect of {name} needs at least two "
            f"treatment values in the training data ({len(values)} rows, one value)")
    vtype = task.type(name)
    if not vtype.discrete:
        return Support(name, False, low=float(seen[0]), high=float(seen[-1]))
    table = dict(zip(seen.tolist(), counts.tolist()))
    support = Support(name, True, tuple((float(lv), int(table.get(float(lv), 0))) for lv in vtype.levels))
    policy = get_support_policy()
    enough = [lv for lv, c in support.counts if c >= policy.min_units]
    if len(enough) < 2:
        _violation(f"{who}: an effect of {name} needs two treatment levels with at least min_units="
                   f"{policy.min_units} training units each; the training units per level are "
                   f"{support.levels_seen()}", policy, stacklevel=4)
    return support


# ---------------------------------------------------------------------- overlap
#: the propensity bounds of the overlap diagnostics (DoWhy's default clipping for IPW)
OVERLAP_BOUNDS = (0.05, 0.95)
#: overlap is poor when more than this share of units has a propensity outside the bounds ...
OVERLAP_MAX_SHARE_OUTSIDE = 0.1
#: ... or when the inverse-propensity weights' effective sample size is below this share of n
OVERLAP_MIN_ESS_SHARE = 0.2


@dataclass(frozen=True)
class Overlap:
    """Overlap diagnostics of a binary treatment given an adjustment set.

    Attributes
    ----------
    share_clipped : float
        Share of units whose estimated propensity lies outside ``bounds`` (those a clipping
        estimator such as DoWhy's IPW moves to the bound).
    ess : float
        Kish effective sample size ``(sum w)^2 / sum w^2`` of the inverse-propensity (ATE)
        weights ``w = T / e + (1 - T) / (1 - e)``, the propensities unclipped.
    n : int
        Training units.
    bounds : tuple of float
        The propensity bounds.
    adjustment_set : tuple of str
        The covariates the propensity was fitted on.
    """

    share_clipped: float
    ess: float
    n: int
    bounds: tuple[float, float]
    adjustment_set: tuple[str, ...]

    @property
    def poor(self) -> bool:
        """More than :data:`OVERLAP_MAX_SHARE_OUTSIDE` of the units outside the bounds, or an
        effective sample size below :data:`OVERLAP_MIN_ESS_SHARE` of n."""
        return self.share_clipped > OVERLAP_MAX_SHARE_OUTSIDE or self.ess < OVERLAP_MIN_ESS_SHARE * self.n

    def describe(self) -> str:
        lo, hi = self.bounds
        text = (f"{100 * self.share_clipped:.1f}% of the {self.n} training units have an estimated propensity outside "
                f"[{lo:g}, {hi:g}] given {list(self.adjustment_set)}, and the inverse-propensity weights' effective "
                f"sample size is {self.ess:.0f} ({100 * self.ess / self.n:.1f}% of n)")
        if self.poor:
            text = (f"poor overlap: {text} (limits: {100 * OVERLAP_MAX_SHARE_OUTSIDE:g}% outside, "
                    f"{100 * OVERLAP_MIN_ESS_SHARE:g}% of n); effects there rest on extrapolation or clipped weights")
        return text


def overlap_diagnostics(data: pd.DataFrame, task, adjustment_set, bounds=OVERLAP_BOUNDS) -> Overlap:
    """:class:`Overlap` of ``task``'s binary treatment given ``adjustment_set``: the propensity
    is a logistic regression of the treatment on the adjustment set (categorical columns
    one-hot, standardised; scikit-learn's default L2 penalty, C = 1, as DoWhy's propensity
    model), or the treated share when the set is empty."""
    from sklearn.linear_model import LogisticRegression

    lo, hi = _check_bounds(bounds)
    adjustment_set = tuple(adjustment_set)
    t = data[task.treatment].to_numpy(dtype=np.float64)
    x = features_matrix(data, task, list(adjustment_set), drop_first=True)
    x = x[:, x.std(axis=0) > 0]
    if x.shape[1] == 0 or len(np.unique(t)) < 2:
        e = np.full(len(t), t.mean())
    else:
        x = (x - x.mean(axis=0)) / x.std(axis=0)
        model = LogisticRegression(max_iter=1000).fit(x, t.astype(int))
        e = model.predict_proba(x)[:, list(model.classes_).index(1)]
    share = float(np.mean((e < lo) | (e > hi)))
    e = np.clip(e, 1e-12, 1 - 1e-12)
    w = t / e + (1 - t) / (1 - e)
    ess = float(w.sum() ** 2 / np.sum(w**2))
    return Overlap(share, ess, len(t), (lo, hi), adjustment_set)


def _check_bounds(bounds) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(f"propensity bounds are two numbers (low, high), got {bounds!r}") from exc
    if not 0 <= lo < 0.5 < hi <= 1:
        raise InvalidValueError(f"propensity bounds need 0 <= low < 0.5 < high <= 1, got {bounds!r}")
    return lo, hi


# ---------------------------------------------------------------------- degenerate designs
def check_design(x: np.ndarray, names, who: str, intercept: bool = True, rtol: float = 1e-9) -> None:
    """Refuse a linear design the data cannot determine, with :class:`~causalab.DegenerateFitError`
    naming the cause: fewer rows than parameters (no residual degrees of freedom), or a
    column that is constant (collinear with the intercept) or a linear combination of the
    columns before it (``names`` label the columns; one-hot blocks repeat a variable's name
    with its level)."""
    x = np.asarray(x, dtype=np.float64)
    n, k = x.shape
    params = k + int(intercept)
    if n <= params:
        what = f"{k} column(s)" + (" and an intercept" if intercept else "")
        raise DegenerateFitError(f"{who}: {n} training rows for {params} parameters ({what}); a fit needs more rows "
                                 "than parameters to leave residual degrees of freedom")
    z = x - x.mean(axis=0) if intercept else x
    scale = np.sqrt(np.sum(z**2, axis=0))
    for j in range(k):
        if scale[j] <= rtol * max(1.0, float(np.abs(x[:, j]).max(initial=0.0))) * math.sqrt(n):
            raise DegenerateFitError(f"{who}: the column {names[j]!r} is constant in the training data "
                                     f"(collinear with the intercept); its coefficient is not determined")
    zs = z / scale
    if k == 0 or np.linalg.matrix_rank(zs, tol=1e-6) == k:
        return
    for j in range(1, k):  # name the first column in the span of those before it
        basis = zs[:, :j]
        coef = np.linalg.lstsq(basis, zs[:, j], rcond=None)[0]
        if np.linalg.norm(zs[:, j] - basis @ coef) <= 1e-6:
            others = sorted({str(names[i]) for i in np.flatnonzero(np.abs(coef) > 1e-6)})
            raise DegenerateFitError(f"{who}: the column {names[j]!r} is collinear with {others} in the training data "
                                     "(a linear combination of them); its coefficient is not determined")
    raise DegenerateFitError(f"{who}: the design's columns {list(map(str, names))} are linearly dependent in the "
                             "training data; their coefficients are not determined")
