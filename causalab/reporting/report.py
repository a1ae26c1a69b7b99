"""The report: first the environment x learner grid (who survives, against the truth), then a
leaderboard, the verdict table, the other tables, the figures and a glossary of every column,
as markdown or one self-contained HTML file (figures inline as PNG, every piece of text
HTML-escaped)."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..evaluation.evaluate import COLUMNS
from ..evaluation.graphs import graph_degradation
from ..evaluation.coverage import coverage_table
from ..evaluation.knobs import label_map
from ..evaluation.refute import refuter_scorecard, sensitivity_table
from ..evaluation.verdict import verdicts
from ..exceptions import InvalidValueError, UnsupportedQueryError
from . import figures as F
from .outcomes import EXPECTATIONS, OUTCOMES, cell_text, graph_labelled, outcome_grid, outcome_table

LEADERBOARD_COLUMNS = ("environment", "knobs", "learner", "acts_as", "ate_error", "ate_error_se", "ate_covered",
                       "do_excess", "survival", "cf_excess", "do_rmse_with_noise", "cf_error", "verdict")


def leaderboard(results: pd.DataFrame, judged: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (environment, knob setting, learner): mean ATE error (estimate - truth; the
    ATT's where that is the environment's only truth, as on LaLonde-v0) with
    ``ate_error_se``, its standard error over seeds (NaN with one seed), and ``ate_covered``,
    the share of seeds whose own 95% interval held the truth (NaN for a learner that gives
    no interval);
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
    ``"Learner() [graph=name]"``. ``judged``: the verdicts of ``graph_labelled(results)``
    when already computed."""
    results = graph_labelled(results)
    ok = results[results["status"] == "ok"]
    at_max = ok[ok["n_train"] == ok.groupby(["environment", "knobs"])["n_train"].transform("max")]
    labels = label_map(results)
    rows = []
    verdict = (verdicts(results) if judged is None else judged).set_index(["environment", "knobs", "learner"])
    parts = dict(iter(at_max.groupby(["environment", "knobs", "learner"], sort=False)))
    for (env_id, knobs, learner), g in results.groupby(["environment", "knobs", "learner"], sort=False):
        s = parts.get((env_id, knobs, learner), at_max.iloc[:0])

        def mean(metric):
            v = s.loc[s["metric"] == metric, "value"]
            return float(v.mean()) if len(v) else np.nan

        ate = s[s["metric"] == "ate"]
        if not len(ate):  # a truth on the treated only (LaLonde): its ATT error
            ate = s[s["metric"] == "att"]
        errors = ate["value"] - ate["true_value"]
        cf = mean("cf_rmse")
        if np.isnan(cf) and (s["metric"] == "cf_accuracy").any():
            cf = 1.0 - mean("cf_accuracy")
        label = labels[(env_id, knobs)]
        v = verdict.loc[(env_id, label, learner)]
        rows.append({"environment": env_id, "knobs": label, "learner": learner, "acts_as": g["judged_family"].iloc[0],
                     "ate_error": float(errors.mean()) if len(ate) else np.nan,
                     "ate_error_se": float(errors.std(ddof=1) / np.sqrt(len(errors))) if len(ate) > 1 else np.nan,
                     "ate_covered": mean(f"{ate['metric'].iloc[0]}_covered") if len(ate) else np.nan,
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


class Report:
    """Tables and figures of one result table.

    The report opens with the grid that answers "who survives?": one row per environment
    (and knob setting), one column per learner, each cell the learner's outcome against the
    truth (:func:`~causalab.reporting.outcomes.outcome_table`: succeeded, failed, refused,
    cannot answer, error, no truth) and whether that is what the environment expects, or a
    MISMATCH; a legend follows it. Then the leaderboard (with standard errors over seeds and
    the learners' own interval coverage), the verdicts, the other tables, the figures
    (coloured by the same outcomes) and a glossary of every column shown
    (:data:`GLOSSARY`).

    Parameters
    ----------
    results : DataFrame
        From :func:`causalab.evaluate` or :func:`causalab.run`.
    envs, learners : optional
        With them, the report adds the figures that need fitted models, for every
        environment given: its DAG, dose-response curves (continuous treatments) and
        unit-level counterfactuals (continuous outcomes); each learner is fitted once per
        environment for both. Real-data environments get their task's graph only (no
        structural model to simulate a truth from). What the report could not draw, and
        why, is listed in ``skipped`` and in the report's "Skipped" section; a figure that
        fails never loses the rest.
    """

    def __init__(self, results: pd.DataFrame, envs=None, learners=None, title: str = "causalab report"):
        if not isinstance(results, pd.DataFrame) or list(results.columns) != list(COLUMNS):
            raise InvalidValueError("report needs a result table from causalab.evaluate or causalab.run")
        self.results, self.title = results, title
        shown = graph_labelled(results)  # graph variants apart, in the tables and figures keyed by learner
        judged = verdicts(shown)
        self.verdicts = judged if shown is results else verdicts(results)  # with its graph column
        self.outcomes = outcome_table(results, judged)
        self.grid = outcome_grid(self.outcomes)
        self.leaderboard = leaderboard(results, judged)
        self.overlap = overlap_table(results)
        self.other_metrics = other_metrics(shown)
        self.estimates = estimates_table(shown)
        self.problems = problems(shown)
        self.coverage = coverage_table(shown)
        # refuters and wrong graphs (opt-in: empty tables when the run had none)
        self.refuter_scorecard = refuter_scorecard(results)
        self.sensitivity = sensitivity_table(results)
        self.graph_degradation = graph_degradation(results)
        self.figures, self.skipped = {}, []
        looks = {(r.environment, r.setting, r.learner): (r.outcome, r.expectation)
                 for r in self.outcomes.itertuples(index=False)}
        self._figure("ATE estimates against the truth", F.ate_figure, shown, looks)
        self._figure("Survival under intervention", F.survival_figure, shown, looks)
        if len(self.coverage):
            self._figure("Calibration: coverage of the 95% intervals", F.coverage_figure, self.coverage)
        self._figure("Learning curves", F.learning_curve_figure, shown, looks)
        self._figure("Knob sweeps", F.sweep_figure, shown, looks)
        if len(self.refuter_scorecard):
            self._figure("Refuters scored against the truth", F.refuter_figure, results)
        for env in envs or []:
            self._environment_figures(env, learners, looks)

    def _environment_figures(self, env, learners, looks):
        """The figures of one environment: its graph; with learners, each fitted once for its
        dose-response curves and counterfactuals, coloured by its outcome there (one thread
        per pool, as in the runner's workers: :func:`~causalab.reporting.figures.one_thread`)."""
        with F.one_thread():
            self._environment_figures_threaded(env, learners, looks)

    def _environment_figures_threaded(self, env, learners, looks):
        name = env.id or type(env).__name__
        self._figure(f"{name}: the graph", F.dag_figure, env)
        if not learners:
            return
        if "scm" not in env.capabilities:
            # real data: no structural model to simulate a truth from, so nothing to refit against
            self.skipped.append(f"{name}: dose-response and counterfactual figures (real data without a "
                                "structural model: no simulated truth to draw them against)")
            return
        dose, cf = (env.task.kind(v) == "continuous" for v in (env.treatment, env.outcome))
        if not (dose or cf):
            return
        try:
            fits = F.fit_learners(env, learners)
        except Exception as exc:  # noqa: BLE001 - recorded in the report, never silent
            self.skipped.append(f"{name}: dose-response and counterfactual figures (the training rows could not "
                                f"be drawn: {type(exc).__name__}: {exc})")
            return
        for learner, model in fits[1]:
            if isinstance(model, Exception) and not isinstance(model, UnsupportedQueryError):
                self.skipped.append(f"{name}: {learner} left out of its figures (its fit failed: "
                                    f"{type(model).__name__}: {model})")
        fits = (fits[0], [(l, m) for l, m in fits[1] if not isinstance(m, Exception)])
        setting = json.dumps(env.knobs, sort_keys=True, default=repr)  # the result table's knobs column
        colours = {learner: judged for (env_id, knobs, learner), judged in looks.items()
                   if env_id == name and knobs == setting}
        if dose:
            self._figure(f"{name}: dose-response", F.dose_response_figure, env, learners, fits=fits, outcomes=colours)
        if cf:
            self._figure(f"{name}: counterfactuals", F.counterfactual_figure, env, learners, fits=fits,
                         outcomes=colours)

    def _figure(self, name, make, *args, **kwargs):
        """Add one figure; one that fails is listed in ``skipped`` with its error, and the rest of
        the report stands (a figure is an illustration of the table, never a reason to lose it)."""
        import matplotlib

        try:
            with matplotlib.rc_context({"figure.max_open_warning": 0}):  # a figure per environment: many
                fig = make(*args, **kwargs)
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

    def _sections(self, full: bool = True) -> list[tuple[str, str, pd.DataFrame, list[str]]]:
        """(title, note, table as shown, lines) of every table section, in the report's order.
        ``full``: the HTML's verdict table (with the expectation's reason, the estimate and its
        truth); the markdown's is narrower."""
        verdict_columns = VERDICT_SHOWN if full else VERDICT_SHOWN_MARKDOWN
        out = [("Leaderboard", _LEADERBOARD_NOTE, _shown(self.leaderboard), []),
               ("Verdicts", _VERDICT_NOTE, _shown(self.verdicts[list(verdict_columns)]), [])]
        out += [(title, note, _shown(table), []) for title, note, table in self._extra_tables()]
        if len(self.overlap):
            out.append(("Overlap", _OVERLAP_NOTE, _shown(self.overlap), []))
        if len(self.estimates):
            out.append(("Estimates without ground truth", _NO_TRUTH_NOTE, _shown(self.estimates),
                        agreement(self.estimates)))
        if len(self.coverage):
            out.append(("Calibration", _COVERAGE_NOTE, _shown(self.coverage), []))
        if len(self.other_metrics):
            out.append(("Other measures", _OTHER_NOTE, _shown(self.other_metrics), []))
        if len(self.problems):
            out.append(("Refusals and errors", _PROBLEMS_NOTE, _shown(self.problems), []))
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the report (HTML version) as shown, by section title: each of their
        columns is explained in the report's glossary (:data:`GLOSSARY`)."""
        return {title: table for title, _, table, _ in self._sections(full=True)}

    def glossary(self, full: bool = True) -> dict[str, str]:
        """The :data:`GLOSSARY` entries of the columns the report's tables show, in order of
        first appearance."""
        columns = dict.fromkeys(c for _, _, table, _ in self._sections(full) for c in table.columns)
        return {c: GLOSSARY.get(c, "") for c in columns}

    def mismatches(self) -> pd.DataFrame:
        """The verdict rows where a learner did not behave as the environment says it should."""
        return self.verdicts[self.verdicts["verdict"] == "MISMATCH"]

    def _mismatch_line(self) -> str:
        n = len(self.mismatches())
        return (f"{n} mismatch(es): a learner behaved against its environment's stated expectation. Each is a bug "
                "or a lesson." if n else "")

    def markdown(self) -> str:
        lines = [f"# {self.title}", "", _summary(self.results), "", f"## {_GRID_TITLE}", "", _GRID_NOTE, "",
                 _markdown_grid(self.grid), "", *_markdown_legend(self.outcomes)]
        if len(self.mismatches()):
            lines += ["", f"**{self._mismatch_line().replace(': ', '**: ', 1)}"]
        for title, note, table, extra in self._sections(full=False):
            lines += ["", f"## {title}", "", note]
            if extra:
                lines += ["", *(f"- {line}" for line in extra)]
            lines += ["", _markdown_table(table)]
        if self.figures:
            lines += ["", "## Figures", "", "Drawn in the HTML report (`.save('report.html')`): "
                      + ", ".join(self.figures) + "."]
        lines += ["", "## Glossary", "", *(f"- `{c}`: {text}" for c, text in self.glossary(full=False).items())]
        if self.skipped:
            lines += ["", "## Skipped", "", *(f"- {item}" for item in self.skipped)]
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        parts = [f"<h1>{_e(self.title)}</h1>", f"<p>{_e(_summary(self.results))}</p>",
                 f"<h2 id='grid-title'>{_e(_GRID_TITLE)}</h2>", _html_grid(self.grid), _html_legend(self.outcomes)]
        if len(self.mismatches()):
            n = len(self.mismatches())
            parts.append(f"<p class='warn'><b>{n} mismatch(es)</b>: a learner behaved against "
                         "its environment's stated expectation. Each is a bug or a lesson.</p>")
        parts.append(f"<p class='note'>{_e(_GRID_NOTE)} Every column of the tables below is explained in the "
                     "<a href='#glossary'>glossary</a> at the end (hover a column's name for its entry).</p>")
        for title, note, table, extra in self._sections(full=True):
            parts += [f"<h2>{_e(title)}</h2>", f"<p class='note'>{_e(note)}</p>"]
            if extra:
                parts.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in extra) + "</ul>")
            parts.append(_html_table(table))
        for name, fig in self.figures.items():
            parts += [f"<h2>{_e(name)}</h2>", f"<img alt='{_e(name)}' src='data:image/png;base64,{_png(fig)}'>"]
        parts += ["<h2 id='glossary'>Glossary</h2>", "<dl class='glossary'>" + "".join(
            f"<dt>{_e(c)}</dt><dd>{_e(text)}</dd>" for c, text in self.glossary(full=True).items()) + "</dl>"]
        if self.skipped:
            parts += ["<h2>Skipped</h2>", "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in self.skipped) + "</ul>"]
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{_e(self.title)}</title>"
                f"<style>{_style()}</style></head><body>{''.join(parts)}</body></html>")

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


