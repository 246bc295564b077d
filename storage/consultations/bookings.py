"""Bookings of consultations, and the people to tell about them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.consultations import (
    OPEN_STATES,
    USING_HOURS,
    Booking,
    BookingState,
    Channel,
    Slot,
)
from bot.domain.models import MeasureKind, PlanMeasure, Role, SpecialistKind
from bot.domain.reminders import Recipient
from storage.db import Repo, from_db_time, to_db_time

_OPEN = ",".join(f"'{state.value}'" for state in OPEN_STATES)
_USING = ",".join(f"'{state.value}'" for state in USING_HOURS)

# Urgent: an emotional-support booking whose pupil had words of crisis lately (?1 = since).
_SELECT = (
    "SELECT b.*, p.display_name AS pupil_name, s.display_name AS specialist_name,"
    " s.kind AS specialist_kind, p.school_id AS school_id,"
    " (SELECT name FROM schools WHERE id = p.school_id) AS school_name,"
    " (b.kind = 'emotional_support' AND EXISTS (SELECT 1 FROM crisis_events c"
    "   WHERE c.pupil_id = b.pupil_id AND c.at >= :since)) AS urgent"
    " FROM bookings b JOIN pupils p ON p.id = b.pupil_id"
    " JOIN specialists s ON s.id = b.specialist_id"
)
_NO_URGENCY = "9999-12-31"


# The active accounts of a booking's parties, each with the reminder settings planning
# reads, as one JSON array (a column of a bigger query, or a query of its own).
PARTIES = """(SELECT json_group_array(json_array(l.telegram_id, l.role, a.language,
    a.telegram_language, o.value,
    CASE l.role WHEN 'pupil' THEN 0 WHEN 'guardian' THEN 1 ELSE 2 END, l.linked_at))
  FROM account_links l JOIN accounts a USING (telegram_id)
  LEFT JOIN account_settings o ON o.telegram_id = l.telegram_id AND o.name = 'reminder_offsets'
  WHERE a.active = 1 AND ((l.role = 'pupil' AND l.person_id = {pupil})
    OR (l.role = 'guardian' AND l.person_id IN
      (SELECT guardian_id FROM guardian_pupils WHERE pupil_id = {pupil}))
    OR (l.role = 'specialist' AND l.person_id = {specialist})))"""


def parse_parties(text: str | None) -> list[Recipient]:
    """The pupil's accounts, then the guardians', then the specialist's; each once."""
    found: dict[int, Recipient] = {}
    for chat, role, language, telegram_language, offsets, _order, _linked in sorted(
        json.loads(text or "[]"), key=lambda party: (party[5], party[6])
    ):
        chosen = json.loads(offsets) if offsets else None
        found.setdefault(
            chat,
            Recipient(
                chat_id=chat,
                role=Role(role),
                language=language,
                telegram_language=telegram_language,
                chosen_offsets=tuple(int(m) for m in chosen) if isinstance(chosen, list) else None,
                offsets_read=True,
            ),
        )
    return list(found.values())


def of_specialists(
    ids: Sequence[int],
    start: datetime,
    end: datetime,
    states: tuple[BookingState, ...],
    urgent_since: datetime,
) -> tuple[str, dict[str, object]]:
    """The SELECT (unordered) of the bookings in [start, end) of these specialist records."""
    placeholders = ",".join(f":s{i}" for i in range(len(states)))
    people = ",".join(f":x{i}" for i in range(len(ids)))
    sql = (
        _SELECT + f" WHERE b.specialist_id IN ({people}) AND b.starts_at >= :start"
        f" AND b.starts_at < :end AND b.state IN ({placeholders})"
    )
    args: dict[str, object] = {
        "since": to_db_time(urgent_since),
        **{f"x{i}": person for i, person in enumerate(ids)},
        "start": to_db_time(start),
        "end": to_db_time(end),
        **{f"s{i}": state.value for i, state in enumerate(states)},
    }
    return sql, args


def booking_from_row(row: aiosqlite.Row | dict[str, Any]) -> Booking:
    """A booking from a row of the bookings SELECT."""
    return Booking(
        id=row["id"],
        slot_id=row["slot_id"],
        pupil_id=row["pupil_id"],
        specialist_id=row["specialist_id"],
        plan_id=row["plan_id"],
        kind=MeasureKind(row["kind"]),
        subject=row["subject"],
        starts_at=from_db_time(row["starts_at"]),
        ends_at=from_db_time(row["ends_at"]),
        minutes=row["minutes"],
        booked_by=row["booked_by"],
        state=BookingState(row["state"]),
        note=row["note"],
        call_link=row["call_link"],
        channel=Channel(row["channel"]),
        reason=row["reason"],
        evidence=row["evidence"],
        evidence_at=from_db_time(row["evidence_at"]) if row["evidence_at"] else None,
        created_at=from_db_time(row["created_at"]),
        pupil_name=row["pupil_name"],
        specialist_name=row["specialist_name"],
        specialist_kind=SpecialistKind(row["specialist_kind"]),
        urgent=bool(row["urgent"]),
        ended_by=Role(row["ended_by"]) if row["ended_by"] else None,
        sequence=row["sequence"],
        school_id=row["school_id"] or "",
        school_name=row["school_name"] or "",
        series_id=row["series_id"],
    )


