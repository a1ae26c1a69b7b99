"""The report: a leaderboard, the verdict table and the figures, as markdown or one
self-contained HTML file (figures inline as PNG, every piece of text HTML-escaped)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..evaluation.evaluate import COLUMNS
from ..evaluation.graphs import graph_degradation
from ..evaluation.coverage import coverage_table
from ..evaluation.knobs import label_map
from ..evaluation.refute import refuter_scorecard, sensitivity_table
from ..evaluation.verdict import verdicts
from ..exceptions import InvalidValueError
from . import figures as F

LEADERBOARD_COLUMNS = ("environment", "knobs", "learner", "acts_as", "ate_error", "do_excess", "survival",
                       "cf_excess", "do_rmse_with_noise", "cf_error", "verdict")


def leaderboard(results: pd.DataFrame) -> pd.DataFrame:
    """One row per (environment, knob setting, learner): mean ATE error (estimate - truth; the
    ATT's where that is the environment's only truth, as on LaLonde-v0);
    ``do_excess``, the error under do() beyond the best possible answer from the learner's
    features (``do_bias_rmse``, 0 for an exact answer), and ``survival`` (1: the error grows
    under do() no more than the noise does), both averaged over the regimes; ``cf_excess``,
    the same for counterfactuals (``cf_bias_rmse``); ``do_rmse_with_noise``, the raw error
    under do() against the units' noisy outcomes (what a practitioner sees on data), and
    ``cf_error``, the raw counterfactual error (RMSE, or 1 - accuracy for a discrete
    outcome); the verdict. Sorted by environment, knob setting (in the order run), then
    |ATE error|. ``knobs`` labels the knobs that vary within the environment (``""`` when it
    ran at one setting), so a sweep's settings are separate rows, never averaged together.
    A learner fitted on a wrong graph (``cl.evaluate(graph=...)``) is its own row, labelled
    ``"Learner() [graph=name]"``."""
    results = graph_labelled(results)
    ok = results[results["status"] == "ok"]
    at_max = ok[ok["n_train"] == ok.groupby(["environment", "knobs"])["n_train"].transform("max")]
    labels = label_map(results)
    rows = []
    verdict = verdicts(results).set_index(["environment", "knobs", "learner"])
    for (env_id, knobs, learner), g in results.groupby(["environment", "knobs", "learner"], sort=False):
        s = at_max[(at_max["environment"] == env_id) & (at_max["knobs"] == knobs) & (at_max["learner"] == learner)]

        def mean(metric):
            v = s.loc[s["metric"] == metric, "value"]
            return float(v.mean()) if len(v) else np.nan

        ate = s[s["metric"] == "ate"]
        if not len(ate):  # a truth on the treated only (LaLonde): its ATT error
            ate = s[s["metric"] == "att"]
        cf = mean("cf_rmse")
        if np.isnan(cf) and (s["metric"] == "cf_accuracy").any():
            cf = 1.0 - mean("cf_accuracy")
        label = labels[(env_id, knobs)]
        v = verdict.loc[(env_id, label, learner)]
        rows.append({"environment": env_id, "knobs": label, "learner": learner, "acts_as": g["judged_family"].iloc[0],
                     "ate_error": float((ate["value"] - ate["true_value"]).mean()) if len(ate) else np.nan,
                     "do_excess": mean("do_bias_rmse"), "survival": mean("survival"),
                     "cf_excess": mean("cf_bias_rmse"), "do_rmse_with_noise": mean("do_rmse"), "cf_error": cf,
                     "verdict": v["verdict"] if v["observed"] != "refuses" else f"{v['verdict']} (refuses)"})
    out = pd.DataFrame(rows, columns=list(LEADERBOARD_COLUMNS))
    setting = {key: i for i, key in enumerate(dict.fromkeys(zip(out["environment"], out["knobs"])))}
    order = out["ate_error"].abs().fillna(np.inf)
    out = out.assign(_s=[setting[k] for k in zip(out["environment"], out["knobs"])], _o=order)
    return (out.sort_values(["environment", "_s", "_o"], kind="stable").drop(columns=["_s", "_o"])
            .reset_index(drop=True))


OVERLAP_COLUMNS = ("environment", "knobs", "learner", "n_train", "share_clipped", "ess", "ess_share", "overlap")


def overlap_table(results: pd.DataFrame) -> pd.DataFrame:
    """The overlap diagnostics of the learners that adjust for a set (the ``overlap`` rows):
    per (environment, knob setting, learner), at the largest training size, the mean share of units with a
    propensity outside the clipping bounds, the mean effective sample size of the
    inverse-propensity weights (and its share of n), and ``"poor"`` when any seed warned."""
    rows = []
    results = graph_labelled(results)
    rated = results[(results["regime"] == "overlap") & (results["status"] == "ok")]
    labels = label_map(results)  # one row per knob setting, as in the leaderboard
    for (env_id, knobs, learner), g in rated.groupby(["environment", "knobs", "learner"], sort=False):
        g = g[g["n_train"] == g["n_train"].max()]
        n = int(g["n_train"].iloc[0])
        share = float(g.loc[g["metric"] == "overlap_share_clipped", "value"].mean())
        ess = float(g.loc[g["metric"] == "overlap_ess", "value"].mean())
        poor = g["message"].str.contains("OverlapWarning", regex=False).any()
        rows.append({"environment": env_id, "knobs": labels[(env_id, knobs)], "learner": learner, "n_train": n,
                     "share_clipped": share, "ess": ess, "ess_share": ess / n, "overlap": "poor" if poor else "ok"})
    return pd.DataFrame(rows, columns=list(OVERLAP_COLUMNS))


def graph_labelled(results: pd.DataFrame) -> pd.DataFrame:
    """The table with each learner fitted on a wrong graph labelled ``"Learner() [graph=name]"``
    and its graph set to ``"true"`` (so that tables and figures keyed by learner keep every
    graph variant apart); the table itself when every learner had the true graph."""
    wrong = results["graph"] != "true"
    if not wrong.any():
        return results
    learner = results["learner"].where(~wrong, results["learner"] + " [graph=" + results["graph"] + "]")
    return results.assign(learner=learner, graph="true")


class Report:
    """Tables and figures of one result table.

    Parameters
    ----------
    results : DataFrame
        From :func:`causalab.evaluate` or :func:`causalab.run`.
    envs, learners : optional
        With them, the report adds the figures that need fitted models: each environment's
        DAG, dose-response curves (continuous treatments) and unit-level counterfactuals.
        Real-data environments get their task's graph only (no structural model to simulate
        a truth from). What the report could not draw, and why, is listed in ``skipped`` and
        in the report's "Skipped" section; a figure that fails never loses the rest.
    """

    def __init__(self, results: pd.DataFrame, envs=None, learners=None, title: str = "causalab report"):
        if not isinstance(results, pd.DataFrame) or list(results.columns) != list(COLUMNS):
            raise InvalidValueError("report needs a result table from causalab.evaluate or causalab.run")
        self.results, self.title = results, title
        self.leaderboard = leaderboard(results)
        self.verdicts = verdicts(results)
        self.overlap = overlap_table(results)
        shown = graph_labelled(results)  # graph variants apart, in the tables and figures keyed by learner
        self.other_metrics = other_metrics(shown)
        self.estimates = estimates_table(shown)
        self.problems = problems(shown)
        self.coverage = coverage_table(shown)
        # refuters and wrong graphs (opt-in: empty tables when the run had none)
        self.refuter_scorecard = refuter_scorecard(results)
        self.sensitivity = sensitivity_table(results)
        self.graph_degradation = graph_degradation(results)
        self.figures, self.skipped = {}, []
        self._figure("ATE estimates against the truth", F.ate_figure, shown)
        self._figure("Survival under intervention", F.survival_figure, shown)
        if len(self.coverage):
            self._figure("Calibration: coverage of the 95% intervals", F.coverage_figure, self.coverage)
        self._figure("Learning curves", F.learning_curve_figure, shown)
        self._figure("Knob sweeps", F.sweep_figure, shown)
        if len(self.refuter_scorecard):
            self._figure("Refuters scored against the truth", F.refuter_figure, results)
        for env in envs or []:
            name = env.id or type(env).__name__
            self._figure(f"{name}: the graph", F.dag_figure, env)
            if not learners:
                continue
            if "scm" not in env.capabilities:
                # real data: no structural model to simulate a truth from, so nothing to refit against
                self.skipped.append(f"{name}: dose-response and counterfactual figures (real data without a "
                                    "structural model: no simulated truth to draw them against)")
                continue
            if env.task.kind(env.treatment) == "continuous":
                self._figure(f"{name}: dose-response", F.dose_response_figure, env, learners)
            if env.task.kind(env.outcome) == "continuous":
                self._figure(f"{name}: counterfactuals", F.counterfactual_figure, env, learners)

    def _figure(self, name, make, *args):
        """Add one figure; one that fails is listed in ``skipped`` with its error, and the rest of
        the report stands (a figure is an illustration of the table, never a reason to lose it)."""
        try:
            fig = make(*args)
        except Exception as exc:  # noqa: BLE001 - recorded in the report, never silent
            self.skipped.append(f"{name} (the figure failed: {type(exc).__name__}: {exc})")
            return
        if fig is not None:  # None: the figure does not apply (e.g. learning curves of one training size)
            self.figures[name] = fig

    def _extra_tables(self):
        """(title, note, table) of the opt-in sections that have rows: the refuter scorecard,
        the sensitivity analysis beside the exact bias, and the degradation on wrong graphs."""
        out = []
        if len(self.refuter_scorecard):
            out.append(("Refuters scored against the truth", _REFUTER_NOTE, self.refuter_scorecard))
        if len(self.sensitivity):
            out.append(("Sensitivity analysis beside the exact bias", _SENSITIVITY_NOTE, self.sensitivity))
        if len(self.graph_degradation):
            out.append(("Wrong graphs", _GRAPH_NOTE, self.graph_degradation))
        return out

    def mismatches(self) -> pd.DataFrame:
        """The verdict rows where a learner did not behave as the environment says it should."""
        return self.verdicts[self.verdicts["verdict"] == "MISMATCH"]

    def markdown(self) -> str:
        lines = [f"# {self.title}", "", _summary(self.results), "", "## Leaderboard", "",
                 _markdown_table(_shown(self.leaderboard)), "", "## Verdicts", "",
                 _markdown_table(_shown(self.verdicts[["environment", "knobs", "graph", "learner", "judged_family",
                                                       "expected", "observed", "ate_error", "tolerance", "do_excess",
                                                       "refuted", "verdict"]]))]
        if len(self.mismatches()):
            lines += ["", f"**{len(self.mismatches())} mismatch(es)**: a learner behaved against its environment's "
                          "stated expectation. Each is a bug or a lesson."]
        for title, note, table in self._extra_tables():
            lines += ["", f"## {title}", "", note, "", _markdown_table(_shown(table))]
        if len(self.overlap):
            lines += ["", "## Overlap", "", _OVERLAP_NOTE, "", _markdown_table(_shown(self.overlap))]
        if len(self.estimates):
            lines += ["", "## Estimates without ground truth", "", _NO_TRUTH_NOTE, "",
                      *(f"- {line}" for line in agreement(self.estimates)), "", _markdown_table(_shown(self.estimates))]
        if len(self.coverage):
            lines += ["", "## Calibration", "", _COVERAGE_NOTE, "", _markdown_table(self.coverage)]
        if len(self.other_metrics):
            lines += ["", "## Other measures", "", _markdown_table(self.other_metrics)]
        if len(self.problems):
            lines += ["", "## Refusals and errors", "", _markdown_table(self.problems)]
        if self.skipped:
            lines += ["", "## Skipped", "", *(f"- {item}" for item in self.skipped)]
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        parts = [f"<h1>{_e(self.title)}</h1>", f"<p>{_e(_summary(self.results))}</p>"]
        if len(self.mismatches()):
            parts.append(f"<p class='warn'><b>{len(self.mismatches())} mismatch(es)</b>: a learner behaved against "
                         "its environment's stated expectation. Each is a bug or a lesson.</p>")
        parts += ["<h2>Leaderboard</h2>", _html_table(_shown(self.leaderboard)), "<h2>Verdicts</h2>",
                  _html_table(_shown(self.verdicts[["environment", "knobs", "graph", "learner", "judged_family",
                                                    "expected", "expected_reason", "observed", "ate", "true_ate", "ate_error",
                                                    "tolerance", "do_excess", "survival", "refuted", "verdict"]]))]
        for title, note, table in self._extra_tables():
            parts += [f"<h2>{_e(title)}</h2>", f"<p>{_e(note)}</p>", _html_table(_shown(table))]
        if len(self.overlap):
            parts += ["<h2>Overlap</h2>", f"<p>{_e(_OVERLAP_NOTE)}</p>", _html_table(_shown(self.overlap))]
        if len(self.estimates):
            parts += ["<h2>Estimates without ground truth</h2>", f"<p>{_e(_NO_TRUTH_NOTE)}</p>",
                      "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in agreement(self.estimates)) + "</ul>",
                      _html_table(_shown(self.estimates))]
        if len(self.coverage):
            parts += ["<h2>Calibration</h2>", f"<p>{_e(_COVERAGE_NOTE)}</p>", _html_table(self.coverage)]
        if len(self.other_metrics):
            parts += ["<h2>Other measures</h2>", _html_table(self.other_metrics)]
        if len(self.problems):
            parts += ["<h2>Refusals and errors</h2>", _html_table(self.problems)]
        for name, fig in self.figures.items():
            parts += [f"<h2>{_e(name)}</h2>", f"<img alt='{_e(name)}' src='data:image/png;base64,{_png(fig)}'>"]
        if self.skipped:
            parts += ["<h2>Skipped</h2>", "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in self.skipped) + "</ul>"]
        style = ("body{font-family:sans-serif;margin:2em;max-width:1300px} table{border-collapse:collapse;"
                 "font-size:12px} td,th{border:1px solid #ccc;padding:3px 6px} img{max-width:100%}"
                 " .MISMATCH{background:#fbb} .warn{color:#a00}")
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{_e(self.title)}</title>"
                f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")

    def save(self, path) -> Path:
        """Write ``.html`` (self-contained) or ``.md`` by the file's suffix; returns the path."""
        path = Path(path)
        if path.suffix not in (".html", ".md"):
            raise InvalidValueError(f"a report is saved as .html or .md, got {str(path)!r}")
        if not path.parent.is_dir():
            raise InvalidValueError(f"the folder {str(path.parent)!r} does not exist")
        path.write_text(self.html() if path.suffix == ".html" else self.markdown(), encoding="utf-8")
        return path

    def show(self):
        """Show the figures (in a notebook, or matplotlib's window)."""
        import matplotlib.pyplot as plt

        plt.show()

    def _repr_markdown_(self):
        return self.markdown()