#: the verdict table's columns as the report shows them (HTML; the markdown's are narrower)
VERDICT_SHOWN = ("environment", "knobs", "graph", "learner", "judged_family", "expected", "expected_reason", "observed",
                 "ate", "true_ate", "ate_error", "tolerance", "do_excess", "survival", "refuted", "verdict")
VERDICT_SHOWN_MARKDOWN = ("environment", "knobs", "graph", "learner", "judged_family", "expected", "observed",
                          "ate_error", "tolerance", "do_excess", "refuted", "verdict")

_GRID_TITLE = "Who survives: each learner on each environment, against the truth"
_GRID_NOTE = ("Each cell: the learner's outcome against the environment's truth (the verdict table's observed), then "
              "whether that is what the environment states for the family the learner acted as (its verdict). A "
              "MISMATCH is a bug or a lesson.")
_LEADERBOARD_NOTE = ("Per environment (and knob setting), the learners by |ATE error| at the largest training size: "
                     "ate_error ± ate_error_se is the mean over seeds ± one standard error, ate_covered the share of "
                     "seeds whose own 95% interval held the truth.")
_VERDICT_NOTE = ("Expected (what the environment states for the family the learner acted as) against observed "
                 "(its mean ATE error within the tolerance, or not).")
_OTHER_NOTE = ("The other answers scored against a truth, per environment (and knob setting), learner, measure "
               "and regime, averaged over seeds at the largest training size.")
