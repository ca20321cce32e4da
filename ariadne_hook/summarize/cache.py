"""Content-addressed summary cache: sqlite3 (WAL, busy timeout) at ``<cache_dir>/cache.sqlite3``.

The folder is chosen by the source stage (``source.root.cache_dir``): inside the git directory or the user's
cache folder, never in the working tree, so a committed file cannot pose as cache. Keys are sha256 over
(provider, endpoint = scheme://host:port/path of the base URL, model, PROMPT_VERSION, the redacted prompt), so
a changed function, model, endpoint or prompt layout misses. Safe under concurrent runs (WAL + busy_timeout +
INSERT OR REPLACE).
Any sqlite or OS error turns the cache off for the run with a one-line warning; it is never fatal.
All access happens in the calling thread: lookups before the batch, one write transaction after it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from ariadne_hook.endpoints import endpoint_id
from ariadne_hook.summarize.prompt import PROMPT_VERSION

FILENAME = "cache.sqlite3"
_BUSY_MS = 5000
_OPEN_TRIES = 10
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS summaries (key TEXT PRIMARY KEY, text TEXT NOT NULL, created REAL NOT NULL)"
)


def cache_key(provider: str, base_url: str | None, model: str | None, prompt: str) -> str:
    endpoint = (endpoint_id(base_url) or base_url.strip()) if base_url else ""
    material = json.dumps([provider, endpoint, model or "", PROMPT_VERSION, prompt])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class SummaryCache:
    """Open with `SummaryCache.open(dir)`; `warning` holds why it is off (then get/put do nothing)."""

    def __init__(self, conn: sqlite3.Connection | None, warning: str | None = None) -> None:
        self._conn = conn
        self.warning = warning

    @classmethod
    def open(cls, cache_dir: Path) -> SummaryCache:
        """The cache in ``cache_dir``, created on first use; off (with a warning) when it cannot be used.

        Two runs creating the database at once can meet a lock that sqlite reports at once, without waiting
        for its busy timeout (switching a new file to WAL): that is retried a few times, briefly.
        """
        for attempt in range(_OPEN_TRIES):
            conn: sqlite3.Connection | None = None
            try:
                conn = sqlite3.connect(cache_dir / FILENAME, timeout=_BUSY_MS / 1000, check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(_SCHEMA)
                conn.commit()
                return cls(conn)
            except (sqlite3.Error, OSError) as exc:
                if conn is not None:
                    conn.close()
                if attempt + 1 < _OPEN_TRIES and _is_busy(exc):
                    time.sleep(0.02 * (attempt + 1))
                    continue
                return cls(None, f"cache unavailable ({_describe(exc)}): summaries are not cached this run")
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def enabled(self) -> bool:
        return self._conn is not None

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        if self._conn is None or not keys:
            return {}
        found: dict[str, str] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(f"SELECT key, text FROM summaries WHERE key IN ({marks})", chunk)
                found.update((str(k), str(t)) for k, t in rows)
        except sqlite3.Error as exc:
            self._fail("cache unavailable", exc)
            return {}
        return found

    def put_many(self, entries: Iterable[tuple[str, str]]) -> None:
        rows = [(key, text, time.time()) for key, text in entries]
        if self._conn is None or not rows:
            return
        try:
            with self._conn:
                self._conn.executemany("INSERT OR REPLACE INTO summaries VALUES (?, ?, ?)", rows)
        except sqlite3.Error as exc:
            self._fail("cache not updated", exc)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _fail(self, what: str, exc: BaseException) -> None:
        self.warning = f"{what} ({_describe(exc)})"
        self.close()


def _is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def _describe(exc: BaseException) -> str:
    """sqlite's own message ("database is locked", "file is not a database"): short, holds no secret."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
