"""Meta-learners built from an outcome model, a propensity model and a final regression:
Kennedy's DR-learner and Künzel et al.'s X-learner.

Both estimate the conditional average treatment effect ``tau(x) = E[Y_1 - Y_0 | X = x]`` of a
binary treatment over the task's declared covariates ``X``, under the back-door assumptions
every :mod:`~causalab.learners.effects` learner makes:

- **ignorability**: ``X`` blocks every back-door path from ``T`` to ``Y`` (no hidden
  confounding, every covariate pre-treatment), so ``mu_t(x) = E[Y | T=t, X=x]`` is
  ``E[Y_t | X=x]``;
- **overlap**: ``0 < e(x) = P(T=1 | X=x) < 1`` for every ``x``, with the propensities away
  from 0 and 1 in practice. The base contract diagnoses it at fit (``overlap_``, a logistic
  propensity on ``X``) and warns with :class:`~causalab.OverlapWarning` when it is poor, as
  for every back-door learner; the DR-learner also clips its own propensities (``clip``).

The three nuisance models are given as any correlational causalab learner
(``LinearRegression``, ``GradientBoosting``, ``MLP``) or any scikit-learn model (a regressor for
an outcome, a classifier for the propensity), as :class:`~causalab.learners.TLearner` takes its
``base``; each is cloned and fed the covariates only.

Rungs: rung 2 is ``mu_0(x) = m_0(x)`` (the control arm's outcome model) and
``mu_1(x) = m_0(x) + tau(x)`` (clipped to a discrete outcome's range), so the ``predict_do``
contrast is the learner's CATE; rung 1 reads each unit's own treatment; rung 3 adds the
estimated effect to the factual outcome (additive noise; refused on a discrete outcome), as
for every effect learner.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..exceptions import InvalidValueError, UnsupportedQueryError
from .base import Effect, Learner, LearnerTags, as_int_seed, clip_to_outcome, z_interval
from .effects import EffectLearner

META_TAGS = LearnerTags("backdoor", "regression", "adjustment", "factual-plus-cate")
DR_TAGS = dataclasses.replace(META_TAGS, effect_interval="analytic")


def _default_propensity():
    """A standardised logistic regression (scikit-learn's default L2 penalty, C = 1, as the
    base contract's overlap diagnostics)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _as_model(model, default, who: str, role: str):
    """``model`` (None: ``default()``) as a correlational causalab learner; a scikit-learn
    model is wrapped in :class:`~causalab.learners.Sklearn`."""
    from .correlational import Correlational, Sklearn, is_sklearn_model

    model = default() if model is None else model
    if is_sklearn_model(model):
        model = Sklearn(model)
    if not isinstance(model, Correlational):
        raise InvalidValueError(f"{who}: {role} must be a correlational causalab learner (LinearRegression, "
                                f"GradientBoosting, MLP) or a scikit-learn model instance, got {model!r}")
    return model


def _derived_task(task, name: str, kind: str):
    """``task`` with a new outcome column ``name`` (``kind`` "continuous" or "binary") caused by
    the covariates: what a nuisance model of the propensity or a pseudo-outcome is fitted for."""
    import networkx as nx

    from ..envs.task import Task, VariableType

    vtype = VariableType("binary", (0, 1)) if kind == "binary" else VariableType("continuous")
    variables = {task.treatment: task.type(task.treatment), **{c: task.type(c) for c in task.covariates},
                 name: vtype}
    graph = nx.DiGraph()
    graph.add_nodes_from(variables)
    graph.add_edges_from((c, name) for c in task.covariates)
    return Task(task.treatment, name, tuple(task.covariates), variables, graph, task.environment)


def _free_name(task, stem: str) -> str:
    name = stem
    while name in task.variables:
        name = "_" + name
    return name


class _MetaLearner(EffectLearner):
    """Shared machinery: validation, the nuisance fits on derived tasks, ``mu_t(x)``."""

    _tags = META_TAGS
    _binary_treatment_only = True

    def _models(self):
        task = self.task_
        if not task.covariates:
            raise UnsupportedQueryError(f"{type(self).__name__} needs covariates; the task declares none")
        from .correlational import GradientBoosting, LinearRegression

        who = type(self).__name__
        covs = list(task.covariates)
        outcome = _as_model(self.outcome_model, GradientBoosting, who, "outcome_model")
        propensity = _as_model(self.propensity_model, _default_propensity, who, "propensity_model")
        final_default = LinearRegression if isinstance(self, DRLearner) else (lambda: outcome)
        final = _as_model(self.final_model, final_default, who, "final_model")
        from sklearn.base import clone

        return tuple(clone(m).set_params(features=covs) for m in (outcome, propensity, final))

    def _fit_target(self, template, data, target, kind: str, stem: str):
        """``template`` cloned and fitted to ``target`` (one value per row of ``data``) on the covariates."""
        from sklearn.base import clone

        task = self.task_
        name = _free_name(task, stem)
        frame = data[list(task.covariates)].assign(**{name: target})
        return clone(template).fit(frame, _derived_task(task, name, kind))

    def _treatment(self, data):
        return data[self.task_.treatment].to_numpy(dtype=np.int64)

    def _mu(self, data, t):
        mu0 = self._baseline(data)
        if t == 0.0:
            return mu0
        return clip_to_outcome(mu0 + self._cate(data), self.task_)


class DRLearner(_MetaLearner):
    """DR-learner (Kennedy 2023): a regression of the doubly robust (AIPW) pseudo-outcome on the
    covariates.

    With cross-fitted nuisances (``n_folds`` folds, stratified by treatment: each fold's
    outcome models ``m_0``, ``m_1`` and propensity ``e`` are fitted on the other folds and
    evaluated on it), each training unit gets the pseudo-outcome

    ``phi_i = m_1(x_i) - m_0(x_i) + (T_i - e_i) / (e_i (1 - e_i)) (Y_i - m_{T_i}(x_i))``,

    with ``e_i`` clipped to ``[clip, 1 - clip]``. ``E[phi | X = x] = tau(x)`` when either the
    outcome models or the propensity are right (double robustness), so the final model,
    ``final_model`` fitted to ``phi`` on the covariates, estimates the CATE; its error is
    second order in the nuisances' errors (the product of the outcome and propensity errors).

    ``effect`` on the training units (the default) is the AIPW estimator itself, with its
    influence-function standard error and a normal 95% interval (analytic, no refitting):

    - ATE: ``mean_i phi_i``, SE ``sd(phi) / sqrt(n)``;
    - ATT: ``sum_i [T_i (Y_i - m_0) - (1 - T_i) e_i / (1 - e_i) (Y_i - m_0)] / sum_i T_i``;
    - ATC: ``sum_i [(1 - T_i) (m_1 - Y_i) + T_i (1 - e_i) / e_i (Y_i - m_1)] / sum_i (1 - T_i)``;

    the ATT's and ATC's SE from their influence functions
    ``(psi_i - T_i value) / mean(T)`` (resp. ``(psi_i - (1 - T_i) value) / mean(1 - T)``). On
    other units (``effect(data=...)``, where outcomes are not read) it is the mean of the final
    model's CATE, without an interval.

    Assumptions: the covariates satisfy the back-door criterion (no hidden confounding) and
    overlap (see the module docstring); the interval also assumes the nuisances converge
    fast enough (the product of their errors ``o(n^-1/2)``), which cross-fitting makes
    possible for flexible models.

    Parameters
    ----------
    outcome_model : Learner or scikit-learn regressor, optional
        ``m_0`` and ``m_1``, one per arm (a classifier for a binary outcome works too). Default
        :class:`~causalab.learners.GradientBoosting`.
    propensity_model : Learner or scikit-learn classifier, optional
        ``e(x)``; default a standardised logistic regression (C = 1). A regressor is a linear
        probability model, its answers clipped.
    final_model : Learner or scikit-learn regressor, optional
        The regression of ``phi`` on the covariates; default OLS
        (:class:`~causalab.learners.LinearRegression`), which estimates the best linear
        approximation of the CATE (EconML's default); a flexible model (boosting, a forest)
        for a nonlinear CATE.
    n_folds : int
        Cross-fitting folds (>= 2).
    clip : float
        Propensities are clipped to ``[clip, 1 - clip]`` in ``phi`` and the ATT/ATC formulas,
        bounding the weights by ``1 / clip`` (at the cost of a bias where units are clipped;
        ``share_clipped_`` records their share). In [0, 0.5).
    seed : int or numpy Generator
        Seeds the fold assignment (the nuisance models keep their own seeds).

    Attributes
    ----------
    pseudo_outcome_ : ndarray
        ``phi`` for each training unit.
    propensity_ : ndarray
        The cross-fitted, clipped propensities.
    folds_ : ndarray
        Each training unit's fold.

    References
    ----------
    Kennedy, E. H. (2023). Towards optimal doubly robust estimation of heterogeneous causal
    effects. Electronic Journal of Statistics 17(2), 3008-3049.
    """

    _tags = DR_TAGS

    def __init__(self, outcome_model=None, propensity_model=None, final_model=None, n_folds: int = 5,
                 clip: float = 0.01, seed=0):
        self.outcome_model = outcome_model
        self.propensity_model = propensity_model
        self.final_model = final_model
        self.n_folds = n_folds
        self.clip = clip
        self.seed = seed

    def _check_params(self):
        k = self.n_folds
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
            raise InvalidValueError(f"DRLearner: n_folds must be an int >= 2, got {k!r}")
        c = self.clip
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not 0 <= c < 0.5:
            raise InvalidValueError(f"DRLearner: clip must be a number in [0, 0.5), got {c!r}")

    def _fit_surface(self, data):
        self._check_params()
        outcome, propensity, final = self._models()
        task = self.task_
        t = self._treatment(data)
        y = data[task.outcome].to_numpy(dtype=np.float64)
        n, k = len(data), int(self.n_folds)
        if min((t == arm).sum() for arm in (0, 1)) < 2 * k:
            raise InvalidValueError(f"DRLearner: n_folds={k} folds need at least {2 * k} units in each arm (two per "
                                    f"fold); the training data have {int((t == 1).sum())} treated and "
                                    f"{int((t == 0).sum())} controls")
        rng = np.random.default_rng(as_int_seed(self.seed))
        folds = np.empty(n, dtype=np.int64)
        for arm in (0, 1):  # stratified: every fold holds both arms in their proportions
            rows = np.flatnonzero(t == arm)
            folds[rows[rng.permutation(len(rows))]] = np.arange(len(rows)) % k
        m0, m1, e = np.empty(n), np.empty(n), np.empty(n)
        self.control_models_ = []
        for fold in range(k):
            rest, here = folds != fold, folds == fold
            models = [clone_fit(outcome, data[rest & (t == arm)], task) for arm in (0, 1)]
            score = self._fit_target(propensity, data[rest], t[rest], "binary", f"{task.treatment}__propensity")
            m0[here], m1[here] = (mdl.predict(data[here]).to_numpy() for mdl in models)
            e[here] = score.predict(data[here]).to_numpy()
            self.control_models_.append(models[0])
        lo = float(self.clip)
        self.share_clipped_ = float(np.mean((e < lo) | (e > 1 - lo)))
        e = np.clip(e, lo, 1 - lo) if lo > 0 else e
        if np.any((e <= 0) | (e >= 1)):
            raise InvalidValueError(f"DRLearner: a cross-fitted propensity is 0 or 1 (with clip={self.clip!r}); "
                                    "give clip > 0")
        m_t = np.where(t == 1, m1, m0)
        phi = m1 - m0 + (t - e) / (e * (1 - e)) * (y - m_t)
        self.final_ = self._fit_target(final, data, phi, "continuous", f"{task.outcome}__pseudo")
        self.folds_, self.propensity_, self.pseudo_outcome_ = folds, e, phi
        self._nuisance_ = (t, y, m0, m1)

    def _baseline(self, data):
        return np.mean([mdl.predict(data).to_numpy() for mdl in self.control_models_], axis=0)

    def _cate(self, data):
        return self.final_.predict(data).to_numpy()

    def _aipw(self, group) -> tuple[float, float]:
        """The AIPW effect of T=1 against T=0 averaged over ``group`` ("all", or the units with
        T = 1 or T = 0) and its influence-function standard error."""
        t, y, m0, m1 = self._nuisance_
        e, n = self.propensity_, len(t)
        if group == "all":
            value = float(self.pseudo_outcome_.mean())
            influence = self.pseudo_outcome_ - value
        elif group == 1:
            psi = t * (y - m0) - (1 - t) * e / (1 - e) * (y - m0)
            value = float(psi.sum() / t.sum())
            influence = (psi - t * value) / t.mean()
        else:
            psi = (1 - t) * (m1 - y) + t * (1 - e) / e * (y - m1)
            value = float(psi.sum() / (1 - t).sum())
            influence = (psi - (1 - t) * value) / (1 - t).mean()
        return value, float(np.sqrt(np.sum(influence**2) / (n * (n - 1))))

    def _effect(self, treated, control, data, estimand="ate"):
        if data is not None:
            point = Learner._effect(self, treated, control, data, estimand)
            return Effect(point.value, None, "DR-learner: mean of the final model's CATE over the given units (no "
                          "interval: the AIPW one needs the training units' outcomes)", estimand)
        if treated == control:
            return Effect(0.0, (0.0, 0.0), "DR-learner, a contrast of a treatment with itself", estimand, 0.0)
        sign = 1.0 if treated == 1 else -1.0
        group = "all" if estimand == "ate" else (treated if estimand == "att" else control)
        value, se = self._aipw(group)
        value *= sign
        return Effect(value, z_interval(value, se), "DR-learner, AIPW with influence-function standard error",
                      estimand, se)


def clone_fit(template, data, task):
    from sklearn.base import clone

    return clone(template).fit(data, task)


class XLearner(_MetaLearner):
    """X-learner (Künzel, Sekhon, Bickel, Yu 2019): impute each unit's effect with the other
    arm's outcome model, regress the imputed effects in each arm, and blend the two by the
    propensity.

    1. ``m_0``, ``m_1``: ``outcome_model`` fitted on the controls and on the treated;
    2. imputed effects ``D_i = Y_i - m_0(x_i)`` for the treated and ``D_i = m_1(x_i) - Y_i``
       for the controls; ``tau_1``, ``tau_0``: ``final_model`` fitted to them on the
       covariates, in the treated and in the controls;
    3. ``tau(x) = e(x) tau_0(x) + (1 - e(x)) tau_1(x)``, ``e`` the ``propensity_model``
       fitted on every unit (the paper's choice of weight: where treated units are many,
       ``tau_0``, whose imputations use the better-estimated ``m_1``, gets more weight).

    ``effect`` is the mean of the CATE over the estimand's units; its interval a bootstrap on
    request (``n_bootstrap``). Assumptions: the covariates satisfy the back-door criterion and
    overlap (see the module docstring).

    Parameters
    ----------
    outcome_model : Learner or scikit-learn regressor, optional
        Default :class:`~causalab.learners.GradientBoosting`.
    propensity_model : Learner or scikit-learn classifier, optional
        Default a standardised logistic regression (C = 1).
    final_model : Learner or scikit-learn regressor, optional
        The regressions of the imputed effects; default the outcome model (give a regressor
        here when the outcome model is a classifier of a binary outcome).

    References
    ----------
    Künzel, S. R., Sekhon, J. S., Bickel, P. J., Yu, B. (2019). Metalearners for estimating
    heterogeneous treatment effects using machine learning. PNAS 116(10), 4156-4165.
    """

    def __init__(self, outcome_model=None, propensity_model=None, final_model=None):
        self.outcome_model = outcome_model
        self.propensity_model = propensity_model
        self.final_model = final_model

    def _fit_surface(self, data):
        outcome, propensity, final = self._models()
        task = self.task_
        t = self._treatment(data)
        y = data[task.outcome].to_numpy(dtype=np.float64)
        treated, controls = data[t == 1], data[t == 0]
        self.m0_, self.m1_ = clone_fit(outcome, controls, task), clone_fit(outcome, treated, task)
        d1 = y[t == 1] - self.m0_.predict(treated).to_numpy()
        d0 = self.m1_.predict(controls).to_numpy() - y[t == 0]
        stem = f"{task.outcome}__imputed_effect"
        self.tau1_ = self._fit_target(final, treated, d1, "continuous", stem)
        self.tau0_ = self._fit_target(final, controls, d0, "continuous", stem)
        self.propensity_model_ = self._fit_target(propensity, data, t, "binary", f"{task.treatment}__propensity")

    def _baseline(self, data):
        return self.m0_.predict(data).to_numpy()

    def _cate(self, data):
        g = np.clip(self.propensity_model_.predict(data).to_numpy(), 0.0, 1.0)
        return g * self.tau0_.predict(data).to_numpy() + (1 - g) * self.tau1_.predict(data).to_numpy()


__all__ = ["DRLearner", "XLearner"]