_PROBLEMS_NOTE = "Every refusal and error in the results: what a learner could not, or did not, answer, and why."

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
OTHER_COLUMNS = ("environment", "knobs", "learner", "metric", "regime", "value", "true_value", "rows")
PROBLEM_COLUMNS = ("environment", "knobs", "learner", "status", "metric", "rows", "message")


def other_metrics(results: pd.DataFrame) -> pd.DataFrame:
    """The answered :data:`OTHER_METRICS` (real data's measured ``shift`` under each
    perturbation, the effects on the treated and the controls ``att`` and ``atc``, ``pehe``;
    interval coverage is the Calibration table, :func:`~causalab.evaluation.coverage_table`):
    mean value and truth per (environment, knob setting, learner, metric, regime) over seeds,
    at each setting's largest training size (a sweep's settings are never averaged
    together; ``knobs`` labels them as in the leaderboard)."""
    ok = results[(results["status"] == "ok") & results["metric"].isin(OTHER_METRICS)]
    ok = ok[ok["n_train"] == ok.groupby(["environment", "knobs"])["n_train"].transform("max")]
    if not len(ok):
        return pd.DataFrame(columns=list(OTHER_COLUMNS))
    labels = label_map(results)
    out = (ok.groupby(["environment", "knobs", "learner", "metric", "regime"], sort=False)
           .agg(value=("value", "mean"), true_value=("true_value", "mean"), rows=("value", "size")).reset_index())
    out["knobs"] = [labels[key] for key in zip(out["environment"], out["knobs"])]
    return out[list(OTHER_COLUMNS)]


