"""Figures that teach: each takes a result table (or an environment and learners) and
returns a matplotlib Figure. Nothing is shown or saved here.

Colour means one thing everywhere: a learner's outcome against the truth on that
environment (:data:`~causalab.reporting.outcomes.OUTCOMES`: succeeded, failed, refused, ...,
the palette of the report's grid), never its family; a black ring or thick outline marks a
MISMATCH with the environment's expectation. Every figure with colour has a legend, and
learner names are written in full (horizontal labels or legends, never cut)."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..exceptions import UnsupportedQueryError

from .outcomes import OUTCOMES, lookup

#: a marker per learner (in the order given), so learners that share an outcome colour stay apart
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p", "8", "H", "d")
#: lines and markers of a learner whose outcome the figure was not given (a figure drawn without results)
UNJUDGED = "#4D4D4D"
#: the bars of observational (rung 1) errors: white with black hatching, apart from every outcome colour
RUNG1_STYLE = {"facecolor": "white", "edgecolor": "black", "hatch": "////", "linewidth": 0.6}


def _plt():
    import matplotlib.pyplot as plt  # imported late: matplotlib is slow to load

    return plt


def _grid(n, width=4.2, height=3.2, cols=3):
    """``n`` panels, ``cols`` a row, laid out by matplotlib's constrained layout (which makes
    room for full learner names and the legend below the panels)."""
    plt = _plt()
    cols = min(cols, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _settings(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The (environment, knobs JSON, title) of each panel, in the order run: one panel per
    knob setting, so a sweep's settings are never pooled into one panel."""
    from ..evaluation.knobs import label_map

    labels = label_map(frame)
    return [(env_id, knobs, f"{env_id} {labels[(env_id, knobs)]}".strip())
            for env_id, knobs in dict.fromkeys(zip(frame["environment"], frame["knobs"]))]


def _colour(outcome) -> str:
    """The colour of an outcome (:data:`~causalab.reporting.outcomes.OUTCOMES`); dark grey when unknown."""
    return OUTCOMES[outcome][0] if outcome in OUTCOMES else UNJUDGED


def _outcome_handles(present, mismatch: bool = False, prefix: str = ""):
    """Legend handles of the outcomes in ``present`` (in :data:`OUTCOMES` order) and, with
    ``mismatch``, of the black ring that marks a MISMATCH."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=colour, edgecolor="black", linewidth=0.5, label=f"{prefix}{outcome}")
               for outcome, (colour, _, _) in OUTCOMES.items() if outcome in present]
    if mismatch:
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor="white",
                              markeredgecolor="black", markeredgewidth=2.2,
                              label="black ring: MISMATCH with the expected outcome"))
    return handles


def _learner_handles(learners):
    """Legend handles of each learner's marker (full names)."""
    from matplotlib.lines import Line2D

    return [Line2D([], [], color="black", linewidth=0.8, marker=MARKERS[i % len(MARKERS)], markersize=5,
                   markerfacecolor="white", label=name) for i, name in enumerate(learners)]


def _figure_legend(fig, handles, title=None):
    """One legend for the whole figure, below its panels."""
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(3, len(handles)), fontsize=7,
                   title=title, title_fontsize=7, frameon=False)


def _outcomes(results, outcomes):
    """The (environment, knobs JSON, learner) -> (outcome, expectation) map of ``results``."""
    return lookup(results) if outcomes is None else outcomes


