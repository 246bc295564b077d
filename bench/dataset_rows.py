"""Accounts, bookings in every state and pending reminders, written with plain SQL.

Part of :mod:`bench.dataset`: consistent with what the bot itself would hold. Bookings
sit on real slots of suitable specialists, within the plan's hours and the open-booking
limit; the reminders are those ``plan_session_reminders`` plans for the confirmed ones.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.dataset import (
    GUARDIAN_CHAT,
    NOW,
    PUPIL_CHAT,
    SESSION_MINUTES,
    SPECIALIST_CHAT,
    Sizes,
    db_time,
)
from bot.config import BookingConfig
from bot.domain.dates import RIGA


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
                f"agenda:{day.isoformat()}",
                db_time(agenda),
                None,
                db_time(end_of_day),
                json.dumps({"specialist_id": specialist, "day": day.isoformat()}),
            )
        )
    return rows
