"""Refuters and sensitivity analyses, scored against the truth.

DoWhy ships refutation tests that practitioners run to decide whether to trust an
estimate. Only a sandbox that knows the truth can say how often they notice a wrong one.
With ``cl.evaluate(..., refuters=[...])`` every fitted learner's average effect
``effect(hi, lo)`` is put to DoWhy's own refuters (``CausalModel.refute_estimate``; nothing
re-implemented), and each verdict becomes rows of the result table with rung ``"refute"``
and the refuter's name as ``regime``:

``flagged``
    1.0 when the refuter rejects the estimate, 0.0 when it passes.
``statistic``
    The refuter's new effect (the placebo or dummy-outcome estimate, the mean re-estimate
    under a random common cause, a subset, a bootstrap sample, or the estimate under the
    simulated unobserved common cause); ``true_value`` is what an unbiased estimator would
    give there: 0 for the placebo and dummy outcome, the true ATE otherwise.
``p_value``
    DoWhy's p-value (a normal approximation below 100 simulations, DoWhy's own rule).

The refuters (:data:`REFUTERS`) and when each flags:

``placebo_treatment``
    ``placebo_treatment_refuter`` with ``placebo_type="permute"`` (DoWhy's default
    "Random Data" placebo of a continuous treatment is constant zero in DoWhy 0.14, as its
    standard deviation constant is 0): flags when the placebo effect differs significantly
    from 0 (``is_statistically_significant``).
``random_common_cause``, ``data_subset``, ``bootstrap``
    ``random_common_cause``, ``data_subset_refuter`` (80% subsets), ``bootstrap_refuter``:
    flag when the original estimate lies outside the re-estimates' distribution.
``dummy_outcome``
    ``dummy_outcome_refuter`` (the outcome permuted): flags when the effect on the dummy
    outcome differs significantly from 0. DoWhy-based learners only.
``add_unobserved_common_cause``
    DoWhy's direct simulation of a confounder U ~ N(0, 1) with linear effects: U times half
    the treatment's standard deviation added to the treatment, U times half the outcome's
    subtracted from the outcome (explicit strengths: DoWhy 0.14's default strengths, inferred
    from the observed common causes, crash on a continuous treatment, and need one); flags
    when the estimate under the simulated confounder changes sign (the confounder would
    "explain it away"). DoWhy-based learners only.
``graph_falsification``
    Not about the estimate but the graph the learner was handed: DoWhy's
    ``CausalModel.refute_graph`` tests every conditional independence the graph implies
    between two observed variables given 0, 1 or 2 others (partial correlation for
    continuous data, conditional mutual information for discrete, at DoWhy's level 0.05,
    no correction for the number of tests); flags when the data reject any. ``statistic``:
    the number rejected (``true_value`` 0); ``p_value`` is not reported by DoWhy (NaN).
    Any learner. It cannot notice a wrong graph in the true one's Markov equivalence class
    (``reverse_edge`` on Confounding-v0 implies no independence at all).
``sensitivity``
    Not a test but two numbers beside the exact bias (metrics ``robustness_value`` and
    ``e_value``, no ``flagged`` row), for a back-door linear regression (DoWhy's
    ``backdoor.linear_regression``): Cinelli & Hazlett's (2020) robustness value RV_1 (the
    partial R2 that a hidden confounder must have with both treatment and outcome to bring
    the estimate to 0; DoWhy's ``LinearSensitivityAnalyzer.robustness_value_func`` on the
    fitted regression) and VanderWeele & Ding's (2017) E-value of the point estimate
    (DoWhy's ``EValueSensitivityAnalyzer.get_evalue``, the standardised mean difference
    converted to a risk ratio). DoWhy's own ``add_unobserved_common_cause`` drivers of
    both crash when the adjustment set is empty (DoWhy 0.14), so the two functions are
    called on the fitted model directly. Run it with ``graph="drop_confounder"`` on an
    environment with hidden confounding (Instrument-v0, FrontDoor-v0, ProxyConfounder-v0)
    to see the back-door estimate's sensitivity beside its exact bias
    (:func:`sensitivity_table`).

Which learners: a DoWhy-based learner (one exposing its ``causal_model_``,
``estimand_`` and ``estimate_``) is refuted natively, exactly as a user would call DoWhy.
Any other learner, through a generic re-fit for ``placebo_treatment``,
``random_common_cause``, ``data_subset`` and ``bootstrap``: it is wrapped as a DoWhy
``CausalEstimator`` (:class:`LearnerEstimator`) that re-fits a clone of the learner on each
data set DoWhy builds (the placebo column as the treatment, the random common cause as an
extra covariate with edges into treatment and outcome), so DoWhy's refuter functions run
unchanged. The rest give rows with status ``unsupported`` saying why.

Randomness: each refuter gets ``numpy.random.RandomState(seed)`` (an int ``random_state``
would make DoWhy 0.14's subset and bootstrap refuters draw the same sample in every
simulation), and DoWhy's draws from the global NumPy and ``random`` state (the placebo,
dummy outcome and unobserved common cause use it) run inside a context that seeds them from
the cell and restores them afterwards.

:func:`refuter_scorecard` turns the rows into the refuters' sensitivity (the share of truly
wrong estimates flagged) and false-alarm rate (the share of truly right ones flagged), where
"truly wrong" is the verdict's own tolerance (:func:`causalab.evaluation.verdicts`) against
the exact truth.
"""