def survival_figure(results: pd.DataFrame, outcomes=None):
    """Per environment, each learner's excess error (beyond the best possible answer from the
    features it was fed) on observational data (rung 1, ``bias_rmse``, hatched bars) beside its
    excess under the interventions (rung 2, ``do_bias_rmse`` averaged over regimes and seeds,
    bars coloured by the learner's outcome against the truth, as in the report's grid). The
    noise no answer can remove is left out, so an exact answer scores 0 on both: a learner
    that survives keeps its bar pair level; one that answered do() by conditioning does not.
    ``outcomes``: the :func:`~causalab.reporting.outcomes.lookup` of ``results`` (computed
    when not given)."""
    ok = results[results["status"] == "ok"]
    looks = _outcomes(results, outcomes)
    envs = _settings(ok[ok["metric"] == "do_bias_rmse"])
    if not envs:  # nothing scored under do() (e.g. data without ground truth)
        return None
    n_learners = int(ok[ok["metric"] == "do_bias_rmse"].groupby(["environment", "knobs"])["learner"].nunique().max())
    fig, axes = _grid(len(envs), width=6.2, height=0.34 * n_learners + 1.2, cols=2)
    present, mismatch = set(), False
    excess = ok[ok["metric"].isin(["bias_rmse", "do_bias_rmse"])]
    means = excess.groupby(["environment", "knobs", "learner", "metric"], sort=False)["value"].mean()
    for ax, (env_id, knobs, title) in zip(axes, envs):
        sub = means.loc[(env_id, knobs)]
        learners = list(dict.fromkeys(sub.index.get_level_values("learner")))
        obs = [sub.get((l, "bias_rmse"), np.nan) for l in learners]
        intv = [sub.get((l, "do_bias_rmse"), np.nan) for l in learners]
        judged = [looks.get((env_id, knobs, l), (None, "")) for l in learners]
        y = np.arange(len(learners))
        ax.barh(y - 0.2, obs, 0.4, **RUNG1_STYLE)
        bars = ax.barh(y + 0.2, intv, 0.4, color=[_colour(o) for o, _ in judged], edgecolor="black", linewidth=0.4)
        for bar, (outcome, expectation) in zip(bars, judged):
            present.add(outcome)
            if expectation == "MISMATCH":
                mismatch = True
                bar.set_linewidth(2.2)
        ax.set_yticks(y, learners, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("RMSE beyond the best answer")
        ax.set_title(title, fontsize=10)
    from matplotlib.patches import Patch

    handles = [Patch(label="observational (rung 1)", **RUNG1_STYLE)]
    handles += _outcome_handles(present, prefix="under do() (rung 2), ")
    if mismatch:
        handles.append(Patch(facecolor="white", edgecolor="black", linewidth=2.2, label="thick outline: MISMATCH"))
    _figure_legend(fig, handles, title="bars: excess error; colour: the learner's outcome against the truth")
    fig.suptitle("Survival: error beyond the best possible answer, before and under intervention", fontsize=11)
    return fig


def ate_figure(results: pd.DataFrame, outcomes=None):
    """Per environment, each learner's estimated ATE (dots: seeds at the largest training size;
    diamond: their mean) against the exact truth (dashed line), coloured by the learner's
    outcome against the truth (the report's grid: succeeded, failed, ...; a black ring marks
    a MISMATCH with the environment's expectation); the ATT where that is the environment's
    only truth (LaLonde-v0). Learner names are written in full. ``outcomes``: the
    :func:`~causalab.reporting.outcomes.lookup` of ``results`` (computed when not given)."""
    ok = results[results["status"] == "ok"]
    looks = _outcomes(results, outcomes)
    with_ate = set(results.loc[results["metric"] == "ate", "environment"])
    ate = ok[(ok["metric"] == "ate") | ((ok["metric"] == "att") & ~ok["environment"].isin(with_ate))]
    envs = [e for e in _settings(results) if ((ate["environment"] == e[0]) & (ate["knobs"] == e[1])).any()]
    if not envs:  # no effect truth anywhere (e.g. data without ground truth)
        return None
    n_learners = int(ate.groupby(["environment", "knobs"])["learner"].nunique().max())
    fig, axes = _grid(len(envs), width=6.2, height=0.3 * n_learners + 1.2, cols=2)
    present, mismatch = set(), False
    panels = dict(iter(ate.groupby(["environment", "knobs"], sort=False)))
    for ax, (env_id, knobs, title) in zip(axes, envs):
        sub = panels[(env_id, knobs)]
        sub = sub[sub["n_train"] == sub["n_train"].max()]
        learners = list(dict.fromkeys(sub["learner"]))
        for i, (l, rows) in enumerate(sub.groupby("learner", sort=False)):
            outcome, expectation = looks.get((env_id, knobs, l), (None, ""))
            present.add(outcome)
            ring = expectation == "MISMATCH"
            mismatch |= ring
            colour = _colour(outcome)
            ax.scatter(rows["value"], np.full(len(rows), i), color=colour, alpha=0.5, s=14)
            ax.scatter([rows["value"].mean()], [i], color=colour, marker="D", s=60 if ring else 40, zorder=3,
                       edgecolors="black", linewidths=2.2 if ring else 0.6)
        truth = float(sub["true_value"].iloc[0]) if len(sub) else np.nan
        name = sub["metric"].iloc[0].upper() if len(sub) else "ATE"
        ax.axvline(truth, color="black", linestyle="--", linewidth=1, label=f"true {name} {truth:.3g}")
        ax.set_yticks(range(len(learners)), learners, fontsize=7)
        ax.set_ylim(len(learners) - 0.5, -0.5)
        ax.set_xlabel(f"estimated {name}")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7)
    _figure_legend(fig, _outcome_handles(present, mismatch), title="colour: the learner's outcome against the truth")
    fig.suptitle("Average treatment effect: estimates (dots: seeds; diamonds: their mean) against the truth",
                 fontsize=11)
    return fig


