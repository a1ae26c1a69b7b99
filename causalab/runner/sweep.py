"""Sweeps: environments x learners x seeds x training sizes, in parallel, resumable."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..exceptions import InvalidValueError, did_you_mean
from ..evaluation.evaluate import evaluate_cell, learner_label, to_frame
from ..evaluation.graphs import graph_label, variant_task
from ..evaluation.refute import check_refuters, check_simulations

BACKENDS = ("loky", "threading", "sequential", "dask")


def cell_key(env, learner, seed: int, n_train: int, n_test: int, graph="true", refuters=(),
             refuter_simulations: int = 20, n_bootstrap: int = 0) -> str:
    """Everything that defines a cell: environment id and knobs (and declared ``types=``),
    learner class and parameters, seed, sizes, the graph variant (``graph`` column), the
    refuters run with their simulations, bootstrap resamples, and causalab's version (new code,
    new cells). The defaults (the true graph, no refuters, no bootstrap, no declared types) hash
    as cells did before these options existed."""
    from .. import __version__

    learner_cls = f"{type(learner).__module__}.{type(learner).__qualname__}"
    parts = [env.id or type(env).__name__, env.knobs, learner_cls, learner_label(learner), learner.get_params(),
             int(seed), int(n_train), int(n_test), __version__]
    label = graph_label(graph)
    if label != "true" or refuters:
        parts += [label, list(refuters), int(refuter_simulations) if refuters else None]
    if n_bootstrap or getattr(env, "types", None):  # absent by default, so existing keys stand
        parts += [int(n_bootstrap), getattr(env, "types", None)]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()


def _one(env, learner, seed, n_train, n_test, errors, key, extra=None):
    return key, evaluate_cell(env, learner, seed, n_train, n_test=n_test, errors=errors, **(extra or {}))


def run(envs, learners, seeds: Iterable[int] = (0, 1, 2), n_train: int | Sequence[int] = 2000, n_test: int = 1000,
        n_jobs: int = 1, backend: str = "loky", store=None, errors: str = "raise",
        progress: bool = True, knobs: Mapping[str, object] | None = None, graph="true", refuters=None,
        refuter_simulations: int = 20, n_bootstrap: int = 0) -> pd.DataFrame:
    """Evaluate every learner on every environment, seed and training size.

    ``knobs`` sweeps knobs: ``{"strength": [0, 1, 2]}`` builds each environment at every
    combination of the listed values (a scalar is a one-value list), the other knobs kept
    as they are; every environment in ``envs`` must have every knob named. Each setting is
    its own environment in the table (its ``knobs`` column), kept apart in the leaderboard,
    the verdicts and the figures (see :func:`causalab.evaluation.knob_frame`).

    Cells run in parallel with joblib (``backend="dask"`` sends them to the active
    ``dask.distributed`` client through joblib's Dask backend; install ``causalab[dask]``).
    With ``store`` (a path), each finished cell's rows are written to SQLite at once and
    cells already there are skipped, so a killed sweep resumes where it stopped.

    ``graph``, ``refuters`` and ``refuter_simulations`` as in :func:`causalab.evaluate` (a wrong
    graph, DoWhy's refuters); both opt-in, and part of each cell's store key.

    Returns the result table (columns ``causalab.evaluation.COLUMNS``) in a fixed order
    (environment, size, seed, learner), whatever order the cells finished in;
    ``table.attrs["computed_cells"]`` counts the cells computed rather than read back.
    ``n_bootstrap``: resamples for bootstrap intervals (see :func:`causalab.evaluate`).
    """
    from ..envs.registry import make
    from .store import ResultStore

    if backend not in BACKENDS:
        raise InvalidValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if errors not in ("raise", "record"):
        raise InvalidValueError(f"errors must be 'raise' or 'record', got {errors!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise InvalidValueError(f"n_jobs must be a non-zero int (-1: every core), got {n_jobs!r}")
    from ..learners.base import check_n_bootstrap

    n_bootstrap = check_n_bootstrap(n_bootstrap)  # before any cell starts
    graph_label(graph)
    refuters, refuter_simulations = check_refuters(refuters), check_simulations(refuter_simulations)
    extra = {"graph": graph, "refuters": refuters, "refuter_simulations": refuter_simulations} \
        if graph != "true" or refuters else {}
    if n_bootstrap:
        extra["n_bootstrap"] = n_bootstrap
    envs = [envs] if isinstance(envs, str) or not isinstance(envs, (list, tuple)) else list(envs)
    envs = [make(e) if isinstance(e, str) else e for e in envs]
    if callable(graph) and not isinstance(graph, str):
        for env in envs:
            variant_task(env.task, graph)  # a user's graph function is checked up front (typed errors)
    if knobs is not None:
        envs = [at for env in envs for at in knob_grid(env, knobs)]
    learners = [learners] if not isinstance(learners, (list, tuple)) else list(learners)
    sizes = [n_train] if isinstance(n_train, (int, np.integer)) else list(n_train)
    seeds = list(seeds)
    cells = [(env, learner, seed, n) for env in envs for n in sizes for seed in seeds for learner in learners]
    keys = [cell_key(env, learner, seed, n, n_test, graph, refuters, refuter_simulations, n_bootstrap)
            for env, learner, seed, n in cells]

    db = ResultStore(store) if store is not None else None
    done = db.keys() if db is not None else set()
    results = {k: db.get(k) for k in keys if k in done} if db is not None else {}
    pending = [(cell, key) for cell, key in zip(cells, keys) if key not in results]
    bar = _progress(len(cells), len(cells) - len(pending), progress)
    try:
        for key, rows in _execute(pending, n_test, errors, n_jobs, backend, extra):
            results[key] = rows
            if db is not None:
                first = rows[0]
                db.put(key, first["environment"], first["learner"], first["seed"], first["n_train"], rows)
            bar.update(1)
    finally:
        bar.close()
        if db is not None:
            db.close()
    table = to_frame([row for key in keys for row in results[key]])
    table.attrs["computed_cells"] = len(pending)  # 0: everything came from the store
    return table


def knob_grid(env, knobs: Mapping[str, object]) -> list:
    """``env`` rebuilt at every combination of ``knobs`` (name -> list of values, or one
    value), in the order given, its other knobs kept; the knobs are validated by the
    environment (an unknown name or a bad value is an :class:`InvalidValueError` naming it)."""
    if not isinstance(knobs, Mapping) or not all(isinstance(k, str) for k in knobs):
        raise InvalidValueError(f"knobs must be a dict of knob name -> list of values, got {knobs!r}")
    grid = {}
    for name, values in knobs.items():
        values = list(values) if isinstance(values, (list, range, np.ndarray)) else [values]
        if not values:
            raise InvalidValueError(f"knob {name!r} has no values to sweep; give at least one")
        grid[name] = values
    defaults = type(env).knob_defaults()
    unknown = [k for k in grid if k not in defaults]
    if unknown:
        raise InvalidValueError(f"{env.id or type(env).__name__} has no knob {unknown[0]!r}; its knobs are "
                                f"{sorted(defaults)}.{did_you_mean(unknown[0], defaults)}")
    out = []
    for combo in itertools.product(*grid.values()):
        given = {"types": env.types} if getattr(env, "types", None) is not None else {}  # declared types kept
        new = type(env)(**given, **{**env.knobs, **dict(zip(grid, combo))})
        new.id = env.id
        out.append(new)
    return out


def _execute(pending, n_test, errors, n_jobs, backend, extra=None):
    if not pending:
        return
    if n_jobs == 1 or backend == "sequential":
        for (env, learner, seed, n), key in pending:
            yield _one(env, learner, seed, n, n_test, errors, key, extra)
        return
    from joblib import Parallel, delayed, parallel_config

    jobs = (delayed(_one)(env, learner, seed, n, n_test, errors, key, extra)
            for (env, learner, seed, n), key in pending)
    with parallel_config(backend=backend, n_jobs=n_jobs):
        yield from Parallel(return_as="generator_unordered")(jobs)


def _progress(total, initial, enabled):
    from tqdm.std import tqdm  # text bars: tqdm.auto warns in notebooks without ipywidgets

    return tqdm(total=total, initial=initial, desc="cells", unit="cell", disable=not enabled, leave=False)


def load(store, version=...) -> pd.DataFrame:
    """The cells in a result store, as a result table: those of one causalab ``version``
    (default: this causalab's when the store has any, else the most recently written
    version), each cell once (the latest write), never two versions averaged together.

    ``table.attrs`` records ``version`` (the one returned), ``versions`` (cells per version
    in the store) and ``left_out_cells`` (cells of other versions, or older duplicates).
    """
    from pathlib import Path

    from .store import ResultStore

    if not Path(store).is_file():
        raise InvalidValueError(f"no result store at {str(store)!r}")
    with ResultStore(store) as db:
        versions = db.versions()
        if version is ...:
            version = db.default_version()
        elif version not in versions:
            raise InvalidValueError(f"the store {str(store)!r} has no cells from causalab version {version!r}; "
                                    f"it has {list(versions)}")
        rows = db.all_rows(version)
    table = to_frame(rows)
    cells = table.groupby(["environment", "knobs", "graph", "learner", "params", "seed", "n_train"]).ngroups \
        if len(table) else 0
    table.attrs.update(version=version, versions=versions, left_out_cells=sum(versions.values()) - cells)
    return table
