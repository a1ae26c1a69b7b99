"""DoWhy-gcm as a learner: a structural causal model fitted on the task's graph."""

from __future__ import annotations

import random
from contextlib import contextmanager

import networkx as nx
import numpy as np

from ..exceptions import InvalidValueError, NotIdentifiedError, UnsupportedQueryError
from .base import Learner, LearnerTags, as_int_seed
from .dowhy_estimators import DOWHY_LOCK, _quiet

QUALITIES = ("good", "better", "best")


@contextmanager
def _seeded(seed: int):
    """DoWhy-gcm draws from numpy's and Python's global RNGs (it takes no generator): seed them
    for the call and put back what was there, so nothing outside sees a change. The global
    RNGs and DoWhy-gcm's progress-bar setting are process-wide, so the whole call holds
    :data:`~causalab.learners.dowhy_estimators.DOWHY_LOCK`: from several threads, calls run one
    at a time and each sees exactly the seeded stream it would see alone."""
    from dowhy.gcm import config

    with DOWHY_LOCK:
        np_state, py_state, bars = np.random.get_state(), random.getstate(), config.show_progress_bars
        np.random.seed(seed)
        random.seed(seed)
        config.show_progress_bars = False
        try:
            yield
        finally:
            np.random.set_state(np_state)
            random.setstate(py_state)
            config.show_progress_bars = bars


#: DoWhy-gcm's automatic mechanism selection cross-validates over this many folds
#: (``dowhy.gcm.auto``: ``model_selection_splits = 5`` for the good and better qualities)
SELECTION_FOLDS = 5


def _check_selectable(data, task, graph) -> None:
    """Refuse, naming the variable, the data DoWhy-gcm's mechanism selection cannot fit:
    fewer rows than its folds, or a discrete variable with parents (a classifier, selected by
    stratified folds) that takes one value only or has no value in as many rows as the folds."""
    if len(data) < SELECTION_FOLDS:
        raise InvalidValueError(f"GCM: DoWhy-gcm selects each mechanism by {SELECTION_FOLDS}-fold cross-validation "
                                f"and needs at least {SELECTION_FOLDS} rows, got {len(data)}")
    for v in task.observed:
        if not task.type(v).discrete or not any(True for _ in graph.predecessors(v)):
            continue
        counts = data[v].value_counts()
        if len(counts) < 2:
            raise InvalidValueError(
                f"GCM: {v!r} takes the single value {counts.index[0].item()!r} in the {len(data)} training rows; DoWhy-gcm "
                "fits a classifier for it, which needs at least two classes")
        if counts.max() < SELECTION_FOLDS:
            raise InvalidValueError(
                f"GCM: every value of {v!r} is in fewer than {SELECTION_FOLDS} training rows ({counts.to_dict()}); "
                f"DoWhy-gcm selects its classifier by stratified {SELECTION_FOLDS}-fold cross-validation, which "
                f"needs at least {SELECTION_FOLDS} rows of some value")