def learning_curve_figure(results: pd.DataFrame, outcomes=None):
    """ATE error against training size per learner (a marker each, names in the legend in
    full; colour: its outcome against the truth at the largest size, as in the report's
    grid): more data shrinks variance, never the confounding bias. Returns None when the
    table has a single training size."""
    ate = results[(results["metric"] == "ate") & (results["status"] == "ok")]
    if ate["n_train"].nunique() < 2:
        return None
    looks = _outcomes(results, outcomes)
    envs = _settings(ate)
    learners = list(dict.fromkeys(ate["learner"]))
    fig, axes = _grid(len(envs), width=5.0, height=3.4)
    present = set()
    for ax, (env_id, knobs, title) in zip(axes, envs):
        sub = ate[(ate["environment"] == env_id) & (ate["knobs"] == knobs)]
        for l, rows in sub.groupby("learner", sort=False):
            err = (rows["value"] - rows["true_value"]).abs().groupby(rows["n_train"]).mean()
            outcome, expectation = looks.get((env_id, knobs, l), (None, ""))
            present.add(outcome)
            ax.plot(err.index, err.to_numpy(), marker=MARKERS[learners.index(l) % len(MARKERS)], color=_colour(outcome),
                    markeredgecolor="black", markeredgewidth=2.0 if expectation == "MISMATCH" else 0.5)
        ax.set_xscale("log")
        ax.set_xlabel("training rows")
        ax.set_ylabel("|ATE error|")
        ax.set_title(title, fontsize=10)
    _figure_legend(fig, _learner_handles(learners) + _outcome_handles(present),
                   title="marker: learner; colour: its outcome against the truth")
    fig.suptitle("Learning curves: does more data help?", fontsize=11)
    return fig


