"""The learner contract: scikit-learn's estimator conventions plus one method per rung.

A learner is fitted on observational data with ``fit(data, task)`` and then answers:

1. ``predict(data)``: E[outcome | the learner's features as they appear in ``data``];
2. ``predict_do(data, do)``: each unit's expected outcome under ``do`` (from its
   pre-treatment covariates), and ``effect(treated, control)`` the average effect;
3. ``predict_counterfactual(data, do)``: each unit's outcome under ``do`` given its
   factual row, outcome included.

Each answer is a ``pandas.Series`` aligned to the input's index. :class:`LearnerTags` say
how a learner answers each rung; a rung it cannot answer raises
:class:`~causalab.UnsupportedQueryError` naming it. Subclasses implement ``_fit`` and the
``_predict*`` hooks; the base class validates every input once, here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..exceptions import (
    InvalidInterventionError,
    InvalidValueError,
    NotFittedError,
    UnsupportedQueryError,
    did_you_mean,
    unknown_variable,
)

#: estimator families: the keys environments use in ``expected``
FAMILIES = ("naive", "correlational", "backdoor", "frontdoor", "iv", "proxy", "invariant", "graph-based", "mediation")


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
    effect_interval : bool
        Whether :meth:`Learner.effect` returns a confidence interval.
    """

    family: str
    predict: str | None
    predict_do: str | None
    predict_counterfactual: str | None
    effect_interval: bool = False

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise InvalidValueError(f"a learner's family is one of {FAMILIES}, got {self.family!r}")

    @property
    def rungs(self) -> dict[str, str | None]:
        return {"predict": self.predict, "predict_do": self.predict_do,
                "predict_counterfactual": self.predict_counterfactual}


@dataclass(frozen=True)
class Effect:
    """An average effect ``E[Y | do(treated)] - E[Y | do(control)]`` with an optional interval."""

    value: float
    interval: tuple[float, float] | None = None
    method: str = ""

    def __float__(self):
        return float(self.value)

    def __repr__(self):
        ci = "" if self.interval is None else f", 95% CI [{self.interval[0]:.4g}, {self.interval[1]:.4g}]"
        return f"Effect({self.value:.4g}{ci}{', ' + self.method if self.method else ''})"


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
    ``_intervenable()``
        the variables ``do`` may set (default: the treatment).
    """

    _tags: LearnerTags

    @property
    def tags(self) -> LearnerTags:
        return self._tags

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
            self._fit(data)
        except BaseException:
            for name in set(vars(self)) - before:  # a failed fit leaves the learner unfitted
                delattr(self, name)
            raise
        self.columns_ = columns
        self.n_features_in_ = len(columns)
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

    # ------------------------------------------------------------------ rungs
    def predict(self, data: pd.DataFrame) -> pd.Series:
        """Rung 1: E[outcome | features] for each row of ``data``."""
        data = self._prepare("predict", data)
        return self._series(self._predict(data), data)

    def predict_do(self, data: pd.DataFrame, do) -> pd.Series:
        """Rung 2: each unit's expected outcome under ``do`` (a dict or Intervention of hard
        values, scalars or per-unit arrays), from its pre-treatment covariates."""
        data = self._prepare("predict_do", data)
        return self._series(self._predict_do(data, self._check_do(do, len(data))), data)

    def predict_counterfactual(self, data: pd.DataFrame, do) -> pd.Series:
        """Rung 3: each unit's outcome under ``do`` given its factual row (outcome included)."""
        data = self._prepare("predict_counterfactual", data)
        return self._series(self._predict_counterfactual(data, self._check_do(do, len(data))), data)

    def effect(self, treated=1, control=0, data: pd.DataFrame | None = None) -> Effect:
        """Average effect of setting the treatment to ``treated`` against ``control``:
        E[Y | do(T=treated)] - E[Y | do(T=control)], averaged over ``data`` (default: the
        training data's units)."""
        self._check_fitted()
        t = self.task_.treatment
        hi, lo = self._check_do({t: treated}, 1), self._check_do({t: control}, 1)
        if data is not None:
            data = self._prepare("predict_do", data)
        return self._effect(float(hi[t]), float(lo[t]), data)

    def _effect(self, treated: float, control: float, data) -> Effect:
        if data is None:
            data = self._train_
        t = self.task_.treatment
        if self.tags.predict_do is None:
            self._unsupported("effect")
        diff = self._predict_do(data, {t: treated}) - self._predict_do(data, {t: control})
        return Effect(float(np.mean(diff)), None, type(self).__name__)

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
        raise UnsupportedQueryError(
            f"{type(self).__name__} does not answer {rung} (its tags: {self.tags.rungs}); "
            f"see the learner's docstring for what it estimates{self._why_unsupported(rung)}")

    def _why_unsupported(self, rung: str) -> str:
        return ""

    def _prepare(self, rung: str, data) -> pd.DataFrame:
        self._check_fitted()
        if getattr(self.tags, rung) is None:
            self._unsupported(rung)
        return _check_frame(data, self.task_, self._query_columns(rung), rung)

    def _series(self, values, data: pd.DataFrame) -> pd.Series:
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if len(values) != len(data) or not np.isfinite(values).all():
            raise RuntimeError(f"{type(self).__name__} returned {len(values)} values (non-finite: "
                               f"{int((~np.isfinite(values)).sum())}) for {len(data)} rows")
        return pd.Series(values, index=data.index, name=self.task_.outcome)

    def _check_do(self, do, n: int) -> dict[str, float | np.ndarray]:
        """Validate an intervention: hard values on variables this learner can set."""
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
            out[name] = _check_value(name, spec, task.type(name), n)
        return out


def _is_value(spec) -> bool:
    import torch

    return isinstance(spec, (bool, int, float, np.integer, np.floating, np.bool_, np.ndarray, torch.Tensor,
                             list, tuple, pd.Series))


def _check_value(name, spec, vtype, n):
    values = np.asarray(spec.cpu().numpy() if hasattr(spec, "cpu") else spec, dtype=np.float64) \
        if not isinstance(spec, pd.Series) else spec.to_numpy(dtype=np.float64)
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


def _check_frame(data, task, columns, what: str) -> pd.DataFrame:
    """The columns a query needs are present, numeric, finite and inside their levels."""
    if not isinstance(data, pd.DataFrame):
        raise InvalidValueError(f"{what} needs a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        hint = did_you_mean(missing[0], data.columns)
        raise InvalidValueError(f"{what}: the data lack the column(s) {missing}; they have "
                                f"{list(map(str, data.columns))}.{hint}")
    for c in columns:
        col = data[c]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            raise InvalidValueError(f"{what}: column {c!r} has dtype {col.dtype}; numeric data expected")
        values = col.to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            bad = int((~np.isfinite(values)).sum())
            raise InvalidValueError(f"{what}: column {c!r} has {bad} NaN or infinite value(s)")
        vtype = task.type(c)
        if vtype.discrete:
            extra = sorted(set(np.unique(values).tolist()) - set(vtype.levels))
            if extra:
                raise InvalidValueError(f"{what}: column {c!r} is {vtype.kind} with levels {list(vtype.levels)}, "
                                        f"but has the value {extra[0]!r}")
    return data


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
