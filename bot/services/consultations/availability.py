"""Specialists' availability: weekly hours, one-off slots, days off, and concrete slots.

Weekly hours are Riga wall-clock times; :meth:`AvailabilityService.ensure_slots` turns
them into UTC slots date by date (so a lesson at 14:00 stays at 14:00 across DST) up to
the booking horizon. It is idempotent and cheap when nothing is new. It runs at start-up,
every night (the horizon moves a day), every quarter of an hour (weekly hours imported
meanwhile) and for a specialist's own new weekly hours; browsing only reads the slots
made, so a browse never makes slots nor waits for the writer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from time import monotonic

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.actor import Actor
from bot.domain.calendar import RuleOverlaps, SchoolOf
from bot.domain.consultations import (
    MAX_SLOT,
    MIN_SLOT,
    AvailabilityRule,
    BadAvailability,
    HasBookings,
    Slot,
    SlotOverlaps,
    SlotState,
    slot_times,
)
from bot.domain.dates import parse_clock, parse_day, riga_day
from bot.domain.errors import NotAllowed
from bot.domain.models import Model
from storage.uow import UnitOfWork

# "14:00-16:00" with an optional slot length: "14:00-16:00 30"
_CLOCK = r"([0-9]{1,2}[:.][0-9]{2})"
_RANGE = re.compile(rf"\s*{_CLOCK}\s*[-–—]\s*{_CLOCK}(?:\s+([0-9]{{2,3}}))?\s*")
# "3.12 15:00-16:00" with an optional slot length: "3.12 15:00-17:00 45"
_ONE_OFF = re.compile(rf"\s*(\S+)\s+{_CLOCK}\s*[-–—]\s*{_CLOCK}(?:\s+([0-9]{{2,3}}))?\s*")


# How long one chunk of slot making holds the writer (the goal is under 50 ms).
HOLD_SECONDS = 0.01


class FreeTime(Model):
    """The specialist's own screen: weekly rules, the next free times, auto-confirm; and
    the schools, when the person works in several (each rule and slot is one school's)."""

    rules: tuple[AvailabilityRule, ...]
    free: tuple[Slot, ...]
    auto_confirm: bool
    schools: tuple[SchoolOf, ...] = ()


def parse_range(text: str, default_minutes: int) -> tuple[time, time, int]:
    """'14:00-16:00' or '14:00-16:00 30' -> start, end, slot minutes."""
    found = _RANGE.fullmatch(text)
    if not found:
        raise BadAvailability()
    start, end = parse_clock(found[1]), parse_clock(found[2])
    minutes = int(found[3]) if found[3] else default_minutes
    if start is None or end is None or start >= end:
        raise BadAvailability()
    if not MIN_SLOT <= minutes <= MAX_SLOT or _length(start, end) < minutes:
        raise BadAvailability()
    return start, end, minutes


def _length(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class AvailabilityService:
    def __init__(self, uow: UnitOfWork, clock: Clock, config: BookingConfig) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config

    async def ensure_slots(
        self,
        until: date | None = None,
        *,
        rule_ids: Sequence[int] | None = None,
        hold_seconds: float = HOLD_SECONDS,
    ) -> int:
        """Make the free slots of weekly rules (every rule, or ``rule_ids``) up to
        ``until``; returns how many are new.

        In chunks of rules, each its own transaction sized to hold the writer about
        ``hold_seconds``: at national scale the first run of a day makes the day's slots
        of 9,000 rules, and users' writes go in between the chunks.
        """
        now = self.clock.now()
        today = riga_day(now)
        until = until or today + timedelta(days=self.config.horizon_days)
        # Off the event loop: at national scale this reads and writes for long.
        async with self.uow.read(heavy=True) as tx:
            pending = await tx.slots.rules_to_materialise(until, rule_ids)
        made, size, start = 0, 20, 0
        while start < len(pending):
            part = pending[start : start + size]
            async with self.uow.write(heavy=True) as tx:
                began = monotonic()
                off = await tx.slots.days_off_between(today, until)
                slots: list[tuple[int, int | None, datetime, datetime]] = []
                done: list[tuple[int, date]] = []
                for rule, done_until in part:
                    last = _slots_of_rule(rule, done_until, today, until, now, off, slots)
                    done.append((rule.id, max(last, until)))
                made += await tx.slots.add_slots(slots)
                await tx.slots.set_materialised_many(done)
            took = monotonic() - began
            start += len(part)
            size = max(
                1, min(size + size // 2 + 1, int(len(part) * hold_seconds / max(took, 1e-4)))
            )
        return made

    # --- the specialist's own screen ------------------------------------------------------

    async def overview(self, actor: Actor, days: int = 7) -> FreeTime:
        """Weekly rules, free slots of the next ``days`` days, and whether auto-confirm is on
        (of every school the specialist works in)."""
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        async with self.uow.read() as tx:
            rules = [rule for person in ids for rule in await tx.slots.rules_of(person)]
            free = await tx.slots.free_slots(ids, now, now + timedelta(days=days), limit=40)
            auto = await tx.slots.get_auto_confirm(ids[0])
            schools = await tx.calendar.schools_of(ids) if len(ids) > 1 else []
        return FreeTime(
            rules=tuple(sorted(rules, key=lambda r: (r.weekday, r.start_time, r.id))),
            free=tuple(free),
            auto_confirm=self.config.auto_confirm_default if auto is None else auto,
            schools=tuple(schools),
        )

    async def add_weekly(
        self, actor: Actor, weekday: int, text: str, specialist_id: int | None = None
    ) -> AvailabilityRule:
        """Weekly hours at one school (``specialist_id``: the person's record there; it may
        be left out by a specialist of one school)."""
        specialist_id = actor.require_own_specialist(specialist_id)
        if not 1 <= weekday <= 7:
            raise BadAvailability()
        start, end, minutes = parse_range(text, self.config.default_slot_minutes)
        today = riga_day(self.clock.now())
        others = [i for i in actor.specialist_ids if i != specialist_id]
        async with self.uow.write() as tx:
            wanted = AvailabilityRule(
                id=0,
                specialist_id=specialist_id,
                weekday=weekday,
                start_time=start,
                end_time=end,
                slot_minutes=minutes,
                valid_from=today,
                valid_until=None,
            )
            # One person is in one school at a time.
            if others and await tx.calendar.rule_overlaps(others, wanted):
                raise RuleOverlaps()
            rule_id = await tx.slots.upsert_rule(
                specialist_id, weekday, start, end, minutes, today, None
            )
            rules = await tx.slots.rules_of(specialist_id)
        await self.ensure_slots(rule_ids=[rule_id])
        return next(r for r in rules if r.id == rule_id)

    async def add_one_off(
        self, actor: Actor, text: str, specialist_id: int | None = None
    ) -> list[Slot]:
        """'3.12 15:00-16:00': one slot at that time (split with a length: '... 30'), at
        one school (``specialist_id``, as for :meth:`add_weekly`)."""
        specialist_id = actor.require_own_specialist(specialist_id)
        others = [i for i in actor.specialist_ids if i != specialist_id]
        now = self.clock.now()
        found = _ONE_OFF.fullmatch(text)
        if found is None:
            raise BadAvailability()
        day = parse_day(found[1], riga_day(now))
        start, end = parse_clock(found[2]), parse_clock(found[3])
        if day is None or start is None or end is None or start >= end:
            raise BadAvailability()
        length = _length(start, end)
        minutes = int(found[4]) if found[4] else length
        if not MIN_SLOT <= minutes <= MAX_SLOT or length < minutes:
            raise BadAvailability()
        times = [t for t in slot_times(day, start, end, minutes) if t[0] > now]
        if not times:
            raise BadAvailability()
        async with self.uow.write() as tx:
            if others and await tx.calendar.overlaps_slot(others, times[0][0], times[-1][1]):
                raise SlotOverlaps()
            made = [await tx.slots.add_slot(specialist_id, s, e) for s, e in times]
            if not any(made):
                raise SlotOverlaps()
            return await tx.slots.free_slots(
                [specialist_id], times[0][0], times[-1][1], limit=len(times)
            )

    async def withdraw_slot(self, actor: Actor, slot_id: int) -> None:
        ids = actor.require_specialist_ids()
        async with self.uow.write() as tx:
            slot = await tx.slots.get_slot(slot_id)
            if slot is None or slot.specialist_id not in ids:
                raise NotAllowed()
            if slot.state == SlotState.BOOKED:
                raise HasBookings()
            await tx.slots.withdraw_free_slot(slot.specialist_id, slot_id)

    async def remove_rule(self, actor: Actor, rule_id: int) -> None:
        """Stop weekly hours: their future free slots go; booked sessions stay."""
        ids = actor.require_specialist_ids()
        async with self.uow.write() as tx:
            rule = await tx.calendar.rule(rule_id)
            if rule is None or rule.specialist_id not in ids:
                raise NotAllowed()
            await tx.slots.delete_rule(rule.specialist_id, rule_id, self.clock.now())

    async def set_auto_confirm(self, actor: Actor, value: bool) -> None:
        """The person's choice, in every school they work in."""
        ids = actor.require_specialist_ids()
        async with self.uow.write() as tx:
            for specialist_id in ids:
                await tx.slots.set_auto_confirm(specialist_id, value)


def _slots_of_rule(
    rule: AvailabilityRule,
    done_until: date | None,
    today: date,
    until: date,
    now: datetime,
    off: set[tuple[int, date]],
    slots: list[tuple[int, int | None, datetime, datetime]],
) -> date:
    """Add the rule's new slots to ``slots``; return the last date looked at."""
    first = max(rule.valid_from, today, done_until + timedelta(days=1) if done_until else today)
    last = min(until, rule.valid_until) if rule.valid_until else until
    day = first
    while day <= last:
        if day.isoweekday() == rule.weekday and (rule.specialist_id, day) not in off:
            for starts, ends in slot_times(day, rule.start_time, rule.end_time, rule.slot_minutes):
                if starts > now:
                    slots.append((rule.specialist_id, rule.id, starts, ends))
        day += timedelta(days=1)
    return last
