"""``python -m bench [--quick]``: every figure in order, then one Markdown table.

Order: import, queries, booking flow, start-up, reminder dispatch (the last takes
count / rate seconds: 10,000 at 30/s is about 5.5 minutes; ``--quick`` sends 1,000 and
uses a tenth of the data set).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bench import bench_dispatch, bench_flow, bench_import, bench_queries, bench_startup
from bench.dataset import FULL, QUICK, build


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


def _row(figure: str, goal: str, measured: str, met: bool) -> str:
    return f"| {figure} | {goal} | {measured} | {'yes' if met else '**no**'} |"


def table(f: dict[str, float]) -> str:
    queries = [(k.split(" ", 1)[1], v) for k, v in f.items() if k.startswith("query_p95_ms")]
    rows = [
        "| figure | goal | measured | met? |",
        "|---|---|---|---|",
        _row(
            "1. import of the whole data set (`pumpurs-bot import`, fresh process)",
            "< 10 s",
            f"{f['import_s']:.1f} s",
            f["import_s"] < bench_import.GOAL_SECONDS,
        ),
        _row(
            "2. booking flow throughput, bot / bare PTB echo bot",
            ">= 0.5",
            f"{f['flow_ratio']:.3f} ({f['flow_bot_rate']:,.0f} vs {f['flow_echo_rate']:,.0f}"
            " updates/s)",
            f["flow_ratio"] >= bench_flow.RATIO_GOAL,
        ),
        _row(
            "2. latency per update at 100 updates/s (p50 / p95 / p99)",
            "p95 < 25 ms",
            f"{f['flow_p50_ms']:.1f} / {f['flow_p95_ms']:.1f} / {f['flow_p99_ms']:.1f} ms",
            f["flow_p95_ms"] < bench_flow.P95_GOAL_MS,
        ),
    ]
    rows += [
        _row(
            f"3. query p95: {name}",
            "< 5 ms",
            f"{value:.2f} ms",
            value < bench_queries.GOAL_MS,
        )
        for name, value in queries
    ]
    rows += [
        _row(
            "4. start-up, process spawn to ready, with the pending reminders",
            "< 2 s",
            f"{f['startup_s']:.2f} s",
            f["startup_s"] < bench_startup.SECONDS_GOAL,
        ),
        _row(
            "4. peak resident memory after start-up",
            "< 250 MB",
            f"{f['startup_rss_mb']:.0f} MiB",
            f["startup_rss_mb"] < bench_startup.MEMORY_GOAL_MB,
        ),
        _row(
            f"5. dispatch of {f['dispatch_count']:,.0f} due at once: share of the rate (30/s)",
            ">= 90 %",
            f"{f['dispatch_share']:.1f} %",
            f["dispatch_share"] >= 90,
        ),
        _row(
            "5. reminders lost / doubled",
            "0 / 0",
            f"{f['dispatch_lost']:.0f} / {f['dispatch_doubled']:.0f}",
            f["dispatch_lost"] == 0 and f["dispatch_doubled"] == 0,
        ),
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, 1,000 reminders")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    print(f"machine: {machine()}")
    print(f"data set: seed {args.seed}, {sizes}")
    started = time.perf_counter()
    built = build(args.seed, sizes)
    print(f"data set database: {built.path} ({time.perf_counter() - started:.0f} s)")
    figures: dict[str, float] = {}
    figures |= _section("1. import", lambda: bench_import.run(args.seed, sizes))
    figures |= _section("3. queries", lambda: bench_queries.run(args.seed, sizes))
    figures |= _section(
        "2. booking flow", lambda: bench_flow.run(args.seed, sizes, quick=args.quick)
    )
    figures |= _section("4. start-up", lambda: bench_startup.run(args.seed, sizes))
    count = 1_000 if args.quick else 10_000
    figures |= _section(
        "5. reminder dispatch", lambda: asyncio.run(bench_dispatch.main(count, 30.0))
    )
    print(f"\nFigures of {'a quick' if args.quick else 'the full'} run on: {machine()}\n")
    print(table(figures))


if __name__ == "__main__":
    main()
