"""Specialists' availability: weekly hours, one-off slots, days off, and concrete slots.

Weekly hours are Riga wall-clock times; :meth:`AvailabilityService.ensure_slots` turns
them into UTC slots date by date (so a lesson at 14:00 stays at 14:00 across DST) up to
the booking horizon. It is idempotent and cheap when nothing is new, so it runs lazily
whenever someone browses free time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.booking import AvailabilityRule, BadAvailability, Slot, SlotOverlaps, SlotState
from bot.domain.errors import N_, DomainError, NotAllowed
from bot.services import booking_common as common
from storage import Database
from storage import availability as repo
from storage.db import Connection

if TYPE_CHECKING:
    from bot.services.availability_csv import ImportReport

_RANGE = r"(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})"
WEEKLY_RE = re.compile(rf"^\s*{_RANGE}(?:\s+(\d{{2,3}}))?\s*$")
ONE_OFF_RE = re.compile(rf"^\s*(\d{{1,2}})\.(\d{{1,2}})\.?(\d{{4}})?\s+{_RANGE}\s*$")
DAY_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.?(\d{4})?\s*$")
MIN_SLOT, MAX_SLOT = 10, 240


class HasBookings(DomainError):
    """A booked slot is cancelled through its booking, with a reason for the pupil."""

    message = N_("This time is booked. Cancel the session with a reason instead.")


def _time(hours: str, minutes: str) -> time:
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise BadAvailability() from None


def parse_range(text: str, default_minutes: int) -> tuple[time, time, int]:
    """'14:00-16:00' or '14:00-16:00 30' -> start, end, slot minutes."""
    found = WEEKLY_RE.match(text)
    if not found:
        raise BadAvailability()
    start, end = _time(found[1], found[2]), _time(found[3], found[4])
    minutes = int(found[5]) if found[5] else default_minutes
    if start >= end or not MIN_SLOT <= minutes <= MAX_SLOT or _length(start, end) < minutes:
        raise BadAvailability()
    return start, end, minutes


def _length(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def parse_day(day: str, month: str, year: str | None, today: date) -> date:
    """'3.12' is the next 3 December from today; '3.12.2026' is that day."""
    try:
        found = date(int(year) if year else today.year, int(month), int(day))
    except ValueError:
        raise BadAvailability() from None
    if not year and found < today:
        found = found.replace(year=found.year + 1)
    return found


def slot_times(day: date, start: time, end: time, minutes: int) -> list[tuple[datetime, datetime]]:
    """The slots of one day, built in Riga time and so right on DST days too."""
    found = []
    step = timedelta(minutes=minutes)
    begin = datetime.combine(day, start, tzinfo=common.RIGA)
    stop = datetime.combine(day, end, tzinfo=common.RIGA)
    while begin + step <= stop:
        found.append((begin, begin + step))
        begin += step
    return found


class AvailabilityService:
    def __init__(self, db: Database, clock: Clock, config: BookingConfig) -> None:
        self.db = db
        self.clock = clock
        self.config = config

    async def ensure_slots(self, until: date | None = None) -> int:
        """Make the free slots of every weekly rule up to ``until``; returns how many are new."""
        now = self.clock.now()
        today = common.riga_day(now)
        until = until or today + timedelta(days=self.config.horizon_days)
        pending = await repo.rules_to_materialise(self.db.reader, until)
        if not pending:
            return 0
        async with self.db.write() as conn:
            pending = await repo.rules_to_materialise(conn, until)
            # One query for the days off and one batch for the slots: at national scale
            # (9,000 weekly rules) a statement per rule and slot held the writer ~6 s
            # each morning, when the first browse of the day made that day's slots.
            off = await repo.days_off_between(conn, today, until)
            slots: list[tuple[int, int, datetime, datetime]] = []
            done: list[tuple[int, date]] = []
            for rule, done_until in pending:
                last = self._slots_of_rule(rule, done_until, today, until, now, off, slots)
                done.append((rule.id, max(last, until)))
            made = await repo.add_slots(conn, slots)
            await repo.set_materialised_many(conn, done)
        return made

    @staticmethod
    def _slots_of_rule(
        rule: AvailabilityRule,
        done_until: date | None,
        today: date,
        until: date,
        now: datetime,
        off: set[tuple[int, date]],
        slots: list[tuple[int, int, datetime, datetime]],
    ) -> date:
        """Add the rule's new slots to ``slots``; return the last date looked at."""
        first = max(rule.valid_from, today, done_until + timedelta(days=1) if done_until else today)
        last = min(until, rule.valid_until) if rule.valid_until else until
        day = first
        while day <= last:
            if day.isoweekday() == rule.weekday and (rule.specialist_id, day) not in off:
                for starts, ends in slot_times(
                    day, rule.start_time, rule.end_time, rule.slot_minutes
                ):
                    if starts > now:
                        slots.append((rule.specialist_id, rule.id, starts, ends))
            day += timedelta(days=1)
        return last

    # --- the specialist's own screen ------------------------------------------------------

    async def _specialist(self, conn: Connection, telegram_id: int) -> int:
        actor = await common.load_actor(conn, telegram_id)
        return actor.require_specialist()

    async def overview(
        self, telegram_id: int, days: int = 7
    ) -> tuple[list[AvailabilityRule], list[Slot], bool]:
        """Weekly rules, free slots of the next ``days`` days, and whether auto-confirm is on."""
        await self.ensure_slots()
        conn = self.db.reader
        specialist_id = await self._specialist(conn, telegram_id)
        now = self.clock.now()
        rules = await repo.rules_of(conn, specialist_id)
        free = await repo.free_slots(
            conn, [specialist_id], now, now + timedelta(days=days), limit=40
        )
        auto = await repo.get_auto_confirm(conn, specialist_id)
        return rules, free, self.config.auto_confirm_default if auto is None else auto

    async def add_weekly(self, telegram_id: int, weekday: int, text: str) -> AvailabilityRule:
        if not 1 <= weekday <= 7:
            raise BadAvailability()
        start, end, minutes = parse_range(text, self.config.default_slot_minutes)
        today = common.riga_day(self.clock.now())
        async with self.db.write() as conn:
            specialist_id = await self._specialist(conn, telegram_id)
            rule_id = await repo.upsert_rule(
                conn, specialist_id, weekday, start, end, minutes, today, None
            )
            rules = await repo.rules_of(conn, specialist_id)
        await self.ensure_slots()
        return next(r for r in rules if r.id == rule_id)

    async def add_one_off(self, telegram_id: int, text: str) -> list[Slot]:
        """'3.12 15:00-16:00': one slot at that time (split with a length: '... 30')."""
        parts = text.strip().rsplit(" ", 1)
        minutes: int | None = None
        if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) <= 3:
            text, minutes = parts[0], int(parts[1])
        found = ONE_OFF_RE.match(text)
        if not found:
            raise BadAvailability()
        now = self.clock.now()
        day = parse_day(found[1], found[2], found[3], common.riga_day(now))
        start, end = _time(found[4], found[5]), _time(found[6], found[7])
        length = _length(start, end)
        minutes = minutes or length
        if start >= end or not MIN_SLOT <= minutes <= MAX_SLOT or length < minutes:
            raise BadAvailability()
        times = [t for t in slot_times(day, start, end, minutes) if t[0] > now]
        if not times:
            raise BadAvailability()
        async with self.db.write() as conn:
            specialist_id = await self._specialist(conn, telegram_id)
            made = [await repo.add_slot(conn, specialist_id, s, e) for s, e in times]
            if not any(made):
                raise SlotOverlaps()
            slots = await repo.free_slots(
                conn, [specialist_id], times[0][0], times[-1][1], limit=len(times)
            )
        return slots

    async def add_day_off(self, telegram_id: int, text: str) -> tuple[date, int]:
        """A day off: free slots that day are withdrawn; returns the day and sessions left."""
        found = DAY_RE.match(text)
        if not found:
            raise BadAvailability()
        day = parse_day(found[1], found[2], found[3], common.riga_day(self.clock.now()))
        start = common.riga_midnight(day)
        end = common.riga_midnight(day + timedelta(days=1))
        async with self.db.write() as conn:
            specialist_id = await self._specialist(conn, telegram_id)
            await repo.add_day_off(conn, specialist_id, day)
            await repo.withdraw_free_between(conn, specialist_id, start, end)
            booked = await repo.count_booked_between(conn, specialist_id, start, end)
        return day, booked

    async def withdraw_slot(self, telegram_id: int, slot_id: int) -> None:
        async with self.db.write() as conn:
            specialist_id = await self._specialist(conn, telegram_id)
            slot = await repo.get_slot(conn, slot_id)
            if slot is None or slot.specialist_id != specialist_id:
                raise NotAllowed()
            if slot.state == SlotState.BOOKED:
                raise HasBookings()
            await repo.withdraw_free_slot(conn, specialist_id, slot_id)

    async def remove_rule(self, telegram_id: int, rule_id: int) -> None:
        """Stop weekly hours: their future free slots go; booked sessions stay."""
        async with self.db.write() as conn:
            specialist_id = await self._specialist(conn, telegram_id)
            if not await repo.delete_rule(conn, specialist_id, rule_id, self.clock.now()):
                raise NotAllowed()

    async def set_auto_confirm(self, telegram_id: int, value: bool) -> None:
        async with self.db.write() as conn:
            specialist_id = await self._specialist(conn, telegram_id)
            await repo.set_auto_confirm(conn, specialist_id, value)


async def import_availability_csv(db: Database, path: Path) -> ImportReport:
    """``pumpurs-bot import availability.csv``: weekly hours, one-off slots, days off."""
    from bot.services.availability_csv import import_file

    return await import_file(db, path)
