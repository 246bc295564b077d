"""Figure 3: the queries behind four screens on the national data set (goal: p95 < 5 ms).

``python -m bench.bench_queries [--quick] [--calls 1000]`` times, over random pupils and
specialists, the storage functions each screen runs (through aiosqlite, as the bot does):

- free slots: ``suitable_specialists`` + ``free_slots`` for the pupil's school and measure;
- my consultations: ``bookings_of_pupils``;
- my plan: ``plans_of_pupil`` + ``plan_in_force``;
- today: ``bookings_of_specialist`` for the specialist's day;

then prints ``EXPLAIN QUERY PLAN`` of every statement they ran, showing the index used.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from bench.dataset import FULL, NOW, QUICK, Sizes, build, today
from bot.config import BookingConfig
from bot.domain.dates import riga_midnight
from bot.services.consultations.desk import AGENDA_STATES
from storage import Database
from storage.consultations.bookings import BookingsRepo
from storage.consultations.slots import SlotsRepo
from storage.db import Connection
from storage.people import PeopleRepo

GOAL_MS = 5.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _free_slots(conn: Connection, pupil: tuple[int, str, str, str]) -> None:
    _, school, kind, subject = pupil
    config = BookingConfig()
    slots = SlotsRepo(conn)
    specialists = await slots.suitable_specialists(school, kind, subject)
    start = NOW + timedelta(hours=config.min_notice_hours)
    await slots.free_slots(specialists, start, NOW + timedelta(days=config.horizon_days), limit=6)


async def _my_consultations(conn: Connection, pupil: tuple[int, str, str, str]) -> None:
    since = NOW - timedelta(hours=BookingConfig().evidence_due_hours)
    await BookingsRepo(conn).bookings_of_pupils([pupil[0]], since)


async def _my_plan(conn: Connection, pupil: tuple[int, str, str, str]) -> None:
    await PeopleRepo(conn).plans_of_pupil(pupil[0])
    await PeopleRepo(conn).plan_in_force(pupil[0], today())


async def _today(conn: Connection, specialist: int) -> None:
    start = riga_midnight(today())
    await BookingsRepo(conn).bookings_of_specialist(
        specialist,
        start,
        start + timedelta(days=1),
        AGENDA_STATES,
        NOW - timedelta(days=BookingConfig().urgent_window_days),
    )


def _subjects(path: Path) -> tuple[list[tuple[int, str, str, str]], list[int]]:
    """(pupil, school, kind, subject) of bookable measures; specialists with sessions."""
    with sqlite3.connect(path) as conn:
        pupils = conn.execute(
            "SELECT p.pupil_id, u.school_id, m.kind, m.subject FROM plans p"
            " JOIN pupils u ON u.id = p.pupil_id JOIN plan_measures m ON m.plan_id = p.id"
            " WHERE m.kind IN ('subject_consultation', 'emotional_support')"
        ).fetchall()
        specialists = [row[0] for row in conn.execute("SELECT id FROM specialists")]
    return pupils, specialists


async def _time(
    conn: Connection, call: Callable[[Connection, object], Awaitable[None]], args: list[object]
) -> tuple[list[float], list[str]]:
    statements: list[str] = []
    await conn.set_trace_callback(statements.append)
    await call(conn, args[0])
    await conn.set_trace_callback(None)  # type: ignore[arg-type]  # None switches it off
    times = []
    for arg in args:
        started = time.perf_counter()
        await call(conn, arg)
        times.append((time.perf_counter() - started) * 1000)
    return times, statements


def _plan_of(path: Path, sql: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


async def run_async(path: Path, calls: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    pupils, specialists = _subjects(path)
    screens: list[tuple[str, Callable[[Connection, object], Awaitable[None]], list[object]]] = [
        ("free slots", _free_slots, [rng.choice(pupils) for _ in range(calls)]),  # type: ignore[list-item]
        ("my consultations", _my_consultations, [rng.choice(pupils) for _ in range(calls)]),  # type: ignore[list-item]
        ("my plan", _my_plan, [rng.choice(pupils) for _ in range(calls)]),  # type: ignore[list-item]
        ("today", _today, [rng.choice(specialists) for _ in range(calls)]),  # type: ignore[list-item]
    ]
    figures: dict[str, float] = {}
    plans: dict[str, list[str]] = {}
    async with Database(path) as db:
        print(f"{calls} calls each, random ids; milliseconds per screen's queries")
        print(f"  {'screen':<18} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
        for name, call, args in screens:
            times, statements = await _time(db.reader, call, args)
            p95 = percentile(times, 0.95)
            figures[name] = p95
            print(
                f"  {name:<18} {statistics.median(times):>7.3f} {p95:>7.3f}"
                f" {percentile(times, 0.99):>7.3f} {max(times):>7.3f}"
            )
            plans[name] = statements
    print("EXPLAIN QUERY PLAN of each statement (values of the first call):")
    for name, statements in plans.items():
        print(f"  {name}:")
        for sql in statements:
            print(f"    {sql[:110]}{'…' if len(sql) > 110 else ''}")
            for step in _plan_of(path, sql):
                print(f"      - {step}")
    worst = max(figures, key=lambda k: figures[k])
    print(f"  worst p95: {worst} {figures[worst]:.2f} ms (goal < {GOAL_MS:g} ms)")
    return {f"query_p95_ms {name}": value for name, value in figures.items()}


def run(seed: int, sizes: Sizes, calls: int = 1000) -> dict[str, float]:
    built = build(seed, sizes)
    return asyncio.run(run_async(built.path, calls, seed))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args(argv)
    run(args.seed, QUICK if args.quick else FULL, args.calls)


if __name__ == "__main__":
    main()
