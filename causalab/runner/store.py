"""An embedded SQLite store of finished cells: each cell's rows are written in one
transaction as soon as the cell finishes, so a sweep killed at any moment loses nothing
that had finished, and a rerun skips it."""

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
    rows TEXT NOT NULL
)
"""


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
        except sqlite3.DatabaseError as exc:
            raise InvalidValueError(f"{str(self.path)!r} is not a causalab result store: {exc}") from exc

    def keys(self) -> set[str]:
        return {k for (k,) in self._conn.execute("SELECT key FROM cells")}

    def put(self, key: str, environment: str, learner: str, seed: int, n_train: int, rows: list[dict]) -> None:
        with self._conn:  # one transaction: the cell is stored whole or not at all
            self._conn.execute("INSERT OR REPLACE INTO cells VALUES (?, ?, ?, ?, ?, ?)",
                               (key, environment, learner, int(seed), int(n_train), json.dumps(rows)))

    def get(self, key: str) -> list[dict] | None:
        row = self._conn.execute("SELECT rows FROM cells WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def all_rows(self) -> list[dict]:
        rows = []
        for (blob,) in self._conn.execute("SELECT rows FROM cells ORDER BY rowid"):
            rows += json.loads(blob)
        return rows

    def __len__(self):
        return self._conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0]

    def close(self):
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