from __future__ import annotations

import random
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sklearn.base import clone

from ..exceptions import CausalabError, InvalidValueError, UnsupportedQueryError, did_you_mean

#: refuter name -> (DoWhy method name, extra keyword arguments, generic re-fit supported)
_DOWHY = {
    "placebo_treatment": ("placebo_treatment_refuter", {"placebo_type": "permute"}, True),
    "random_common_cause": ("random_common_cause", {}, True),
    "data_subset": ("data_subset_refuter", {"subset_fraction": 0.8}, True),
    "bootstrap": ("bootstrap_refuter", {}, True),
    "dummy_outcome": ("dummy_outcome_refuter", {}, False),
    "add_unobserved_common_cause": ("add_unobserved_common_cause",
                                    {"confounders_effect_on_treatment": "linear",
                                     "confounders_effect_on_outcome": "linear"}, False),
}
#: the names ``refuters=`` accepts
REFUTERS = (*_DOWHY, "sensitivity", "graph_falsification")
#: refuters whose unbiased statistic is 0 (a placebo), not the true effect
NULL_REFUTERS = ("placebo_treatment", "dummy_outcome")
#: the columns of :func:`refuter_scorecard`
SCORECARD_COLUMNS = ("refuter", "cells", "truly_wrong", "truly_right", "flagged_wrong", "flagged_right",
                     "sensitivity", "false_alarms", "unsupported")


def check_refuters(refuters) -> tuple[str, ...]:
    """``refuters=`` as a tuple of names (None: none), each checked against :data:`REFUTERS`."""
    if refuters is None:
        return ()
    if isinstance(refuters, str):
        refuters = [refuters]
    out = []
    for name in refuters:
        if name not in REFUTERS:
            raise InvalidValueError(f"unknown refuter {name!r}; the refuters are {list(REFUTERS)}."
                                    f"{did_you_mean(name, REFUTERS)}")
        if name not in out:
            out.append(name)
    return tuple(out)


def check_simulations(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise InvalidValueError(f"refuter_simulations must be an int >= 2, got {n!r}")
    return int(n)


@contextmanager
def seeded_globals(seed: int):
    """Seed NumPy's and Python's global random state for a dependency that draws from them
    (DoWhy's refuters), and restore both afterwards."""
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(int(seed) % 2**32)
    random.seed(int(seed))
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)


# --- the generic re-fit: any causalab learner as a DoWhy CausalEstimator ---------------------

def _estimator_base():
    from dowhy.causal_estimator import CausalEstimator

    return CausalEstimator


