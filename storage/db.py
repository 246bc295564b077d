"""The SQLite database: connections, pragmas, migrations and the write transaction.

Three connections: a writer, used only inside :meth:`Database.write` and
:meth:`Database.single` under one lock (so tasks never interleave transactions on it),
a reader for everything else (WAL lets it read while the writer writes), and a second
reader for the urgent lane (:mod:`storage.lanes`), so a crisis never queues behind other
users' reads in the reader's thread. The lock is handed over by lane: urgent work
first, background work (reminders, slot making, checkpoints) after waiting users.
Each aiosqlite connection owns a non-daemon thread, so :meth:`Database.close` must run
at shutdown.

A statement runs on the event loop's own thread (:class:`LoopConnection`), not in the
connection's thread: a trip there and back cost 0.1-0.2 ms on an idle 2-core machine
and up to several ms when the loop is busy (the thread has to win the GIL back twice),
more than the statements of a screen take. Work that may take long runs in the
thread (:func:`off_loop`), and so does a statement that finds the database locked by
another process: it waits there, not on the loop. A transaction is still written as a
few set-based statements, and a write of one statement skips ``BEGIN``/``COMMIT``
(:meth:`Database.single`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from storage.lanes import Lane, LaneLock, current_lane

log = logging.getLogger(__name__)

Connection = aiosqlite.Connection

_off_loop: ContextVar[bool] = ContextVar("off_loop", default=False)


@contextmanager
def off_loop() -> Iterator[None]:
    """Statements of this block (and the tasks it starts) run in the connections'
    threads: for work that may take long (slot making, reports, retention), so the event
    loop serves everybody else meanwhile."""
    token = _off_loop.set(True)
    try:
        yield
    finally:
        _off_loop.reset(token)


def _busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


class LoopConnection(aiosqlite.Connection):
    """aiosqlite's connection, whose calls run where they are awaited, on the loop's thread.

    The connection's thread is used instead, in order (a call never overtakes one
    already there): inside :func:`off_loop`; and for a call that found the database
    locked (``SQLITE_BUSY``: another process writes, a checkpoint resets the WAL). On
    the loop the connection never waits for a lock (its busy timeout is 0); such a call
    is made again in the thread, waiting up to ``busy_timeout_ms`` there, unless it
    already changed rows (``executemany`` outside a transaction commits row by row).
    """

    def __init__(self, path: Path, busy_timeout_ms: int) -> None:
        def connector() -> sqlite3.Connection:
            # Used by one thread at a time: the loop's, or the connection's (see _execute).
            return sqlite3.connect(path, isolation_level=None, check_same_thread=False)

        super().__init__(connector, iter_chunk_size=64)
        self.busy_timeout_ms = busy_timeout_ms
        self._in_thread = 0  # calls queued to the thread and not finished

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._in_thread or _off_loop.get():
            return await self._in_own_thread(fn, *args, **kwargs)
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        changes = self._connection.total_changes
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            # executemany outside a transaction commits row by row: once one went in,
            # making the call again would write it twice.
            if not _busy(exc) or self._connection.total_changes != changes:
                raise
        return await self._in_own_thread(fn, *args, **kwargs)

    async def _in_own_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        conn = self._conn
        patience = int(self.busy_timeout_ms)

        def patiently() -> Any:
            conn.execute(f"PRAGMA busy_timeout = {patience}")
            try:
                return fn(*args, **kwargs)
            finally:
                conn.execute("PRAGMA busy_timeout = 0")

        self._in_thread += 1
        try:
            return await super()._execute(patiently)  # type: ignore[no-untyped-call]
        finally:
            self._in_thread -= 1


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, args: Iterable[Any] | dict[str, Any] = ()
) -> aiosqlite.Row | None:
    """The first row of a query, in one trip to the connection's thread."""
    rows = await conn.execute_fetchall(sql, args)
    for row in rows:
        return row
    return None


async def fetch_all(
    conn: aiosqlite.Connection, sql: str, args: Iterable[Any] | dict[str, Any] = ()
) -> list[aiosqlite.Row]:
    """All rows of a query, in one trip to the connection's thread (not three)."""
    return list(await conn.execute_fetchall(sql, args))


