"""Booking consultations, the pupil's and parent's side: what may be booked, book, move, cancel.

Every rule is checked in :mod:`.rules`, inside the write transaction that acts on it,
whatever the buttons said.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, time, timedelta

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.actor import Actor
from bot.domain.consultations import (
    BOOKABLE,
    Booking,
    BookingChanged,
    BookingEvent,
    BookingState,
    Change,
    NoHoursLeft,
    NotInPlan,
    Offer,
    Slot,
    SlotGone,
    SlotPage,
    SlotState,
    SlotTaken,
    TooLateToChange,
)
from bot.domain.dates import RIGA, riga_day
from bot.domain.errors import NotAllowed, check_text
from bot.domain.models import SupportPlan
from bot.services.consultations import sessions
from bot.services.consultations.availability import AvailabilityService
from bot.services.consultations.rules import (
    check_booking,
    check_change,
    confirms_at_once,
    offer_of,
)
from bot.services.reminders.planner import ReminderService
from storage.uow import UnitOfWork


class ConsultationsBase:
    """What both sides of a consultation work with: the pupil's and the specialist's."""

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        config: BookingConfig,
        reminders: ReminderService,
        availability: AvailabilityService,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.availability = availability

    async def _audit_read(self, actor: Actor, action: str, pupil_ids: list[int]) -> None:
        """A read of pupils' data by someone else than the pupil, in a write of its own
        (none at all for the pupil's own reads, so their screens stay read-only)."""
        others = [pid for pid in pupil_ids if not actor.is_own(pid)]
        if others:
            async with self.uow.write() as tx:
                await tx.audit.add_reads(self.clock.now(), actor.telegram_id, action, others)

    def window(self, now: datetime, plan_end: datetime | None = None) -> tuple[datetime, datetime]:
        """Where free times are looked for: from the minimum notice to the horizon."""
        end = now + timedelta(days=self.config.horizon_days)
        return now + timedelta(hours=self.config.min_notice_hours), min(end, plan_end or end)


class BookingService(ConsultationsBase):
    """The pupil's and parent's side: what may be booked, booking, moving, cancelling."""

    def check_note(self, text: str) -> str:
        """A note for the specialist as it will be kept; TextTooLong if it is too long."""
        return check_text(text, self.config.note_max_chars, required=False)

    async def offers(self, actor: Actor, pupil_id: int) -> list[Offer]:
        """The consultations the plan in force today grants, with hours left."""
        pupil = actor.require_pupil(pupil_id)
        now = self.clock.now()
        async with self.uow.write() as tx:
            await sessions.audit_reads(tx, actor, now, [pupil.id])
            plan = await tx.people.plan_in_force(pupil.id, riga_day(now))
            if plan is None:
                return []
            return [await offer_of(tx, plan.id, m) for m in plan.measures if m.kind in BOOKABLE]

    async def slot_page(
        self, actor: Actor, pupil_id: int, measure_id: int, page: int = 0
    ) -> SlotPage:
        """The nearest free slots of suitable specialists of the pupil's school."""
        pupil = actor.require_pupil(pupil_id)
        now = self.clock.now()
        await self.availability.ensure_slots()
        async with self.uow.read() as tx:
            plan = await tx.people.plan_in_force(pupil.id, riga_day(now))
            measure = next((m for m in plan.measures if m.id == measure_id), None) if plan else None
            if plan is None or measure is None or measure.kind not in BOOKABLE:
                raise NotInPlan()
            offer = await offer_of(tx, plan.id, measure)
            if offer.minutes_left == 0:
                raise NoHoursLeft(minutes=0)
            specialists = await tx.slots.suitable_specialists(
                pupil.school_id, measure.kind.value, measure.subject
            )
            start, end = self.window(now, _plan_end(plan))
            size = self.config.slots_per_page
            found = await tx.slots.free_slots(
                specialists, start, end, limit=size + 1, offset=max(0, page) * size
            )
        await self._audit_read(actor, "read_free_times", [pupil.id])
        return SlotPage(
            offer=offer, slots=tuple(found[:size]), page=page, has_more=len(found) > size
        )

    async def preview(
        self, actor: Actor, pupil_id: int, measure_id: int, slot_id: int
    ) -> tuple[Offer, Slot]:
        """What the confirmation screen shows; the slot must still be free, and one of a
        specialist of the pupil's school who gives this kind of consultation."""
        pupil = actor.require_pupil(pupil_id)
        async with self.uow.read() as tx:
            measure = await tx.bookings.get_measure(measure_id, pupil.id)
            slot = await tx.slots.get_slot(slot_id)
            if measure is None or measure.kind not in BOOKABLE:
                raise NotInPlan()
            if slot is None:
                raise SlotGone()
            suitable = await tx.slots.suitable_specialists(
                pupil.school_id, measure.kind.value, measure.subject
            )
            if slot.specialist_id not in suitable:
                raise NotAllowed()  # another school's time: a forged button
            if slot.state != SlotState.FREE:
                raise SlotTaken() if slot.state == SlotState.BOOKED else SlotGone()
            found = await offer_of(tx, measure.plan_id, measure), slot
        await self._audit_read(actor, "read_preview", [pupil.id])
        return found

    async def book(
        self, actor: Actor, pupil_id: int, measure_id: int, slot_id: int, note: str = ""
    ) -> Change:
        """Book a slot. Pressing twice gives the same booking; a slot taken gives SlotTaken."""
        pupil = actor.require_pupil(pupil_id)
        note = check_text(note, self.config.note_max_chars, required=False)
        now = self.clock.now()
        async with self.uow.write() as tx:
            slot = await tx.slots.get_slot(slot_id)
            if slot is None:
                raise SlotGone()
            existing = await tx.bookings.open_booking_of_slot(slot_id)
            if existing is not None and existing.pupil_id == pupil.id:
                return Change(booking=existing, event=BookingEvent.ALREADY)
            if slot.state != SlotState.FREE:
                raise SlotTaken() if slot.state == SlotState.BOOKED else SlotGone()
            measure = await tx.bookings.get_measure(measure_id, pupil.id)
            if measure is None:
                raise NotInPlan()
            plan = await check_booking(
                tx,
                self.config,
                pupil_id=pupil.id,
                school_id=pupil.school_id,
                kind=measure.kind,
                subject=measure.subject,
                slot=slot,
                now=now,
            )
            if not await tx.slots.take_slot(slot_id):
                raise SlotTaken()
            confirmed = await confirms_at_once(tx, self.config, slot.specialist_id)
            try:
                booking_id = await tx.bookings.insert_booking(
                    slot_id=slot_id,
                    pupil_id=pupil.id,
                    specialist_id=slot.specialist_id,
                    plan_id=plan.id,
                    kind=measure.kind,
                    subject=measure.subject,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    booked_by=actor.telegram_id,
                    state=BookingState.CONFIRMED if confirmed else BookingState.REQUESTED,
                    note=note,
                    call_link="",
                    now=now,
                )
            except sqlite3.IntegrityError:
                raise SlotTaken() from None
            if confirmed:
                booking = await sessions.confirm(tx, self.reminders, self.config, booking_id, now)
            else:
                booking = await sessions.reload(tx, booking_id)
            await sessions.audit_reads(tx, actor, now, [pupil.id])
            event = BookingEvent.CONFIRMED if confirmed else BookingEvent.REQUESTED
            return await sessions.announce(tx, self.reminders, booking, actor, event, now)

    async def my_bookings(self, actor: Actor) -> list[Booking]:
        """Upcoming and recent sessions of the pupils this account books for."""
        pupils = actor.require_family()
        now = self.clock.now()
        since = now - timedelta(hours=self.config.evidence_due_hours)
        async with self.uow.write() as tx:
            found = await tx.bookings.bookings_of_pupils([p.id for p in pupils], since)
            await sessions.audit_reads(tx, actor, now, [b.pupil_id for b in found])
        return found

    async def booking(self, actor: Actor, booking_id: int) -> Booking:
        """One booking, for its parties only (audited when not the pupil's own)."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_booking(tx, actor, booking_id)
            await sessions.audit_reads(tx, actor, now, [booking.pupil_id])
        return booking

    async def confirmed_booking(self, actor: Actor, booking_id: int) -> Booking:
        """A confirmed session of the actor's (for its calendar file)."""
        booking = await self.booking(actor, booking_id)
        if booking.state != BookingState.CONFIRMED:
            raise BookingChanged()
        return booking

    async def cancel(self, actor: Actor, booking_id: int) -> Change:
        """Cancel a session of the pupil's, within the cut-off; the time is free again."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if not booking.is_open or booking.starts_at <= now:
                raise BookingChanged()
            self._check_cutoff(booking, now)
            ending = (BookingState.CANCELLED, BookingEvent.CANCELLED)
            return await sessions.end(
                tx, self.reminders, booking, actor, ending, SlotState.FREE, now
            )

    def _check_cutoff(self, booking: Booking, now: datetime) -> None:
        if booking.state == BookingState.CONFIRMED and booking.starts_at - now < timedelta(
            hours=self.config.change_cutoff_hours
        ):
            raise TooLateToChange(hours=self.config.change_cutoff_hours)

    async def move_options(self, actor: Actor, booking_id: int, page: int = 0) -> list[Slot]:
        """Free slots of the same specialist the booking could move to."""
        now = self.clock.now()
        await self.availability.ensure_slots()
        async with self.uow.read() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if not booking.is_open or booking.starts_at <= now:
                raise BookingChanged()
            self._check_cutoff(booking, now)
            start, end = self.window(now)
            size = self.config.slots_per_page
            return await tx.slots.free_slots(
                [booking.specialist_id], start, end, limit=size, offset=max(0, page) * size
            )

    async def move(self, actor: Actor, booking_id: int, slot_id: int) -> Change:
        """Move to another free slot of the same specialist, within every rule."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if booking.slot_id == slot_id and booking.is_open:
                return Change(booking=booking, event=BookingEvent.ALREADY)
            if booking.state not in (BookingState.REQUESTED, BookingState.CONFIRMED):
                raise BookingChanged()
            self._check_cutoff(booking, now)
            slot = await tx.slots.get_slot(slot_id)
            if slot is None or slot.specialist_id != booking.specialist_id:
                raise SlotGone()
            if slot.state != SlotState.FREE:
                raise SlotTaken() if slot.state == SlotState.BOOKED else SlotGone()
            pupil = actor.require_pupil(booking.pupil_id)
            await check_change(tx, self.config, booking, pupil.school_id, slot, now)
            if not await tx.slots.take_slot(slot_id):
                raise SlotTaken()
            await tx.slots.set_slot_state(booking.slot_id, SlotState.FREE)
            await self.reminders.cancel(tx, sessions.booking_ref(booking_id))
            confirmed = booking.state == BookingState.CONFIRMED and await confirms_at_once(
                tx, self.config, slot.specialist_id
            )
            state = BookingState.CONFIRMED if confirmed else BookingState.REQUESTED
            await tx.bookings.move_to_slot(
                booking_id, slot_id, slot.starts_at, slot.ends_at, state, now
            )
            if confirmed:
                moved = await sessions.confirm(tx, self.reminders, self.config, booking_id, now)
            else:
                moved = await sessions.reload(tx, booking_id)
            return await sessions.announce(
                tx, self.reminders, moved, actor, BookingEvent.MOVED, now
            )


def _plan_end(plan: SupportPlan) -> datetime:
    return datetime.combine(plan.ends_on + timedelta(days=1), time(0), RIGA)
