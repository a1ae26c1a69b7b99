"""Sweeps over environments x learners x seeds x sizes, in parallel (joblib, Dask), stored
cell by cell in SQLite so a killed sweep resumes where it stopped."""

from .store import ResultStore
from .sweep import BACKENDS, cell_key, knob_grid, load, run

__all__ = ["BACKENDS", "ResultStore", "cell_key", "knob_grid", "load", "run"]