def sweep_figure(results: pd.DataFrame, outcomes=None):
    """Knob sweeps: each learner's ATE error (estimate - truth; mean over seeds at the
    largest training size, bars: one standard error over seeds) against the value of each
    knob that varies within an environment, one panel per (environment, knob, setting of the
    other varying knobs). A marker per learner (names in the legend in full), filled with the
    learner's outcome against the truth at that setting (the report's grid). A back-door
    estimator stays on zero as confounding grows; the naive contrast leaves it. Returns None
    when no knob varies in ``results``."""
    from ..evaluation.knobs import knob_frame, varying_knobs

    varying = {env_id: names for env_id, names in varying_knobs(results).items() if names}
    ate = results[(results["metric"] == "ate") & (results["status"] == "ok")]
    ate = ate[ate["environment"].isin(list(varying))]
    if not len(ate):
        return None
    looks = _outcomes(results, outcomes)
    ate = ate[ate["n_train"] == ate.groupby(["environment", "knobs"])["n_train"].transform("max")]
    values = knob_frame(ate)
    ate = ate.assign(error=ate["value"] - ate["true_value"])
    learners = list(dict.fromkeys(ate["learner"]))
    panels = []
    for env_id, names in varying.items():
        in_env = ate["environment"] == env_id
        for knob in names:
            others = [k for k in names if k != knob]
            rest_of = list(values[others].map(_key).itertuples(index=False, name=None))
            groups = [(None, in_env)] if not others else [
                (rest, in_env & pd.Series([r == rest for r in rest_of], index=values.index))
                for rest in dict.fromkeys(r for r, inside in zip(rest_of, in_env) if inside)]
            for rest, mask in groups:
                title = f"{env_id}: against {knob}"
                if rest is not None:
                    title += " (" + ", ".join(f"{k}={v}" for k, v in zip(others, rest)) + ")"
                panels.append((title, knob, mask))
    fig, axes = _grid(len(panels), width=5.4, height=3.8)
    present, mismatch = set(), False
    for ax, (title, knob, mask) in zip(axes, panels):
        sub, x_raw = ate[mask], values.loc[mask, knob]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x_raw)
        levels = sorted(dict.fromkeys(x_raw.map(_key)), key=lambda v: (float(v) if numeric else 0, str(v)))
        position = {v: (float(v) if numeric else i) for i, v in enumerate(levels)}
        x = x_raw.map(_key).map(position)
        for learner, rows in sub.groupby("learner", sort=False):
            marker = MARKERS[learners.index(learner) % len(MARKERS)]
            stats = rows["error"].groupby(x[rows.index]).agg(["mean", "std", "count"]).sort_index()
            se = (stats["std"] / np.sqrt(stats["count"])).fillna(0.0)
            ax.errorbar(stats.index, stats["mean"], yerr=se, color="#777777", linewidth=1, capsize=3, zorder=1)
            setting = rows.groupby(x[rows.index])["knobs"].first().reindex(stats.index)
            judged = [looks.get((rows["environment"].iloc[0], k, learner), (None, "")) for k in setting]
            present.update(o for o, _ in judged)
            rings = [e == "MISMATCH" for _, e in judged]
            mismatch |= any(rings)
            ax.scatter(stats.index, stats["mean"], marker=marker, s=45, zorder=3, c=[_colour(o) for o, _ in judged],
                       edgecolors="black", linewidths=[2.2 if r else 0.6 for r in rings])
        ax.axhline(0.0, color="black", linestyle="--", linewidth=1)
        if not numeric:
            ax.set_xticks(range(len(levels)), [str(v) for v in levels])
        ax.set_xlabel(knob)
        ax.set_ylabel("ATE error (estimate - truth)")
        ax.set_title(title, fontsize=10)
    _figure_legend(fig, _learner_handles(learners) + _outcome_handles(present, mismatch),
                   title="marker: learner; fill: its outcome against the truth at that setting")
    fig.suptitle("Knob sweeps: ATE error against each knob (bars: one SE over seeds)", fontsize=11)
    return fig


def coverage_figure(coverage: pd.DataFrame):
    """Calibration: each learner's coverage of its nominal 95% intervals (per estimand), with
    2 binomial standard errors, against the nominal line; hollow markers count every cell,
    filled ones only the cells where the environment expects the learner to succeed.
    ``coverage`` is :func:`causalab.evaluation.coverage_table`'s table."""
    plt = _plt()
    labels = [f"{l} ({e})" for l, e in zip(coverage["learner"], coverage["estimand"])]
    fig, ax = plt.subplots(figsize=(7.0, 0.32 * len(labels) + 1.4))
    y = np.arange(len(labels))
    ax.errorbar(coverage["coverage"], y + 0.15, xerr=2 * coverage["binomial_se"], fmt="o", mfc="white",
                color="#7f7f7f", label="every cell")
    ax.errorbar(coverage["coverage_valid"], y - 0.15, xerr=2 * coverage["binomial_se_valid"], fmt="o",
                color="#0072B2", label="where the learner should succeed")
    ax.axvline(0.95, color="black", linestyle="--", linewidth=1, label="nominal 95%")
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("share of intervals that hold the truth")
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title("Calibration of the 95% intervals", fontsize=11)
    fig.tight_layout()
    return fig


