"""Figures that teach: each takes a result table (or an environment and learners) and
returns a matplotlib Figure. Nothing is shown or saved here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import UnsupportedQueryError

COLOURS = {"naive": "#d62728", "correlational": "#ff7f0e", "backdoor": "#2ca02c", "frontdoor": "#17becf",
           "iv": "#9467bd", "graph-based": "#1f77b4", "invariant": "#8c564b", "mediation": "#e377c2"}


def _plt():
    import matplotlib.pyplot as plt  # imported late: matplotlib is slow to load

    return plt


def _grid(n, width=4.2, height=3.2):
    plt = _plt()
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
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


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def survival_figure(results: pd.DataFrame):
    """Per environment, each learner's excess error (beyond the best possible answer from the
    features it was fed) on observational data (rung 1, ``bias_rmse``) beside its excess
    under the interventions (rung 2, ``do_bias_rmse`` averaged over regimes and seeds). The
    noise no answer can remove is left out, so an exact answer scores 0 on both: a learner
    that survives keeps its bar pair level; one that answered do() by conditioning does not."""
    ok = results[results["status"] == "ok"]
    envs = _settings(ok[ok["metric"] == "do_bias_rmse"])
    fig, axes = _grid(max(len(envs), 1), width=5.0, height=3.4)
    for ax, (env_id, knobs, title) in zip(axes, envs):
        sub = ok[(ok["environment"] == env_id) & (ok["knobs"] == knobs)]
        learners = list(dict.fromkeys(sub["learner"]))
        obs = [sub[(sub["learner"] == l) & (sub["metric"] == "bias_rmse")]["value"].mean() for l in learners]
        intv = [sub[(sub["learner"] == l) & (sub["metric"] == "do_bias_rmse")]["value"].mean() for l in learners]
        x = np.arange(len(learners))
        ax.bar(x - 0.2, obs, 0.4, label="excess, observational (rung 1)", color="#9ecae1")
        ax.bar(x + 0.2, intv, 0.4, label="excess under do() (rung 2)", color="#3182bd")
        ax.set_xticks(x, [_short(l, 22) for l in learners], rotation=35, ha="right", fontsize=7)
        ax.set_ylabel("RMSE beyond the best answer")
        ax.set_title(title, fontsize=10)
    if envs:
        axes[0].legend(fontsize=7)
    fig.suptitle("Survival: error beyond the best possible answer, before and under intervention", fontsize=11)
    fig.tight_layout()
    return fig


def ate_figure(results: pd.DataFrame):
    """Per environment, each learner's estimated ATE (mean and spread over seeds, largest
    training size) against the exact truth (dashed line), coloured by the family it acted as;
    the ATT where that is the environment's only truth (LaLonde-v0)."""
    ok = results[results["status"] == "ok"]
    with_ate = set(results.loc[results["metric"] == "ate", "environment"])
    ate = ok[(ok["metric"] == "ate") | ((ok["metric"] == "att") & ~ok["environment"].isin(with_ate))]
    envs = [e for e in _settings(results) if ((ate["environment"] == e[0]) & (ate["knobs"] == e[1])).any()]
    fig, axes = _grid(max(len(envs), 1), width=5.0, height=3.4)
    for ax, (env_id, knobs, title) in zip(axes, envs):
        sub = ate[(ate["environment"] == env_id) & (ate["knobs"] == knobs)]
        sub = sub[sub["n_train"] == sub["n_train"].max()]
        learners = list(dict.fromkeys(sub["learner"]))
        for i, l in enumerate(learners):
            rows = sub[sub["learner"] == l]
            colour = COLOURS.get(rows["judged_family"].iloc[0], "grey")
            ax.scatter(np.full(len(rows), i), rows["value"], color=colour, alpha=0.5, s=14)
            ax.scatter([i], [rows["value"].mean()], color=colour, marker="D", s=40, edgecolors="black")
        truth = float(sub["true_value"].iloc[0]) if len(sub) else np.nan
        name = sub["metric"].iloc[0].upper() if len(sub) else "ATE"
        ax.axhline(truth, color="black", linestyle="--", linewidth=1, label=f"true {name} {truth:.3g}")
        ax.set_xticks(range(len(learners)), [_short(l, 22) for l in learners], rotation=35, ha="right", fontsize=7)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7)
    fig.suptitle("Average treatment effect: estimates (dots: seeds) against the truth", fontsize=11)
    fig.tight_layout()
    return fig


