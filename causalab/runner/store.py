"""An embedded SQLite store of finished cells: each cell's rows are written in one
transaction as soon as the cell finishes, so a sweep killed at any moment loses nothing
that had finished, and a rerun skips it.

Each cell records the causalab version that computed it. What the store returns never
mixes versions (new code, new numbers) and holds each cell once (the latest write of
the same environment, knobs, learner, parameters, seed and training size)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..exceptions import InvalidValueError

SCHEMA = """
CREATE TABLE IF NOT EXISTS cells (
    key TEXT PRIMARY KEY,
    environment TEXT NOT NULL,
    learner TEXT NOT NULL,
    seed INTEGER NOT NULL,
    n_train INTEGER NOT NULL,
    rows TEXT NOT NULL,
    version TEXT
)
"""

#: what defines a cell in its rows (the store's key also hashes the test size and learner class)
CELL_IDENTITY = ("environment", "knobs", "graph", "learner", "params", "seed", "n_train")


class ResultStore:
    """Finished cells keyed by everything that defines them (see ``causalab.runner.cell_key``).

    Parameters
    ----------
    path : str or Path
        The SQLite file (created with its folder when missing).
    """

    def __init__(self, path):
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise InvalidValueError(f"the result store {str(self.path)!r} is a folder; give a file path")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path)
            # WAL + NORMAL: each commit survives the process being killed, without a full fsync per cell
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(SCHEMA)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(cells)")}
            if "version" not in columns:  # a store written before versions were recorded
                with self._conn:
                    self._conn.execute("ALTER TABLE cells ADD COLUMN version TEXT")
        except sqlite3.DatabaseError as exc:
            raise InvalidValueError(f"{str(self.path)!r} is not a causalab result store: {exc}") from exc

    def keys(self) -> set[str]:
        return {k for (k,) in self._conn.execute("SELECT key FROM cells")}

    def put(self, key: str, environment: str, learner: str, seed: int, n_train: int, rows: list[dict],
            version: str | None = None) -> None:
        """Store one cell's rows, computed by causalab ``version`` (default: this one)."""
        if version is None:
            from .. import __version__ as version
        with self._conn:  # one transaction: the cell is stored whole or not at all
            self._conn.execute("INSERT OR REPLACE INTO cells (key, environment, learner, seed, n_train, rows, version) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (key, environment, learner, int(seed), int(n_train), json.dumps(rows), str(version)))

    def get(self, key: str) -> list[dict] | None:
        row = self._conn.execute("SELECT rows FROM cells WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def versions(self) -> dict:
        """Cells per causalab version, in the order each version was last written (``None``:
        cells from a store written before versions were recorded)."""
        out = {}
        for version, count, _ in self._conn.execute(
                "SELECT version, COUNT(*), MAX(rowid) AS last FROM cells GROUP BY version ORDER BY last"):
            out[version] = count
        return out

    def default_version(self):
        """The version :meth:`all_rows` returns by default: this causalab's when the store has
        cells from it, otherwise the most recently written one."""
        from .. import __version__

        versions = self.versions()
        if __version__ in versions or not versions:
            return __version__
        return list(versions)[-1]

    def all_rows(self, version=...) -> list[dict]:
        """Every row of the cells of one causalab ``version`` (default
        :meth:`default_version`; ``None`` for cells stored before versions were recorded),
        each cell once: of two cells with the same identity (:data:`CELL_IDENTITY`, e.g. the
        same cell scored on another test size), the one written last."""
        if version is ...:
            version = self.default_version()
        query = ("SELECT rows FROM cells WHERE version IS NULL ORDER BY rowid" if version is None else
                 "SELECT rows FROM cells WHERE version = ? ORDER BY rowid")
        cells = {}
        for (blob,) in self._conn.execute(query, () if version is None else (str(version),)):
            rows = json.loads(blob)
            if not rows:
                continue
            # rows stored before graph variants existed were fitted on the true graph
            identity = tuple(json.dumps(rows[0].get(k, "true" if k == "graph" else None), sort_keys=True)
                             for k in CELL_IDENTITY)
            cells.pop(identity, None)  # the later write wins and takes the later place
            cells[identity] = rows
        return [row for rows in cells.values() for row in rows]

    def __len__(self):
        return self._conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0]

    def close(self):
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