class GCM(Learner):
    """DoWhy-gcm's structural causal model on the task's graph, mechanisms auto-assigned.

    Assumptions: the graph is right and complete, every variable is observed (no hidden
    confounding), each mechanism is learnable from data: continuous variables as additive
    noise models (invertible, so counterfactuals are exact abduction), discrete ones as
    classifiers.

    Rungs: ``predict`` is E[Y | parents of Y] from the outcome's fitted mechanism;
    ``predict_do`` simulates each unit ``n_draws`` times under the intervention (its
    non-descendants kept, ``gcm.interventional_samples``) and averages E[Y | parents of Y]
    over the draws: the unit's own outcome is never read, so an outcome the intervention
    does not reach is predicted from its parents, not copied; ``predict_counterfactual``
    is ``gcm.counterfactual_samples`` (abduction, action, prediction), available when every
    non-root variable is continuous (DoWhy-gcm cannot invert classifier mechanisms).

    Parameters
    ----------
    quality : {"good", "better", "best"}
        DoWhy-gcm's ``AssignmentQuality`` for automatic mechanism selection.
    n_draws : int
        Simulations per unit for rung 2.
    seed : int or numpy Generator
        Seeds DoWhy-gcm's (global) RNGs inside each call; their state is restored after, and
        calls from several threads take turns (one lock), so each gives its sequential answer.

    Discrete variables (binary and categorical) are handed to DoWhy-gcm as strings, so it
    fits classifier mechanisms over their levels (never a regression of their codes); rungs
    1 and 2 of a discrete outcome answer its expected level (P(Y=1) if binary).

    Raises
    ------
    NotIdentifiedError
        When the task has hidden confounding.
    InvalidValueError
        When DoWhy-gcm's mechanism selection cannot fit the data: fewer than 5 rows, or a
        discrete variable with parents that takes one value only or has no value in 5 rows.
    """

    def __init__(self, quality: str = "good", n_draws: int = 20, seed=0):
        self.quality = quality
        self.n_draws = n_draws
        self.seed = seed

    @property
    def tags(self):
        # once fitted, rung 3 is claimed only where every variable below the treatment is invertible
        rung3 = None if getattr(self, "non_invertible_", None) else "abduction"
        return LearnerTags("graph-based", "parents-regression", "simulation", rung3)

    def _why_unsupported(self, rung):
        if rung == "predict_counterfactual" and getattr(self, "non_invertible_", None):
            return (f"; DoWhy-gcm cannot abduct the noise of the discrete variables {self.non_invertible_} "
                    "below the treatment (classifier mechanisms are not invertible)")
        return ""

    def _intervenable(self):
        return set(self.task_.observed) - {self.task_.outcome}

    def _fit(self, data):
        from dowhy import gcm

        task = self.task_
        if self.quality not in QUALITIES:
            raise InvalidValueError(f"quality must be one of {QUALITIES}, got {self.quality!r}")
        if isinstance(self.n_draws, bool) or not isinstance(self.n_draws, (int, np.integer)) or self.n_draws < 1:
            raise InvalidValueError(f"n_draws must be a positive int, got {self.n_draws!r}")
        if task.has_hidden_confounding:
            raise NotIdentifiedError(
                f"DoWhy-gcm models every variable as observed, but the task has hidden confounding {task.latent}; "
                "use IV or FrontDoor where the graph allows them")
        graph = task.graph.subgraph(task.observed).copy()
        _check_selectable(data, task, graph)
        self._seed = as_int_seed(self.seed)
        scm = gcm.InvertibleStructuralCausalModel(graph)
        quality = getattr(gcm.auto.AssignmentQuality, self.quality.upper())
        with _quiet(), _seeded(self._seed):
            gcm.auto.assign_causal_mechanisms(scm, self._encode(data), quality=quality)
            gcm.fit(scm, self._encode(data))
        self.scm_ = scm
        self.outcome_mean_ = float(data[task.outcome].mean())  # a root outcome's prediction
        # simulating do(T) keeps T's parents as observed: the g-formula adjusts for them
        self.adjustment_set_ = sorted(graph.predecessors(task.treatment))
        below = nx.descendants(graph, task.treatment)
        self.non_invertible_ = [v for v in task.observed if v in below and task.type(v).discrete]

    def _encode(self, data):
        """DoWhy-gcm treats string columns as categorical (classifier mechanisms). A query's
        data lack the outcome: its column is a placeholder (the first level, or 0), which
        only the outcome's descendants read, and no answer reads them."""
        task = self.task_
        out = data[[v for v in task.observed if v in data.columns]].copy()
        if task.outcome not in out.columns:
            out[task.outcome] = task.type(task.outcome).levels[0] if task.type(task.outcome).discrete else 0.0
        out = out[list(task.observed)]
        for v in task.observed:
            if task.type(v).discrete:
                out[v] = out[v].astype(np.int64).astype(str)
        return out

    def _decode(self, frame):
        return frame[self.task_.outcome].astype(np.float64).to_numpy()

    def _interventions(self, do, n_rows: int, repeats: int = 1):
        """gcm applies an intervention row by row (a Python map), in order: a per-unit array
        becomes an iterator over its values, repeated for each simulation."""
        task, out = self.task_, {}
        for name, value in do.items():
            fmt = (lambda v: str(int(v))) if task.type(name).discrete else float
            if np.ndim(value) == 0:
                out[name] = (lambda const: lambda _x: const)(fmt(value))
            else:
                values = iter([fmt(v) for v in np.tile(np.asarray(value), repeats)])
                out[name] = (lambda it: lambda _x: next(it))(values)
        return out

    def _predict(self, data):
        return self._outcome_mean(self._encode(data))

    def _outcome_mean(self, encoded):
        """E[Y | parents of Y] from the outcome's fitted mechanism, on encoded rows."""
        from dowhy.graph import get_ordered_predecessors

        task = self.task_
        mech = self.scm_.causal_mechanism(task.outcome)
        parents = get_ordered_predecessors(self.scm_.graph, task.outcome)
        if not parents:
            return np.full(len(encoded), self.outcome_mean_)
        x = encoded[parents].to_numpy()
        with _quiet(), _seeded(self._seed):
            if hasattr(mech, "classifier_model"):  # a discrete outcome: the mean of its levels
                proba = mech.classifier_model.predict_probabilities(x)
                levels = np.array([float(c) for c in mech.classifier_model.classes])
                return proba @ levels
            return np.asarray(mech.prediction_model.predict(x)).reshape(-1)

    def _predict_do(self, data, do):
        from dowhy import gcm

        k, n = int(self.n_draws), len(data)
        repeated = self._encode(data)
        repeated = repeated.iloc[np.tile(np.arange(n), k)].reset_index(drop=True)
        with _quiet(), _seeded(self._seed):
            draws = gcm.interventional_samples(self.scm_, self._interventions(do, n, k), observed_data=repeated)
        # E[Y | its parents as simulated]: the outcome's own noise averaged in closed form, and
        # an outcome the intervention does not reach is still predicted, never copied from the row
        return self._outcome_mean(draws).reshape(k, n).mean(axis=0)

    def _predict_counterfactual(self, data, do):
        """Abduction, action, prediction with DoWhy-gcm's own mechanisms: each affected
        variable's noise is ``estimate_noise`` of its factual value, then ``evaluate`` under
        the intervened parents; variables the intervention does not reach keep their
        factual values (so only the affected ones need invertible mechanisms)."""
        from dowhy.graph import get_ordered_predecessors

        graph, task = self.scm_.graph, self.task_
        affected = set().union(*(nx.descendants(graph, v) for v in do)) - set(do)
        stuck = [v for v in task.observed if v in affected and task.type(v).discrete]
        if stuck:
            raise UnsupportedQueryError(
                f"{type(self).__name__} does not answer predict_counterfactual for do({', '.join(do)}): DoWhy-gcm "
                f"cannot abduct the noise of the discrete variables {stuck} (classifier mechanisms are not invertible)")
        factual = self._encode(data).reset_index(drop=True)
        cf = factual.copy()
        for name, value in do.items():
            fmt = (lambda v: str(int(v))) if task.type(name).discrete else float
            cf[name] = [fmt(v) for v in np.broadcast_to(value, (len(cf),))]
        with _quiet(), _seeded(self._seed):
            for node in nx.topological_sort(graph):
                if node not in affected:
                    continue
                parents = get_ordered_predecessors(graph, node)
                mech = self.scm_.causal_mechanism(node)
                noise = mech.estimate_noise(factual[node].to_numpy(), factual[parents].to_numpy())
                cf[node] = np.asarray(mech.evaluate(cf[parents].to_numpy(), noise)).reshape(-1)
        return self._decode(cf)