_OVERLAP_NOTE = ("Propensity overlap of the learners that adjust for a set (binary treatment): share_clipped is the "
                 "share of training units whose estimated propensity lies outside the clipping bounds, ess the "
                 "effective sample size of the inverse-propensity weights; 'poor' when a fit warned.")
_COVERAGE_NOTE = ("Share of the learners' nominal 95% intervals (ATE, ATT, ATC) that held the truth, over seeds and "
                  "environments; *_valid: only where the environment expects the learner to succeed. A calibrated "
                  "interval covers 95% within 2 binomial standard errors. Learners whose interval is a bootstrap "
                  "appear only when the run asked for resamples (causalab run --bootstrap N).")


_REFUTER_NOTE = ("Each DoWhy refuter run on each fitted learner's ATE: sensitivity is the share of truly wrong "
                 "estimates it flagged, false_alarms the share of truly right ones it flagged; 'truly wrong' is the "
                 "verdict's tolerance against the exact truth.")
_SENSITIVITY_NOTE = ("The back-door linear regression's robustness value (Cinelli & Hazlett: the partial R2 a hidden "
                     "confounder needs with both treatment and outcome to explain the estimate away) and E-value, "
                     "beside the estimate's exact bias.")
_GRAPH_NOTE = ("Learners fitted on a wrong graph, scored against the real truth: degradation = |ATE error on the "
               "variant| - |ATE error on the true graph| (positive: the wrong graph hurt).")


