"""``python -m bench [--quick] [--runs 3] [--scaled 10]``: the goals of issue 13, measured
in one command, each figure as min / median / max over ``--runs`` runs, then one table.

Each run: import, queries, the booking flow (50 ms Bot API, Poisson arrivals, crisis
replies, the same-calls echo), each screen one update at a time (trips, SQLite time),
the same at ``--scaled`` x the data (show-slots and Book p95, the nightly slot making's
longest writer hold), start-up and reminder dispatch. ``--quick`` uses a tenth of the
data, 1,000 reminders, ``--scaled 3`` and one run: minutes, for CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    bench_dispatch,
    bench_flow,
    bench_import,
    bench_queries,
    bench_startup,
    bench_steps,
)
from bench.dataset import build, sizes_for


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text(encoding="utf-8").split()[1])
        ram = f", {total_kb / 1024 / 1024:.1f} GiB RAM"
    return (
        f"{cpu}, {os.cpu_count()} cores{ram}; {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def _section(title: str, work: Callable[[], dict[str, float]]) -> dict[str, float]:
    print(f"\n## {title}\n", flush=True)
    started = time.perf_counter()
    figures = work()
    print(f"({time.perf_counter() - started:.0f} s)", flush=True)
    return figures


Runs = dict[str, list[float]]

# (figure, goal, key, unit, met) in the order of the table.
GOALS: list[tuple[str, str, str, str, Callable[[float], bool]]] = [
    (
        "throughput, 50 ms Bot API latency, 1,000 users, booking flow",
        ">= 300 updates/s",
        "flow_throughput",
        "/s",
        lambda v: v >= bench_flow.THROUGHPUT_GOAL,
    ),
    (
        "p95 latency, Poisson arrivals at 100/s, 50 ms Bot API",
        "< 150 ms",
        "flow_p95_ms",
        "ms",
        lambda v: v < bench_flow.P95_GOAL_MS,
    ),
    (
        "crisis reply p95 while 100 updates/s of other users flow",
        "< 120 ms",
        "crisis_p95_ms",
        "ms",
        lambda v: v < bench_flow.CRISIS_P95_GOAL_MS,
    ),
    (
        "booking flow in process, bot / same-calls echo",
        ">= 0.35",
        "flow_ratio",
        "",
        lambda v: v >= bench_flow.RATIO_GOAL,
    ),
    (
        '"Book" step p50, in process, national data',
        "< 5 ms",
        "book_p50_ms",
        "ms",
        lambda v: v < bench_steps.BOOK_P50_GOAL_MS,
    ),
    (
        'trips to the database (calls of a connection), "Book"',
        "<= 8",
        "book_trips",
        "",
        lambda v: v <= bench_steps.BOOK_TRIPS_GOAL,
    ),
    (
        "trips, any screen that only reads",
        "<= 3",
        "read_trips",
        "",
        lambda v: v <= bench_steps.READ_TRIPS_GOAL,
    ),
    (
        "show-slots p95 at the scaled data",
        "< 10 ms",
        "scaled_slots_p95_ms",
        "ms",
        lambda v: v < bench_steps.SCALED_P95_GOAL_MS,
    ),
    (
        '"Book" p95 at the scaled data',
        "< 10 ms",
        "scaled_book_p95_ms",
        "ms",
        lambda v: v < bench_steps.SCALED_P95_GOAL_MS,
    ),
    (
        "longest writer hold, nightly slot making, scaled data",
        "< 50 ms",
        "scaled_slot_hold_ms",
        "ms",
        lambda v: v < 50,
    ),
    (
        "start-up with 100,000 pending reminders: time",
        "< 1 s",
        "startup_s",
        "s",
        lambda v: v < bench_startup.SECONDS_GOAL,
    ),
    (
        "start-up: the process's own peak memory (VmHWM)",
        "< 120 MiB",
        "startup_rss_mb",
        "MiB",
        lambda v: v < bench_startup.MEMORY_GOAL_MB,
    ),
    ("import of the data set (fresh process)", "< 5 s", "import_s", "s", lambda v: v < 5.0),
    (
        "query p95, worst of four screens",
        "< 5 ms",
        "query_worst_ms",
        "ms",
        lambda v: v < bench_queries.GOAL_MS,
    ),
    (
        "reminder dispatch: share of the rate (30/s)",
        ">= 90 %",
        "dispatch_share",
        "%",
        lambda v: v >= 90,
    ),
    ("reminders lost + doubled", "0", "dispatch_faults", "", lambda v: v == 0),
]


def _fmt(value: float, unit: str) -> str:
    text = (
        f"{value:,.0f}"
        if abs(value) >= 100
        else f"{value:.2f}"
        if abs(value) < 10
        else f"{value:.1f}"
    )
    return f"{text} {unit}".strip()


def table(runs: Runs) -> str:
    rows = [
        "| figure | goal | min / median / max | met (median)? |",
        "|---|---|---|---|",
    ]
    for figure, goal, key, unit, met in GOALS:
        values = runs.get(key)
        if not values:
            rows.append(f"| {figure} | {goal} | not measured | - |")
            continue
        low, mid, high = min(values), statistics.median(values), max(values)
        measured = " / ".join(_fmt(v, unit) for v in (low, mid, high))
        rows.append(f"| {figure} | {goal} | {measured} | {'yes' if met(mid) else '**no**'} |")
    return "\n".join(rows)


def one_run(seed: int, quick: bool, scaled: float) -> dict[str, float]:
    sizes = sizes_for(1, quick)
    figures: dict[str, float] = {}
    figures |= _section("import", lambda: bench_import.run(seed, sizes))
    queries = _section("queries", lambda: bench_queries.run(seed, sizes))
    figures["query_worst_ms"] = max(queries.values())
    figures |= _section("booking flow", lambda: bench_flow.run(seed, sizes, quick=quick))
    figures |= _section("each screen", lambda: bench_steps.run(seed, sizes, 100 if quick else 300))
    big = sizes_for(scaled, quick)
    scaled_figures = _section(
        f"each screen at {scaled:g} x", lambda: bench_steps.run(seed, big, 100 if quick else 300)
    )
    figures["scaled_slots_p95_ms"] = scaled_figures["slots_p95_ms"]
    figures["scaled_book_p95_ms"] = scaled_figures["book_p95_ms"]
    figures["scaled_slot_hold_ms"] = scaled_figures["slot_hold_ms"]
    figures |= _section("start-up", lambda: bench_startup.run(seed, sizes))
    count = 1_000 if quick else 10_000
    dispatch = _section("reminder dispatch", lambda: asyncio.run(bench_dispatch.main(count, 30.0)))
    figures["dispatch_share"] = dispatch["dispatch_share"]
    figures["dispatch_faults"] = dispatch["dispatch_lost"] + dispatch["dispatch_doubled"]
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run, for CI")
    parser.add_argument("--runs", type=int, help="runs of everything (default 3; quick 1)")
    parser.add_argument("--scaled", type=float, help="the scaled data set (default 10; quick 3)")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)
    runs_wanted = args.runs or (1 if args.quick else 3)
    scaled = args.scaled or (3 if args.quick else 10)
    print(f"machine: {machine()}")
    for scale in (1, scaled):
        started = time.perf_counter()
        built = build(args.seed, sizes_for(scale, args.quick))
        print(f"data set x{scale:g}: {built.path} ({time.perf_counter() - started:.0f} s)")
    runs: Runs = {}
    for number in range(runs_wanted):
        print(f"\n# run {number + 1} of {runs_wanted}")
        for key, value in one_run(args.seed, args.quick, scaled).items():
            runs.setdefault(key, []).append(value)
    print(f"\nFigures of {runs_wanted} {'quick ' if args.quick else ''}run(s) on: {machine()}\n")
    print(table(runs))


if __name__ == "__main__":
    main()
