"""Import benchmark: ``python -m bench.bench_import [--plans 30000]``.

Generates a synthetic data set, imports every file into a fresh database through the
same service as ``pumpurs-bot import``, prints seconds and rows/s per file, then
re-imports the plans to show that an identical file changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.datagen import generate
from bot.services.importer import ImportReport, import_csv
from storage.db import Database


async def _timed(db: Database, path: Path) -> tuple[ImportReport, float]:
    started = time.perf_counter()
    report = await import_csv(db, path)
    return report, time.perf_counter() - started


def _line(label: str, report: ImportReport, seconds: float) -> str:
    rate = report.rows / seconds if seconds else 0.0
    return (
        f"{label:<14} {report.rows:>7} rows {seconds:>7.3f} s {rate:>10,.0f} rows/s"
        f"   changed {report.changed}"
    )


async def run(plans: int, seed: int, out: Path) -> float:
    """Import everything once and plans twice; return the seconds of the first full import."""
    started = time.perf_counter()
    files = generate(out / "data", seed, plans=plans)
    print(f"generated {len(files)} files in {time.perf_counter() - started:.2f} s")
    total = 0.0
    async with Database(out / "bench.sqlite3") as db:
        for kind, path in files.items():
            report, seconds = await _timed(db, path)
            total += seconds
            print(_line(kind, report, seconds))
        print(f"{'total':<14} {'':>12} {total:>7.3f} s")
        report, seconds = await _timed(db, files["plans"])
        print(_line("plans again", report, seconds))
        if report.changed != 0:
            raise SystemExit(f"re-import changed {report.changed} rows, expected 0")
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--plans", type=int, default=30000, help="plans to import (30000)")
    parser.add_argument("--seed", type=int, default=2020, help="data set seed (2020)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pumpurs-bench-") as tmp:
        asyncio.run(run(args.plans, args.seed, Path(tmp)))


if __name__ == "__main__":
    main()
