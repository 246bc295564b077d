"""Statements on the event loop's thread: a locked database is waited for in the
connection's thread (the loop keeps running), heavy work runs there too, and a call
never overtakes one already in the thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database, LoopConnection, off_loop


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "loop.sqlite3", busy_timeout_ms=5000)
    await database.open()
    async with database.write() as conn:
        await conn.execute("CREATE TABLE t (n INTEGER)")
    yield database
    await database.close()


def _thread_of(conn: object) -> int:
    assert isinstance(conn, LoopConnection)
    return threading.get_ident()


async def test_statements_run_on_the_loop_and_heavy_work_in_the_thread(db: Database) -> None:
    main = threading.get_ident()
    assert await db.reader._execute(_thread_of, db.reader) == main
    with off_loop():
        assert await db.reader._execute(_thread_of, db.reader) != main


async def test_a_write_waits_for_another_process_in_the_thread_not_on_the_loop(
    db: Database,
) -> None:
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def write() -> None:
        async with db.write() as conn:
            await conn.execute("INSERT INTO t VALUES (2)")

    ticker = asyncio.create_task(tick())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.2)
    assert not writing.done()  # waiting for the lock...
    assert ticks >= 10  # ...while the loop goes on
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, 5)
    ticker.cancel()
    rows = await db.reader.execute_fetchall("SELECT n FROM t ORDER BY n")
    assert [r[0] for r in rows] == [1, 2]


async def test_a_call_waits_behind_one_already_in_the_thread(db: Database) -> None:
    reader = db.reader
    assert isinstance(reader, LoopConnection)
    order: list[str] = []
    release = threading.Event()

    def slow() -> None:
        release.wait(5)
        order.append("slow")

    def quick() -> None:
        order.append("quick")

    with off_loop():
        slow_call = asyncio.create_task(reader._execute(slow))
    await asyncio.sleep(0.05)
    quick_call = asyncio.create_task(reader._execute(quick))
    await asyncio.sleep(0.05)
    assert order == []  # the quick call did not run on the loop ahead of the slow one
    release.set()
    await asyncio.gather(slow_call, quick_call)
    assert order == ["slow", "quick"]
