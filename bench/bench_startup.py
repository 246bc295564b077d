"""Start-up with 100,000 pending reminders: fast, and without a job per reminder.

``python -m bench.bench_startup [--count 100000]`` fills a database, then times
``build_application`` + ``open_services`` (which recovers interrupted rows and schedules
the reminder jobs) + ``app.start()``, and prints the seconds, the scheduler's jobs and
the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application, close_services, open_services
from bot.clock import FakeClock
from bot.config import parse_config
from bot.localchat.transport import InProcessBotApi
from storage import Database

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


async def fill(path: Path, count: int) -> None:
    """Rows made by SQLite itself, so the bench process's memory is the bot's alone."""
    async with Database(path):
        pass  # migrated
    with sqlite3.connect(path) as conn:
        conn.execute(
            "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?),"
            " t(n, due, event) AS (SELECT n, datetime('2026-12-01 07:00:00',"
            " '+' || (n % 50000 + 1) || ' minutes'), datetime('2026-12-01 07:00:00',"
            " '+' || (n % 50000 + 121) || ' minutes') FROM seq)"
            " INSERT INTO reminders (chat_id, role, kind, ref, due_at, event_at, not_after)"
            " SELECT 20000000 + n, CASE WHEN n % 3 THEN 'pupil' ELSE 'specialist' END,"
            " 'session:120', 's:' || n, replace(due, ' ', 'T') || '+00:00',"
            " replace(event, ' ', 'T') || '+00:00', replace(event, ' ', 'T') || '+00:00' FROM t",
            (count,),
        )


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "startup.sqlite3"
        await fill(path, count)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        config = parse_config({"database": {"path": str(path)}})
        api = InProcessBotApi()
        started = time.perf_counter()
        app = build_application(config, clock=FakeClock(NOW), request=api, token="1:bench")  # noqa: S106 - no real Bot API
        await app.initialize()
        await open_services(app)
        await app.start()
        elapsed = time.perf_counter() - started
        assert app.job_queue is not None
        jobs = [job.name for job in app.job_queue.jobs()]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"{count} pending reminders in the database")
        print(f"  build_application + open_services + start: {elapsed:.3f} s (goal < 2 s)")
        print(f"  scheduler jobs: {len(jobs)} {jobs}")
        print(f"  peak RSS: {rss / 1024:.1f} MiB (before start-up: {rss_before / 1024:.1f} MiB)")
        first = await app.bot_data.services.reminders.dispatcher.next_due()  # type: ignore[union-attr]
        print(f"  next wake-up at {first}")
        await app.stop()
        await close_services(app)
        await app.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().count))
