"""Knobs as columns: every result row carries its environment's knob settings.

A result table stores each row's knobs once, as canonical JSON in the ``knobs`` column
(sorted keys, so equal settings are equal strings and the column can be grouped on).
These helpers turn it into real columns:

>>> import causalab as cl
>>> res = cl.run(["Confounding-v0"], [cl.learners.LinearRegression(features="treatment")],
...              knobs={"strength": [0.0, 1.0]}, seeds=[0], n_train=200, n_test=200, progress=False)
>>> cl.evaluation.knob_frame(res)["strength"].unique().tolist()
[0.0, 1.0]
>>> sorted(cl.evaluation.varying_knobs(res)["Confounding-v0"])
['strength']

Every grouping in causalab (the leaderboard, verdicts, figures) is by ``(environment,
knobs, learner)``, so a knob sweep is never averaged over its settings.
"""

from __future__ import annotations

import json

import pandas as pd

from ..exceptions import InvalidValueError


def _parsed(knobs: pd.Series) -> dict[str, dict]:
    """Each distinct JSON string of the column, parsed once."""
    out = {}
    for text in pd.unique(knobs):
        try:
            value = json.loads(text) if isinstance(text, str) and text else {}
        except json.JSONDecodeError as exc:
            raise InvalidValueError(f"the knobs column holds {text!r}, which is not the JSON of a dict") from exc
        if not isinstance(value, dict):
            raise InvalidValueError(f"the knobs column holds {text!r}, which is not the JSON of a dict")
        out[text] = value
    return out


def _knobs_column(results) -> pd.Series:
    if not isinstance(results, pd.DataFrame) or "knobs" not in results.columns:
        raise InvalidValueError("expected a result table with a 'knobs' column (from causalab.evaluate or "
                                "causalab.run)")
    return results["knobs"]


def knob_frame(results: pd.DataFrame) -> pd.DataFrame:
    """One column per knob name in ``results`` (the union over its environments), aligned
    with its rows; a row whose environment has no such knob holds ``None``.

    The values are the knobs' JSON values (tuples come back as lists). Knob names may clash
    with result columns (RandomDAG has a ``seed`` knob): use :func:`with_knobs` to add them
    with a prefix.
    """
    column = _knobs_column(results)
    parsed = _parsed(column)
    names = sorted({k for d in parsed.values() for k in d})
    return pd.DataFrame({name: [parsed[t].get(name) for t in column] for name in names}, index=results.index,
                        columns=names)


def with_knobs(results: pd.DataFrame, prefix: str = "knob_") -> pd.DataFrame:
    """``results`` with one more column per knob, named ``prefix + name``
    (``knob_strength``), for filtering and plotting; the ``knobs`` column stays.

    The returned table has extra columns, so give ``results`` itself, not this, to
    ``verdicts``, ``leaderboard`` and ``report``.
    """
    frame = knob_frame(results).add_prefix(prefix)
    clash = sorted(set(frame.columns) & set(results.columns))
    if clash:
        raise InvalidValueError(f"knob columns {clash} would overwrite result columns; pass another prefix")
    return pd.concat([results, frame], axis=1)


def varying_knobs(results: pd.DataFrame) -> dict[str, list[str]]:
    """Per environment, the knobs that take more than one value in ``results`` (in the
    environment's own knob order); environments run at one setting map to ``[]``."""
    column = _knobs_column(results)
    parsed = _parsed(column)
    out = {}
    for env_id, texts in column.groupby(results["environment"], sort=False):
        settings = [parsed[t] for t in pd.unique(texts)]
        names = list(dict.fromkeys(k for d in settings for k in d))
        out[env_id] = [k for k in names
                       if len({json.dumps(d.get(k), sort_keys=True) for d in settings}) > 1]
    return out


def knob_labels(results: pd.DataFrame) -> pd.Series:
    """Per row, a short label of the knobs that vary within its environment in ``results``
    (``"strength=0.5"``, several joined by ``", "``); ``""`` where the environment ran at
    one setting. The label tells a sweep's rows apart in tables and figure titles."""
    labels = label_map(results)
    return pd.Series([labels[key] for key in zip(results["environment"], results["knobs"])], index=results.index,
                     name="knobs", dtype=object)


def label_map(results: pd.DataFrame) -> dict[tuple[str, str], str]:
    """``{(environment, knobs JSON): label}`` for each setting in ``results`` (see :func:`knob_labels`)."""
    column = _knobs_column(results)
    parsed = _parsed(column)
    varying = varying_knobs(results)
    return {(env_id, text): ", ".join(f"{k}={_short(parsed[text].get(k))}" for k in varying[env_id])
            for env_id, text in dict.fromkeys(zip(results["environment"], column))}


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "(" + ",".join(_short(v) for v in value) + ")"
    return str(value)


__all__ = ["knob_frame", "knob_labels", "label_map", "varying_knobs", "with_knobs"]
