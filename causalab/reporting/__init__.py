"""Reports: a leaderboard, verdicts and figures of a result table, as markdown or one
self-contained HTML file (``causalab.report(results).save("report.html")``)."""

from .figures import (
    ate_figure,
    counterfactual_figure,
    coverage_figure,
    dag_figure,
    dose_response_figure,
    learning_curve_figure,
    survival_figure,
    sweep_figure,
)
from .report import LEADERBOARD_COLUMNS, Report, leaderboard, report

__all__ = ["LEADERBOARD_COLUMNS", "Report", "ate_figure", "counterfactual_figure", "coverage_figure", "dag_figure",
           "dose_response_figure", "leaderboard", "learning_curve_figure", "report", "survival_figure",
           "sweep_figure"]
