"""Score learners against the environment's truth: metrics (pure functions), ``evaluate``
(one tidy table, columns :data:`COLUMNS`) and verdicts."""

from .evaluate import COLUMNS, STATUSES, cell_seeds, evaluate, evaluate_cell, learner_label, to_frame
from .verdict import verdicts

__all__ = ["COLUMNS", "STATUSES", "cell_seeds", "evaluate", "evaluate_cell", "learner_label", "to_frame", "verdicts"]