def report(results: pd.DataFrame, envs=None, learners=None, title: str = "causalab report") -> Report:
    """Build the :class:`Report` of a result table (see :class:`Report`)."""
    return Report(results, envs=envs, learners=learners, title=title)


#: answers scored against a truth that neither the leaderboard nor the verdicts show
OTHER_METRICS = ("shift", "att", "atc", "pehe")


def other_metrics(results: pd.DataFrame) -> pd.DataFrame:
    """The answered :data:`OTHER_METRICS` (real data's measured ``shift`` under each
    perturbation, the effects on the treated and the controls ``att`` and ``atc``, ``pehe``;
    interval coverage is the Calibration table, :func:`~causalab.evaluation.coverage_table`):
    mean value and truth per
    (environment, learner, metric, regime) over seeds, at each environment's largest training size."""
    ok = results[(results["status"] == "ok") & results["metric"].isin(OTHER_METRICS)]
    ok = ok[ok["n_train"] == ok.groupby("environment")["n_train"].transform("max")]
    columns = ["environment", "learner", "metric", "regime", "value", "true_value", "rows"]
    if not len(ok):
        return pd.DataFrame(columns=columns)
    out = (ok.groupby(["environment", "learner", "metric", "regime"], sort=False)
           .agg(value=("value", "mean"), true_value=("true_value", "mean"), rows=("value", "size")).reset_index())
    return out[columns]


