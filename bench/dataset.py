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
import sqlite3
import subprocess
import sys
import time
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import datagen
from bot.clock import FakeClock
from bot.config import BookingConfig
from bot.services.availability import AvailabilityService
from bot.services.booking_common import RIGA
from storage import Database

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


def import_through_cli(config: Path, files: list[Path]) -> float:
    """``pumpurs-bot import FILES...`` in a fresh process; its wall-clock seconds."""
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
    return elapsed


async def make_slots(db_path: Path) -> int:
    """The bot's own lazy slot-making, run once for every weekly rule."""
    async with Database(db_path) as db:
        return await AvailabilityService(db, FakeClock(NOW), BookingConfig()).ensure_slots()


# --- accounts, bookings, reminders (plain SQL) ------------------------------------------------


@dataclass
class _Measure:
    plan_id: int
    kind: str
    subject: str
    minutes: int | None
    used: int = 0


def _link_everyone(conn: sqlite3.Connection) -> None:
    created = db_time(NOW - timedelta(days=60))
    for base, table, role in (
        (PUPIL_CHAT, "pupils", "pupil"),
        (GUARDIAN_CHAT, "guardians", "guardian"),
        (SPECIALIST_CHAT, "specialists", "specialist"),
    ):
        conn.execute(
            "INSERT INTO accounts (telegram_id, language, telegram_language, created_at)"  # noqa: S608
            f" SELECT {base} + id, 'lv', 'lv', ? FROM {table}",
            (created,),
        )
        conn.execute(
            "INSERT INTO account_links (telegram_id, role, person_id, linked_at)"  # noqa: S608
            f" SELECT {base} + id, ?, id, ? FROM {table}",
            (role, created),
        )


def _suitable(conn: sqlite3.Connection) -> dict[tuple[str, str, str], list[int]]:
    """(school, kind, subject) -> specialist ids, as storage.availability picks them."""
    found: dict[tuple[str, str, str], list[int]] = {}
    for school, sid, subject in conn.execute(
        "SELECT s.school_id, s.id, t.subject FROM specialists s"
        " JOIN specialist_subjects t ON t.specialist_id = s.id WHERE s.kind = 'teacher'"
    ):
        found.setdefault((school, "subject_consultation", subject), []).append(sid)
    for school, sid in conn.execute(
        "SELECT school_id, id FROM specialists WHERE kind IN ('psychologist', 'social_pedagogue')"
    ):
        found.setdefault((school, "emotional_support", ""), []).append(sid)
    return found


def _past_start(specialist_id: int, n: int) -> datetime:
    """The n-th past session time of a specialist: weekdays 14:00-17:00 Riga, going back."""
    day = NOW.astimezone(RIGA).date() - timedelta(days=1)
    per_day = 4
    steps = n // per_day
    while True:
        if day.isoweekday() <= 5:
            if steps == 0:
                break
            steps -= 1
        day -= timedelta(days=1)
    local = datetime(day.year, day.month, day.day, 14, 0, tzinfo=RIGA)
    return local + timedelta(minutes=SESSION_MINUTES * (n % per_day))