def problems(results: pd.DataFrame) -> pd.DataFrame:
    """Every refusal and error in the table, grouped by (environment, knob setting, learner,
    status, metric), with how many rows and the first message: what a learner could not, or
    did not, answer."""
    bad = results[results["status"] != "ok"]
    if not len(bad):
        return pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    labels = label_map(results)
    out = (bad.groupby(["environment", "knobs", "learner", "status", "metric"], sort=False)
           .agg(rows=("value", "size"), message=("message", "first")).reset_index())
    out["knobs"] = [labels[key] for key in zip(out["environment"], out["knobs"])]
    out["message"] = out["message"].map(lambda m: m if len(m) <= 200 else m[:199] + "…")
    return out[list(PROBLEM_COLUMNS)]


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
    refuter flagged anything, and without any numeric column that is empty in every row (the
    scores of a run without ground truth)."""
    for column, empty in (("knobs", ""), ("graph", "true"), ("refuted", "")):
        if column in table and table[column].eq(empty).all():
            table = table.drop(columns=column)
    if len(table):
        empty = [c for c in table.columns if pd.api.types.is_float_dtype(table[c]) and table[c].isna().all()]
        table = table.drop(columns=empty)
    return table


#: what every column of the report's tables means (the report's glossary; a test checks that
#: every column any table shows has its entry)
GLOSSARY = {
    "environment": "The environment's id (its class name when it has none).",
    "knobs": "The knob settings that vary within the environment in this run (e.g. strength=0.5); each setting "
             "is its own row, never averaged with another. Shown only when a knob varies.",
    "graph": "The graph the learner was fitted on: 'true', or a wrong variant (cl.evaluate(graph=...)); always "
             "scored against the real truth. Shown only when a variant ran.",
    "learner": "The learner's full name: its class and non-default parameters (its repr); 'Learner() "
               "[graph=name]' when fitted on a wrong graph.",
    "acts_as": "The family the learner acted as, judged by what it was fed: a correlational learner fed the "
               "treatment alone is 'naive' (the plain contrast), fed the treatment and pre-treatment features only "
               "'backdoor' (an adjustment for them, valid or not), otherwise 'correlational'; a back-door estimator "
               "with an empty adjustment set is 'naive'; DoWhy-gcm on a fully observed graph is 'backdoor'. The "
               "environment's expectation is read for this family.",
    "judged_family": "Same as acts_as: the family the learner acted as, for which the environment's expectation "
                     "is read.",
    "ate_error": "Mean over seeds, at the largest training size, of the estimated ATE minus the exact ATE (the ATT "
                 "where that is the environment's only truth, as on LaLonde-v0). Sign kept: positive is an "
                 "over-estimate. In Wrong graphs: the same on the wrong graph.",
    "ate_error_se": "The standard error over seeds of ate_error: sd(estimate - truth) / sqrt(seeds); empty with "
                    "one seed.",
    "ate_covered": "Share of seeds whose own 95% interval for the ATE (the ATT on LaLonde-v0) held the truth "
                   "(metric ate_covered); empty for a learner that gives no interval.",
    "do_excess": "Mean over the environment's regimes and seeds of do_bias_rmse: the RMSE, unit by unit, of the "
                 "learner's answers under do() against the best possible answers from the features it was fed "
                 "(their conditional expectation under the regime). 0 for an exact answer whatever the noise.",
    "survival": "Mean over regimes and seeds of (do_rmse / do_reference_rmse) / (rmse / reference_rmse): how much "
                "the error grows beyond the noise floor under do(), relative to observational data. 1: the error "
                "grows no more than the noise does (the learner survives the intervention); above 1: it answered "
                "do() with a correlation.",
    "cf_excess": "Mean over regimes and seeds of cf_bias_rmse: the counterfactual answers' RMSE against the best "
                 "possible answers from the factual row (rung 3), without the noise.",
    "do_rmse_with_noise": "Mean over regimes and seeds of do_rmse: the RMSE of predict_do against the units' own "
                          "outcomes under the regime, noise included (what a practitioner sees on data).",
    "cf_error": "Mean over regimes and seeds of the raw counterfactual error against the exact counterfactuals "
                "from each unit's stored noise: cf_rmse for a continuous or categorical outcome, 1 - cf_accuracy "
                "(the share of units whose binary counterfactual is wrong) for a binary one.",
    "verdict": "'as expected' when observed agrees with expected (refusing where failure is expected counts as "
               "agreeing), 'MISMATCH' when it does not (a bug or a lesson), 'no expectation' when the environment "
               "states none for the family, 'not applicable' when nothing was observed; '(refuses)' when the "
               "learner declined to fit.",
    "expected": "What the environment states for the family the learner acted as: 'succeeds' or 'fails' (empty: "
                "no statement).",
    "expected_reason": "The environment's reason for its expectation.",
    "observed": "'succeeds' when |mean ATE error| over seeds at the largest training size is within the "
                "tolerance, 'fails' otherwise, 'refuses' when the learner declined to fit (its estimand is not "
                "identified), 'n/a' when it gave no ATE.",
    "ate": "The learner's mean estimated ATE over seeds, at the largest training size (the ATT on LaLonde-v0). "
           "In the sensitivity table: one seed's estimate.",
    "true_ate": "The exact ATE (the ATT on LaLonde-v0: the experiment's).",
    "tolerance": "max(0.05 sd(Y), 0.1 |ATE|) + 2 SE(seeds) + 2 SE(truth): how far the mean ATE error may be from 0 "
                 "for observed = succeeds (SE(seeds): the estimates' spread over seeds / sqrt(seeds); SE(truth): a "
                 "measured truth's own standard error).",
    "refuted": "The refuters that flagged the estimate, as 'name k/n' (flagged in k of n seeds).",
    "n_train": "Training rows (the largest size run; on real data the data's own size).",
    "n_seeds": "Seeds averaged over.",
    "refuter": "The DoWhy refuter (or causalab's sensitivity / graph falsification check).",
    "cells": "Cells (environment, knobs, graph, learner, seed, size) where the refuter ran and the truth is known.",
    "truly_wrong": "Cells whose ATE estimate is beyond the verdict's tolerance from the exact ATE.",
    "truly_right": "Cells whose ATE estimate is within the verdict's tolerance.",
    "flagged_wrong": "Truly wrong cells the refuter flagged.",
    "flagged_right": "Truly right cells the refuter flagged (false alarms).",
    "sensitivity": "flagged_wrong / truly_wrong: the share of truly wrong estimates the refuter noticed.",
    "false_alarms": "flagged_right / truly_right: the share of truly right estimates it flagged.",
    "unsupported": "Cells where the refuter could not run.",
    "seed": "The seed of the cell.",
    "bias": "The estimate minus the exact ATE, for one seed.",
    "robustness_value": "Cinelli & Hazlett's robustness value: the partial R2 a hidden confounder needs with both "
                        "treatment and outcome to explain the estimate away.",
    "e_value": "VanderWeele & Ding's E-value: the risk ratio a hidden confounder needs with both treatment and "
               "outcome to explain the estimate away.",
    "true_graph_ate_error": "The same learner's ate_error on the true graph.",
    "degradation": "|ate_error on the wrong graph| - |ate_error on the true graph| (positive: the wrong graph hurt).",
    "status": "In Refusals and errors: the rows' status: 'unsupported' (the learner cannot answer that query), "
              "'not_identified' (it refused to fit: its estimand is not identified), 'error' (it raised). In Wrong "
              "graphs: 'ok', 'refuses' (declined to fit on the variant or the true graph) or 'unsupported' (the "
              "variant does not apply to the environment).",
    "share_clipped": "Mean over seeds of the share of training units whose estimated propensity lies outside the "
                     "clipping bounds.",
    "ess": "Mean over seeds of the effective sample size of the inverse-propensity weights, (sum w)^2 / sum w^2.",
    "ess_share": "ess / n_train.",
    "overlap": "'poor' when any seed's fit warned of poor overlap (OverlapWarning), else 'ok'.",
    "ate_estimate": "Mean over seeds of the learner's ATE estimate (no truth to score it against).",
    "ate_low": "Mean over seeds of the lower bound of the learner's 95% interval for the ATE.",
    "ate_high": "Mean over seeds of the upper bound of the learner's 95% interval for the ATE.",
    "from_median": "ate_estimate minus the median of every learner's estimate on the same data.",
    "estimand": "The effect the intervals are for: ate, att (on the treated) or atc (on the controls).",
    "n_intervals": "Intervals counted (one per cell: environment, knobs, learner, seed, size).",
    "coverage": "Share of the intervals that held the truth.",
    "binomial_se": "sqrt(0.95 * 0.05 / n_intervals): the spread of a calibrated interval's coverage.",
    "n_valid": "Intervals from cells where the environment expects the learner to succeed.",
    "coverage_valid": "Share of the valid cells' intervals that held the truth (a biased estimator's interval "
                      "misses for a reason that is not calibration).",
    "binomial_se_valid": "sqrt(0.95 * 0.05 / n_valid).",
    "calibration": "Over the valid cells: 'calibrated' within 2 binomial standard errors of 0.95, 'under-covers' / "
                   "'over-covers' beyond, 'too few' under 10 intervals.",
    "metric": "The measure (see the README's table of metrics): in Other measures shift (the predicted change of "
              "the outcome's mean under a perturbation, against the measured one), att, atc (effects on the "
              "treated, the controls), pehe (the CATE's root mean squared error); in Refusals and errors the "
              "measure the rows were for ('fit': the learner's fit).",
    "regime": "The regime (intervention) the measure is under, or the estimand / perturbation it names.",
    "value": "Mean over seeds of the learner's answer.",
    "true_value": "The truth it is scored against.",
    "rows": "How many result rows the line summarises.",
    "message": "The first row's message (the reason given), cut at 200 characters.",
}


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
    head = "".join(f"<th title='{_e(GLOSSARY.get(c, ''))}'>{_e(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        verdict = str(getattr(row, "verdict", ""))
        cls = " class='MISMATCH'" if verdict.startswith("MISMATCH") else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{_e(_fmt(v))}</td>" for v in row) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _setting(env_id: str, knobs: str) -> str:
    return f"{env_id} ({knobs})" if knobs else env_id


def _markdown_grid(grid: pd.DataFrame) -> str:
    """The grid as a markdown table: the outcome, then the expectation (a MISMATCH in bold)."""
    def cell(value):
        if value is None:
            return "not run"
        outcome, expectation = cell_text(*value)
        if expectation.startswith("MISMATCH"):
            return f"**{outcome}, {expectation}**"
        return f"{outcome}, {expectation}" if expectation else outcome

    head = "| environment | " + " | ".join(c.replace("|", "\\|") for c in grid.columns) + " |"
    rule = "|" + "---|" * (len(grid.columns) + 1)
    body = ["| " + _setting(*key) + " | " + " | ".join(cell(v).replace("|", "\\|") for v in row) + " |"
            for key, row in zip(grid.index, grid.itertuples(index=False, name=None))]
    return "\n".join([head, rule, *body])


def _present(outcomes: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The outcomes and expectations the grid shows, in legend order."""
    outcome = [o for o in OUTCOMES if (outcomes["outcome"] == o).any()]
    expectation = [e for e in EXPECTATIONS if (outcomes["expectation"] == e).any()]
    return outcome, expectation


