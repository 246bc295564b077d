"""The specialist's own calendar: ranges of days off (and undoing them), new times proposed
at once for the sessions in them, weekly hours edited in place, and their schools.

A day off is the person's: it applies to every school they work in. Weekly hours are a
school's (the record they were added under).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from time import monotonic

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.actor import Actor
from bot.domain.calendar import (
    MAX_DAYS_OFF,
    DayPassed,
    DaysOff,
    DaysOffBack,
    DaysOffTooLong,
    Proposals,
    RuleOverlaps,
    SchoolOf,
)
from bot.domain.consultations import (
    AvailabilityRule,
    BadAvailability,
    Booking,
    BookingState,
    Slot,
    slot_times,
)
from bot.domain.dates import parse_day, riga_day, riga_midnight
from bot.domain.errors import DomainError, NotAllowed
from bot.services.consultations import sessions
from bot.services.consultations.availability import HOLD_SECONDS, parse_range
from bot.services.consultations.booking import ConsultationsBase
from bot.services.consultations.desk import DeskService
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

# "24.12" or "22.12-2.1" (a dash of any kind between two dates, ISO dates too)
_DATE = r"([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9.]+)"
_RANGE = re.compile(rf"\s*{_DATE}\s*(?:[-–—]\s*{_DATE})?\s*")
_NO_END = ("-", "–", "—", "0")
# Sessions in days off that get a new time proposed: not yet waiting for an answer.
MOVABLE = (BookingState.REQUESTED, BookingState.CONFIRMED)
TRIES = 8  # free times tried per session before it is left to the specialist


class ScheduleService(ConsultationsBase):
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        config: BookingConfig,
        reminders: ReminderService,
        desk: DeskService,
    ) -> None:
        super().__init__(uow, clock, config, reminders, desk.availability)
        self.desk = desk

    async def my_schools(self, actor: Actor) -> list[SchoolOf]:
        """The schools the specialist works in, one per record of theirs."""
        ids = actor.require_specialist_ids()
        async with self.uow.read() as tx:
            return await tx.calendar.schools_of(ids)

    # --- days off ------------------------------------------------------------------------

    async def days_off(self, actor: Actor) -> list[tuple[date, date]]:
        """The days off from today on, as ranges of consecutive days."""
        ids = actor.require_specialist_ids()
        async with self.uow.read() as tx:
            days = await tx.calendar.days_off_from(ids, riga_day(self.clock.now()))
        ranges: list[tuple[date, date]] = []
        for day in days:
            if ranges and ranges[-1][1] + timedelta(days=1) == day:
                ranges[-1] = (ranges[-1][0], day)
            else:
                ranges.append((day, day))
        return ranges

    async def add_days_off(
        self, actor: Actor, text: str, *, hold_seconds: float = HOLD_SECONDS
    ) -> DaysOff:
        """'24.12' or '22.12-2.1': days off in every school of the person. Their free times
        are withdrawn (in chunks of days, each a short transaction, so a long holiday never
        holds the writer); the sessions booked in them are returned, to be moved."""
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        first, last = self._parse_days(text, riga_day(now))
        withdrawn, day, size = 0, first, 7
        while day <= last:
            chunk = [day + timedelta(days=i) for i in range(min(size, (last - day).days + 1))]
            async with self.uow.write() as tx:
                began = monotonic()
                await tx.calendar.add_days_off(ids, chunk)
                withdrawn += await tx.calendar.withdraw_for_days_off(
                    ids, riga_midnight(chunk[0]), riga_midnight(chunk[-1] + timedelta(days=1))
                )
            took = monotonic() - began
            day = chunk[-1] + timedelta(days=1)
            size = max(1, min(size * 2, int(len(chunk) * hold_seconds / max(took, 1e-4))))
        async with self.uow.read() as tx:
            booked = await self._booked_in(tx, actor, ids, first, last, now)
        return DaysOff(first=first, last=last, withdrawn=withdrawn, booked=tuple(booked))

    async def undo_days_off(self, actor: Actor, first: date, last: date) -> DaysOffBack:
        """Days off from ``first`` to ``last`` are working days again (those not passed):
        their free times come back unless another time took their place meanwhile."""
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        first = max(first, riga_day(now))
        if last < first:
            raise DayPassed()
        start = max(riga_midnight(first), now)
        async with self.uow.write() as tx:
            await tx.calendar.remove_days_off(ids, first, last)
            restored = await tx.calendar.restore_after_days_off(
                ids, start, riga_midnight(last + timedelta(days=1))
            )
            # Days already past the made slots were skipped: make them now.
            rules = await tx.calendar.remake_rules_of(ids)
        if rules:
            restored += await self.availability.ensure_slots(rule_ids=rules)
        return DaysOffBack(first=first, last=last, restored=restored)

    async def booked_in_days_off(self, actor: Actor, first: date, last: date) -> list[Booking]:
        """The sessions still booked in these days off."""
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        async with self.uow.read() as tx:
            return await self._booked_in(tx, actor, ids, first, last, now)

    async def propose_for_days_off(self, actor: Actor, first: date, last: date) -> Proposals:
        """One press for every session booked in the days off: each gets the free time of
        its specialist nearest to it proposed, through the same path (and rule check) as
        a proposal made by hand; the pupil's side answers as usual."""
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        start, end = self.window(now)
        async with self.uow.read() as tx:
            booked = await self._booked_in(tx, actor, ids, first, last, now)
            free = {
                person: await tx.slots.free_slots([person], start, end, limit=40)
                for person in {b.specialist_id for b in booked}
            }
        proposed: list[Booking] = []
        unplaced: list[Booking] = []
        for booking in booked:
            if booking.state not in MOVABLE:
                unplaced.append(booking)
                continue
            nearest = sorted(free[booking.specialist_id], key=_distance_to(booking))
            for slot in nearest[:TRIES]:
                try:
                    change = await self.desk.propose(actor, booking.id, slot.id)
                except DomainError:
                    continue  # taken meanwhile, or the plan's rules say no to this time
                free[booking.specialist_id].remove(slot)
                proposed.append(change.booking)
                break
            else:
                unplaced.append(booking)
        return Proposals(proposed=tuple(proposed), unplaced=tuple(unplaced))

    async def _booked_in(
        self, tx: Tx, actor: Actor, ids: tuple[int, ...], first: date, last: date, now: datetime
    ) -> list[Booking]:
        start = max(riga_midnight(first), now)
        end = riga_midnight(last + timedelta(days=1))
        states = (BookingState.REQUESTED, BookingState.PROPOSED, BookingState.CONFIRMED)
        found = await tx.bookings.bookings_of_specialist(ids, start, end, states, now)
        await sessions.audit_reads(tx, actor, now, [b.pupil_id for b in found])
        return sorted(found, key=lambda b: (b.starts_at, b.id))

    @staticmethod
    def _parse_days(text: str, today: date) -> tuple[date, date]:
        found = _RANGE.fullmatch(text)
        if found is None:
            raise BadAvailability()
        first = parse_day(found[1], today)
        last = parse_day(found[2], first or today) if found[2] else first
        if first is None or last is None or last < first:
            raise BadAvailability()
        if first < today:
            raise DayPassed()
        if (last - first).days + 1 > MAX_DAYS_OFF:
            raise DaysOffTooLong(days=MAX_DAYS_OFF)
        return first, last

    # --- weekly hours, edited --------------------------------------------------------------

    async def rule(self, actor: Actor, rule_id: int) -> AvailabilityRule:
        """One of the specialist's weekly hours (any school's of theirs)."""
        async with self.uow.read() as tx:
            return await self._own_rule(tx, actor, rule_id)

    async def change_rule_hours(self, actor: Actor, rule_id: int, text: str) -> AvailabilityRule:
        """New hours (and slot length) of weekly hours: '14:00-16:00' or '14:00-16:00 30'."""
        async with self.uow.read() as tx:
            rule = await self._own_rule(tx, actor, rule_id)
        start, end, minutes = parse_range(text, rule.slot_minutes)
        changed = rule.model_copy(
            update={"start_time": start, "end_time": end, "slot_minutes": minutes}
        )
        return await self._change_rule(actor, changed)

    async def change_rule_until(self, actor: Actor, rule_id: int, text: str) -> AvailabilityRule:
        """The last date of weekly hours ('20.12'), or none ('-')."""
        today = riga_day(self.clock.now())
        async with self.uow.read() as tx:
            rule = await self._own_rule(tx, actor, rule_id)
        until = None if text.strip() in _NO_END else parse_day(text, today)
        if text.strip() not in _NO_END and (until is None or until < max(today, rule.valid_from)):
            raise BadAvailability()
        return await self._change_rule(actor, rule.model_copy(update={"valid_until": until}))

    async def _own_rule(self, tx: Tx, actor: Actor, rule_id: int) -> AvailabilityRule:
        ids = actor.require_specialist_ids()
        rule = await tx.calendar.rule(rule_id)
        if rule is None or rule.specialist_id not in ids:
            raise NotAllowed()
        return rule

    async def _change_rule(self, actor: Actor, rule: AvailabilityRule) -> AvailabilityRule:
        """Store the rule as changed; its free times ahead follow it (those that still fit
        stay as they are), booked ones stay."""
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        today = riga_day(now)
        horizon = today + timedelta(days=self.config.horizon_days)
        async with self.uow.write() as tx:
            await self._own_rule(tx, actor, rule.id)
            if await tx.calendar.rule_overlaps(ids, rule, except_id=rule.id):
                raise RuleOverlaps()
            await tx.calendar.update_rule(
                rule.id, rule.start_time, rule.end_time, rule.slot_minutes, rule.valid_until
            )
            off = await tx.slots.days_off_between(today, horizon)
            fitting = _times_of(rule, today, horizon, now, off)
            dropped = [
                slot.id
                for slot in await tx.calendar.free_of_rule(rule.id, now)
                if fitting.get(slot.starts_at) != slot.ends_at
            ]
            await tx.calendar.drop_slots(dropped)
        await self.availability.ensure_slots(rule_ids=[rule.id])
        return rule


def _distance_to(booking: Booking) -> Callable[[Slot], float]:
    """How far a free time is from the booking's (either way), for the nearest first."""
    return lambda slot: abs((slot.starts_at - booking.starts_at).total_seconds())


def _times_of(
    rule: AvailabilityRule, today: date, horizon: date, now: datetime, off: set[tuple[int, date]]
) -> dict[datetime, datetime]:
    """The rule's slots ahead (start -> end), days off left out."""
    last = min(horizon, rule.valid_until) if rule.valid_until else horizon
    day, found = max(today, rule.valid_from), {}
    while day <= last:
        if day.isoweekday() == rule.weekday and (rule.specialist_id, day) not in off:
            for starts, ends in slot_times(day, rule.start_time, rule.end_time, rule.slot_minutes):
                if starts > now:
                    found[starts] = ends
        day += timedelta(days=1)
    return found
