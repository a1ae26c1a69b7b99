"""Score learners against the environment's truth: metrics (pure functions), ``evaluate``
(one tidy table, columns :data:`COLUMNS`) and verdicts."""

from .coverage import coverage_table
from .evaluate import COLUMNS, STATUSES, cell_seeds, evaluate, evaluate_cell, learner_label, to_frame
from .knobs import knob_frame, knob_labels, label_map, varying_knobs, with_knobs
from .verdict import verdicts

__all__ = ["COLUMNS", "STATUSES", "cell_seeds", "coverage_table", "evaluate", "evaluate_cell", "knob_frame",
           "knob_labels", "label_map", "learner_label", "to_frame", "varying_knobs", "verdicts", "with_knobs"]