def problems(results: pd.DataFrame) -> pd.DataFrame:
    """Every refusal and error in the table, grouped by (environment, learner, status, metric),
    with how many rows and the first message: what a learner could not, or did not, answer."""
    bad = results[results["status"] != "ok"]
    columns = ["environment", "learner", "status", "metric", "rows", "message"]
    if not len(bad):
        return pd.DataFrame(columns=columns)
    out = (bad.groupby(["environment", "learner", "status", "metric"], sort=False)
           .agg(rows=("value", "size"), message=("message", "first")).reset_index())
    out["message"] = out["message"].map(lambda m: m if len(m) <= 200 else m[:199] + "…")
    return out[columns]


_NO_TRUTH_NOTE = ("There is no ground truth for these data: the table shows what each learner estimates (the ATE, "
                  "with its 95% interval where the learner gives one) and how far it lies from the learners' median, "
                  "not whether it is right. Agreement is not correctness: learners that share an assumption (the "
                  "graph's adjustment set) share its bias. See the overlap diagnostics for where estimates "
                  "extrapolate.")

ESTIMATE_COLUMNS = ("environment", "learner", "n_train", "n_seeds", "ate_estimate", "ate_low", "ate_high",
                    "from_median")


def estimates_table(results: pd.DataFrame) -> pd.DataFrame:
    """The estimates of environments without ground truth (``ate_estimate`` rows, see
    :data:`causalab.evaluation.evaluate.UNSCORED_METRICS`): per (environment, learner), at the
    largest training size, the mean estimate and interval bounds over seeds, and
    ``from_median``, the estimate minus the median of every learner's estimate there."""
    ok = results[(results["status"] == "ok") & results["metric"].isin(("ate_estimate", "ate_low", "ate_high"))]
    ok = ok[ok["n_train"] == ok.groupby("environment")["n_train"].transform("max")]
    rows = []
    for (env_id, learner), g in ok.groupby(["environment", "learner"], sort=False):
        def mean(metric):
            v = g.loc[g["metric"] == metric, "value"]
            return float(v.mean()) if len(v) else np.nan

        rows.append({"environment": env_id, "learner": learner, "n_train": int(g["n_train"].iloc[0]),
                     "n_seeds": int(g["seed"].nunique()), "ate_estimate": mean("ate_estimate"),
                     "ate_low": mean("ate_low"), "ate_high": mean("ate_high")})
    out = pd.DataFrame(rows, columns=list(ESTIMATE_COLUMNS))
    if len(out):
        out["from_median"] = out["ate_estimate"] - out.groupby("environment")["ate_estimate"].transform("median")
    return out