def refit_task(task, treatment: str, outcome: str, adjustment) -> object:
    """The task of a data set a DoWhy refuter built: ``treatment`` (e.g. ``"placebo"``) and
    ``outcome`` (e.g. ``"dummy_outcome"``) take the places of the task's own (the original
    columns leave the task), and an adjustment variable the task lacks (``"w_random"``) joins
    it as a continuous covariate with edges into treatment and outcome."""
    import dataclasses

    import networkx as nx

    from ..envs.task import VariableType

    rename = {}
    if treatment != task.treatment:
        rename[task.treatment] = treatment
    if outcome != task.outcome:
        rename[task.outcome] = outcome
    graph = nx.relabel_nodes(task.graph, rename, copy=True)
    variables = {rename.get(k, k): v for k, v in task.variables.items()}
    covariates = list(task.covariates)
    for extra in adjustment:
        if extra not in variables:
            variables[extra] = VariableType("continuous")
            graph.add_edges_from([(extra, treatment), (extra, outcome)])
            covariates.append(extra)
    return dataclasses.replace(task, treatment=treatment, outcome=outcome, covariates=tuple(covariates),
                               variables=variables, graph=graph)


def _make_estimator_class():
    base = _estimator_base()

    class LearnerEstimator(base):
        """A causalab learner as a DoWhy ``CausalEstimator``: ``fit`` re-fits a clone of the
        learner on the data set DoWhy built (see :func:`refit_task`), ``estimate_effect``
        returns its ``effect(treatment_value, control_value)``. Lets DoWhy's refuters re-fit
        any learner without re-implementing them."""

        def __init__(self, identified_estimand, learner=None, task=None, **kwargs):
            super().__init__(identified_estimand, **kwargs)
            self._learner, self._task = learner, task
            self._effect_modifier_names = []
            self._target_units = "ate"
            self.fitted_ = None

        def fit(self, data, effect_modifier_names=None, **_):
            estimand = self._target_estimand
            task = refit_task(self._task, estimand.treatment_variable[0], estimand.outcome_variable[0],
                              estimand.get_adjustment_set() or [])
            self.fitted_ = clone(self._learner).fit(data[task.observed], task)
            return self

        def estimate_effect(self, data=None, treatment_value=1, control_value=0, target_units=None, **_):
            from dowhy.causal_estimator import CausalEstimate

            value = float(getattr(self.fitted_.effect(treatment_value, control_value), "value"))
            estimate = CausalEstimate(data=data, treatment_name=self._target_estimand.treatment_variable,
                                      outcome_name=self._target_estimand.outcome_variable, estimate=value,
                                      control_value=control_value, treatment_value=treatment_value,
                                      target_estimand=self._target_estimand, realized_estimand_expr=None)
            estimate.add_estimator(self)
            return estimate

        def construct_symbolic_estimator(self, estimand):
            return f"causalab {self._learner!r}"

    return LearnerEstimator


def _generic(learner, template, task, train, hi, lo):
    """(CausalModel, estimand, estimate) for any fitted learner: DoWhy's model of the training
    data on the learner's graph (latent nodes as hidden), an estimand identified with
    ``proceed_when_unidentifiable`` (the learner, not DoWhy, decides how to estimate), and
    the learner's own effect as the estimate."""
    from dowhy import CausalModel

    from ..learners.dowhy_estimators import _quiet

    with _quiet():
        model = CausalModel(data=train[task.observed].copy(), treatment=task.treatment, outcome=task.outcome,
                            graph=task.graph.copy())
        estimand = model.identify_effect(proceed_when_unidentifiable=True)
    if estimand.estimands is None:
        raise UnsupportedQueryError(f"the graph has no directed path from {task.treatment} to {task.outcome}")
    estimand.identifier_method = "backdoor"  # the generic re-fit replaces the treatment column, never instruments
    cls = _make_estimator_class()
    est = cls(estimand, learner=template, task=task)
    est.fitted_ = learner
    return model, estimand, est.estimate_effect(train, hi, lo)


def _native(learner):
    """(CausalModel, estimand, estimate) of a DoWhy-based learner, or None."""
    parts = tuple(getattr(learner, a, None) for a in ("causal_model_", "estimand_", "estimate_"))
    return parts if all(p is not None for p in parts) else None


def _result(refutation):
    """(flagged, statistic, p-value) from DoWhy's refutation (the first of a list)."""
    r = refutation[0] if isinstance(refutation, list) else refutation
    result = r.refutation_result or {}
    p = result.get("p_value", np.nan)
    p = float(np.asarray(p).reshape(-1)[0]) if p is not None else np.nan
    return bool(result.get("is_statistically_significant", False)), float(np.mean(r.new_effect)), p


