"""The national data set, built once per seed and sizes and cached under ``bench/out/``.

Schools, people, plans, caterers and 4 weeks of weekly hours go in as CSV files through
``pumpurs-bot import`` (the figure of :mod:`bench.bench_import`); the free slots are made
by the bot's own :meth:`AvailabilityService.ensure_slots`; then accounts for everyone,
bookings in every state and the pending reminders of the confirmed ones are written
with plain SQL (``executemany``), consistent with what the bot itself would hold:
bookings sit on real slots of suitable specialists, within the plan's hours and the
open-booking limit, and reminders reference bookings and linked chats.

``python -m bench.dataset [--quick]`` builds (or finds) the database and prints its path.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import datagen
from bot.clock import FakeClock
from bot.config import BookingConfig
from bot.domain.dates import RIGA
from bot.services.consultations.availability import AvailabilityService
from storage import Database
from storage.uow import UnitOfWork

OUT = Path(__file__).resolve().parent / "out"
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # Tuesday 09:00 in Riga, in semester 1
PUPIL_CHAT, GUARDIAN_CHAT, SPECIALIST_CHAT = 100_000_000, 200_000_000, 300_000_000
SESSION_MINUTES = 45
RULE_DAYS = 28  # 4 weeks of weekly hours, from NOW's date


@dataclass(frozen=True)
class Sizes:
    schools: int = 500
    regions: int = 5
    pupils: int = 30_000
    guardians: int = 15_000
    specialists: int = 3_000
    plans: int = 30_000
    bookings: int = 50_000
    reminders: int = 100_000

    @property
    def key(self) -> str:
        return "-".join(str(n) for n in astuple(self))


FULL = Sizes()
QUICK = Sizes(50, 5, 3_000, 1_500, 300, 3_000, 5_000, 10_000)


def sizes_for(scale: float = 1, quick: bool = False) -> Sizes:
    """``scale`` x the national sizes (or x the quick ones); the regions stay five."""
    base = QUICK if quick else FULL
    if scale == 1:
        return base
    return Sizes(
        *(
            value if name == "regions" else max(1, round(value * scale))
            for name, value in zip(Sizes.__dataclass_fields__, astuple(base), strict=True)
        )
    )


def db_time(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


# --- the CSV files ------------------------------------------------------------------------


def write_csvs(out_dir: Path, seed: int, sizes: Sizes) -> dict[str, Path]:
    """Every importable file, in import order: people and plans, caterers, availability."""
    files = datagen.generate(
        out_dir,
        seed,
        schools=sizes.schools,
        pupils=sizes.pupils,
        regions=sizes.regions,
        guardians=sizes.guardians,
        specialists=sizes.specialists,
        plans=sizes.plans,
    )
    rng = random.Random(seed + 1)
    caterers = max(1, sizes.schools // 10)
    with (out_dir / "caterers.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            (
                "caterer_id",
                "display_name",
                "school_ids",
                "delivery_days",
                "cutoff_time",
                "delivery_time",
            )
        )
        for c in range(caterers):
            schools = [datagen.school_id(s) for s in range(c, sizes.schools, caterers)]
            writer.writerow(
                (
                    f"CAT-{c:03d}",
                    f"Ēdinātājs {c:03d}",
                    ";".join(schools),
                    "mon;tue;wed;thu;fri",
                    "14:00",
                    rng.choice(("11:30", "12:00", "12:30")),
                )
            )
    files["caterers"] = out_dir / "caterers.csv"
    first, last = NOW.date(), NOW.date() + timedelta(days=RULE_DAYS - 1)
    with (out_dir / "availability.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            (
                "school_id",
                "specialist_id",
                "weekday",
                "start",
                "end",
                "slot_minutes",
                "valid_from",
                "valid_until",
                "date",
            )
        )
        for s in range(sizes.specialists):
            school = datagen.school_id(datagen.school_of(s, sizes.specialists, sizes.schools))
            # three working days a week, 14:00-17:00 in 45-minute slots: 4 slots a day
            for weekday in sorted({1 + (s + k) % 5 for k in (0, 2, 4)}):
                writer.writerow(
                    (
                        school,
                        datagen.specialist_id(s),
                        weekday,
                        "14:00",
                        "17:00",
                        SESSION_MINUTES,
                        first.isoformat(),
                        last.isoformat(),
                        "",
                    )
                )
    files["availability"] = out_dir / "availability.csv"
    return files


def write_config(folder: Path, db_path: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(f'[database]\npath = "{db_path}"\n', encoding="utf-8")
    return path


def import_through_cli(config: Path, files: list[Path]) -> tuple[float, str]:
    """``pumpurs-bot import FILES...`` in a fresh process; its wall-clock seconds and report."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "bot", "--config", str(config), "import", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


async def make_slots(db_path: Path) -> int:
    """The bot's own lazy slot-making, run once for every weekly rule."""
    async with Database(db_path) as db:
        service = AvailabilityService(UnitOfWork(db), FakeClock(NOW), BookingConfig())
        return await service.ensure_slots()


# --- the cache -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    path: Path
    import_seconds: float | None  # None when the database came from the cache
    counts: dict[str, int]


def cached_path(seed: int, sizes: Sizes) -> Path:
    return OUT / f"national-{seed}-{sizes.key}.sqlite3"


def build(
    seed: int = 2020, sizes: Sizes = FULL, *, fresh: bool = False, quiet: bool = False
) -> Built:
    """The data set's database: from the cache, or built now (then cached)."""
    path = cached_path(seed, sizes)
    counts_path = path.with_suffix(".json")
    if path.exists() and counts_path.exists() and not fresh:
        return Built(path, None, json.loads(counts_path.read_text(encoding="utf-8")))
    say = (lambda *_: None) if quiet else print
    work = OUT / f"build-{seed}-{sizes.key}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db_path = work / "national.sqlite3"
    started = time.perf_counter()
    files = write_csvs(work / "csv", seed, sizes)
    say(f"  wrote {len(files)} CSV files in {time.perf_counter() - started:.1f} s")
    seconds, _ = import_through_cli(write_config(work, db_path), list(files.values()))
    say(f"  pumpurs-bot import of all {len(files)} files: {seconds:.2f} s")
    started = time.perf_counter()
    made = asyncio.run(make_slots(db_path))
    say(f"  ensure_slots made {made} free slots in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    from bench.dataset_rows import add_bookings_and_reminders

    counts = add_bookings_and_reminders(db_path, seed, sizes)
    counts["free slots made"] = made
    say(f"  accounts, bookings, reminders written in {time.perf_counter() - started:.1f} s")
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db_path}{suffix}").exists():
            os.replace(f"{db_path}{suffix}", f"{path}{suffix}")
    counts_path.write_text(json.dumps(counts, indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return Built(path, seconds, counts)


def copy_of(built: Built, folder: Path) -> Path:
    """A private copy of the cached database, for a benchmark that writes to it."""
    target = folder / "national.sqlite3"
    shutil.copyfile(built.path, target)
    return target


def today() -> date:
    return NOW.astimezone(RIGA).date()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--fresh", action="store_true", help="rebuild even if cached")
    args = parser.parse_args(argv)
    built = build(args.seed, QUICK if args.quick else FULL, fresh=args.fresh)
    print(built.path)
    for name, n in sorted(built.counts.items()):
        print(f"  {name:<22} {n:>8}")


if __name__ == "__main__":
    main()
