"""An oracle learner: the exact answer to every rung, from the true model and the features it is fed.

It is the yardstick of the excess metrics (``bias_rmse``, ``do_bias_rmse``,
``cf_bias_rmse``): fitted on any environment it scores zero excess on every rung and
regime (within the Monte Carlo standard error where the answer is simulated), because its
answers are the conditional expectations the evaluator's references compute, given what
the learner itself sees (the rows and the intervention it is asked about; never the
evaluator's world frames).
"""

from __future__ import annotations

import numpy as np

from ..evaluation.excess import features_for
from ..evaluation.reference import N_PARTICLES, conditional_expectation
from ..exceptions import InvalidValueError, UnsupportedQueryError
from ..learners.base import Learner, LearnerTags


class Oracle(Learner):
    """Answers each rung with the exact conditional expectation in ``env``'s true SCM.

    Rung 1: ``E[Y | F]``; rung 2: ``E[Y_do | F minus the intervened variables, the
    intervened values]``; rung 3: the same given the unit's factual row. ``F``: ``features``
    when given (like a correlational learner's ``features_``), otherwise every observed
    column (rungs 1 and 3) and the covariates (rung 2).

    A soft or stochastic intervention reaches a learner as per-unit values; the oracle
    matches them to the environment's regime on the same variables, so it answers the
    question that regime poses.

    Parameters
    ----------
    env : Environment
        A simulated environment (its SCM is the oracle's knowledge).
    features : list of str, "treatment" or None
        What the oracle is fed.
    n_particles : int
        Monte Carlo draws per unit where no exact method applies. Those draws are seeded by
        the question (see :func:`~causalab.evaluation.reference.conditional_expectation`),
        so on the same units and features the oracle's simulated answers are the
        evaluator's references.
    """

    _tags = LearnerTags("graph-based", "oracle", "oracle", "oracle")

    def __init__(self, env=None, features=None, n_particles: int = N_PARTICLES):
        self.env = env
        self.features = features
        self.n_particles = n_particles

    def _fit_columns(self):
        env, task = self.env, self.task_
        if env is None or "scm" not in getattr(env, "capabilities", ()):
            raise InvalidValueError(f"Oracle needs a simulated environment, got {env!r}")
        if env.treatment != task.treatment or env.outcome != task.outcome:
            raise InvalidValueError(f"Oracle was built for {env!r}, but fitted on the task of {task.environment!r}")
        if self.features is None:
            return list(task.observed)
        features = [task.treatment] if self.features == "treatment" else list(self.features)
        self.features_ = features
        return [*features, task.outcome]

    def _intervenable(self):
        fed = getattr(self, "features_", None)
        return set(fed) if fed is not None else set(self.task_.observed) - {self.task_.outcome}

    def _fit(self, data):
        pass  # the true SCM is the oracle's knowledge: nothing to learn from the data

    def _given(self, data, rung, exclude=()):
        features = [f for f in features_for(self.env, self, rung) if f not in exclude]
        return {f: data[f].to_numpy(dtype=np.float64) for f in features}

    def _answer(self, data, rung, do=None):
        env = self.env
        regime = told = None
        exclude = ()
        if do is not None:
            regime, told = self._regime(do, len(data))
            exclude = tuple(do) if rung == 2 else ()
        ref = conditional_expectation(env.scm, env.outcome, self._given(data, rung, exclude), regime, told,
                                      n_units=len(data), n_particles=self.n_particles)
        return ref.values

    def _regime(self, do, n):
        """The environment's regime these per-unit values come from (hard values as they are)."""
        told = {v: np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)) for v, x in do.items()}
        if all(np.ndim(x) == 0 for x in do.values()):
            return {v: float(x) for v, x in do.items()}, told
        matches = [r for r in self.env.regimes.values()
                   if set(r) == set(do) and not all(r.is_hard(v) and np.ndim(r[v]) == 0 for v in r)]
        if len(matches) != 1:
            raise UnsupportedQueryError(
                f"Oracle cannot tell which regime per-unit values for {sorted(do)} come from "
                f"({len(matches)} of {self.env!r}'s regimes set those variables per unit)")
        return matches[0], told

    def _predict(self, data):
        return self._answer(data, 1)

    def _predict_do(self, data, do):
        return self._answer(data, 2, do)

    def _predict_counterfactual(self, data, do):
        return self._answer(data, 3, do)


__all__ = ["Oracle"]
