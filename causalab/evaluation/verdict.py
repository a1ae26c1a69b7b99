"""Verdicts: did each learner behave as the environment's assumptions say it should?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .evaluate import COLUMNS
from .knobs import label_map

VERDICT_COLUMNS = ("environment", "knobs", "learner", "judged_family", "expected", "expected_reason", "n_train",
                   "n_seeds", "ate", "true_ate", "ate_error", "tolerance", "observed", "verdict")
#: beside each verdict, the per-unit causal error behind it (see :mod:`causalab.evaluation.excess`)
VERDICT_COLUMNS += ("do_excess", "survival")
#: the graph the learner was fitted on, and the refuters that flagged it (see :mod:`causalab.evaluation.refute`)
VERDICT_COLUMNS += ("graph", "refuted")


def tolerance(sd_y: float, truth: float, se_seeds: float = 0.0, se_truth: float = 0.0) -> float:
    """The verdict's tolerance on an ATE error: max(0.05 sd(Y), 0.1 |ATE|) + 2 SE(seeds) + 2 SE(truth)."""
    return max(0.05 * sd_y, 0.1 * abs(truth)) + 2 * se_seeds + 2 * se_truth


def verdicts(results: pd.DataFrame) -> pd.DataFrame:
    """One row per (environment, knob setting, learner): what was expected, what happened, and
    whether they agree.

    ``knobs`` labels the knob settings that vary within the environment in ``results``
    (``"strength=0.5"``; ``""`` when the environment ran at one setting, see
    :func:`causalab.evaluation.knob_labels`): a knob sweep gives one verdict per setting,
    never one over the settings pooled.

    ``expected`` comes from the environment's ``expected`` for the family the learner acted as
    (``judged_family``: a correlational learner fed a valid adjustment set counts as back-door).
    The effect judged is the ATE, or the ATT where the environment's truth is the ATT alone
    (LaLonde-v0); the columns keep the names ``ate*``.
    ``observed`` is ``"succeeds"`` when the mean ATE error over seeds, at the largest
    training size, is within the tolerance

        max(0.05 sd(Y), 0.1 |ATE|) + 2 SE(seeds) + 2 SE(truth)

    (SE(seeds): the spread of the estimates over seeds / sqrt(seeds); SE(truth): the stated
    truth's own standard error, for measured truths), ``"fails"`` otherwise, ``"refuses"``
    when the learner declined to fit (its estimand is not identified), and ``"n/a"`` when it
    cannot be applied. ``verdict`` is ``"as expected"``, ``"MISMATCH"`` (a bug or a lesson:
    look), or ``"no expectation"`` when the environment states none for that family.

    Beside it, at the same training size: ``do_excess``, the mean over regimes and seeds of
    ``do_bias_rmse`` (each unit's answer under do() against the best possible answer from
    the learner's features: causal error without the noise), and ``survival``, the mean of
    the survival ratio (1: the error grows under do() no more than the noise does). An ATE
    can be right on average while ``do_excess`` shows unit-level answers that are not.

    ``graph``: the graph the learner was fitted on (``cl.evaluate(graph=...)``; a learner on a
    wrong graph gets its own verdict, with no expectation stated). ``refuted``: the refuters
    that flagged its estimate, as ``"name k/n"`` (flagged in k of n seeds), when refuters ran.
    The refuters' scorecard against the truth (:func:`causalab.evaluation.refuter_scorecard`)
    is in ``.attrs["refuter_scorecard"]`` of the returned table.
    """
    if not isinstance(results, pd.DataFrame) or list(results.columns) != list(COLUMNS):
        raise ValueError("verdicts needs a result table from causalab.evaluate")
    out = []
    labels = label_map(results)
    for (env_id, knobs, graph, learner), group in results.groupby(["environment", "knobs", "graph", "learner"],
                                                                  sort=False):
        first = group.iloc[0]
        n = int(group["n_train"].max())
        at_n = group[group["n_train"] == n]
        row = {"environment": env_id, "knobs": labels[(env_id, knobs)], "learner": learner,
               "judged_family": first["judged_family"],
               "expected": first["expected"], "expected_reason": first["expected_reason"], "n_train": n,
               "n_seeds": int(at_n["seed"].nunique()), "ate": np.nan, "true_ate": np.nan, "ate_error": np.nan,
               "tolerance": np.nan, "graph": graph, "refuted": _refuted(at_n)}
        for column, metric in (("do_excess", "do_bias_rmse"), ("survival", "survival")):
            values = at_n.loc[(at_n["metric"] == metric) & (at_n["status"] == "ok"), "value"]
            row[column] = float(values.mean()) if len(values) else np.nan
        fit = at_n[at_n["metric"] == "fit"]
        ate = at_n[(at_n["metric"] == "ate") & (at_n["status"] == "ok")]
        if not (at_n["metric"] == "ate").any():  # a truth on the treated only (LaLonde): judge the ATT
            ate = at_n[(at_n["metric"] == "att") & (at_n["status"] == "ok")]
        if len(fit) and (fit["status"] == "not_identified").any():
            observed = "refuses"
        elif len(fit) or not len(ate):
            observed = "n/a"
        else:
            values, truth = ate["value"].to_numpy(), float(ate["true_value"].iloc[0])
            sd_y = float(at_n.loc[at_n["metric"] == "outcome_sd", "value"].mean())
            se_seeds = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
            se_truth = float(ate["se"].iloc[0]) if np.isfinite(ate["se"].iloc[0]) else 0.0
            tol = tolerance(sd_y, truth, se_seeds, se_truth)
            error = float(values.mean() - truth)
            row.update(ate=float(values.mean()), true_ate=truth, ate_error=error, tolerance=tol)
            observed = "succeeds" if abs(error) <= tol else "fails"
        row["observed"] = observed
        expected = row["expected"]
        if not expected:
            verdict = "no expectation"
        elif observed == "n/a":
            verdict = "not applicable"
        elif observed == "refuses":
            verdict = "as expected" if expected == "fails" else "MISMATCH"
        else:
            verdict = "as expected" if observed == expected else "MISMATCH"
        row["verdict"] = verdict
        out.append(row)
    table = pd.DataFrame(out, columns=list(VERDICT_COLUMNS))
    if (results["rung"] == "refute").any():
        from .refute import refuter_scorecard

        table.attrs["refuter_scorecard"] = refuter_scorecard(results)
    return table


def _refuted(rows: pd.DataFrame) -> str:
    flags = rows[(rows["rung"] == "refute") & (rows["metric"] == "flagged") & (rows["status"] == "ok")]
    parts = [f"{name} {int(g['value'].sum())}/{len(g)}" for name, g in flags.groupby("regime", sort=False)
             if g["value"].sum() > 0]
    return ", ".join(parts)
