"""Notebooks run in fast mode under pytest (nbmake): smaller samples, the same lessons."""

import os

os.environ.setdefault("CAUSALAB_FAST", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