def run_refuter(name, model, estimand, estimate, seed: int, n_simulations: int):
    """Run one DoWhy refuter exactly as a user would: ``model.refute_estimate(estimand,
    estimate, method_name, num_simulations=..., random_state=RandomState(seed), ...)``
    inside :func:`seeded_globals`. Returns (flagged, statistic, p-value)."""
    from ..learners.dowhy_estimators import _quiet

    method, kwargs, _ = _DOWHY[name]
    if name == "add_unobserved_common_cause":  # explicit strengths: DoWhy 0.14's defaults crash (see above)
        data = model._data
        t, y = (v[0] if isinstance(v, list) else v for v in (estimate._treatment_name, estimate._outcome_name))
        kwargs = {**kwargs, "effect_strength_on_treatment": 0.5 * float(np.std(data[t])),
                  "effect_strength_on_outcome": 0.5 * float(np.std(data[y]))}
    with _quiet(), seeded_globals(seed), warnings.catch_warnings():
        # DoWhy's normal test divides by the re-estimates' spread, 0 when a refuter cannot move an
        # estimator (a random common cause outside a front-door or IV estimand): its p-value is NaN
        warnings.filterwarnings("ignore", message=r"(invalid value|divide by zero) encountered",
                                category=RuntimeWarning)
        refutation = model.refute_estimate(estimand, estimate, method_name=method, show_progress_bar=False,
                                           num_simulations=n_simulations,
                                           random_state=np.random.RandomState(int(seed) % 2**32), **kwargs)
    if name == "add_unobserved_common_cause":
        new = np.atleast_1d(np.asarray(refutation.new_effect, dtype=np.float64))
        original = float(estimate.value)
        flagged = bool(np.any(np.sign(new) != np.sign(original)) or np.any(new == 0))
        return flagged, float(new[np.argmin(np.abs(new))]), np.nan  # the estimate nearest to zero
    return _result(refutation)


def falsify_graph(task, data, max_conditioning: int = 2) -> tuple[int, int]:
    """(rejected, tested): DoWhy's ``CausalModel.refute_graph`` on ``task``'s graph and
    ``data``, for conditioning sets of 0 to ``max_conditioning`` observed variables."""
    from dowhy import CausalModel

    from ..learners.dowhy_estimators import _quiet

    rejected = tested = 0
    with _quiet():
        model = CausalModel(data=data[task.observed].copy(), treatment=task.treatment, outcome=task.outcome,
                            graph=task.graph.copy())
        for k in range(min(max_conditioning, len(task.observed) - 2) + 1):
            result = model.refute_graph(k=k)
            implied = int(result.number_of_constraints_model or 0)
            tested += implied
            if result.refutation_result is False:  # True also when DoWhy could not run some tests
                rejected += implied - int(result.number_of_constraints_satisfied or 0)
    return rejected, tested


def sensitivity(estimate, data, outcome: str) -> tuple[float, float]:
    """(robustness value RV_1, E-value) of a DoWhy ``backdoor.linear_regression`` estimate,
    by DoWhy's own functions on the fitted regression (see the module docstring)."""
    from dowhy.causal_estimators.linear_regression_estimator import LinearRegressionEstimator
    from dowhy.causal_refuters.evalue_sensitivity_analyzer import EValueSensitivityAnalyzer
    from dowhy.causal_refuters.linear_sensitivity_analyzer import LinearSensitivityAnalyzer

    estimator = estimate.estimator
    if not isinstance(estimator, LinearRegressionEstimator):
        raise UnsupportedQueryError(f"sensitivity needs DoWhy's backdoor.linear_regression, not "
                                    f"{type(estimator).__name__}")
    model = estimator.model
    analyzer = LinearSensitivityAnalyzer(estimator=estimator, data=data, treatment_name=[estimate._treatment_name[0]
                                         if isinstance(estimate._treatment_name, list) else estimate._treatment_name],
                                         benchmark_common_causes=[], common_causes_order=[])
    analyzer.t_stats = float(model.tvalues.iloc[1])  # the treatment's coefficient (after the constant)
    analyzer.degree_of_freedom = int(model.df_resid)
    rv = float(analyzer.robustness_value_func(alpha=1.0))
    ev = EValueSensitivityAnalyzer(estimate=estimate, estimand=estimate.target_estimand, data=data,
                                   treatment_name=estimate._treatment_name, outcome_name=outcome)
    stats = ev.get_evalue(float(estimate.value), float(np.asarray(estimate.get_standard_error()).reshape(-1)[0]))
    return rv, float(stats["evalue_estimate"])


