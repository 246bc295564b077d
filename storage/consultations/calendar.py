"""The specialist's own calendar: days off as ranges, weekly hours edited, calendar copies.

A person working in several schools has a specialist record in each; the statements
here take every record of theirs (``ids``) where a day off or an overlap is the person's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

import aiosqlite

from bot.domain.calendar import SchoolOf
from bot.domain.consultations import AvailabilityRule, Slot
from storage.consultations.slots import SlotChanges, _rule, _slot
from storage.db import Repo, marks, to_db_time


class CalendarRepo(Repo):
    """Days off, weekly hours edited, and the calendar files' versions.

    Slots it frees again are recorded in ``changes`` (the transaction's), so the waiting
    list is offered them as for any other freed slot.
    """

    def __init__(self, conn: aiosqlite.Connection, changes: SlotChanges | None = None) -> None:
        super().__init__(conn)
        self.changes = changes if changes is not None else SlotChanges()

    # --- the schools of a specialist -----------------------------------------------------

    async def schools_of(self, ids: Sequence[int]) -> list[SchoolOf]:
        """The school of each specialist record, in the order of ``ids``."""
        if not ids:
            return []
        rows = await self.all(
            "SELECT x.id, x.school_id, s.name FROM specialists x"  # noqa: S608 - marks only
            f" JOIN schools s ON s.id = x.school_id WHERE x.id IN ({marks(len(ids))})",
            list(ids),
        )
        found = {
            row[0]: SchoolOf(specialist_id=row[0], school_id=row[1], school_name=row[2])
            for row in rows
        }
        return [found[i] for i in ids if i in found]

    # --- days off ------------------------------------------------------------------------

    async def days_off_from(self, ids: Sequence[int], first: date) -> list[date]:
        """The days off of these records from ``first`` on, each day once, in order."""
        if not ids:
            return []
        rows = await self.all(
            "SELECT DISTINCT day FROM days_off"  # noqa: S608 - marks only
            f" WHERE specialist_id IN ({marks(len(ids))}) AND day >= ? ORDER BY day",
            [*ids, first.isoformat()],
        )
        return [date.fromisoformat(row[0]) for row in rows]

    async def add_days_off(self, ids: Sequence[int], days: Sequence[date]) -> None:
        await self.run_many(
            "INSERT OR IGNORE INTO days_off (specialist_id, day) VALUES (?, ?)",
            [(person, day.isoformat()) for person in ids for day in days],
        )

    async def remove_days_off(self, ids: Sequence[int], first: date, last: date) -> int:
        return await self.run(
            "DELETE FROM days_off"  # noqa: S608 - marks only
            f" WHERE specialist_id IN ({marks(len(ids))}) AND day BETWEEN ? AND ?",
            [*ids, first.isoformat(), last.isoformat()],
        )

    async def withdraw_for_days_off(
        self, ids: Sequence[int], start: datetime, end: datetime
    ) -> int:
        """Withdraw the free times starting in [start, end), marked as withdrawn for days off."""
        return await self.run(
            "UPDATE slots SET state = 'withdrawn', day_off = 1"  # noqa: S608 - marks only
            f" WHERE specialist_id IN ({marks(len(ids))}) AND state = 'free'"
            " AND starts_at >= ? AND starts_at < ?",
            [*ids, to_db_time(start), to_db_time(end)],
        )

    async def restore_after_days_off(
        self, ids: Sequence[int], start: datetime, end: datetime
    ) -> int:
        """Free again the times withdrawn for days off in [start, end), unless another time
        of the person (any school's) took that place meanwhile."""
        people = marks(len(ids))
        rows = await self.all(
            "UPDATE slots SET state = 'free', day_off = 0"  # noqa: S608 - marks only
            f" WHERE specialist_id IN ({people}) AND state = 'withdrawn' AND day_off = 1"
            " AND starts_at >= ? AND starts_at < ? AND NOT EXISTS (SELECT 1 FROM slots o"
            f"   WHERE o.specialist_id IN ({people}) AND o.id != slots.id"
            "   AND o.state != 'withdrawn' AND o.starts_at < slots.ends_at"
            "   AND o.ends_at > slots.starts_at) RETURNING id",
            [*ids, to_db_time(start), to_db_time(end), *ids],
        )
        # Free again: the waiting list offers them before the transaction commits.
        self.changes.freed.extend(row[0] for row in rows)
        return len(rows)

    async def remake_rules_of(self, ids: Sequence[int]) -> list[int]:
        """Forget how far the weekly hours of these records were turned into slots (days
        skipped as days off are made then); their ids."""
        rows = await self.all(
            "UPDATE availability_rules SET materialised_until = NULL"  # noqa: S608 - marks only
            f" WHERE specialist_id IN ({marks(len(ids))}) RETURNING id",
            list(ids),
        )
        return sorted(row[0] for row in rows)

    # --- weekly hours --------------------------------------------------------------------

    async def rule(self, rule_id: int) -> AvailabilityRule | None:
        row = await self.one("SELECT * FROM availability_rules WHERE id = ?", (rule_id,))
        return _rule(row) if row else None

    async def rule_overlaps(
        self, ids: Sequence[int], rule: AvailabilityRule, except_id: int | None = None
    ) -> bool:
        """Whether another weekly rule of the person has hours on that weekday that meet
        these, in a period that meets this one."""
        until = rule.valid_until.isoformat() if rule.valid_until else "9999-12-31"
        row = await self.one(
            "SELECT 1 FROM availability_rules"  # noqa: S608 - marks only
            f" WHERE specialist_id IN ({marks(len(ids))}) AND weekday = ? AND id IS NOT ?"
            " AND start_time < ? AND end_time > ?"
            " AND valid_from <= ? AND coalesce(valid_until, '9999-12-31') >= ? LIMIT 1",
            [
                *ids,
                rule.weekday,
                except_id,
                rule.end_time.strftime("%H:%M"),
                rule.start_time.strftime("%H:%M"),
                until,
                rule.valid_from.isoformat(),
            ],
        )
        return row is not None

    async def update_rule(
        self, rule_id: int, start: time, end: time, minutes: int, until: date | None
    ) -> None:
        """New hours, slot length or last date; its slots are made again from today."""
        await self.run(
            "UPDATE availability_rules SET start_time = ?, end_time = ?, slot_minutes = ?,"
            " valid_until = ?, materialised_until = NULL WHERE id = ?",
            (
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                minutes,
                until.isoformat() if until else None,
                rule_id,
            ),
        )

    async def free_of_rule(self, rule_id: int, after: datetime) -> list[Slot]:
        """The rule's free times starting after ``after``."""
        rows = await self.all(
            "SELECT * FROM slots WHERE rule_id = ? AND state = 'free' AND starts_at > ?"
            " ORDER BY starts_at",
            (rule_id, to_db_time(after)),
        )
        return [_slot(row) for row in rows]

    async def drop_slots(self, slot_ids: Sequence[int]) -> None:
        """Free times that no longer are: deleted, or withdrawn where an old (ended)
        booking still names them."""
        if not slot_ids:
            return
        where = f"id IN ({marks(len(slot_ids))})"
        used = "EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = slots.id)"
        await self.run(
            f"UPDATE slots SET state = 'withdrawn' WHERE {where} AND {used}",  # noqa: S608
            list(slot_ids),
        )
        await self.run(
            f"DELETE FROM slots WHERE {where} AND NOT {used}",  # noqa: S608
            list(slot_ids),
        )

    async def set_slot_end(self, slot_id: int, ends_at: datetime) -> None:
        await self.run("UPDATE slots SET ends_at = ? WHERE id = ?", (to_db_time(ends_at), slot_id))

    async def overlaps_slot(self, ids: Sequence[int], start: datetime, end: datetime) -> bool:
        """Whether the person has a time (any school's, not withdrawn) meeting [start, end)."""
        row = await self.one(
            "SELECT 1 FROM slots"  # noqa: S608 - marks only
            f" WHERE specialist_id IN ({marks(len(ids))}) AND state != 'withdrawn'"
            " AND starts_at < ? AND ends_at > ? LIMIT 1",
            [*ids, to_db_time(end), to_db_time(start)],
        )
        return row is not None

    # --- calendar files ------------------------------------------------------------------

    async def add_copies(self, booking_ids: Sequence[int], telegram_id: int, now: datetime) -> None:
        """``telegram_id`` was given a calendar file with these bookings in it."""
        await self.run_many(
            "INSERT INTO calendar_copies (booking_id, telegram_id, sent_at) VALUES (?, ?, ?)"
            " ON CONFLICT (booking_id, telegram_id) DO UPDATE SET sent_at = excluded.sent_at",
            [(booking_id, telegram_id, to_db_time(now)) for booking_id in booking_ids],
        )

    async def holders(self, booking_id: int) -> set[int]:
        """The accounts given a calendar file with this booking in it."""
        rows = await self.all(
            "SELECT telegram_id FROM calendar_copies WHERE booking_id = ?", (booking_id,)
        )
        return {row[0] for row in rows}

    async def next_sequence(self, booking_id: int) -> int:
        """Raise the booking's calendar version; the new one."""
        row = await self.one(
            "UPDATE bookings SET sequence = sequence + 1 WHERE id = ? RETURNING sequence",
            (booking_id,),
        )
        return int(row[0]) if row else 0
