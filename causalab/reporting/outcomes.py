"""Who survives: each learner's outcome on each environment (and knob setting) against the
truth, read from the verdict table (:func:`causalab.evaluation.verdicts`), with the one
palette the report's grid and every figure share.

The outcome is the verdict's ``observed`` (``succeeds``: the mean ATE error over seeds within
the verdict's tolerance; ``fails``; ``refuses``), and, where the verdict has nothing to
observe, why: the learner raised an error, cannot answer the environment's effect, or the
environment has no truth to judge against. The expectation is the verdict's ``verdict``
(``as expected``, ``MISMATCH``, ``no expectation``): no second criterion.
"""

from __future__ import annotations

import pandas as pd

from ..evaluation.knobs import label_map
from ..evaluation.verdict import verdicts

#: outcome -> (colour, fill, what it means). The colour draws lines, markers and cell edges,
#: the fill (a pale tint of the same hue) backs table cells. Okabe-Ito hues, which stay apart
#: under the common colour-vision deficiencies; the outcome is always written as well.
OUTCOMES = {
    "succeeded": ("#009E73", "#BFE6D8", "its mean ATE error over seeds is within the verdict's tolerance "
                                        "(the verdict table's observed = succeeds)"),
    "failed": ("#D55E00", "#F7CDB0", "its mean ATE error is beyond the verdict's tolerance (observed = fails)"),
    "refused": ("#6E6E6E", "#D4D4D4", "it declined to fit: its estimand is not identified in this graph "
                                      "(observed = refuses)"),
    "cannot answer": ("#9E9E9E", "#EFEFEF", "it does not answer this environment's effect (e.g. inverse "
                                            "propensity weights on a continuous treatment)"),
    "error": ("#CC79A7", "#F1D3E4", "it raised an error (see Refusals and errors)"),
    "no truth": ("#56B4E9", "#FFFFFF", "the environment has no ground truth: estimates only (see Estimates "
                                       "without ground truth)"),
    "not judged": ("#56B4E9", "#FFFFFF", "the environment's truth is not an average effect (e.g. Sachs' "
                                         "measured shifts: see Other measures)"),
}

#: expectation -> what it means (the verdict table's ``verdict``)
EXPECTATIONS = {
    "as expected": "the outcome is the one the environment states for the family the learner acted as",
    "MISMATCH": "the learner did the opposite of what the environment states: a bug or a lesson, look",
    "no expectation": "the environment states no expectation for the family the learner acted as",
}

_OBSERVED = {"succeeds": "succeeded", "fails": "failed", "refuses": "refused"}
_EFFECTS = ("ate", "att")

OUTCOME_COLUMNS = ("environment", "knobs", "setting", "learner", "outcome", "expectation", "expected")


def graph_labelled(results: pd.DataFrame) -> pd.DataFrame:
    """The table with each learner fitted on a wrong graph labelled ``"Learner() [graph=name]"``
    and its graph set to ``"true"`` (so that tables and figures keyed by learner keep every
    graph variant apart); the table itself when every learner had the true graph."""
    wrong = results["graph"] != "true"
    if not wrong.any():
        return results
    learner = results["learner"].where(~wrong, results["learner"] + " [graph=" + results["graph"] + "]")
    return results.assign(learner=learner, graph="true")


def outcome_table(results: pd.DataFrame, judged: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (environment, knob setting, learner), in the order run: ``outcome`` (a key
    of :data:`OUTCOMES`), ``expectation`` (``"as expected"``, ``"MISMATCH"``, ``"no
    expectation"``, or ``""`` where nothing was observed to compare) and ``expected`` (what
    the environment states: ``"succeeds"``, ``"fails"`` or ``""``). ``knobs`` is the
    setting's label (``""`` when the environment ran at one setting), ``setting`` its JSON
    as in the result table. Learners on a wrong graph are their own rows
    (:func:`graph_labelled`). ``judged``: the verdicts of ``graph_labelled(results)`` when
    already computed."""
    results = graph_labelled(results)
    judged = verdicts(results) if judged is None else judged
    labels = label_map(results)
    setting = {(env_id, label): text for (env_id, text), label in labels.items()}
    at_max = results[results["n_train"] == results.groupby(["environment", "knobs", "learner"])["n_train"]
                     .transform("max")]
    groups = dict(iter(at_max.groupby(["environment", "knobs", "learner"], sort=False)))
    per_setting = dict(iter(results.groupby(["environment", "knobs"], sort=False)))
    rows = []
    for v in judged.itertuples(index=False):
        text = setting[(v.environment, v.knobs)]
        outcome = _OBSERVED.get(v.observed)
        if outcome is None:
            outcome = _unobserved(groups[(v.environment, text, v.learner)], per_setting[(v.environment, text)])
        expectation = v.verdict if v.verdict in EXPECTATIONS and outcome in _OBSERVED.values() else ""
        rows.append({"environment": v.environment, "knobs": v.knobs, "setting": text, "learner": v.learner,
                     "outcome": outcome, "expectation": expectation, "expected": v.expected})
    return pd.DataFrame(rows, columns=list(OUTCOME_COLUMNS))


def _unobserved(rows: pd.DataFrame, setting: pd.DataFrame) -> str:
    """Why a verdict observed nothing: the learner's rows (at its largest training size) and
    its environment setting's rows (every learner)."""
    answers = rows[(rows["metric"] == "fit") | rows["metric"].isin(_EFFECTS)]
    if (answers["status"] == "error").any():
        return "error"
    if (setting["metric"] == "ate_estimate").any() and not setting["metric"].isin(_EFFECTS).any():
        return "no truth"
    if setting["metric"].isin(_EFFECTS).any():
        return "cannot answer"
    return "not judged"


def outcome_grid(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The environment x learner grid of :func:`outcome_table`: one row per (environment, knob
    setting) in the order run, one column per learner (full names), each cell the
    ``(outcome, expectation, expected)`` of the pair (``None`` where the pair did not run)."""
    settings = list(dict.fromkeys(zip(outcomes["environment"], outcomes["knobs"])))
    learners = list(dict.fromkeys(outcomes["learner"]))
    cells = {(r.environment, r.knobs, r.learner): (r.outcome, r.expectation, r.expected)
             for r in outcomes.itertuples(index=False)}
    index = pd.MultiIndex.from_tuples(settings, names=["environment", "knobs"]) if settings else None
    return pd.DataFrame([[cells.get((e, k, l)) for l in learners] for e, k in settings], index=index,
                        columns=learners, dtype=object)


def cell_text(outcome: str, expectation: str, expected: str) -> tuple[str, str]:
    """The two parts of a grid cell's words: the outcome, and the expectation (a mismatch
    says what was expected)."""
    if expectation == "MISMATCH":
        return outcome, f"MISMATCH: expected to {expected[:-1]}" if expected else "MISMATCH"
    return outcome, expectation


def lookup(results: pd.DataFrame) -> dict[tuple[str, str, str], tuple[str, str]]:
    """``{(environment, knobs JSON, learner): (outcome, expectation)}`` for the figures."""
    table = outcome_table(results)
    return {(r.environment, r.setting, r.learner): (r.outcome, r.expectation) for r in table.itertuples(index=False)}


__all__ = ["EXPECTATIONS", "OUTCOMES", "OUTCOME_COLUMNS", "cell_text", "graph_labelled", "lookup", "outcome_grid",
           "outcome_table"]