def refute_cell(add, learner, template, task, train, hi, lo, truth, refuters, seed: int, n_simulations: int,
                errors: str = "raise") -> None:
    """Add the refuter rows of one fitted learner (see the module docstring) through
    ``add(rung, regime, metric, value, true_value, se, status, message)``."""
    native = _native(learner)
    generic = None
    spawn = np.random.SeedSequence(int(seed)).spawn(len(refuters))
    for name, ss in zip(refuters, spawn):
        sub_seed = int(ss.generate_state(1, np.uint32)[0])
        metrics_ = ["robustness_value", "e_value"] if name == "sensitivity" else ["flagged", "statistic", "p_value"]

        def skip(status, message, metrics_=metrics_, name=name):
            for m in metrics_:
                add("refute", name, m, status=status, message=message)

        try:
            if name == "graph_falsification":
                rejected, tested = falsify_graph(task, train)
                message = f"DoWhy refute_graph: {rejected} of {tested} implied independences rejected"
                add("refute", name, "flagged", float(rejected > 0), message=message)
                add("refute", name, "statistic", float(rejected), 0.0, message=message)
                add("refute", name, "p_value", np.nan, message=message)
                continue
            if name == "sensitivity":
                if native is None:
                    skip("unsupported", f"sensitivity needs a DoWhy back-door linear regression; {learner!r} is not "
                                        "DoWhy-based")
                    continue
                model, _, estimate = native
                rv, ev = sensitivity(estimate, model._data, task.outcome)
                bias = float(estimate.value) - truth if truth is not None else np.nan
                note = f"exact bias of the estimate {bias:+.4g}" if np.isfinite(bias) else ""
                add("refute", name, "robustness_value", rv, message=note)
                add("refute", name, "e_value", ev, message=note)
                continue
            method, _, generic_ok = _DOWHY[name]
            if native is not None:
                parts, how = native, "DoWhy-native"
            elif generic_ok:
                if generic is None:
                    generic = _generic(learner, template, task, train, hi, lo)
                parts, how = generic, "generic re-fit"
            else:
                skip("unsupported", f"{name} runs on DoWhy-based learners only (the generic re-fit covers "
                                    "placebo_treatment, random_common_cause, data_subset, bootstrap)")
                continue
            flagged, statistic, p = run_refuter(name, *parts, seed=sub_seed, n_simulations=n_simulations)
        except UnsupportedQueryError as exc:  # a refusal of the learner's re-fit (e.g. not identified)
            skip("unsupported", str(exc))
            continue
        except CausalabError as exc:  # the learner failed on a refuter's data set
            if errors == "raise":
                raise
            skip("error", f"{name}: {type(exc).__name__}: {exc}")
            continue
        except (ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError,
                np.linalg.LinAlgError) as exc:  # DoWhy cannot run this refuter on this cell: say why
            skip("unsupported", f"DoWhy's {name} cannot run here: {type(exc).__name__}: {exc}")
            continue
        target = 0.0 if name in NULL_REFUTERS else (truth if truth is not None else np.nan)
        runs = "one simulated confounder" if name == "add_unobserved_common_cause" else f"{n_simulations} simulations"
        message = f"{how}, {runs}, seed {sub_seed}"  # enough to re-run it by hand
        add("refute", name, "flagged", float(flagged), message=message)
        add("refute", name, "statistic", statistic, target, message=message)
        add("refute", name, "p_value", p, message=message)


# --- scoring the refuters against the truth -------------------------------------------------

