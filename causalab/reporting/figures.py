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


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def survival_figure(results: pd.DataFrame):
    """Per environment, each learner's excess error (beyond the best possible answer from the
    features it was fed) on observational data (rung 1, ``bias_rmse``) beside its excess
    under the interventions (rung 2, ``do_bias_rmse`` averaged over regimes and seeds). The
    noise no answer can remove is left out, so an exact answer scores 0 on both: a learner
    that survives keeps its bar pair level; one that answered do() by conditioning does not."""
    ok = results[results["status"] == "ok"]
    envs = list(dict.fromkeys(ok.loc[ok["metric"] == "do_bias_rmse", "environment"]))
    fig, axes = _grid(max(len(envs), 1), width=5.0, height=3.4)
    for ax, env_id in zip(axes, envs):
        sub = ok[ok["environment"] == env_id]
        learners = list(dict.fromkeys(sub["learner"]))
        obs = [sub[(sub["learner"] == l) & (sub["metric"] == "bias_rmse")]["value"].mean() for l in learners]
        intv = [sub[(sub["learner"] == l) & (sub["metric"] == "do_bias_rmse")]["value"].mean() for l in learners]
        x = np.arange(len(learners))
        ax.bar(x - 0.2, obs, 0.4, label="excess, observational (rung 1)", color="#9ecae1")
        ax.bar(x + 0.2, intv, 0.4, label="excess under do() (rung 2)", color="#3182bd")
        ax.set_xticks(x, [_short(l, 22) for l in learners], rotation=35, ha="right", fontsize=7)
        ax.set_ylabel("RMSE beyond the best answer")
        ax.set_title(env_id, fontsize=10)
    if envs:
        axes[0].legend(fontsize=7)
    fig.suptitle("Survival: error beyond the best possible answer, before and under intervention", fontsize=11)
    fig.tight_layout()
    return fig


def ate_figure(results: pd.DataFrame):
    """Per environment, each learner's estimated ATE (mean and spread over seeds, largest
    training size) against the exact truth (dashed line), coloured by the family it acted as."""
    ate = results[(results["metric"] == "ate") & (results["status"] == "ok")]
    envs = list(dict.fromkeys(results["environment"]))
    envs = [e for e in envs if (ate["environment"] == e).any()]
    fig, axes = _grid(max(len(envs), 1), width=5.0, height=3.4)
    for ax, env_id in zip(axes, envs):
        sub = ate[ate["environment"] == env_id]
        sub = sub[sub["n_train"] == sub["n_train"].max()]
        learners = list(dict.fromkeys(sub["learner"]))
        for i, l in enumerate(learners):
            rows = sub[sub["learner"] == l]
            colour = COLOURS.get(rows["judged_family"].iloc[0], "grey")
            ax.scatter(np.full(len(rows), i), rows["value"], color=colour, alpha=0.5, s=14)
            ax.scatter([i], [rows["value"].mean()], color=colour, marker="D", s=40, edgecolors="black")
        truth = float(sub["true_value"].iloc[0]) if len(sub) else np.nan
        ax.axhline(truth, color="black", linestyle="--", linewidth=1, label=f"true ATE {truth:.3g}")
        ax.set_xticks(range(len(learners)), [_short(l, 22) for l in learners], rotation=35, ha="right", fontsize=7)
        ax.set_title(env_id, fontsize=10)
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
    envs = list(dict.fromkeys(ate["environment"]))
    fig, axes = _grid(len(envs), width=5.0, height=3.4)
    for ax, env_id in zip(axes, envs):
        sub = ate[ate["environment"] == env_id]
        for l, rows in sub.groupby("learner", sort=False):
            err = (rows["value"] - rows["true_value"]).abs().groupby(rows["n_train"]).mean()
            colour = COLOURS.get(rows["judged_family"].iloc[0], "grey")
            ax.plot(err.index, err.to_numpy(), marker="o", color=colour, label=_short(l, 30))
        ax.set_xscale("log")
        ax.set_xlabel("training rows")
        ax.set_ylabel("|ATE error|")
        ax.set_title(env_id, fontsize=10)
        ax.legend(fontsize=6)
    fig.suptitle("Learning curves: does more data help?", fontsize=11)
    fig.tight_layout()
    return fig


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
