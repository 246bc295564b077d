"""Figure 4: start-up with the national data set and 100,000 pending reminders.

``python -m bench.bench_startup [--quick]`` copies the cached data set and, in a fresh
process (so the memory is the bot's own, not the generator's), times from the start of
``build_application`` to ``app.start()`` done: services opened (database, migrations
check, awaited inputs), the reminder jobs started (interrupted rows recovered, the next
wake-up read) and the command menus registered. It prints the seconds, the scheduler's
jobs (two, whatever the number of pending rows) and the peak RSS of that process.
Goals: under 1 s and under 120 MiB (the process's own peak, VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.dataset import FULL, QUICK, Sizes

SECONDS_GOAL = 1.0
MEMORY_GOAL_MB = 120.0


def own_peak_mib() -> float:
    """This process's own peak resident memory: VmHWM, never a parent's (``ru_maxrss``
    of a child started by ``subprocess`` can carry the parent's peak)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


async def measure(path: Path) -> dict[str, object]:
    """Run inside the fresh process: start the bot over the in-process Bot API."""
    started = time.perf_counter()
    from bot.app import build_application, close_services, open_services
    from bot.clock import FakeClock
    from bot.config import parse_config
    from bot.localchat.transport import InProcessBotApi

    NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # noqa: N806 - as bench.dataset.NOW

    imported = time.perf_counter() - started
    config = parse_config({"database": {"path": str(path)}})
    app = build_application(config, clock=FakeClock(NOW), request=InProcessBotApi(), token="1:x")  # noqa: S106 - no real Bot API
    await app.initialize()
    services = await open_services(app)
    await app.start()
    elapsed = time.perf_counter() - started
    ready_at = time.time()
    # The crisis rules compile on a thread while the bot starts; when the first message
    # could be read against them (it waits for them until then).
    services.care.detector.detect("")
    crisis_ready = time.perf_counter() - started
    assert app.job_queue is not None
    jobs = sorted(job.name or "" for job in app.job_queue.jobs())
    async with services.db.reader.execute(
        "SELECT count(*) FROM reminders WHERE state = 'pending'"
    ) as cursor:
        row = await cursor.fetchone()
    pending = int(row[0]) if row else 0
    next_due = await services.dispatcher.next_due()
    rss_mb = own_peak_mib()
    await app.stop()
    await close_services(app)
    await app.shutdown()
    return {
        "seconds": elapsed,
        "ready_at": ready_at,
        "imports": imported,
        "crisis_ready": crisis_ready,
        "rss_mb": rss_mb,
        "jobs": jobs,
        "pending": pending,
        "next_due": str(next_due),
    }


def run(seed: int, sizes: Sizes) -> dict[str, float]:
    from bench.dataset import build, copy_of

    built = build(seed, sizes)
    with tempfile.TemporaryDirectory(prefix="pumpurs-startup-") as tmp:
        path = copy_of(built, Path(tmp))
        # Once first: the copy gets any migrations and the compiled crisis rules
        # are kept beside it, as a running bot's files have; then timed.
        first = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "bench.bench_startup", "--child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        spawned = time.time()
        done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "bench.bench_startup", "--child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    from_spawn = float(result["ready_at"]) - spawned
    bookings = sum(n for name, n in built.counts.items() if name.startswith("bookings"))
    print(f"national data set: {bookings} bookings, {result['pending']} pending reminders")
    print(
        f"  start-up (imports, build_application, open_services, start): {result['seconds']:.3f} s"
        f" (imports {result['imports']:.3f} s) (goal < {SECONDS_GOAL:g} s)"
    )
    print(f"  from spawning the process to ready (interpreter start too): {from_spawn:.3f} s")
    print(
        "  the crisis rules ready (on their own thread, read from the file the last start"
        f" kept): {result['crisis_ready']:.3f} s after the imports began"
    )
    cold = json.loads(first.stdout.strip().splitlines()[-1])
    print(
        "  the first start on this file (the crisis rules compiled, then kept):"
        f" ready {cold['seconds']:.3f} s, crisis rules {cold['crisis_ready']:.3f} s"
        " after the imports began"
    )
    print(f"  scheduler jobs: {result['jobs']}; next wake-up at {result['next_due']}")
    print(
        f"  the bot process's own peak (VmHWM): {result['rss_mb']:.1f} MiB"
        f" (goal < {MEMORY_GOAL_MB:g})"
    )
    return {"startup_s": from_spawn, "startup_rss_mb": float(result["rss_mb"])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(measure(args.child))))
        return
    run(args.seed, QUICK if args.quick else FULL)


if __name__ == "__main__":
    main()
