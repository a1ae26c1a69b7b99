"""Score learners against the environment's truth: metrics (pure functions), ``evaluate``
(one tidy table, columns :data:`COLUMNS`), verdicts, graph variants (:mod:`.graphs`) and
refuters scored against the truth (:mod:`.refute`)."""

from .coverage import coverage_table
from .evaluate import COLUMNS, STATUSES, cell_seeds, evaluate, evaluate_cell, learner_label, to_frame
from .graphs import GRAPHS, variant_task
from .knobs import knob_frame, knob_labels, label_map, varying_knobs, with_knobs
from .refute import REFUTERS, refuter_scorecard, sensitivity_table
from .verdict import verdicts

__all__ = ["COLUMNS", "GRAPHS", "REFUTERS", "STATUSES", "cell_seeds", "coverage_table", "evaluate", "evaluate_cell",
           "knob_frame", "knob_labels", "label_map", "learner_label", "refuter_scorecard", "sensitivity_table",
           "to_frame", "varying_knobs", "variant_task", "verdicts", "with_knobs"]