def agreement(estimates: pd.DataFrame) -> list[str]:
    """One line per environment of :func:`estimates_table`: the range of the learners'
    estimates and whether their 95% intervals share a common point."""
    lines = []
    for env_id, g in estimates.groupby("environment", sort=False):
        values = g["ate_estimate"]
        text = (f"{env_id}: {len(g)} learner(s) estimate the ATE between {values.min():.4g} and {values.max():.4g} "
                f"(spread {values.max() - values.min():.4g}, median {values.median():.4g})")
        bounded = g.dropna(subset=["ate_low", "ate_high"])
        if len(bounded) >= 2:
            common = bounded["ate_low"].max() <= bounded["ate_high"].min()
            text += (f"; the {len(bounded)} 95% intervals {'share a common point' if common else 'do not all overlap'}")
        lines.append(text)
    return lines


def _summary(results) -> str:
    envs, learners = results["environment"].nunique(), results["learner"].nunique()
    seeds, sizes = results["seed"].nunique(), sorted(results["n_train"].unique())
    status = results.groupby("status").size().to_dict()
    return (f"{envs} environment(s) x {learners} learner(s) x {seeds} seed(s), training sizes "
            f"{', '.join(map(str, sizes))}; {len(results)} rows ({', '.join(f'{k}: {v}' for k, v in status.items())}).")


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    """The table as shown: without its ``knobs`` column when no knob varies (every label empty),
    its ``graph`` column when every learner had the true graph, its ``refuted`` column when no
    refuter flagged anything."""
    for column, empty in (("knobs", ""), ("graph", "true"), ("refuted", "")):
        if column in table and table[column].eq(empty).all():
            table = table.drop(columns=column)
    return table


def _fmt(v):
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else f"{v:.4g}"
    return str(v)


def _markdown_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(_fmt(v).replace("|", "\\|") for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        verdict = str(getattr(row, "verdict", ""))
        cls = " class='MISMATCH'" if verdict.startswith("MISMATCH") else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{_e(_fmt(v))}</td>" for v in row) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    return base64.b64encode(buf.getvalue()).decode("ascii")