def _markdown_legend(outcomes: pd.DataFrame) -> list[str]:
    shown, expectations = _present(outcomes)
    return (["Legend (the HTML report colours each cell by its outcome):", ""]
            + [f"- **{o}**: {OUTCOMES[o][2]}" for o in shown]
            + [f"- *{e}*: {EXPECTATIONS[e]}" for e in expectations])


def _slug(outcome: str) -> str:
    return "o-" + outcome.replace(" ", "-")


def _wrapped(name: str) -> str:
    """A learner's full name, escaped, with break opportunities after ``(``, ``,`` and ``=``
    (never cut: it wraps)."""
    text = _e(name)
    for mark in ("(", ",", "="):
        text = text.replace(mark, mark + "<wbr>")
    return text.replace("(<wbr>)", "()")


def _html_grid(grid: pd.DataFrame) -> str:
    """The grid as an HTML table: each cell coloured by its outcome, the words in it."""
    head = "<th>environment</th>" + "".join(f"<th class='learner'>{_wrapped(c)}</th>" for c in grid.columns)
    body = []
    for (env_id, knobs), row in zip(grid.index, grid.itertuples(index=False, name=None)):
        label = _e(env_id) + (f"<br><span class='knobs'>{_e(knobs)}</span>" if knobs else "")
        cells = []
        for value in row:
            if value is None:
                cells.append("<td class='o-none'>not run</td>")
                continue
            outcome, expectation = cell_text(*value)
            mismatch = expectation.startswith("MISMATCH")
            words = _e(outcome)
            if mismatch:
                words += f"<br><b>MISMATCH</b>{_e(expectation[len('MISMATCH'):])}"
            elif expectation:
                words += f"<br><span class='exp'>{_e(expectation)}</span>"
            cls = _slug(outcome) + (" mismatch" if mismatch else "")
            cells.append(f"<td class='{cls}'>{words}</td>")
        body.append(f"<tr><th class='env'>{label}</th>{''.join(cells)}</tr>")
    return f"<table class='grid' id='grid'><tr>{head}</tr>{''.join(body)}</table>"


