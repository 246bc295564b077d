"""Availability: weekly rules, days off, concrete slots, and specialists' booking settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

import aiosqlite

from bot.domain.consultations import AvailabilityRule, Slot, SlotState
from bot.domain.dates import riga_day
from storage.db import Repo, from_db_time, to_db_time


def _rule(row: aiosqlite.Row) -> AvailabilityRule:
    return AvailabilityRule(
        id=row["id"],
        specialist_id=row["specialist_id"],
        weekday=row["weekday"],
        start_time=time.fromisoformat(row["start_time"]),
        end_time=time.fromisoformat(row["end_time"]),
        slot_minutes=row["slot_minutes"],
        valid_from=date.fromisoformat(row["valid_from"]),
        valid_until=date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
    )


def _slot(row: aiosqlite.Row) -> Slot:
    keys = row.keys()
    return Slot(
        id=row["id"],
        specialist_id=row["specialist_id"],
        starts_at=from_db_time(row["starts_at"]),
        ends_at=from_db_time(row["ends_at"]),
        state=SlotState(row["state"]),
        specialist_name=row["specialist_name"] if "specialist_name" in keys else "",
        school_id=row["school_id"] if "school_id" in keys else "",
    )


_ADD_SLOT = (
    "INSERT OR IGNORE INTO slots (specialist_id, rule_id, starts_at, ends_at)"
    " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM slots WHERE specialist_id = ?"
    " AND state != 'withdrawn' AND starts_at < ? AND ends_at > ?)"
)


# The specialists of a school who give a kind (and subject) of consultation.
_SUITABLE = (
    "SELECT x.id FROM specialists x WHERE x.school_id = :school AND CASE"
    " WHEN :kind = 'subject_consultation' THEN x.kind = 'teacher' AND EXISTS"
    "   (SELECT 1 FROM specialist_subjects t WHERE t.specialist_id = x.id"
    "   AND t.subject = :subject)"
    " ELSE x.kind IN ('psychologist', 'social_pedagogue') END"
)


@dataclass
class SlotChanges:
    """Slots that became free, and the times of new slots by specialist, in one
    transaction: what the waiting list offers before it commits (:class:`storage.uow.Tx`)."""

    freed: list[int] = field(default_factory=list)
    # specialist -> (first, last) start of the slots published
    published: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.freed or self.published)

    def publish(self, specialist_id: int, starts_at: datetime) -> None:
        first, last = self.published.get(specialist_id, (starts_at, starts_at))
        self.published[specialist_id] = (min(first, starts_at), max(last, starts_at))

    def clear(self) -> None:
        self.freed.clear()
        self.published.clear()


class SlotsRepo(Repo):
    def __init__(self, conn: aiosqlite.Connection, changes: SlotChanges | None = None) -> None:
        super().__init__(conn)
        self.changes = changes if changes is not None else SlotChanges()

    async def upsert_rule(
        self,
        specialist_id: int,
        weekday: int,
        start: time,
        end: time,
        slot_minutes: int,
        valid_from: date,
        valid_until: date | None,
    ) -> int:
        """Add a weekly rule, or change the one with the same day, start and first date."""
        await self.conn.execute(
            "INSERT INTO availability_rules (specialist_id, weekday, start_time, end_time,"
            " slot_minutes, valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (specialist_id, weekday, start_time, valid_from) DO UPDATE SET"
            " end_time = excluded.end_time, slot_minutes = excluded.slot_minutes,"
            " valid_until = excluded.valid_until, materialised_until = NULL"
            # Unchanged rows stay untouched: re-importing the same file must not make every
            # rule's slots again (at national scale that held the writer for seconds).
            " WHERE availability_rules.end_time IS NOT excluded.end_time"
            " OR availability_rules.slot_minutes IS NOT excluded.slot_minutes"
            " OR availability_rules.valid_until IS NOT excluded.valid_until",
            (
                specialist_id,
                weekday,
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                slot_minutes,
                valid_from.isoformat(),
                valid_until.isoformat() if valid_until else None,
            ),
        )
        row = await self.one(
            "SELECT id FROM availability_rules WHERE specialist_id = ? AND weekday = ?"
            " AND start_time = ? AND valid_from = ?",
            (specialist_id, weekday, start.strftime("%H:%M"), valid_from.isoformat()),
        )
        assert row is not None  # noqa: S101 - just written
        return int(row[0])

    async def rules_of(self, specialist_id: int) -> list[AvailabilityRule]:
        return [
            _rule(row)
            for row in await self.all(
                "SELECT * FROM availability_rules WHERE specialist_id = ?"
                " ORDER BY weekday, start_time",
                (specialist_id,),
            )
        ]

    async def rules_to_materialise(
        self, until: date, rule_ids: Sequence[int] | None = None
    ) -> list[tuple[AvailabilityRule, date | None]]:
        """Rules with dates up to ``until`` not yet turned into slots, with how far they were."""
        sql = (
            "SELECT * FROM availability_rules WHERE valid_from <= ?"
            " AND (materialised_until IS NULL OR (materialised_until < ?"
            " AND (valid_until IS NULL OR valid_until > materialised_until)))"
        )
        args: list[object] = [until.isoformat(), until.isoformat()]
        if rule_ids is not None:
            sql += f" AND id IN ({','.join('?' * len(rule_ids))})"
            args += list(rule_ids)
        rows = await self.all(sql + " ORDER BY id", args)
        return [
            (
                _rule(row),
                date.fromisoformat(row["materialised_until"])
                if row["materialised_until"]
                else None,
            )
            for row in rows
        ]

    async def set_materialised_many(self, done: list[tuple[int, date]]) -> None:
        await self.conn.executemany(
            "UPDATE availability_rules SET materialised_until = ? WHERE id = ?",
            [(until.isoformat(), rule_id) for rule_id, until in done],
        )

    async def delete_rule(self, specialist_id: int, rule_id: int, after: datetime) -> bool:
        """Remove a rule of this specialist and its free slots after ``after``; booked ones stay."""
        await self.conn.execute(
            "DELETE FROM slots WHERE rule_id = ? AND specialist_id = ? AND state = 'free'"
            " AND starts_at > ?",
            (rule_id, specialist_id, to_db_time(after)),
        )
        cursor = await self.conn.execute(
            "DELETE FROM availability_rules WHERE id = ? AND specialist_id = ?",
            (rule_id, specialist_id),
        )
        return cursor.rowcount == 1

    async def add_day_off(self, specialist_id: int, day: date) -> None:
        await self.conn.execute(
            "INSERT OR IGNORE INTO days_off (specialist_id, day) VALUES (?, ?)",
            (specialist_id, day.isoformat()),
        )

    async def days_off_between(self, start: date, end: date) -> set[tuple[int, date]]:
        """(specialist, day) of every day off in [start, end]."""
        return {
            (row[0], date.fromisoformat(row[1]))
            for row in await self.all(
                "SELECT specialist_id, day FROM days_off WHERE day BETWEEN ? AND ?",
                (start.isoformat(), end.isoformat()),
            )
        }

    async def add_slot(
        self,
        specialist_id: int,
        starts_at: datetime,
        ends_at: datetime,
        rule_id: int | None = None,
    ) -> bool:
        """Add a free slot unless it overlaps one already published (withdrawn ones aside)."""
        cursor = await self.conn.execute(
            _ADD_SLOT,
            (
                specialist_id,
                rule_id,
                to_db_time(starts_at),
                to_db_time(ends_at),
                specialist_id,
                to_db_time(ends_at),
                to_db_time(starts_at),
            ),
        )
        if cursor.rowcount == 1:
            self.changes.publish(specialist_id, starts_at)
        return cursor.rowcount == 1

    async def add_slots(self, slots: Sequence[tuple[int, int | None, datetime, datetime]]) -> int:
        """:func:`add_slot` for many (specialist, rule, start, end) at once; how many were new."""
        if not slots:
            return 0
        cursor = await self.conn.executemany(
            _ADD_SLOT,
            [
                (sid, rule, to_db_time(s), to_db_time(e), sid, to_db_time(e), to_db_time(s))
                for sid, rule, s, e in slots
            ],
        )
        if cursor.rowcount > 0:
            for sid, _, starts, _ in slots:
                self.changes.publish(sid, starts)
        return max(cursor.rowcount, 0)

    async def get_slot(self, slot_id: int) -> Slot | None:
        row = await self.one(
            "SELECT s.*, p.display_name AS specialist_name, p.school_id FROM slots s"
            " JOIN specialists p ON p.id = s.specialist_id WHERE s.id = ?",
            (slot_id,),
        )
        return _slot(row) if row else None

    async def take_slot(self, slot_id: int) -> bool:
        """Free -> booked; False if someone took it first or it was withdrawn."""
        cursor = await self.conn.execute(
            "UPDATE slots SET state = 'booked' WHERE id = ? AND state = 'free'"
            " AND held_for IS NULL",
            (slot_id,),
        )
        return cursor.rowcount == 1

    async def set_slot_state(self, slot_id: int, state: SlotState) -> None:
        """Set a slot's state; a time freed on one of its specialist's days off (a session
        moved away from a holiday, or cancelled in it) is withdrawn instead."""
        if state == SlotState.FREE and await self._on_day_off(slot_id):
            await self.conn.execute(
                "UPDATE slots SET state = 'withdrawn', day_off = 1 WHERE id = ?", (slot_id,)
            )
            return
        await self.conn.execute("UPDATE slots SET state = ? WHERE id = ?", (state.value, slot_id))
        if state == SlotState.FREE:
            self.changes.freed.append(slot_id)

    async def _on_day_off(self, slot_id: int) -> bool:
        row = await self.one("SELECT specialist_id, starts_at FROM slots WHERE id = ?", (slot_id,))
        if row is None:
            return False
        day = riga_day(from_db_time(row["starts_at"]))
        off = await self.one(
            "SELECT 1 FROM days_off WHERE specialist_id = ? AND day = ?",
            (row["specialist_id"], day.isoformat()),
        )
        return off is not None

    async def withdraw_free_slot(self, specialist_id: int, slot_id: int) -> bool:
        cursor = await self.conn.execute(
            "UPDATE slots SET state = 'withdrawn' WHERE id = ? AND specialist_id = ?"
            " AND state = 'free'",
            (slot_id, specialist_id),
        )
        return cursor.rowcount == 1

    async def withdraw_free_between(
        self, specialist_id: int, start: datetime, end: datetime
    ) -> int:
        """Withdraw the free times of a day off (marked so, so undoing it gives them back)."""
        cursor = await self.conn.execute(
            "UPDATE slots SET state = 'withdrawn', day_off = 1 WHERE specialist_id = ?"
            " AND state = 'free'"
            " AND starts_at >= ? AND starts_at < ?",
            (specialist_id, to_db_time(start), to_db_time(end)),
        )
        return cursor.rowcount

    async def count_booked_between(self, specialist_id: int, start: datetime, end: datetime) -> int:
        row = await self.one(
            "SELECT count(*) FROM slots WHERE specialist_id = ? AND state = 'booked'"
            " AND starts_at >= ? AND starts_at < ?",
            (specialist_id, to_db_time(start), to_db_time(end)),
        )
        return int(row[0]) if row else 0

    async def free_slots(
        self,
        specialist_ids: Sequence[int],
        start: datetime,
        end: datetime,
        *,
        limit: int,
        offset: int = 0,
    ) -> list[Slot]:
        """Free slots of these specialists starting in [start, end), nearest first."""
        if not specialist_ids:
            return []
        marks = ",".join("?" * len(specialist_ids))
        sql = (
            "SELECT s.*, p.display_name AS specialist_name, p.school_id FROM slots s"  # noqa: S608
            " JOIN specialists p ON p.id = s.specialist_id"
            f" WHERE s.state = 'free' AND s.held_for IS NULL AND s.specialist_id IN ({marks})"
            " AND s.starts_at >= ? AND s.starts_at < ?"
            " ORDER BY s.starts_at, p.display_name LIMIT ? OFFSET ?"
        )
        args = [*specialist_ids, to_db_time(start), to_db_time(end), limit, offset]
        return [_slot(row) for row in await self.all(sql, args)]

    async def free_slots_of_suitable(
        self,
        school_id: str,
        kind: str,
        subject: str,
        start: datetime,
        end: datetime,
        *,
        limit: int,
        offset: int = 0,
    ) -> list[Slot]:
        """:meth:`free_slots` of the :meth:`suitable_specialists`, in one query."""
        sql = (
            "SELECT s.*, p.display_name AS specialist_name, p.school_id FROM slots s"  # noqa: S608 - fixed fragments
            " JOIN specialists p ON p.id = s.specialist_id"
            f" WHERE s.state = 'free' AND s.held_for IS NULL AND s.specialist_id IN ({_SUITABLE})"
            " AND s.starts_at >= :start AND s.starts_at < :end"
            " ORDER BY s.starts_at, p.display_name LIMIT :limit OFFSET :offset"
        )
        args = {
            "school": school_id,
            "kind": kind,
            "subject": subject,
            "start": to_db_time(start),
            "end": to_db_time(end),
            "limit": limit,
            "offset": offset,
        }
        return [_slot(row) for row in await self.all(sql, args)]

    async def suitable_specialists(self, school_id: str, kind: str, subject: str) -> list[int]:
        """Teachers of the subject, or the school's psychologists and social pedagogues."""
        if kind == "subject_consultation":
            sql = (
                "SELECT s.id FROM specialists s"
                " JOIN specialist_subjects t ON t.specialist_id = s.id"
                " WHERE s.school_id = ? AND s.kind = 'teacher' AND t.subject = ? ORDER BY s.id"
            )
            args: tuple[object, ...] = (school_id, subject)
        else:
            sql = (
                "SELECT id FROM specialists WHERE school_id = ?"
                " AND kind IN ('psychologist', 'social_pedagogue') ORDER BY id"
            )
            args = (school_id,)
        return [row[0] for row in await self.all(sql, args)]

    async def get_auto_confirm(self, specialist_id: int) -> bool | None:
        row = await self.one(
            "SELECT auto_confirm FROM specialist_settings WHERE specialist_id = ?",
            (specialist_id,),
        )
        return bool(row[0]) if row else None

    async def set_auto_confirm(self, specialist_id: int, value: bool) -> None:
        await self.conn.execute(
            "INSERT INTO specialist_settings (specialist_id, auto_confirm) VALUES (?, ?)"
            " ON CONFLICT (specialist_id) DO UPDATE SET auto_confirm = excluded.auto_confirm",
            (specialist_id, int(value)),
        )

    async def specialist_by_external_id(self, school_id: str, external_id: str) -> int | None:
        row = await self.one(
            "SELECT id FROM specialists WHERE school_id = ? AND external_id = ?",
            (school_id, external_id),
        )
        return int(row[0]) if row else None