def learning_curve_figure(results: pd.DataFrame):
    """ATE error against training size per learner: more data shrinks variance, never the
    confounding bias. Returns None when the table has a single training size."""
    ate = results[(results["metric"] == "ate") & (results["status"] == "ok")]
    if ate["n_train"].nunique() < 2:
        return None
    envs = _settings(ate)
    fig, axes = _grid(len(envs), width=5.0, height=3.4)
    for ax, (env_id, knobs, title) in zip(axes, envs):
        sub = ate[(ate["environment"] == env_id) & (ate["knobs"] == knobs)]
        for l, rows in sub.groupby("learner", sort=False):
            err = (rows["value"] - rows["true_value"]).abs().groupby(rows["n_train"]).mean()
            colour = COLOURS.get(rows["judged_family"].iloc[0], "grey")
            ax.plot(err.index, err.to_numpy(), marker="o", color=colour, label=_short(l, 30))
        ax.set_xscale("log")
        ax.set_xlabel("training rows")
        ax.set_ylabel("|ATE error|")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=6)
    fig.suptitle("Learning curves: does more data help?", fontsize=11)
    fig.tight_layout()
    return fig


def sweep_figure(results: pd.DataFrame):
    """Knob sweeps: each learner's ATE error (estimate - truth; mean over seeds at the
    largest training size, bars: one standard error over seeds) against the value of each
    knob that varies within an environment, one panel per (environment, knob, setting of the
    other varying knobs). A back-door estimator stays on zero as confounding grows; the
    naive contrast leaves it. Returns None when no knob varies in ``results``."""
    from ..evaluation.knobs import knob_frame, varying_knobs

    varying = {env_id: names for env_id, names in varying_knobs(results).items() if names}
    ate = results[(results["metric"] == "ate") & (results["status"] == "ok")]
    ate = ate[ate["environment"].isin(list(varying))]
    if not len(ate):
        return None
    ate = ate[ate["n_train"] == ate.groupby(["environment", "knobs"])["n_train"].transform("max")]
    values = knob_frame(ate)
    ate = ate.assign(error=ate["value"] - ate["true_value"])
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
    for ax, (title, knob, mask) in zip(axes, panels):
        sub, x_raw = ate[mask], values.loc[mask, knob]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x_raw)
        levels = sorted(dict.fromkeys(x_raw.map(_key)), key=lambda v: (float(v) if numeric else 0, str(v)))
        position = {v: (float(v) if numeric else i) for i, v in enumerate(levels)}
        x = x_raw.map(_key).map(position)
        for learner, rows in sub.groupby("learner", sort=False):
            stats = rows["error"].groupby(x[rows.index]).agg(["mean", "std", "count"]).sort_index()
            se = (stats["std"] / np.sqrt(stats["count"])).fillna(0.0)
            ax.errorbar(stats.index, stats["mean"], yerr=se, marker="o", capsize=3, label=learner)
        ax.axhline(0.0, color="black", linestyle="--", linewidth=1)
        if not numeric:
            ax.set_xticks(range(len(levels)), [str(v) for v in levels])
        ax.set_xlabel(knob)
        ax.set_ylabel("ATE error (estimate - truth)")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=6)
    fig.suptitle("Knob sweeps: ATE error against each knob (bars: one SE over seeds)", fontsize=11)
    fig.tight_layout()
    return fig