def _html_legend(outcomes: pd.DataFrame) -> str:
    shown, expectations = _present(outcomes)
    items = [f"<span class='item'><span class='swatch {_slug(o)}'>{_e(o)}</span> {_e(OUTCOMES[o][2])}</span>"
             for o in shown]
    if "MISMATCH" in expectations:
        items.append(f"<span class='item'><span class='swatch mismatch'><b>MISMATCH</b></span> "
                     f"{_e(EXPECTATIONS['MISMATCH'])} (black outline)</span>")
    items += [f"<span class='item'><i>{_e(e)}</i>: {_e(EXPECTATIONS[e])}</span>" for e in expectations
              if e != "MISMATCH"]
    return f"<div class='legend' id='legend'>{''.join(items)}</div>"


def _style() -> str:
    outcome_css = "".join(f".{_slug(o)}{{background:{fill};box-shadow:inset 5px 0 0 {colour}}}"
                          for o, (colour, fill, _) in OUTCOMES.items())
    return ("body{font-family:sans-serif;margin:1.2em 2em;max-width:1400px} h1{margin:0.2em 0} h2{margin:0.9em 0 "
            "0.4em} table{border-collapse:collapse;font-size:12px} td,th{border:1px solid #ccc;padding:3px 6px} "
            "img{max-width:100%} tr.MISMATCH td{font-weight:bold;border-top:2px solid #000;border-bottom:2px solid "
            "#000} .warn{color:#a00} .note{color:#444;font-size:13px}"
            " table.grid{font-size:11px} table.grid th.learner{font-weight:600;max-width:9em;vertical-align:bottom}"
            " table.grid th.env{text-align:left;white-space:nowrap} table.grid td{text-align:center;padding:3px 5px;"
            "min-width:5.5em} table.grid .exp{color:#333;font-size:10px} .knobs{font-weight:normal;color:#444}"
            " .o-none{color:#888} .mismatch{outline:3px solid #000;outline-offset:-3px;font-weight:bold}"
            + outcome_css +
            " .legend{display:grid;grid-template-columns:repeat(2,minmax(0,34em));gap:3px 24px;font-size:11px;"
            "margin:6px 0} .swatch{display:inline-block;min-width:7.5em;padding:1px 6px 1px 10px;border:1px solid "
            "#ccc;font-weight:600;margin-right:4px}"
            " dl.glossary dt{font-family:monospace;font-weight:bold;margin-top:4px} dl.glossary dd{margin-left:2em}")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    return base64.b64encode(buf.getvalue()).decode("ascii")
