"""Each screen of the booking flow, one update at a time: latency, trips, SQLite time.

``python -m bench.bench_steps [--quick] [--scale N] [--users 300]`` plays the booking
flow of :mod:`bench.bench_flow` for each user strictly one update at a time
(``Application.process_update``, no Bot API latency, nothing else running), then the
read-only screens around it (home, my consultations, my plan; a specialist's today,
week and requests). For every step it prints p50/p95 of the update's own time, the
trips to the database (:mod:`bench.trips`: calls of a connection) and the time SQLite
worked in them; the rest of an update's time is Python (PTB, the handlers, the
services). Goals (issue 13): "Book" p50 < 5 ms on national data and p95 < 10 ms at
10 x (show-slots too); at most 8 trips for "Book" and 3 for a screen that only reads.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bench.bench_flow import STEPS, BenchApi, _message, _press, next_update, pick_users
from bench.dataset import NOW, SPECIALIST_CHAT, Sizes, build, copy_of, sizes_for
from bench.trips import TripCounter
from bot.app import build_application, close_services, open_services
from bot.clock import FakeClock
from bot.config import parse_config

BOOK_P50_GOAL_MS = 5.0
SCALED_P95_GOAL_MS = 10.0
BOOK_TRIPS_GOAL = 8
READ_TRIPS_GOAL = 3
FLOW_NAMES = (
    "/start",
    "book: start",
    "book: kind (show slots)",
    "book: time",
    "book: skip note",
    "Book",
)
READ_SCREENS = {
    "home (/start)": "/start",
    "my consultations": "mc:list",
    "my plan": "plan:show",
}
SPECIALIST_SCREENS = {
    "specialist: today": "sp:today",
    "specialist: week": "sp:week",
    "specialist: requests": "sp:in",
}
READ_ONLY = frozenset(
    {"/start", "book: start", "book: kind (show slots)", *READ_SCREENS, *SPECIALIST_SCREENS}
)


@dataclass
class Step:
    ms: list[float] = field(default_factory=list)
    trips: list[int] = field(default_factory=list)
    sqlite_ms: list[float] = field(default_factory=list)
    example: list[str] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_async(path: Path, users_wanted: int, seed: int) -> dict[str, float]:
    config = parse_config({"database": {"path": str(path)}})
    api = BenchApi()
    app = build_application(config, clock=FakeClock(NOW), request=api, token="1:bench")  # noqa: S106 - no real Bot API
    await app.initialize()
    services = await open_services(app)
    db = services.db
    counter = TripCounter(db.reader, db._writer)  # type: ignore[arg-type]
    steps: dict[str, Step] = {}
    ids = iter(range(1, 10**9))

    async def timed(name: str, data: dict[str, Any]) -> None:
        update = Update.de_json(data, app.bot)
        with counter.counting() as trips:
            started = time.perf_counter()
            await app.process_update(update)
            took = time.perf_counter() - started
        step = steps.setdefault(name, Step())
        step.ms.append(took * 1000)
        step.trips.append(trips.count)
        step.sqlite_ms.append(trips.thread_seconds * 1000)
        if not step.example:
            step.example = trips.statements

    users = pick_users(path, limit=users_wanted)
    print(f"{len(users)} pupils, the flow one update at a time, then read-only screens")
    for user in users:
        for name in FLOW_NAMES:
            data = next_update(api, user, next(ids))
            if data is None:
                break
            user.step += 1
            await timed(name, data)
        for name, what in READ_SCREENS.items():
            if what.startswith("/"):
                await timed(name, _message(next(ids), user.chat_id, what))
            else:
                await timed(name, _press(next(ids), user.chat_id, what))
    stuck = [u for u in users if u.step < STEPS]
    rng = random.Random(seed)
    with sqlite3.connect(path) as conn:
        specialists = [r[0] for r in conn.execute("SELECT id FROM specialists")]
    for specialist in rng.sample(specialists, min(len(users), len(specialists))):
        for name, what in SPECIALIST_SCREENS.items():
            await timed(name, _press(next(ids), SPECIALIST_CHAT + specialist, what))
    # The next night: the horizon moves a day, every weekly rule makes that day's slots.
    clock = services.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(days=1))
    # The data set's weekly hours end with its four weeks; open-ended ones, as most are,
    # make the new day's slots every night.
    async with db.write() as writer:
        await writer.execute("UPDATE availability_rules SET valid_until = NULL")
    db.longest_hold = 0.0
    started = time.perf_counter()
    made = await services.availability.ensure_slots()
    nightly = time.perf_counter() - started
    hold_ms = db.longest_hold * 1000
    await close_services(app)
    await app.shutdown()

    print(
        f"  the next night's slot making: {made} slots in {nightly:.2f} s, the writer held"
        f" at most {hold_ms:.1f} ms at a time (goal < 50 ms)"
    )
    print(f"  {len(stuck)} users stuck")
    print(f"  {'screen':<26} {'p50 ms':>7} {'p95 ms':>7} {'trips':>6} {'SQLite p50':>10}")
    for name, step in steps.items():
        print(
            f"  {name:<26} {statistics.median(step.ms):>7.2f} {percentile(step.ms, 0.95):>7.2f}"
            f" {max(step.trips):>6} {statistics.median(step.sqlite_ms):>10.2f}"
        )
    book = steps["Book"]
    print("  one Book step's trips (the first user's):")
    for line in book.example:
        print(f"    - {line}")
    p50 = statistics.median(book.ms)
    sqlite_p50 = statistics.median(book.sqlite_ms)
    print(
        f"  Book p50 {p50:.2f} ms = SQLite {sqlite_p50:.2f} ms + the rest {p50 - sqlite_p50:.2f} ms"
        f" (Python: PTB, handlers, services; {max(book.trips)} calls on the loop's thread)"
    )
    read_trips = max(max(s.trips) for n, s in steps.items() if n in READ_ONLY)
    return {
        "book_p50_ms": p50,
        "book_p95_ms": percentile(book.ms, 0.95),
        "book_trips": float(max(book.trips)),
        "book_sqlite_ms": sqlite_p50,
        "slots_p95_ms": percentile(steps["book: kind (show slots)"].ms, 0.95),
        "read_trips": float(read_trips),
        "slot_hold_ms": hold_ms,
    }


def run(seed: int, sizes: Sizes, users: int = 300) -> dict[str, float]:
    built = build(seed, sizes)
    with tempfile.TemporaryDirectory(prefix="pumpurs-steps-") as tmp:
        path = copy_of(built, Path(tmp))
        return asyncio.run(run_async(path, users, seed))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--scale", type=float, default=1, help="N x the national data set")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--users", type=int, default=300)
    args = parser.parse_args(argv)
    run(args.seed, sizes_for(args.scale, args.quick), args.users)


if __name__ == "__main__":
    main()
