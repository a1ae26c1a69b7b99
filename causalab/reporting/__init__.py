"""Reports: the who-survives grid, a leaderboard, verdicts, figures and a glossary of a result
table, as markdown or one self-contained HTML file (``causalab.report(results).save("report.html")``)."""

from .figures import (
    ate_figure,
    counterfactual_figure,
    coverage_figure,
    dag_figure,
    dose_response_figure,
    fit_learners,
    learning_curve_figure,
    survival_figure,
    sweep_figure,
)
from .outcomes import OUTCOMES, outcome_grid, outcome_table
from .report import GLOSSARY, LEADERBOARD_COLUMNS, Report, leaderboard, report

__all__ = ["GLOSSARY", "LEADERBOARD_COLUMNS", "OUTCOMES", "Report", "ate_figure", "counterfactual_figure",
           "coverage_figure", "dag_figure", "dose_response_figure", "fit_learners", "leaderboard",
           "learning_curve_figure", "outcome_grid", "outcome_table", "report", "survival_figure", "sweep_figure"]