def add_bookings_and_reminders(db_path: Path, seed: int, sizes: Sizes) -> dict[str, int]:
    """Bookings in every state (60 % past) and the reminders of the confirmed ones."""
    rng = random.Random(seed + 2)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    with conn:
        _link_everyone(conn)
        suitable = _suitable(conn)
        school_of = dict(conn.execute("SELECT id, school_id FROM pupils"))
        guardians: dict[int, list[int]] = {}
        for gid, pid in conn.execute("SELECT guardian_id, pupil_id FROM guardian_pupils"):
            guardians.setdefault(pid, []).append(gid)
        measures: dict[int, list[_Measure]] = {}
        for pupil_id, plan_id, kind, subject, hours in conn.execute(
            "SELECT p.pupil_id, p.id, m.kind, m.subject, m.hours_granted FROM plans p"
            " JOIN plan_measures m ON m.plan_id = p.id WHERE p.starts_on <= ? AND p.ends_on >= ?"
            " AND m.kind IN ('subject_consultation', 'emotional_support') ORDER BY m.id",
            (NOW.date().isoformat(), NOW.date().isoformat()),
        ):
            if (school_of[pupil_id], kind, subject) in suitable:
                minutes = None if hours is None else round(hours * 60)
                measures.setdefault(pupil_id, []).append(_Measure(plan_id, kind, subject, minutes))
        free: dict[int, list[tuple[int, str, str]]] = {}
        notice = db_time(NOW + timedelta(hours=BookingConfig().min_notice_hours))
        for slot_id, sid, starts, ends in conn.execute(
            "SELECT id, specialist_id, starts_at, ends_at FROM slots WHERE state = 'free'"
            " AND starts_at >= ? ORDER BY starts_at",
            (notice,),
        ):
            free.setdefault(sid, []).append((slot_id, starts, ends))
        for slots in free.values():
            rng.shuffle(slots)
        pupils = sorted(measures)
        past_count: dict[int, int] = {}
        open_count: dict[int, int] = {}
        bookings: list[tuple[object, ...]] = []
        past_slots: list[tuple[object, ...]] = []
        booked_slots: list[int] = []
        confirmed: list[tuple[int, int, int, datetime, datetime]] = []
        next_slot = (conn.execute("SELECT coalesce(max(id), 0) FROM slots").fetchone()[0]) + 1
        next_booking = 1
        reminders_made = 0
        planned: set[tuple[object, ...]] = set()
        past_states = ("held",) * 7 + ("missed", "cancelled", "declined")
        other_future = ("requested", "proposed", "cancelled", "declined")
        attempts = 0
        while len(bookings) < sizes.bookings:
            attempts += 1
            if attempts > sizes.bookings * 20:
                raise SystemExit("cannot place the bookings: too few slots or hours")
            pupil = rng.choice(pupils)
            measure = rng.choice(measures[pupil])
            specialist = rng.choice(suitable[(school_of[pupil], measure.kind, measure.subject)])
            past = len(bookings) < sizes.bookings * 6 // 10
            if past:
                state = rng.choice(past_states)
                n = past_count.get(specialist, 0)
                past_count[specialist] = n + 1
                starts = _past_start(specialist, n)
                ends = starts + timedelta(minutes=SESSION_MINUTES)
                slot_id = next_slot
                next_slot += 1
                slot_state = "booked" if state in ("held", "missed") else "free"
                past_slots.append((slot_id, specialist, db_time(starts), db_time(ends), slot_state))
            else:
                if not free.get(specialist) or open_count.get(pupil, 0) >= 3:
                    continue
                # Every fifth is in another state; the rest are confirmed until their
                # reminders reach the wanted count, then requested (no reminders yet).
                if len(bookings) % 5 == 0:
                    state = other_future[len(bookings) // 5 % 4]
                else:
                    state = "confirmed" if reminders_made < sizes.reminders else "requested"
                slot_id, start_text, end_text = free[specialist].pop()
                starts = datetime.fromisoformat(start_text)
                ends = datetime.fromisoformat(end_text)
                if state in ("requested", "proposed", "confirmed"):
                    booked_slots.append(slot_id)
                    open_count[pupil] = open_count.get(pupil, 0) + 1
            uses_hours = state in ("requested", "proposed", "confirmed", "held")
            if (
                uses_hours
                and measure.minutes is not None
                and measure.used + SESSION_MINUTES > measure.minutes
            ):
                if past:
                    past_slots.pop()
                    past_count[specialist] -= 1
                    next_slot -= 1
                elif state in ("requested", "proposed", "confirmed"):
                    free[specialist].append((slot_id, start_text, end_text))
                    booked_slots.pop()
                    open_count[pupil] -= 1
                continue
            if uses_hours:
                measure.used += SESSION_MINUTES
            booking_id = next_booking
            next_booking += 1
            created = starts - timedelta(days=rng.randint(1, 10))
            created = min(created, NOW - timedelta(minutes=5))
            evidence = "yes" if state == "held" else ("no" if state == "missed" else None)
            bookings.append(
                (
                    booking_id,
                    slot_id,
                    pupil,
                    specialist,
                    measure.plan_id,
                    measure.kind,
                    measure.subject,
                    db_time(starts),
                    db_time(ends),
                    SESSION_MINUTES,
                    PUPIL_CHAT + pupil,
                    state,
                    f"https://meet.jit.si/pumpurs-bench{booking_id}"
                    if state != "requested"
                    else "",
                    "Slims" if state in ("cancelled", "declined") else "",
                    evidence,
                    db_time(ends + timedelta(hours=1)) if evidence else None,
                    PUPIL_CHAT + pupil if evidence else None,
                    db_time(created),
                    db_time(created),
                )
            )
            if state == "confirmed" and not past:
                confirmed.append((booking_id, pupil, specialist, starts, ends))
                for row in _reminders(
                    booking_id, pupil, specialist, starts, ends, guardians.get(pupil, [])
                ):
                    planned.add((row[0], row[2], row[3]))  # unique per chat, kind and ref
                reminders_made = len(planned)
        conn.executemany(
            "INSERT INTO slots (id, specialist_id, starts_at, ends_at, state)"
            " VALUES (?, ?, ?, ?, ?)",
            past_slots,
        )
        conn.executemany(
            "UPDATE slots SET state = 'booked' WHERE id = ?", [(s,) for s in booked_slots]
        )
        conn.executemany(
            "INSERT INTO bookings (id, slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
            " starts_at, ends_at, minutes, booked_by, state, call_link, reason, evidence,"
            " evidence_at, evidence_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            bookings,
        )
        rows = [
            row
            for booking_id, pupil, specialist, starts, ends in confirmed
            for row in _reminders(
                booking_id, pupil, specialist, starts, ends, guardians.get(pupil, [])
            )
        ]
        conn.executemany(
            "INSERT OR IGNORE INTO reminders (chat_id, role, kind, ref, due_at, event_at,"
            " not_after, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    counts = {
        f"bookings {state}": n
        for state, n in conn.execute("SELECT state, count(*) FROM bookings GROUP BY state")
    }
    counts["reminders pending"] = conn.execute(
        "SELECT count(*) FROM reminders WHERE state = 'pending'"
    ).fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return counts


def _morning_after(when: datetime) -> datetime:
    """Quiet hours (21:00-08:00 Riga) move a pupil's or parent's reminder to 08:00."""
    local = when.astimezone(RIGA)
    if 8 <= local.hour < 21:
        return when
    day = local.date() + timedelta(days=1) if local.hour >= 21 else local.date()
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=RIGA)