class BookingsRepo(Repo):
    async def insert_booking(
        self,
        *,
        slot_id: int,
        pupil_id: int,
        specialist_id: int,
        plan_id: int,
        kind: MeasureKind,
        subject: str,
        starts_at: datetime,
        ends_at: datetime,
        booked_by: int,
        state: BookingState,
        note: str,
        call_link: str,
        now: datetime,
    ) -> int:
        minutes = int((ends_at - starts_at).total_seconds() // 60)
        cursor = await self.conn.execute(
            "INSERT INTO bookings (slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
            " starts_at, ends_at, minutes, booked_by, state, note, call_link, created_at,"
            " updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                slot_id,
                pupil_id,
                specialist_id,
                plan_id,
                kind.value,
                subject,
                to_db_time(starts_at),
                to_db_time(ends_at),
                minutes,
                booked_by,
                state.value,
                note,
                call_link,
                to_db_time(now),
                to_db_time(now),
            ),
        )
        return int(cursor.lastrowid or 0)

    async def get_booking(
        self, booking_id: int, urgent_since: datetime | None = None
    ) -> Booking | None:
        since = to_db_time(urgent_since) if urgent_since else _NO_URGENCY
        row = await self.one(_SELECT + " WHERE b.id = :id", {"since": since, "id": booking_id})
        return booking_from_row(row) if row else None

    async def open_booking_of_slot(self, slot_id: int) -> Booking | None:
        row = await self.one(
            _SELECT + f" WHERE b.slot_id = :slot AND b.state IN ({_OPEN})",
            {"since": _NO_URGENCY, "slot": slot_id},
        )
        return booking_from_row(row) if row else None

    async def update_state(
        self,
        booking_id: int,
        state: BookingState,
        now: datetime,
        *,
        expect: tuple[BookingState, ...],
        reason: str | None = None,
    ) -> bool:
        """Move to ``state`` only from one of ``expect``: False if it changed meanwhile."""
        marks = ",".join("?" * len(expect))
        sql = (
            "UPDATE bookings SET state = ?, updated_at = ?, reason = coalesce(?, reason)"  # noqa: S608
            f" WHERE id = ? AND state IN ({marks})"
        )
        cursor = await self.conn.execute(
            sql, (state.value, to_db_time(now), reason, booking_id, *(s.value for s in expect))
        )
        return cursor.rowcount == 1

    async def move_to_slot(
        self,
        booking_id: int,
        slot_id: int,
        starts_at: datetime,
        ends_at: datetime,
        state: BookingState,
        now: datetime,
    ) -> None:
        minutes = int((ends_at - starts_at).total_seconds() // 60)
        await self.conn.execute(
            "UPDATE bookings SET slot_id = ?, starts_at = ?, ends_at = ?, minutes = ?, state = ?,"
            " updated_at = ? WHERE id = ?",
            (
                slot_id,
                to_db_time(starts_at),
                to_db_time(ends_at),
                minutes,
                state.value,
                to_db_time(now),
                booking_id,
            ),
        )

    async def set_channel(self, booking_id: int, channel: Channel) -> None:
        await self.run("UPDATE bookings SET channel = ? WHERE id = ?", (channel.value, booking_id))

    async def set_ended_by(self, booking_id: int, role: Role) -> None:
        """Who ended the booking (the figures count cancellations by whom)."""
        await self.run("UPDATE bookings SET ended_by = ? WHERE id = ?", (role.value, booking_id))

    async def mark_answered(self, booking_id: int, now: datetime) -> None:
        """The specialist's first answer to a request (the figures' time to answer)."""
        await self.run(
            "UPDATE bookings SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
            (to_db_time(now), booking_id),
        )

    async def set_call_link(self, booking_id: int, call_link: str) -> None:
        await self.conn.execute(
            "UPDATE bookings SET call_link = ? WHERE id = ?", (call_link, booking_id)
        )

    async def set_evidence(self, booking_id: int, took_place: bool, by: int, now: datetime) -> bool:
        """Store the pupil's answer once; False if it was answered already."""
        cursor = await self.conn.execute(
            "UPDATE bookings SET evidence = ?, evidence_at = ?, evidence_by = ?"
            " WHERE id = ? AND evidence IS NULL",
            ("yes" if took_place else "no", to_db_time(now), by, booking_id),
        )
        return cursor.rowcount == 1

    async def minutes_used(self, plan_id: int, kind: MeasureKind, subject: str) -> int:
        row = await self.one(
            f"SELECT coalesce(sum(minutes), 0) FROM bookings WHERE plan_id = ? AND kind = ?"  # noqa: S608
            f" AND subject = ? AND state IN ({_USING})",
            (plan_id, kind.value, subject),
        )
        return int(row[0]) if row else 0

    async def count_open(self, pupil_id: int, after: datetime) -> int:
        row = await self.one(
            f"SELECT count(*) FROM bookings WHERE pupil_id = ? AND state IN ({_OPEN})"  # noqa: S608
            " AND ends_at > ?",
            (pupil_id, to_db_time(after)),
        )
        return int(row[0]) if row else 0

    async def bookings_of_pupils(
        self, pupil_ids: list[int], since: datetime, limit: int = 20
    ) -> list[Booking]:
        """Bookings of these pupils that end after ``since`` (open or recently decided)."""
        if not pupil_ids:
            return []
        names = {f"p{i}": pid for i, pid in enumerate(pupil_ids)}
        placeholders = ",".join(f":p{i}" for i in range(len(pupil_ids)))
        sql = (
            _SELECT + f" WHERE b.pupil_id IN ({placeholders}) AND b.ends_at > :after"
            " ORDER BY b.starts_at LIMIT :limit"
        )
        args = {"since": _NO_URGENCY, "after": to_db_time(since), "limit": limit, **names}
        return [booking_from_row(row) for row in await self.all(sql, args)]

    async def bookings_of_series(self, series_id: int) -> list[Booking]:
        """Every session of a series, by time."""
        sql = _SELECT + " WHERE b.series_id = :series ORDER BY b.starts_at"
        return [
            booking_from_row(row)
            for row in await self.all(sql, {"since": _NO_URGENCY, "series": series_id})
        ]

    async def all_of_pupils(self, pupil_ids: list[int]) -> list[Booking]:
        """Every booking of these pupils, oldest first (a family's export)."""
        if not pupil_ids:
            return []
        names = {f"p{i}": pid for i, pid in enumerate(pupil_ids)}
        placeholders = ",".join(f":p{i}" for i in range(len(pupil_ids)))
        sql = _SELECT + f" WHERE b.pupil_id IN ({placeholders}) ORDER BY b.starts_at, b.id"
        return [
            booking_from_row(row) for row in await self.all(sql, {"since": _NO_URGENCY, **names})
        ]

    async def bookings_of_specialist(
        self,
        specialist_id: int | Sequence[int],
        start: datetime,
        end: datetime,
        states: tuple[BookingState, ...],
        urgent_since: datetime,
    ) -> list[Booking]:
        """Bookings in [start, end) of one specialist record, or of several (one person
        in several schools), urgent first, then by time."""
        ids = [specialist_id] if isinstance(specialist_id, int) else list(specialist_id)
        if not ids:
            return []
        sql, args = of_specialists(ids, start, end, states, urgent_since)
        return [
            booking_from_row(row)
            for row in await self.all(sql + " ORDER BY urgent DESC, b.starts_at", args)
        ]

    async def parties(self, booking: Booking) -> list[Recipient]:
        """The active accounts of the pupil, their guardians and the specialist, once each."""
        row = await self.one(
            f"SELECT {PARTIES.format(pupil=':pupil', specialist=':specialist')} AS parties",
            {"pupil": booking.pupil_id, "specialist": booking.specialist_id},
        )
        return parse_parties(row[0] if row else None)

    async def add(
        self,
        *,
        slot: Slot,
        pupil_id: int,
        pupil_name: str,
        specialist_kind: SpecialistKind,
        plan_id: int,
        kind: MeasureKind,
        subject: str,
        booked_by: int,
        state: BookingState,
        note: str,
        call_link: str,
        now: datetime,
        channel: Channel = Channel.CALL,
    ) -> Booking:
        """Insert a booking of ``slot`` and return it as stored (no read-back)."""
        row = await self.one(
            "INSERT INTO bookings (slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
            " starts_at, ends_at, minutes, booked_by, state, note, call_link, channel,"
            " created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (
                slot.id,
                pupil_id,
                slot.specialist_id,
                plan_id,
                kind.value,
                subject,
                to_db_time(slot.starts_at),
                to_db_time(slot.ends_at),
                slot.minutes,
                booked_by,
                state.value,
                note,
                call_link,
                channel.value,
                to_db_time(now),
                to_db_time(now),
            ),
        )
        assert row is not None  # noqa: S101 - RETURNING of an INSERT
        return booking_from_row(
            {
                **dict(row),
                "pupil_name": pupil_name,
                "specialist_name": slot.specialist_name,
                "specialist_kind": specialist_kind.value,
                "urgent": False,
                "school_id": slot.school_id,
                "school_name": "",
            }
        )

    async def get_measure(self, measure_id: int, pupil_id: int) -> PlanMeasure | None:
        """A measure of one of this pupil's plans (None for another pupil's: a forged button)."""
        row = await self.one(
            "SELECT m.* FROM plan_measures m JOIN plans p ON p.id = m.plan_id"
            " WHERE m.id = ? AND p.pupil_id = ?",
            (measure_id, pupil_id),
        )
        if row is None:
            return None
        return PlanMeasure(
            id=row["id"],
            plan_id=row["plan_id"],
            kind=MeasureKind(row["kind"]),
            subject=row["subject"],
            hours_granted=row["hours_granted"],
        )