def _key(value):
    """A hashable, printable form of a knob value (lists from JSON become tuples)."""
    return tuple(_key(v) for v in value) if isinstance(value, list) else value


def dag_figure(env):
    """The environment's DAG with roles coloured and hidden variables marked."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    env.draw(ax=ax)
    fig.tight_layout()
    return fig


@contextmanager
def one_thread():
    """Every thread pool (OpenMP, BLAS, torch's intra-op) at one thread while the block runs,
    as in the runner's workers. The per-environment figures refit and query learners in the
    main process: with two threads each on a loaded 2-core machine, OpenMP's waiting threads
    made gradient boosting's many small predictions many times slower."""
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")  # only when a learner already loaded it
    saved = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(1)
        with threadpool_limits(limits=1):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(saved)


def fit_learners(env, learners, n_train: int = 2000, seed: int = 0):
    """The training rows (``env.sample(n_train, seed=seed)``) and each learner fitted once on
    them, for the figures that refit (:func:`dose_response_figure` and
    :func:`counterfactual_figure` share one fit per learner): ``(data, [(name, fitted or
    the exception its fit raised), ...])``, names as in result tables."""
    from sklearn.base import clone

    from ..evaluation.evaluate import learner_label

    data = env.sample(n_train, seed=seed)
    fits = []
    for learner in learners:
        try:
            fits.append((learner_label(learner), clone(learner).fit(data, env.task)))
        except Exception as exc:  # noqa: BLE001 - the figures leave the learner out; the report lists why
            fits.append((learner_label(learner), exc))
    return data, fits


def _fitted(env, learners, n_train, seed, fits):
    if fits is None:
        fits = fit_learners(env, learners, n_train=n_train, seed=seed)
    data, fitted = fits
    for _, model in fitted:
        if isinstance(model, Exception) and not isinstance(model, UnsupportedQueryError):
            raise model
    return data, [(i, name, model) for i, (name, model) in enumerate(fitted) if not isinstance(model, Exception)]


def dose_response_figure(env, learners, n_train: int = 2000, seed: int = 0, n_grid: int = 9, n_truth: int = 20_000,
                         fits=None, outcomes=None):
    """E[Y | do(T=t)] over a grid of treatment values: each learner's average ``predict_do``
    against the truth, simulated on shared units (continuous treatments). ``fits``: from
    :func:`fit_learners` (fitted here when not given); ``outcomes``: learner name -> its
    outcome against the truth on this environment (colours and legend as in the report's
    grid; dark grey when not given). A learner that cannot fit or answer is left out."""
    plt = _plt()
    data, fitted = _fitted(env, learners, n_train, seed, fits)
    outcomes = outcomes or {}
    t = env.treatment
    lo, hi = np.quantile(data[t], [0.05, 0.95])
    grid = np.linspace(lo, hi, n_grid)
    truth = [env.do({t: float(v)}).sample(n_truth, seed=seed + 1)[env.outcome].mean() for v in grid]
    fig, ax = plt.subplots(figsize=(6.0, 4.6), layout="constrained")
    ax.plot(grid, truth, color="black", linewidth=2.5, label="truth E[Y | do(T=t)]")
    for i, name, model in fitted:
        try:
            curve = [model.predict_do(data, {t: float(v)}).mean() for v in grid]
        except UnsupportedQueryError:
            continue
        outcome, expectation = outcomes.get(name, (None, ""))
        label = name if outcome is None else f"{name}: {outcome}" + (", MISMATCH" if expectation == "MISMATCH" else "")
        ax.plot(grid, curve, marker=MARKERS[i % len(MARKERS)], markersize=4, color=_colour(outcome),
                linestyle=("-", "--", ":", "-.")[i % 4], label=label)
    ax.set_xlabel(f"do({t}=t)")
    ax.set_ylabel(f"E[{env.outcome}]")
    ax.set_title(f"{env.id}: dose-response under do()", fontsize=10)
    fig.legend(loc="outside lower center", ncol=1, fontsize=6, frameon=False, title_fontsize=6,
               title="colour: the learner's outcome against the truth" if outcomes else None)
    return fig


def counterfactual_figure(env, learners, n_train: int = 2000, seed: int = 0, n_units: int = 300, fits=None,
                          outcomes=None):
    """Each unit's true counterfactual outcome under do(T=0) (from its stored noise) against
    each learner's answer from the unit's factual row: on the diagonal is right. ``fits`` and
    ``outcomes`` as in :func:`dose_response_figure`."""
    plt = _plt()
    data, fitted = _fitted(env, learners, n_train, seed, fits)
    outcomes = outcomes or {}
    world = env.sample_world(n_units, seed=seed + 1)
    do = {env.treatment: 0.0}
    truth = env.counterfactual(world, do)[env.outcome].to_numpy()
    fig, ax = plt.subplots(figsize=(5.6, 5.4), layout="constrained")
    for i, name, model in fitted:
        try:
            cf = model.predict_counterfactual(world[env.observed], do).to_numpy()
        except UnsupportedQueryError:
            continue
        outcome, expectation = outcomes.get(name, (None, ""))
        label = f"{name} ({model.tags.predict_counterfactual})"
        if outcome is not None:
            label += f": {outcome}" + (", MISMATCH" if expectation == "MISMATCH" else "")
        ax.scatter(truth, cf, s=9, alpha=0.5, color=_colour(outcome), marker=MARKERS[i % len(MARKERS)], label=label)
    span = [np.min(truth), np.max(truth)]
    ax.plot(span, span, color="black", linewidth=1)
    ax.set_xlabel("true counterfactual (stored noise)")
    ax.set_ylabel("learner's counterfactual")
    ax.set_title(f"{env.id}: Y under do({env.treatment}=0), unit by unit", fontsize=10)
    fig.legend(loc="outside lower center", ncol=1, fontsize=6, frameon=False, markerscale=1.5, title_fontsize=6,
               title="colour: the learner's outcome against the truth (its ATE)" if outcomes else None)
    return fig


def refuter_figure(results: pd.DataFrame):
    """The refuter scorecard (:func:`causalab.evaluation.refuter_scorecard`): per refuter, the
    share of truly wrong estimates it flagged (sensitivity) beside the share of truly right
    ones it flagged (false alarms). A useful refuter has a tall first bar and a short second
    one. Returns None when no refuter ran."""
    from ..evaluation.refute import refuter_scorecard

    card = refuter_scorecard(results)
    card = card[card["cells"] > 0]
    if not len(card):
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(card) + 2), 3.6))
    x = np.arange(len(card))
    ax.bar(x - 0.2, card["sensitivity"].fillna(0), 0.4, color=OUTCOMES["succeeded"][0],
           label="flags truly wrong estimates (sensitivity)")
    ax.bar(x + 0.2, card["false_alarms"].fillna(0), 0.4, color=OUTCOMES["failed"][0],
           label="flags truly right estimates (false alarms)")
    for i, row in enumerate(card.itertuples(index=False)):
        ax.text(i, 1.02, f"{row.truly_wrong} wrong / {row.truly_right} right", ha="center", fontsize=6)
    ax.set_xticks(x, list(card["refuter"]), rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("share of cells flagged")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Refuters scored against the truth", fontsize=11)
    fig.tight_layout()
    return fig