class Repo:
    """A repository: plain SQL on one connection, pydantic models out."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def one(
        self, sql: str, args: Iterable[Any] | dict[str, Any] = ()
    ) -> aiosqlite.Row | None:
        return await fetch_one(self.conn, sql, args)

    async def all(self, sql: str, args: Iterable[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        return await fetch_all(self.conn, sql, args)

    async def run(self, sql: str, args: Iterable[Any] | dict[str, Any] = ()) -> int:
        """Execute one statement; how many rows it changed."""
        cursor = await self.conn.execute(sql, args)
        return cursor.rowcount

    async def insert(self, sql: str, args: Iterable[Any] | dict[str, Any] = ()) -> int:
        """Execute an INSERT; the new row's id."""
        cursor = await self.conn.execute(sql, args)
        return int(cursor.lastrowid or 0)

    async def run_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> int:
        cursor = await self.conn.executemany(sql, rows)
        return max(cursor.rowcount, 0)


def marks(count: int) -> str:
    """``?,?,?`` for an IN list of ``count`` values."""
    return ",".join("?" * count)


def to_db_time(when: datetime) -> str:
    """Store aware datetimes as ISO 8601 in UTC, so text order is time order."""
    if when.tzinfo is None:
        raise ValueError("naive datetime given to storage")
    return when.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration file, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        raise RuntimeError(f"migration numbers must start at 1 and be unique, got {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into statements, the way sqlite3 itself sees them end."""
    statements: list[str] = []
    current = ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in current.splitlines()
    ):
        raise ValueError(f"incomplete SQL statement at the end: {current.strip()[:60]}")
    return statements


class Database:
    """One SQLite file. Open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, path: Path | str, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._urgent_reader: aiosqlite.Connection | None = None
        self.write_lock = LaneLock()
        # When the writer was last let go (monotonic), and the longest it was held.
        self.last_write = time.monotonic()
        self.longest_hold = 0.0

    async def _connect(self) -> aiosqlite.Connection:
        conn = await LoopConnection(self.path, self.busy_timeout_ms)
        conn.row_factory = aiosqlite.Row
        # On the loop a statement never waits for a lock (see LoopConnection).
        for pragma in (
            "PRAGMA busy_timeout = 0",
            "PRAGMA foreign_keys = ON",
            "PRAGMA synchronous = NORMAL",
        ):
            await conn.execute(pragma)
        return conn

    async def open(self, migrate: bool = True) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        # Read the answer through: an unfinished statement would hold a lock on the file.
        async with self._writer.execute("PRAGMA journal_mode = WAL") as cursor:
            await cursor.fetchall()
        if migrate:
            await self.migrate()
        self._reader = await self._connect()
        self._urgent_reader = await self._connect()

    async def close(self) -> None:
        for conn in (self._urgent_reader, self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._urgent_reader = self._reader = self._writer = None

    @property
    def writer(self) -> aiosqlite.Connection:
        """The writer connection, for maintenance under :attr:`write_lock` only."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        return self._writer

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def reader(self) -> aiosqlite.Connection:
        """The reader of the current lane (the urgent lane has one of its own)."""
        if self._reader is None:
            raise RuntimeError("database is not open")
        if current_lane() == Lane.URGENT and self._urgent_reader is not None:
            return self._urgent_reader
        return self._reader

    @asynccontextmanager
    async def _holding(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._writer is None:
            raise RuntimeError("database is not open")
        await self.write_lock.acquire()
        started = time.monotonic()
        try:
            yield self._writer
        finally:
            self.last_write = time.monotonic()
            self.longest_hold = max(self.longest_hold, self.last_write - started)
            self.write_lock.release()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), serialized across tasks."""
        async with self._holding() as conn:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    @asynccontextmanager
    async def single(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer for ONE statement, which commits by itself: one trip, not three.

        SQLite makes every statement outside ``BEGIN`` a transaction of its own, so a
        write of one statement is as atomic as in :meth:`write`. Two statements here
        would each commit on their own: use :meth:`write` for those.
        """
        async with self._holding() as conn:
            yield conn

    async def schema_version(self) -> int:
        conn = self._writer or self._reader
        if conn is None:
            raise RuntimeError("database is not open")
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, target: int | None = None) -> list[str]:
        """Apply the migrations above ``PRAGMA user_version``, each in its own transaction."""
        applied: list[str] = []
        current = await self.schema_version()
        for version, name, sql in migration_scripts():
            if version <= current or (target is not None and version > target):
                continue
            async with self.write() as conn:
                for statement in split_statements(sql):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {version}")
            log.info("applied migration %s", name)
            applied.append(name)
        return applied