def _reminders(
    booking_id: int,
    pupil: int,
    specialist: int,
    starts: datetime,
    ends: datetime,
    guardians: list[int],
) -> list[tuple[object, ...]]:
    """What ``plan_session_reminders`` plans for a confirmed session, with default offsets."""
    ref = f"booking:{booking_id}"
    payload = json.dumps({"booking_id": booking_id})
    family = [(PUPIL_CHAT + pupil, "pupil")] + [(GUARDIAN_CHAT + g, "guardian") for g in guardians]
    rows: list[tuple[object, ...]] = []
    for chat, role in family:
        rows.append(
            (
                chat,
                role,
                "session:120",
                ref,
                db_time(starts - timedelta(minutes=120)),
                db_time(starts),
                db_time(starts),
                payload,
            )
        )
        closes = db_time(ends + timedelta(hours=24))
        for kind, due in (("evidence", ends), ("evidence_again", ends + timedelta(hours=12))):
            rows.append(
                (
                    chat,
                    role,
                    kind,
                    ref,
                    db_time(_morning_after(due)),
                    db_time(ends),
                    closes,
                    payload,
                )
            )
    chat = SPECIALIST_CHAT + specialist
    for minutes in (24 * 60, 15):
        due = starts - timedelta(minutes=minutes)
        if due > NOW:
            rows.append(
                (
                    chat,
                    "specialist",
                    f"session:{minutes}",
                    ref,
                    db_time(due),
                    db_time(starts),
                    db_time(starts),
                    payload,
                )
            )
    day = starts.astimezone(RIGA).date()
    agenda = datetime(day.year, day.month, day.day, 8, 0, tzinfo=RIGA)
    if agenda > NOW:
        end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), RIGA)
        rows.append(
            (
                chat,
                "specialist",
                "agenda",
                f"agenda:{specialist}:{day.isoformat()}",
                db_time(agenda),
                None,
                db_time(end_of_day),
                json.dumps({"specialist_id": specialist, "day": day.isoformat()}),
            )
        )
    return rows


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
    seconds = import_through_cli(write_config(work, db_path), list(files.values()))
    say(f"  pumpurs-bot import of all {len(files)} files: {seconds:.2f} s")
    started = time.perf_counter()
    made = asyncio.run(make_slots(db_path))
    say(f"  ensure_slots made {made} free slots in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
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