def coverage_figure(coverage: pd.DataFrame):
    """Calibration: each learner's coverage of its nominal 95% intervals (per estimand), with
    2 binomial standard errors, against the nominal line; hollow markers count every cell,
    filled ones only the cells where the environment expects the learner to succeed.
    ``coverage`` is :func:`causalab.evaluation.coverage_table`'s table."""
    plt = _plt()
    labels = [f"{_short(l, 30)} ({e})" for l, e in zip(coverage["learner"], coverage["estimand"])]
    fig, ax = plt.subplots(figsize=(7.0, 0.32 * len(labels) + 1.4))
    y = np.arange(len(labels))
    ax.errorbar(coverage["coverage"], y + 0.15, xerr=2 * coverage["binomial_se"], fmt="o", mfc="white",
                color="#7f7f7f", label="every cell")
    ax.errorbar(coverage["coverage_valid"], y - 0.15, xerr=2 * coverage["binomial_se_valid"], fmt="o",
                color="#1f77b4", label="where the learner should succeed")
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


def dose_response_figure(env, learners, n_train: int = 2000, seed: int = 0, n_grid: int = 9, n_truth: int = 20_000):
    """E[Y | do(T=t)] over a grid of treatment values: each learner's average ``predict_do``
    against the truth, simulated on shared units (continuous treatments)."""
    from sklearn.base import clone

    plt = _plt()
    data = env.sample(n_train, seed=seed)
    t = env.treatment
    lo, hi = np.quantile(data[t], [0.05, 0.95])
    grid = np.linspace(lo, hi, n_grid)
    truth = [env.do({t: float(v)}).sample(n_truth, seed=seed + 1)[env.outcome].mean() for v in grid]
    fig, ax = plt.subplots(figsize=(5.0, 3.4))
    ax.plot(grid, truth, color="black", linewidth=2.5, label="truth E[Y | do(T=t)]")
    for learner in learners:
        try:
            fitted = clone(learner).fit(data, env.task)
            curve = [fitted.predict_do(data, {t: float(v)}).mean() for v in grid]
        except UnsupportedQueryError:
            continue
        ax.plot(grid, curve, marker=".", color=COLOURS.get(fitted.tags.family, "grey"), label=_short(repr(learner)))
    ax.set_xlabel(f"do({t}=t)")
    ax.set_ylabel(f"E[{env.outcome}]")
    ax.set_title(f"{env.id}: dose-response under do()", fontsize=10)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def counterfactual_figure(env, learners, n_train: int = 2000, seed: int = 0, n_units: int = 300):
    """Each unit's true counterfactual outcome under do(T=0) (from its stored noise) against
    each learner's answer from the unit's factual row: on the diagonal is right."""
    from sklearn.base import clone

    plt = _plt()
    data = env.sample(n_train, seed=seed)
    world = env.sample_world(n_units, seed=seed + 1)
    do = {env.treatment: 0.0}
    truth = env.counterfactual(world, do)[env.outcome].to_numpy()
    fig, ax = plt.subplots(figsize=(4.4, 4.0))
    for learner in learners:
        try:
            fitted = clone(learner).fit(data, env.task)
            cf = fitted.predict_counterfactual(world[env.observed], do).to_numpy()
        except UnsupportedQueryError:
            continue
        ax.scatter(truth, cf, s=8, alpha=0.5, color=COLOURS.get(fitted.tags.family, "grey"),
                   label=f"{_short(repr(learner), 24)} ({fitted.tags.predict_counterfactual})")
    span = [np.min(truth), np.max(truth)]
    ax.plot(span, span, color="black", linewidth=1)
    ax.set_xlabel("true counterfactual (stored noise)")
    ax.set_ylabel("learner's counterfactual")
    ax.set_title(f"{env.id}: Y under do({env.treatment}=0), unit by unit", fontsize=10)
    ax.legend(fontsize=6)
    fig.tight_layout()
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
    ax.bar(x - 0.2, card["sensitivity"].fillna(0), 0.4, color="#2ca02c",
           label="flags truly wrong estimates (sensitivity)")
    ax.bar(x + 0.2, card["false_alarms"].fillna(0), 0.4, color="#d62728",
           label="flags truly right estimates (false alarms)")
    for i, row in enumerate(card.itertuples(index=False)):
        ax.text(i, 1.02, f"{row.truly_wrong} wrong / {row.truly_right} right", ha="center", fontsize=6)
    ax.set_xticks(x, [_short(r, 22) for r in card["refuter"]], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("share of cells flagged")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Refuters scored against the truth", fontsize=11)
    fig.tight_layout()
    return fig