def _cell_truth(results: pd.DataFrame) -> pd.DataFrame:
    """Per cell: the ATE error and whether it is truly wrong under the verdict's tolerance."""
    from .verdict import tolerance

    keys = ["environment", "knobs", "graph", "learner", "n_train"]
    ate = results[(results["metric"] == "ate") & (results["status"] == "ok")]
    sd = results[results["metric"] == "outcome_sd"].groupby(keys + ["seed"])["value"].mean()
    out = []
    for group_key, group in ate.groupby(keys, sort=False):
        values = group["value"].to_numpy()
        se_seeds = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
        for _, row in group.iterrows():
            se_truth = float(row["se"]) if np.isfinite(row["se"]) else 0.0
            sd_y = float(sd.get((*group_key, row["seed"]), np.nan))
            tol = tolerance(sd_y, float(row["true_value"]), se_seeds, se_truth)
            out.append({**dict(zip(keys, group_key)), "seed": row["seed"],
                        "error": float(row["value"] - row["true_value"]), "tolerance": tol,
                        "truly_wrong": bool(abs(row["value"] - row["true_value"]) > tol)})
    return pd.DataFrame(out, columns=keys + ["seed", "error", "tolerance", "truly_wrong"])


def refuter_scorecard(results: pd.DataFrame) -> pd.DataFrame:
    """How often each refuter notices a wrong estimate, scored against the truth.

    Over every cell (environment, knobs, graph, learner, seed, training size) with an ATE
    and a refuter verdict: an estimate is *truly wrong* when its error against the exact ATE
    exceeds the verdict's tolerance (:func:`causalab.evaluation.verdicts`, with the spread
    over the cell's seeds). Per refuter: ``sensitivity`` = flagged wrong / truly wrong,
    ``false_alarms`` = flagged right / truly right (NaN where there are none),
    ``unsupported`` = cells where it could not run.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORECARD_COLUMNS`, one row per refuter that ran.
    """
    from .evaluate import _check_frame

    results = _check_frame(results)
    flags = results[(results["rung"] == "refute") & (results["metric"] == "flagged")]
    if not len(flags):
        return pd.DataFrame(columns=list(SCORECARD_COLUMNS))
    truth = _cell_truth(results)
    keys = ["environment", "knobs", "graph", "learner", "n_train", "seed"]
    merged = flags.merge(truth, on=keys, how="left")
    out = []
    for name, g in merged.groupby("regime", sort=False):
        ok = g[(g["status"] == "ok") & g["truly_wrong"].notna()]
        wrong, right = ok[ok["truly_wrong"].astype(bool)], ok[~ok["truly_wrong"].astype(bool)]
        fw, fr = float(wrong["value"].sum()), float(right["value"].sum())
        out.append({"refuter": name, "cells": len(ok), "truly_wrong": len(wrong), "truly_right": len(right),
                    "flagged_wrong": int(fw), "flagged_right": int(fr),
                    "sensitivity": fw / len(wrong) if len(wrong) else np.nan,
                    "false_alarms": fr / len(right) if len(right) else np.nan,
                    "unsupported": int((g["status"] != "ok").sum())})
    return pd.DataFrame(out, columns=list(SCORECARD_COLUMNS))


def sensitivity_table(results: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity analysis beside the exact bias, one row per cell that has it:
    environment, knobs, graph, learner, seed, n_train, ``ate``, ``true_ate``, ``bias``,
    ``robustness_value`` and ``e_value``."""
    from .evaluate import _check_frame

    from .knobs import label_map

    results = _check_frame(results)
    keys = ["environment", "knobs", "graph", "learner", "seed", "n_train"]
    sens = results[(results["regime"] == "sensitivity") & (results["status"] == "ok")]
    columns = keys + ["ate", "true_ate", "bias", "robustness_value", "e_value"]
    if not len(sens):
        return pd.DataFrame(columns=columns)
    wide = sens.pivot_table(index=keys, columns="metric", values="value", aggfunc="first").reset_index()
    ate = results[(results["metric"] == "ate") & (results["status"] == "ok")][keys + ["value", "true_value"]]
    ate = ate.rename(columns={"value": "ate", "true_value": "true_ate"})
    out = wide.merge(ate, on=keys, how="left")
    out["bias"] = out["ate"] - out["true_ate"]
    labels = label_map(results)
    out["knobs"] = [labels[(e, k)] for e, k in zip(out["environment"], out["knobs"])]
    return out.reindex(columns=columns)


__all__ = ["NULL_REFUTERS", "REFUTERS", "SCORECARD_COLUMNS", "check_refuters", "falsify_graph", "refit_task",
           "refute_cell",
           "refuter_scorecard", "run_refuter", "seeded_globals", "sensitivity", "sensitivity_table"]
