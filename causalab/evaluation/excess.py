"""Excess-error rows of the evaluator: each learner's error beyond the best possible answer.

For every rung-1, rung-2 and rung-3 error the evaluator also scores the *reference* (see
:mod:`causalab.evaluation.reference`): each unit's conditional expectation of the target
given the same features the learner was fed. Rows (per regime for rungs 2 and 3):

``bias_rmse``, ``do_bias_rmse``, ``cf_bias_rmse``
    RMSE of the learner's answers against the reference answers, unit by unit: its
    excess (causal and estimation) error, zero for an exact answer whatever the noise.
    ``se``: the Monte Carlo standard error when the reference is simulated.
``reference_rmse``, ``do_reference_rmse``, ``cf_reference_rmse``
    RMSE of the reference against the units' outcomes: the noise no answer from those
    features can remove (``rmse``, ``do_rmse`` and ``cf_rmse`` include it).
``survival``
    ``(do_rmse / do_reference_rmse) / (rmse / reference_rmse)``: how much the learner's
    error grows beyond the noise floor under the regime, relative to how much it exceeds the
    floor on observational data. 1 for a learner that answers both rungs exactly (or is off
    by the same factor on both); above 1 when it answers do() with a correlation.

The features: a learner's ``features_`` where it has them; otherwise the task's covariates
at rung 2 (the contract: an answer from pre-treatment covariates) and every observed column
the learner takes (``columns_``) at rungs 1 and 3 (the outcome too at rung 3).
The regime's variables are never seen factually at rung 2 (the intervention overwrites
them); their per-unit values under the regime, which the learner is told, always are.
Each row's ``message`` names the reference's method; a reference that cannot be computed
gives rows with status ``unsupported`` and the reason (``error`` if computing it failed).
"""

from __future__ import annotations

import threading

import numpy as np

from ..exceptions import CausalabError, UnsupportedQueryError
from . import metrics
from .reference import conditional_expectation

_CACHE: dict = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 512


def features_for(env, learner, rung: int) -> list[str]:
    """The observed columns whose factual values the reference conditions on at ``rung``
    (before removing the regime's variables at rung 2)."""
    fed = getattr(learner, "features_", None)
    outcome = env.outcome
    if fed is not None:
        fed = [f for f in fed if f != outcome]
        return fed + [outcome] if rung == 3 else fed
    if rung == 2:  # the contract: each unit's answer from its pre-treatment covariates
        return [c for c in env.covariates if c in env.observed]
    # rungs 1 and 3: every column the learner takes (columns_), as a predictor would use them
    columns = [c for c in getattr(learner, "columns_", env.observed) if c in env.observed and c != outcome]
    return columns + [outcome] if rung == 3 else columns


class CellReferences:
    """The references of one cell, computed on first use and shared (cached) by every
    learner fed the same features on the same test units."""

    def __init__(self, env, learner, test_world, test_seed: int):
        self.env, self.learner, self.world, self.seed = env, learner, test_world, int(test_seed)
        self.obs_inflation = np.nan  # rmse / reference_rmse on observational data

    def _reference(self, rung, regime_name, regime, world_do):
        env = self.env
        features = features_for(env, self.learner, rung)
        regime_vars = list(regime) if regime is not None else []
        if rung == 2:
            features = [f for f in features if f not in regime_vars]
        key = (id(env.scm), self.seed, len(self.world), rung, regime_name, tuple(features))
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None and hit[0] is env.scm:
            return hit[1]
        given = {f: self.world[f].to_numpy(dtype=np.float64) for f in features}
        told = {v: world_do[v].to_numpy(dtype=np.float64) for v in regime_vars} if regime is not None else None
        try:  # Monte Carlo references are seeded by the question (the seen values), not the cell
            out = conditional_expectation(env.scm, env.outcome, given, regime, told, n_units=len(self.world))
        except UnsupportedQueryError as exc:
            out = ("unsupported", f"no reference: {exc}")
        except CausalabError as exc:  # the reference failed, not the learner: rows, never a crashed sweep
            out = ("error", f"reference failed: {type(exc).__name__}: {exc}")
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = (env.scm, out)  # the model is kept alive with its entry, so its id is not reused
        return out

    def rows(self, add, rung, regime_name, prediction, truth, regime=None, world_do=None,
             do_rmse=np.nan, note: str = "") -> None:
        """Add the excess rows of one answered query (``prediction``) against ``truth``;
        ``note``: the warnings the query raised, kept on every row it gives."""
        if "scm" not in self.env.capabilities:
            return
        prefix = {1: "", 2: "do_", 3: "cf_"}[rung]
        names = [f"{prefix}bias_rmse", f"{prefix}reference_rmse"]
        ref = self._reference(rung, regime_name, regime, world_do)
        if isinstance(ref, tuple):
            for m in names + (["survival"] if rung == 2 else []):
                add(rung, regime_name, m, status=ref[0], message="; ".join(x for x in (note, ref[1]) if x))
            return
        message = "; ".join(x for x in (note, f"reference by {ref.method}") if x)
        value, se = metrics.bias_rmse(prediction, ref.values, ref.se)
        add(rung, regime_name, names[0], value, se=se, message=message)
        floor = metrics.rmse(ref.values, truth)
        add(rung, regime_name, names[1], floor, message=message)
        if rung == 1 and floor > 0:
            self.obs_inflation = metrics.rmse(prediction, truth) / floor
        if rung == 2 and floor > 0 and np.isfinite(self.obs_inflation) and np.isfinite(do_rmse):
            add(2, regime_name, "survival", metrics.survival_ratio(do_rmse / floor, self.obs_inflation),
                message=message)


__all__ = ["CellReferences", "features_for"]
