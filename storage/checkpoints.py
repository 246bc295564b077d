"""WAL checkpoints off the request path: a background checkpointer with its own connection.

By default SQLite checkpoints inside the ``COMMIT`` that pushes the WAL past 1,000 pages,
so one unlucky user's update pays for copying everybody's pages into the database file
(at 10 x the national data that was most of a booking's SQLite time). With the
checkpointer running, the writer's automatic checkpoints are off and:

- every ``interval`` seconds it looks at the WAL file's size (a ``stat``, no query);
- when the writer has been idle for ``idle_seconds``, it truncates the WAL
  (``TRUNCATE``, under the writer's lock in the background lane, so no user waits);
- while writes go on, it copies what it can (``PASSIVE``: it takes no lock a writer
  needs, and runs in its own connection's thread, never the writer's);
- past ``max_wal_bytes`` it truncates even while busy (that write waits for it), which
  bounds the WAL file (``journal_size_limit`` bounds it on disk after each reset too).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time

import aiosqlite

from storage.db import Database
from storage.lanes import Lane

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(
        self,
        db: Database,
        *,
        interval: float = 1.0,
        idle_seconds: float = 2.0,
        max_wal_bytes: int = 64 * 1024 * 1024,
        passive_bytes: int = 4 * 1024 * 1024,
    ) -> None:
        self.db = db
        self.interval = interval
        self.idle_seconds = idle_seconds
        self.max_wal_bytes = max_wal_bytes
        self.passive_bytes = passive_bytes
        self._conn: aiosqlite.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._passive_at = 0  # WAL size at the last PASSIVE checkpoint
        self.checkpoints = {"passive": 0, "truncate": 0}

    @property
    def wal_path(self) -> str:
        return f"{self.db.path}-wal"

    def wal_bytes(self) -> int:
        try:
            return os.stat(self.wal_path).st_size
        except FileNotFoundError:
            return 0

    async def start(self) -> None:
        """Turn the writer's automatic checkpoints off and start checkpointing here."""
        writer = self.db.writer
        await writer.execute("PRAGMA wal_autocheckpoint = 0")
        await writer.execute(f"PRAGMA journal_size_limit = {int(self.max_wal_bytes)}")
        self._conn = await aiosqlite.connect(self.db.path, isolation_level=None)
        await self._conn.execute(f"PRAGMA busy_timeout = {int(self.db.busy_timeout_ms)}")
        self._task = asyncio.create_task(self._run(), name="checkpointer")

    async def stop(self) -> None:
        """Stop, truncate the WAL one last time, and give the writer its checkpoints back."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                await self.truncate()
            await self._conn.close()
            self._conn = None
        with contextlib.suppress(sqlite3.Error, RuntimeError):
            await self.db.writer.execute("PRAGMA wal_autocheckpoint = 1000")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.step()
            except Exception:
                log.exception("checkpoint failed; trying again later")

    async def step(self) -> str | None:
        """One look at the WAL: what was done (``passive``, ``truncate``) or None."""
        size = self.wal_bytes()
        if size == 0:
            return None
        idle = time.monotonic() - self.db.last_write >= self.idle_seconds
        if (idle and not self.db.write_lock.locked) or size > self.max_wal_bytes:
            await self.truncate(Lane.BACKGROUND if size <= self.max_wal_bytes else Lane.NORMAL)
            return "truncate"
        if size - self._passive_at >= self.passive_bytes:
            await self._checkpoint("PASSIVE")
            self._passive_at = size
            return "passive"
        return None

    async def truncate(self, lane: Lane = Lane.BACKGROUND) -> None:
        """Copy every page and empty the WAL file, with the writer held (briefly)."""
        await self.db.write_lock.acquire(lane)
        try:
            await self._checkpoint("TRUNCATE")
        finally:
            self.db.write_lock.release()
        self._passive_at = 0

    async def _checkpoint(self, mode: str) -> None:
        if self._conn is None:
            return
        async with self._conn.execute(f"PRAGMA wal_checkpoint({mode})") as cursor:
            await cursor.fetchall()
        self.checkpoints[mode.lower()] += 1
