"""The screen's directory: settings, a SQLite ledger (WAL) of candidates and tasks, Parquet shards and a lock.

Layout: `screen.json` (tiers, filters, chunk size, nassb version), `ledger.sqlite` (tables `candidates`: name,
content key, structure JSON, source, load error; `tasks`: candidate, tier, status pending/done/failed, attempts,
error, shard), `shards/tier<T>-<hash>.parquet` (one per finished chunk: its records, one row per candidate, with
the content key), `.lock` (held by the running process with fcntl.flock). A shard is written under a temporary
name and renamed at once (`nassb.core.io.write_atomic`, durable: not held back by the command's output
transaction, so a killed run keeps it), then the ledger marks its rows done in one transaction; after a
kill between the two, `reconcile` reads the shards and marks their rows done, so nothing is computed twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nassb.core.errors import InputError

SCHEMA = """
CREATE TABLE IF NOT EXISTS candidates (
    name TEXT PRIMARY KEY, content_key TEXT, structure TEXT, source TEXT, load_error TEXT
);
CREATE TABLE IF NOT EXISTS tasks (
    name TEXT, tier INTEGER, status TEXT, attempts INTEGER DEFAULT 0, error TEXT, shard TEXT,
    PRIMARY KEY (name, tier)
);
"""


class Store:
    """One screen's directory (module docstring)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.shards = self.directory / "shards"
        self._lock_handle = None

    @property
    def settings_path(self) -> Path:
        return self.directory / "screen.json"

    def exists(self) -> bool:
        return self.settings_path.is_file() and (self.directory / "ledger.sqlite").is_file()

    def create(self, settings: dict[str, Any]) -> None:
        """Make the directory, its settings and an empty ledger; refused when it already holds a screen."""
        if self.exists():
            raise InputError(
                str(self.directory), "--store", "a new folder (this one holds a screen: `nassb screen resume` it)"
            )
        self.shards.mkdir(parents=True, exist_ok=True)
        self.settings_path.write_text(json.dumps(settings, indent=2), encoding="utf-8")
        with self.ledger() as db:
            db.executescript(SCHEMA)

    def settings(self) -> dict[str, Any]:
        if not self.exists():
            raise InputError(str(self.directory), "store", "a folder made by `nassb screen run`")
        return json.loads(self.settings_path.read_text(encoding="utf-8"))

    @contextmanager
    def ledger(self) -> Iterator[sqlite3.Connection]:
        """A connection in WAL mode; the block is one transaction."""
        connection = sqlite3.connect(self.directory / "ledger.sqlite", timeout=30)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            with connection:
                yield connection
        finally:
            connection.close()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock for the block; a second process gets a clear error, not shared shards."""
        path = self.directory / ".lock"
        handle = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise InputError(
                str(self.directory),
                "store",
                "a screen folder no other nassb screen is running in",
                f"locked by {holder}",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def add_candidates(self, rows: list[tuple[str, str, str, str, str | None]]) -> None:
        """Register (name, content key, structure JSON, source, load error) rows, each pending at tier 0."""
        with self.ledger() as db:
            db.executemany("INSERT OR IGNORE INTO candidates VALUES (?, ?, ?, ?, ?)", rows)
            db.executemany(
                "INSERT OR IGNORE INTO tasks (name, tier, status) VALUES (?, 0, 'pending')", [(row[0],) for row in rows]
            )

    def structures(self, names: list[str]) -> dict[str, tuple[str, str, str | None]]:
        """name -> (structure JSON, source, load error)."""
        with self.ledger() as db:
            marks = ",".join("?" * len(names))
            query = f"SELECT name, structure, source, load_error FROM candidates WHERE name IN ({marks})"
            rows = db.execute(query, names).fetchall()
        return {name: (structure, source, error) for name, structure, source, error in rows}

    def ensure_tasks(self, tier: int, names: list[str]) -> None:
        with self.ledger() as db:
            db.executemany(
                "INSERT OR IGNORE INTO tasks (name, tier, status) VALUES (?, ?, 'pending')", [(n, tier) for n in names]
            )

    def pending(self, tier: int) -> list[str]:
        with self.ledger() as db:
            rows = db.execute("SELECT name FROM tasks WHERE tier = ? AND status = 'pending' ORDER BY name", (tier,))
            return [name for (name,) in rows]

    def done(self, tier: int) -> list[str]:
        with self.ledger() as db:
            rows = db.execute("SELECT name FROM tasks WHERE tier = ? AND status = 'done' ORDER BY name", (tier,))
            return [name for (name,) in rows]

    def count_attempt(self, tier: int, names: list[str], attempts: int = 1) -> None:
        """Add `attempts` to the attempts of each of `names` at `tier`."""
        with self.ledger() as db:
            db.executemany(
                "UPDATE tasks SET attempts = attempts + ? WHERE name = ? AND tier = ?",
                [(attempts, n, tier) for n in names],
            )

    def write_chunk(self, tier: int, chunk_id: str, records: list[dict[str, Any]], failures: dict[str, str]) -> Path:
        """Write the chunk's shard atomically, then mark its rows done and its failures failed in one transaction."""
        import pandas as pd

        from nassb.core.io import write_atomic

        shard = self.shards / f"tier{tier}-{chunk_id}.parquet"
        if records:
            frame = pd.DataFrame.from_records(records)
            write_atomic(shard, lambda path: frame.to_parquet(path, index=False), durable=True)
        with self.ledger() as db:
            db.executemany(
                "UPDATE tasks SET status = 'done', error = NULL, shard = ? WHERE name = ? AND tier = ?",
                [(shard.name, record["name"], tier) for record in records],
            )
            db.executemany(
                "UPDATE tasks SET status = 'failed', error = ? WHERE name = ? AND tier = ?",
                [(error, name, tier) for name, error in failures.items()],
            )
        return shard

    def reconcile(self) -> int:
        """Mark done the rows of every shard on disk the ledger had not marked (a kill between rename and commit);
        returns how many."""
        import pandas as pd

        fixed = 0
        for shard in sorted(self.shards.glob("tier*-*.parquet")):
            tier = int(shard.name.split("-", 1)[0].removeprefix("tier"))
            names = pd.read_parquet(shard, columns=["name"])["name"].tolist()
            with self.ledger() as db:
                cursor = db.executemany(
                    "UPDATE tasks SET status = 'done', error = NULL, shard = ? "
                    "WHERE name = ? AND tier = ? AND status != 'done'",
                    [(shard.name, name, tier) for name in names],
                )
                fixed += max(cursor.rowcount, 0)
        return fixed

    def status(self) -> dict[str, dict[str, int]]:
        """Counts of tasks by tier and status."""
        with self.ledger() as db:
            rows = db.execute("SELECT tier, status, COUNT(*) FROM tasks GROUP BY tier, status").fetchall()
        out: dict[str, dict[str, int]] = {}
        for tier, status, count in rows:
            out.setdefault(f"tier {tier}", {})[status] = count
        return out

    def failures(self) -> list[tuple[str, int, str, int]]:
        with self.ledger() as db:
            return db.execute(
                "SELECT name, tier, error, attempts FROM tasks WHERE status = 'failed' ORDER BY tier, name"
            ).fetchall()

    def results(self):
        """Every shard's rows, one per candidate and tier, with its tier number."""
        import pandas as pd

        frames = []
        for shard in sorted(self.shards.glob("tier*-*.parquet")):
            frame = pd.read_parquet(shard)
            frame.insert(1, "tier", int(shard.name.split("-", 1)[0].removeprefix("tier")))
            frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=["name", "tier", "content_key"])
        return pd.concat(frames, ignore_index=True).sort_values(["tier", "name"], ignore_index=True)
