"""Score learners on the three rungs against the truth only the environment knows.

One *cell* is (environment, learner, seed, n_train): the learner (a fresh clone) is fitted on
``n_train`` observational rows; a test population of ``n_test`` units is drawn with every
variable and its noise (``sample_world``), and the same units (shared noise) are drawn again
under each of the environment's regimes. Then:

rung 1
    ``rmse`` of ``predict`` on the held-out observational units (plus ``accuracy`` and
    ``brier`` for a binary outcome) and ``outcome_sd``, the scale the verdict uses.
rung 2
    per regime, ``do_rmse``: ``predict_do`` against the units' outcomes under the regime
    (noise included); ``shift_rmse``: ``predict`` on the units as drawn under the regime (does
    the fit survive the shift?). Once per cell, for each estimand the environment's truth
    covers (``env.estimands``): ``ate``, ``att`` (the average effect on the treated, also
    called ETT) and ``atc`` (on the controls), each the learner's ``effect(estimand=...)``
    over its training units against its own exact truth (``true_effects()[estimand]``), with
    ``ate_covered`` / ``att_covered`` / ``atc_covered`` (1 when the learner's 95% interval
    holds the truth, else 0; ``se`` is the learner's standard error) whenever the learner
    gives an interval; and ``pehe`` where the environment defines a CATE. Analytic intervals
    are always asked for; bootstrap ones only with ``n_bootstrap`` > 0 (each costs that many
    refits).
rung 3
    per regime, ``cf_rmse`` (continuous or categorical outcome) or ``cf_accuracy`` and
    ``cf_brier`` (binary: the metrics of probabilities) of ``predict_counterfactual`` against
    the exact counterfactuals of the same units from their stored noise.
overlap
    for a learner that adjusts for a set (``overlap_``, a binary treatment): rung-2 rows
    ``overlap_share_clipped`` (share of training units whose estimated propensity lies
    outside the clipping bounds) and ``overlap_ess`` (effective sample size of the
    inverse-propensity weights), regime ``"overlap"``; the message carries the learner's
    :class:`~causalab.OverlapWarning` when overlap is poor.
excess (every rung, :mod:`causalab.evaluation.excess`)
    ``bias_rmse``, ``do_bias_rmse``, ``cf_bias_rmse``: the learner's answers against the
    best possible answers given the features it was fed (its error beyond the noise);
    ``reference_rmse``, ``do_reference_rmse``, ``cf_reference_rmse``: that noise floor;
    ``survival``: (do_rmse / do_reference_rmse) / (rmse / reference_rmse), 1 for a learner
    whose error grows under do() no more than the noise does.
real data
    Learners train on the data as they are (``env.data()``, every row: no resampling, so seeds
    vary the learners only and ``n_train`` is recorded as the data's size); rung 1 is scored
    in-sample on the same rows. LaLonde: ``att`` against the experiment (with its standard
    error). An environment with no truth at all (a :class:`~causalab.DataEnvironment`
    without ``truth=``): ``ate_estimate`` and, with an interval, ``ate_low`` and ``ate_high``,
    with ``true_value`` NaN (:data:`UNSCORED_METRICS`): estimates to compare, never scored.
    Sachs (an environment with ``regime_intervention``): ``shift``, the predicted change of the
    outcome's mean under each perturbation read as a hard intervention, against the measured
    change.

Soft and stochastic regimes reach learners as per-unit hard values: each unit's value of
the intervened variable under the regime, which is the same unit-level intervention.

Warnings: a :class:`~causalab.CausalabWarning` raised by a query (e.g. a
:class:`~causalab.SupportWarning` under ``support="warn"``) is recorded in the ``message``
of that query's rows, whose status stays ``ok``; one raised at fit (other than the overlap
warning, which goes on the overlap rows) in the message of every row of the cell. Other
warnings pass through untouched.

No peeking: rung-1 and rung-2 queries get the test rows without the outcome column and
without any column the learner was not fed (its ``columns_``), so no learner can read the
answer, whatever its code; rung 3 alone gets the factual row, outcome included.
"""

from __future__ import annotations

import json
import time
import warnings
from contextlib import contextmanager, nullcontext
from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.base import clone

from ..exceptions import CausalabWarning, InvalidValueError, NotIdentifiedError, OverlapWarning, UnsupportedQueryError
from ..learners.base import ESTIMANDS, check_n_bootstrap
from . import metrics
from .excess import CellReferences
from .graphs import graph_label, variant_task
from .refute import check_refuters, check_simulations, refute_cell

