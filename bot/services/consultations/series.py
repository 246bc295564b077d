"""Recurring sessions, the pupil's side: a series every week or every other week, its
preview, booking it, and cancelling "this and all following".

Every session passes the one rule check of :mod:`.rules` (``check_times`` with the
series' own horizon, ``check_terms``) inside the write transaction that books it, in date
order, so the plan's hours taken by the earlier sessions count. The first session is
checked as a new booking (the open-booking limit, where a series counts once); the series
stops at the first session that the plan's period or hours refuse, and skips the weeks
whose time is not free. One session alone is moved or cancelled on the usual screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import BookingConfig
from bot.domain.actor import Actor, PupilRef
from bot.domain.consultations import (
    BOOKABLE,
    Booking,
    BookingChanged,
    BookingEvent,
    BookingState,
    BookingTerms,
    Channel,
    NoHoursLeft,
    NotInPlan,
    Slot,
    SlotGone,
    SlotState,
    SlotTaken,
    TooFarAhead,
)
from bot.domain.dates import riga_day
from bot.domain.errors import NotAllowed, check_text
from bot.domain.models import MeasureKind, PlanMeasure
from bot.domain.reminders import Planned, Recipient
from bot.domain.series import (
    NothingToBook,
    Series,
    SeriesBooked,
    SeriesChange,
    SeriesDraft,
    SeriesStop,
    series_times,
)
from bot.services.consultations import series_moves, series_sessions, sessions
from bot.services.consultations.booking import ConsultationsBase
from bot.services.consultations.rules import (
    auto_confirms,
    check_channel,
    check_terms,
    check_times,
)
from storage.uow import Tx

EVERY = (1, 2)  # every week, every other week


@dataclass(frozen=True)
class _Times:
    """The times a series would take, worked out before its transaction."""

    pupil: PupilRef
    measure: PlanMeasure
    first: Slot
    every: int
    times: list[datetime]
    stop: SeriesStop  # why the times end there, if nothing stops the series sooner


class SeriesService(ConsultationsBase):
    """A series: what it would book, booking it, and cancelling this and all following."""

    @property
    def series_config(self) -> BookingConfig:
        """The booking rules with the series' horizon instead of the single booking's."""
        return self.config.model_copy(update={"horizon_days": 7 * self.config.series_max_weeks})

    async def preview(
        self, actor: Actor, pupil_id: int, measure_id: int, slot_id: int, every: int
    ) -> SeriesDraft:
        """Exactly which dates the series would book now, the weeks it skips, the hours."""
        plan = await self._times(actor, pupil_id, measure_id, slot_id, every)
        now = self.clock.now()
        dates: list[datetime] = []
        skipped: list[datetime] = []
        stop, used, left, confirms = plan.stop, 0, None, False
        async with self.uow.read() as tx:
            found = await tx.series.slots_at(plan.first.specialist_id, plan.times, plan.pupil.id)
            for index, when in enumerate(plan.times):
                slot, free = found.get(when, (None, False))
                if slot is None or not free:
                    if index == 0:
                        raise SlotTaken()
                    skipped.append(when)
                    continue
                terms = _with_taken(await self._terms(tx, plan, slot, now), used)
                _, stopped = self._check(terms, plan.measure.kind, slot, now, index == 0)
                if stopped is not None:
                    stop = stopped
                    break
                if index == 0:
                    confirms = auto_confirms(self.config, terms)
                    on = terms.plan_on(riga_day(slot.starts_at))
                    if on is not None and on.hours_granted is not None:
                        left = round(on.hours_granted * 60) - on.minutes_used
                dates.append(when)
                used += slot.minutes
        await self._audit_read(actor, "read_preview", [plan.pupil.id])
        return SeriesDraft(
            kind=plan.measure.kind,
            subject=plan.measure.subject,
            specialist_name=plan.first.specialist_name,
            minutes=plan.first.minutes,
            every_weeks=every,
            dates=tuple(dates),
            skipped=tuple(s for s in skipped if s < dates[-1]) if dates else (),
            stop=stop,
            minutes_left=None if left is None else left - used,
            confirms=confirms,
        )

    async def book(
        self,
        actor: Actor,
        pupil_id: int,
        measure_id: int,
        slot_id: int,
        every: int,
        note: str = "",
        channel: Channel = Channel.CALL,
    ) -> SeriesBooked:
        """Book the series: each session a normal booking, checked as it is taken.
        Pressing twice gives the same series."""
        note = check_text(note, self.config.note_max_chars, required=False)
        plan = await self._times(actor, pupil_id, measure_id, slot_id, every)
        pupil, measure = plan.pupil, plan.measure
        check_channel(channel, measure.kind)
        now = self.clock.now()
        async with self.uow.write() as tx:
            found = await tx.series.slots_at(plan.first.specialist_id, plan.times, pupil.id)
            booked: list[Booking] = []
            skipped: list[datetime] = []
            parties: list[Recipient] = []
            stop = plan.stop
            for index, when in enumerate(plan.times):
                if index > 0 and not found.get(when, (None, False))[1]:
                    skipped.append(when)
                    continue
                taken, who = await tx.terms.take_slot(
                    plan.first.id if index == 0 else found[when][0].id,
                    pupil.id,
                    measure.id,
                    pupil.school_id,
                    now,
                )
                slot, terms, kind = taken.slot, taken.terms, taken.specialist_kind
                if slot is None or terms is None or kind is None:
                    if index == 0:
                        return await self._already(tx, taken.open_booking_id, pupil, taken.taken)
                    skipped.append(when)
                    continue
                plan_id, stopped = self._check(terms, measure.kind, slot, now, index == 0)
                if plan_id is None:
                    await tx.series.put_back(slot.id)  # refused: free again, as it was
                    stop = stopped or stop
                    break
                confirmed = auto_confirms(self.config, terms)
                parties = who
                booking = await sessions.add_booking(
                    tx,
                    self.config,
                    actor,
                    slot=slot,
                    pupil_id=pupil.id,
                    pupil_name=taken.pupil_name,
                    specialist_kind=kind,
                    plan_id=plan_id,
                    measure=measure,
                    confirmed=confirmed,
                    note=note,
                    now=now,
                    channel=channel,
                )
                booked.append(booking)
            if not booked:
                raise NothingToBook()
            return await self._record(tx, actor, plan, booked, skipped, stop, parties, now)

    async def _record(
        self,
        tx: Tx,
        actor: Actor,
        plan: _Times,
        booked: list[Booking],
        skipped: list[datetime],
        stop: SeriesStop,
        parties: list[Recipient],
        now: datetime,
    ) -> SeriesBooked:
        """The series row, its sessions' reminders and one notice to each other party."""
        series_id = await tx.series.add(
            pupil_id=plan.pupil.id,
            specialist_id=plan.first.specialist_id,
            plan_id=booked[0].plan_id,
            kind=plan.measure.kind,
            subject=plan.measure.subject,
            every_weeks=plan.every,
            booked_by=actor.telegram_id,
            now=now,
        )
        await tx.series.attach(series_id, [b.id for b in booked])
        booked = [b.model_copy(update={"series_id": series_id}) for b in booked]
        confirmed = booked[0].state == BookingState.CONFIRMED
        event = BookingEvent.CONFIRMED if confirmed else BookingEvent.REQUESTED
        items: list[Planned] = []
        if confirmed:
            for booking in booked:
                items += await sessions.session_items(
                    tx, self.reminders, self.config, booking, parties, now
                )
        items += series_sessions.notices(series_id, booked, actor, event, parties, now)
        await self.reminders.plan(tx, items)
        await sessions.audit_reads(tx, actor, now, [plan.pupil.id])
        info = await tx.series.get(series_id)
        assert info is not None  # noqa: S101 - just written
        return SeriesBooked(
            series=Series(info=info, bookings=tuple(booked)),
            skipped=tuple(s for s in skipped if s < booked[-1].starts_at),
            stop=stop,
            event=event,
        )

    async def _already(
        self, tx: Tx, booking_id: int | None, pupil: PupilRef, taken: bool
    ) -> SeriesBooked:
        """The first time is not free: this series has it (pressed twice), or another."""
        if booking_id is not None:
            booking = await sessions.reload(tx, booking_id)
            if booking.pupil_id == pupil.id and booking.series_id is not None:
                series = await series_sessions.load(tx, booking.series_id)
                return SeriesBooked(
                    series=series, skipped=(), stop=SeriesStop.PLAN_END, event=BookingEvent.ALREADY
                )
        raise SlotTaken() if taken else SlotGone()

    async def series(self, actor: Actor, series_id: int) -> Series:
        """A series with its sessions, for its pupil's family and its specialist only."""
        now = self.clock.now()
        async with self.uow.read() as tx:
            found = await series_sessions.load(tx, series_id)
            family = any(p.id == found.info.pupil_id for p in actor.pupils)
            if not family and found.info.specialist_id not in actor.specialist_ids:
                raise NotAllowed()
            await sessions.audit_reads(tx, actor, now, [found.info.pupil_id])
        return found

    async def cancel_following(self, actor: Actor, booking_id: int) -> SeriesChange:
        """Cancel this session of a series and all its later ones (this one within the
        cut-off for changes, as alone); their times are free again."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if booking.series_id is None or not booking.is_open or booking.starts_at <= now:
                raise BookingChanged()
            self.check_cutoff(booking, now)
            found = await series_sessions.load(tx, booking.series_id)
            targets = [b for b in found.bookings if b.starts_at >= booking.starts_at and b.is_open]
            ending = (BookingState.CANCELLED, BookingEvent.CANCELLED)
            return await series_sessions.end(
                tx, self.reminders, found, targets, actor, ending, SlotState.FREE, now
            )

    async def move_following(self, actor: Actor, booking_id: int, slot_id: int) -> SeriesChange:
        """Move this session to another free time of the specialist and each later one of
        the series by the same change of day and time; those whose new time is not free
        (or not allowed) stay, listed in ``kept``."""
        now = self.clock.now()
        async with self.uow.read() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            target = await tx.slots.get_slot(slot_id)
            rule_id = await tx.series.rule_of(slot_id)
            series = booking.series_id
            later = await tx.bookings.bookings_of_series(series) if series is not None else []
        if target is not None and rule_id is not None and later:
            # The later sessions' new times may be past the weeks made into slots so far.
            delta = series_moves.wall(target.starts_at) - series_moves.wall(booking.starts_at)
            last = series_moves.shifted(later[-1].starts_at, delta)
            await self.availability.ensure_slots(riga_day(last), rule_ids=[rule_id])
        async with self.uow.write() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if booking.series_id is None or booking.state not in series_moves.MOVABLE:
                raise BookingChanged()
            if booking.starts_at <= now:
                raise BookingChanged()
            self.check_cutoff(booking, now)
            target = await tx.slots.get_slot(slot_id)
            if target is None or target.specialist_id != booking.specialist_id:
                raise SlotGone()
            return await series_moves.move_following(
                tx, self.series_config, self.reminders, actor, booking, target, now
            )

    # --- the times and the rule check ------------------------------------------------------

    async def _times(
        self, actor: Actor, pupil_id: int, measure_id: int, slot_id: int, every: int
    ) -> _Times:
        """The first time and the same time every ``every`` weeks up to the end of the plan
        in force then, or the series' horizon; weekly hours are made into slots that far."""
        pupil = actor.require_pupil(pupil_id)
        if every not in EVERY:
            raise NotAllowed()
        now = self.clock.now()
        async with self.uow.read() as tx:
            measure = await tx.bookings.get_measure(measure_id, pupil.id)
            first = await tx.slots.get_slot(slot_id)
            if measure is None or measure.kind not in BOOKABLE:
                raise NotInPlan()
            if first is None:
                raise SlotGone()
            terms = await tx.terms.terms(
                pupil_id=pupil.id,
                school_id=pupil.school_id,
                kind=measure.kind,
                subject=measure.subject,
                slot=first,
                now=now,
            )
            rule_id = await tx.series.rule_of(first.id)
        if not terms.suitable:
            raise NotAllowed()  # another school's time: a forged button
        in_force = terms.plan_on(riga_day(first.starts_at))
        if in_force is None or in_force.measure_id is None:
            raise NotInPlan()
        horizon = riga_day(now) + timedelta(weeks=self.config.series_max_weeks)
        last = min(in_force.ends_on, horizon)
        stop = SeriesStop.PLAN_END if in_force.ends_on <= horizon else SeriesStop.LIMIT
        if rule_id is not None:
            await self.availability.ensure_slots(last, rule_ids=[rule_id])
        times = series_times(first.starts_at, every, last)
        return _Times(pupil, measure, first, every, times, stop)

    async def _terms(self, tx: Tx, plan: _Times, slot: Slot, now: datetime) -> BookingTerms:
        return await tx.terms.terms(
            pupil_id=plan.pupil.id,
            school_id=plan.pupil.school_id,
            kind=plan.measure.kind,
            subject=plan.measure.subject,
            slot=slot,
            now=now,
        )

    def _check(
        self, terms: BookingTerms, kind: MeasureKind, slot: Slot, now: datetime, first: bool
    ) -> tuple[int | None, SeriesStop | None]:
        """The one rule check of a session: its plan, or why the series stops there.

        The first session is checked as a single booking (its refusal is the answer); a
        later one ends the series where the horizon, the plan's period or hours do.
        """
        if first:
            check_times(self.series_config, slot, now)
            return check_terms(self.config, terms, kind, slot), None
        try:
            check_times(self.series_config, slot, now)
            return check_terms(self.config, terms, kind, slot, new=False), None
        except TooFarAhead:
            return None, SeriesStop.LIMIT
        except NoHoursLeft:
            return None, SeriesStop.HOURS
        except NotInPlan:
            return None, SeriesStop.PLAN_END


def _with_taken(terms: BookingTerms, minutes: int) -> BookingTerms:
    """The terms once ``minutes`` more are booked (a preview's earlier sessions, which are
    not stored) under the plans they list."""
    if not minutes:
        return terms
    plans = tuple(
        p.model_copy(update={"minutes_used": p.minutes_used + minutes}) for p in terms.plans
    )
    return terms.model_copy(update={"plans": plans})