#: the columns of every result table, in order
COLUMNS = (
    "environment", "knobs", "graph", "learner", "params", "family", "judged_family", "expected", "expected_reason",
    "seed", "n_train", "rung", "regime", "metric", "value", "true_value", "se", "status", "message",
    "fit_seconds", "predict_seconds",
)

STATUSES = ("ok", "unsupported", "not_identified", "error")


def learner_label(learner) -> str:
    """The learner's name in result tables: its repr (class and non-default parameters)."""
    return repr(learner)


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def cell_seeds(seed: int, n_train: int) -> tuple[int, int, int]:
    """(train data, test data, learner) seeds of a cell: the same for every learner, so all
    learners of one (seed, n_train) see the same data."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidValueError(f"seeds must be non-negative ints, got {seed!r}")
    ss = np.random.SeedSequence(int(seed), spawn_key=(int(n_train),))
    return tuple(int(s.generate_state(1, np.uint32)[0]) for s in ss.spawn(3))


def evaluate(env, learners, n_train: int | Sequence[int] = 2000, seeds: Iterable[int] = (0,),
             n_test: int = 1000, errors: str = "raise", support=None, graph="true", refuters=None,
             refuter_simulations: int = 20, n_bootstrap: int = 0) -> pd.DataFrame:
    """Fit each learner on ``env``'s observational data and score it on the three rungs.

    Parameters
    ----------
    env : Environment or str
        An environment or a registered id.
    learners : Learner or list of Learner
        Unfitted learners; each cell fits a clone (a ``seed`` parameter is set to the cell's).
    n_train : int or list of int
        Training sizes (a list gives learning curves).
    seeds : iterable of int
        Replications; each gives new training and test data, the same for every learner.
    n_test : int
        Units in the test population (and under each regime).
    errors : {"raise", "record"}
        What a learner's unexpected error does: propagate, or become rows with status
        ``"error"`` and the message. Refusals (``NotIdentifiedError``,
        ``UnsupportedQueryError``, ``OutOfSupportError``) are always recorded: they are answers.
    support : {"raise", "warn"}, SupportPolicy or None
        The support policy for every fit and query (see
        :func:`causalab.learners.support_policy`): ``"raise"`` refuses a treatment value
        outside the training support (status ``unsupported``), ``"warn"`` answers it and
        records the :class:`~causalab.SupportWarning` in the row's message. None: the policy
        in force (default ``"raise"`` with ``min_units=10``).
    graph : {"true", "drop_confounder", "reverse_edge", "add_collider", "discovered"} or callable
        The graph each learner is fitted on (see :mod:`causalab.evaluation.graphs`); it is
        always scored against the real environment's truth. The ``graph`` column holds the
        variant's name. A variant that does not apply to the environment gives a ``fit`` row
        with status ``unsupported``. Under a wrong graph the environment's expectations (which
        assume the true one) are not stated: ``expected`` is empty.
    refuters : list of str or None
        DoWhy refuters to run on each fitted learner's average effect (names in
        :data:`causalab.evaluation.refute.REFUTERS`; see :mod:`causalab.evaluation.refute`):
        rows with rung ``"refute"``. None (default): none, and no cost.
    refuter_simulations : int
        DoWhy's ``num_simulations`` for each refuter (DoWhy's default is 100).
    n_bootstrap : int
        Resamples for the effects' intervals of learners whose interval is a bootstrap
        (``tags.effect_interval == "bootstrap"``); 0 (the default) leaves them without one,
        since each resample refits the learner. Analytic intervals are always computed.

    Returns
    -------
    pandas.DataFrame
        One row per (learner, seed, n_train, rung, regime, metric), columns :data:`COLUMNS`.
    """
    from ..envs.registry import make

    graph_label(graph)  # bad input is refused before any work
    refuters, refuter_simulations = check_refuters(refuters), check_simulations(refuter_simulations)
    env = make(env) if isinstance(env, str) else env
    if callable(graph) and not isinstance(graph, str):
        variant_task(env.task, graph)  # a user's graph function is checked once, up front (typed errors)
    learners = [learners] if not isinstance(learners, (list, tuple)) else list(learners)
    sizes = [n_train] if isinstance(n_train, (int, np.integer)) else list(n_train)
    rows = []
    for n in sizes:
        for seed in seeds:
            for learner in learners:
                rows += evaluate_cell(env, learner, seed, n, n_test=n_test, errors=errors, support=support,
                                      graph=graph, refuters=refuters, refuter_simulations=refuter_simulations,
                                      n_bootstrap=n_bootstrap)
    return to_frame(rows)


def _support_context(support):
    """The ``support=`` argument as a context: None keeps the policy in force."""
    from ..learners.base import SupportPolicy, support_policy

    if support is None:
        return nullcontext()
    if isinstance(support, SupportPolicy):
        return support_policy(support.min_units, support.on_violation)
    if isinstance(support, str) and support in ("raise", "warn"):
        return support_policy(on_violation=support)
    raise InvalidValueError(f"support must be 'raise', 'warn', a SupportPolicy or None, got {support!r}")


@contextmanager
def _recording():
    """Collect the CausalabWarnings raised inside (as ``"Class: message"`` strings in the
    yielded list); every other warning is passed on as it came."""
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", CausalabWarning)
        try:
            yield caught
        finally:
            caught += dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in seen
                                    if issubclass(w.category, CausalabWarning))
            others = [w for w in seen if not issubclass(w.category, CausalabWarning)]
    for w in others:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)


def to_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["graph"] = frame["graph"].fillna("true")  # rows stored before graph variants existed
    for col in ("value", "true_value", "se", "fit_seconds", "predict_seconds"):
        frame[col] = frame[col].astype(np.float64)
    return frame


def evaluate_cell(env, learner, seed: int, n_train: int, n_test: int = 1000, errors: str = "raise",
                  support=None, graph="true", refuters=None, refuter_simulations: int = 20,
                  n_bootstrap: int = 0) -> list[dict]:
    """The rows of one cell (see the module docstring); ``support``, ``graph``, ``refuters``,
    ``refuter_simulations`` and ``n_bootstrap`` as in :func:`evaluate`."""
    if errors not in ("raise", "record"):
        raise InvalidValueError(f"errors must be 'raise' or 'record', got {errors!r}")
    check_n_bootstrap(n_bootstrap)
    graph_label(graph)
    refuters, refuter_simulations = check_refuters(refuters), check_simulations(refuter_simulations)
    with _support_context(support):
        return _evaluate_cell(env, learner, seed, n_train, n_test, errors, graph, refuters, refuter_simulations,
                              n_bootstrap)


def _evaluate_cell(env, learner, seed, n_train, n_test, errors, graph="true", refuters=(),
                   refuter_simulations=20, n_bootstrap=0) -> list[dict]:
    real_data = "scm" not in env.capabilities
    if real_data:  # the data as they are: every row, no resampling
        n_train = len(env.data())
    train_seed, test_seed, learner_seed = cell_seeds(seed, n_train)
    label, params = learner_label(learner), _json(learner.get_params())
    learner = clone(learner)
    if "seed" in learner.get_params():
        learner.set_params(seed=learner_seed)
    template = clone(learner)  # unfitted, seeded: what a refuter's re-fit clones
    graph_name = graph_label(graph)
    base = {
        "environment": env.id or type(env).__name__, "knobs": _json(env.knobs), "graph": graph_name, "learner": label,
        "params": params, "family": learner.tags.family, "judged_family": learner.tags.family,
        "expected": "", "expected_reason": "", "seed": int(seed), "n_train": int(n_train), "fit_seconds": np.nan,
    }
    rows: list[dict] = []
    fit_notes: list[str] = []  # warnings raised at fit: on every row of the cell

    def add(rung, regime, metric, value=np.nan, true_value=np.nan, se=np.nan, status="ok", message="",
            predict_seconds=np.nan):
        message = "; ".join([m for m in (message, *fit_notes) if m])
        rows.append({**base, "rung": rung, "regime": regime, "metric": metric, "value": float(value),
                     "true_value": float(true_value), "se": float(se), "status": status, "message": message,
                     "predict_seconds": float(predict_seconds)})

    task = env.task
    train = env.data() if real_data else env.sample(n_train, seed=train_seed)
    start = time.perf_counter()
    try:
        fit_task = variant_task(task, graph, train)  # the graph the learner is told; the truth stays the env's
        with _recording() as fit_warnings:
            learner.fit(train, fit_task)
    except (NotIdentifiedError, UnsupportedQueryError) as exc:
        base.update(_judge(env, learner, graph_name))
        status = "not_identified" if isinstance(exc, NotIdentifiedError) else "unsupported"
        add("fit", "", "fit", status=status, message=str(exc))
        return rows
    except Exception as exc:  # noqa: BLE001 - recorded with its message when the user asks for it
        if errors == "raise":
            raise
        add("fit", "", "fit", status="error", message=f"{type(exc).__name__}: {exc}")
        return rows
    base["fit_seconds"] = time.perf_counter() - start
    base.update(_judge(env, learner, graph_name))
    overlap_note = [w for w in fit_warnings if w.startswith(OverlapWarning.__name__)]
    fit_notes += [f"{w} (at fit)" for w in fit_warnings if w not in overlap_note]
    overlap = getattr(learner, "overlap_", None)
    if overlap is not None:
        note = "; ".join(overlap_note)
        add(2, "overlap", "overlap_share_clipped", overlap.share_clipped, message=note)
        add(2, "overlap", "overlap_ess", overlap.ess, message=note)

    def attempt(rung, regime, metric_names, fn):
        """Run one query; a refusal or (when recording) an error becomes rows with that status.
        Returns (answer, seconds, the CausalabWarnings it raised as one message)."""
        start = time.perf_counter()
        try:
            with _recording() as caught:
                out = fn()
        except UnsupportedQueryError as exc:
            for m in metric_names:
                add(rung, regime, m, status="unsupported", message=str(exc))
            return None
        except Exception as exc:  # noqa: BLE001
            if errors == "raise":
                raise
            for m in metric_names:
                add(rung, regime, m, status="error", message=f"{type(exc).__name__}: {exc}")
            return None
        return out, time.perf_counter() - start, "; ".join(caught)

    outcome, treatment = env.outcome, env.treatment
    discrete = task.kind(outcome) == "binary"  # accuracy and brier score probabilities of a binary outcome
    test_world = env.data() if real_data else env.sample_world(n_test, seed=test_seed)
    test = test_world[env.observed]
    y = test[outcome].to_numpy(dtype=np.float64)
    refs = CellReferences(env, learner, test_world, test_seed)  # excess rows: error beyond the best answer
    blind = _blind(test, learner, outcome)  # what rungs 1 and 2 may see

    # rung 1
    got = attempt(1, "observational", ["rmse"], lambda: learner.predict(blind).to_numpy())
    obs_rmse = np.nan
    if got:
        pred, secs, note = got
        obs_rmse = metrics.rmse(pred, y)
        add(1, "observational", "rmse", obs_rmse, predict_seconds=secs, message=note)
        refs.rows(add, 1, "observational", pred, y, note=note)
        if discrete:
            add(1, "observational", "accuracy", metrics.accuracy(pred, y), predict_seconds=secs, message=note)
            add(1, "observational", "brier", metrics.brier(pred, y), predict_seconds=secs, message=note)
    add(1, "observational", "outcome_sd", float(np.std(y)))

    # rung 2 and 3, per regime, on the same units
    if "scm" in env.capabilities:
        for name, regime in env.regimes.items():
            world_do = env.do(regime).sample_world(n_test, seed=test_seed)
            do = _per_unit(regime, world_do, env)
            y_do = world_do[outcome].to_numpy(dtype=np.float64)
            if do is None:
                msg = f"{name} intervenes on a hidden variable; learners cannot be asked about it"
                add(2, name, "do_rmse", status="unsupported", message=msg)
                continue
            got = attempt(2, name, ["do_rmse"], lambda: learner.predict_do(blind, do).to_numpy())
            if got:
                do_rmse = metrics.rmse(got[0], y_do)
                add(2, name, "do_rmse", do_rmse, predict_seconds=got[1], message=got[2])
                refs.rows(add, 2, name, got[0], y_do, regime, world_do, do_rmse, got[2])  # with survival
            got = attempt(2, name, ["shift_rmse"],
                          lambda: learner.predict(_blind(world_do[env.observed], learner, outcome)).to_numpy())
            if got:
                add(2, name, "shift_rmse", metrics.rmse(got[0], y_do), predict_seconds=got[1], message=got[2])
            cf_metrics = ["cf_accuracy", "cf_brier"] if discrete else ["cf_rmse"]
            got = attempt(3, name, cf_metrics, lambda: learner.predict_counterfactual(test, do).to_numpy())
            if got:
                # the same units drawn under the regime from their stored noise are their exact
                # counterfactuals (shared noise); no second pass through env.counterfactual
                truth = y_do
                if discrete:
                    add(3, name, "cf_accuracy", metrics.accuracy(got[0], truth), predict_seconds=got[1],
                        message=got[2])
                    add(3, name, "cf_brier", metrics.brier(got[0], truth), predict_seconds=got[1], message=got[2])
                else:
                    add(3, name, "cf_rmse", metrics.rmse(got[0], truth), predict_seconds=got[1], message=got[2])
                refs.rows(add, 3, name, got[0], truth, regime, world_do, note=got[2])

    # measured perturbations of real data (Sachs): the predicted shift of the outcome's mean
    truth = env.true_effects()
    if hasattr(env, "regime_intervention"):
        for name in env.regime_names:
            key = f"{name}:{outcome}"
            if key not in truth:
                continue  # the outcome is not downstream of this perturbation's target
            do = env.regime_intervention(name)
            got = attempt(2, name, ["shift"], lambda: learner.predict_do(blind, do).mean() - y.mean())
            if got:
                add(2, name, "shift", got[0], float(truth[key]), truth[key].se, predict_seconds=got[1],
                    message=got[2])

    if not truth:  # a table without ground truth (DataEnvironment): each learner's estimate, unscored
        _unscored_effect(env, learner, label, add, attempt)

    # average effects, each against its own truth
    hi, lo = _treatment_levels(env)
    for estimand in ESTIMANDS:
        if estimand not in truth or (estimand != "ate" and not task.type(treatment).discrete):
            continue
        got = attempt(2, estimand, [estimand], lambda: _finite_effect(
            learner.effect(hi, lo, estimand=estimand, n_bootstrap=n_bootstrap, seed=learner_seed),
            label, hi, lo, estimand))
        if got:
            effect, secs, note = got
            true = float(truth[estimand])
            add(2, estimand, estimand, effect.value, true, getattr(truth[estimand], "se", np.nan),
                predict_seconds=secs, message=note)
            if effect.interval is not None and not np.isfinite(effect.interval).all():
                add(2, estimand, f"{estimand}_covered", true_value=true, status="error",
                    message=f"LearnerError: {label}: effect({hi:g}, {lo:g}, estimand={estimand!r}) returned the "
                            f"interval {effect.interval}")
            elif effect.interval is not None:
                add(2, estimand, f"{estimand}_covered", metrics.covered(effect.interval, true), true,
                    getattr(effect, "se", np.nan), message=note)
    if learner.tags.predict_do is not None:
        try:
            cate = np.asarray(env.true_cate(test), dtype=np.float64)  # the truth may read anything
        except UnsupportedQueryError:
            cate = None
        if cate is not None:
            got = attempt(2, "cate", ["pehe"], lambda: (learner.predict_do(blind, {treatment: hi})
                                                       - learner.predict_do(blind, {treatment: lo})).to_numpy())
            if got:
                add(2, "cate", "pehe", metrics.pehe(got[0], cate), predict_seconds=got[1], message=got[2])
    if refuters:  # opt-in: DoWhy's refuters on the learner's average effect (causalab.evaluation.refute)
        refute_cell(add, learner, template, fit_task, train, hi, lo, float(truth["ate"]) if "ate" in truth else None,
                    refuters, seed=train_seed, n_simulations=refuter_simulations, errors=errors)
    return rows


#: the rows of an environment without ground truth: the ATE estimate and its 95% interval, no true value
UNSCORED_METRICS = ("ate_estimate", "ate_low", "ate_high")


def _unscored_effect(env, learner, label, add, attempt):
    """Rows ``ate_estimate`` (and ``ate_low``/``ate_high`` where the learner gives a 95%
    interval), regime ``"ate"``, ``true_value`` NaN: what the learner estimates where nothing
    says what is true. No truth is made up; the report compares these across learners."""
    hi, lo = _treatment_levels(env)
    got = attempt(2, "ate", ["ate_estimate"], lambda: _finite_effect(learner.effect(hi, lo), label, hi, lo))
    if not got:
        return
    effect, secs, note = got
    note = "; ".join(m for m in ("no ground truth: an estimate, not scored", note) if m)
    add(2, "ate", "ate_estimate", effect.value, predict_seconds=secs, message=note)
    if effect.interval is not None and np.isfinite(effect.interval).all():
        add(2, "ate", "ate_low", effect.interval[0], message=note)
        add(2, "ate", "ate_high", effect.interval[1], message=note)


def _blind(frame: pd.DataFrame, learner, outcome: str) -> pd.DataFrame:
    """The rows as a rung-1 or rung-2 query sees them: the columns the learner was fed
    (``columns_``; every column when it does not say), never the outcome."""
    fed = getattr(learner, "columns_", None)
    keep = [c for c in frame.columns if c != outcome and (fed is None or c in fed)]
    return frame[keep]


def _finite_effect(effect, label, hi, lo, estimand="ate"):
    """A learner's effect, or a LearnerError naming it when the answer is not a finite number
    (NaN or infinity is never scored as an answer)."""
    from ..exceptions import LearnerError

    value = getattr(effect, "value", effect)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = np.nan
    if not np.isfinite(number):
        raise LearnerError(f"{label}: effect({hi:g}, {lo:g}, estimand={estimand!r}) returned {value!r}, not a "
                           "finite number")
    if not hasattr(effect, "interval"):  # a bare number from a user's learner
        from ..learners.base import Effect

        effect = Effect(number, estimand=estimand)
    return effect


def _treatment_levels(env) -> tuple[float, float]:
    """The two treatment values of the environment's hard treatment regimes (default 1 vs 0)."""
    values = sorted(float(r[env.treatment]) for r in env.regimes.values()
                    if set(r) == {env.treatment} and r.is_hard(env.treatment) and np.ndim(r[env.treatment]) == 0)
    return (values[-1], values[0]) if len(values) >= 2 else (1.0, 0.0)


def _per_unit(regime, world_do, env):
    """The regime as hard values learners can take: scalars stay, the rest become each
    unit's value under the regime. None when it intervenes on a hidden variable."""
    out = {}
    for var in regime:
        if var not in env.observed:
            return None
        spec = regime[var]
        if regime.is_hard(var) and np.ndim(spec) == 0:
            out[var] = float(spec)
        else:
            out[var] = world_do[var].to_numpy(dtype=np.float64)
    return out


def _judge(env, learner, graph: str = "true") -> dict:
    """Which family the learner acted as here, and what the environment expects of it.

    The evaluator judges a learner by what it was fed: a correlational learner fed the
    treatment alone is the naive contrast; fed the treatment and pre-treatment features only
    (no descendant of the treatment in the true graph, or in the task's graph for real data)
    it adjusts for them, a back-door estimator in disguise (whether the set is valid is the
    environment's ``expected``); a back-door estimator whose identified adjustment set is
    empty is the naive contrast.
    """
    family = learner.tags.family
    if family == "graph-based" and family not in env.expected:
        # simulating do() in a fitted SCM of a fully observed graph is the g-formula: back-door
        # adjustment for the treatment's parents (its adjustment_set_)
        family = "backdoor"
    fed = getattr(learner, "features_", None)
    t = env.treatment
    # the true graph where there is a model; for real data, the task's graph (what the environment
    # states or assumes): what a learner was fed is judged the same way on both
    descendants = nx.descendants(env.scm.graph if "scm" in env.capabilities else env.task.graph, t)
    if family == "correlational" and fed is not None and t in fed:
        others = [f for f in fed if f != t]
        if not others:
            family = "naive"
        elif not set(others) & descendants:
            family = "backdoor"  # adjusting for pre-treatment features, validly or not
    if family == "backdoor" and getattr(learner, "adjustment_set_", None) == []:
        family = "naive"  # identification found nothing to adjust for: the plain contrast
    expected = env.expected.get(family)
    if graph != "true" and expected is not None:  # the environment's expectations assume the true graph
        return {"judged_family": family, "expected": "",
                "expected_reason": f"fitted on the graph {graph!r}; the environment's expectation "
                                   f"({'succeeds' if expected[0] else 'fails'}: {expected[1]}) assumes the true one"}
    return {"judged_family": family, "expected": "" if expected is None else ("succeeds" if expected[0] else "fails"),
            "expected_reason": "" if expected is None else expected[1]}


def _check_frame(results) -> pd.DataFrame:
    if not isinstance(results, pd.DataFrame) or list(results.columns) != list(COLUMNS):
        raise InvalidValueError("expected a result table from causalab.evaluate (columns causalab.evaluation.COLUMNS)")
    return results


__all__ = ["COLUMNS", "STATUSES", "UNSCORED_METRICS", "evaluate", "evaluate_cell", "cell_seeds", "learner_label",
           "to_frame"]
