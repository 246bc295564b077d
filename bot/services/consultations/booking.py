"""Booking consultations, the pupil's and parent's side: what may be booked, book, move, cancel.

Every rule is checked in :mod:`.rules`, inside the write transaction that acts on it,
whatever the buttons said.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.actor import Actor, PupilRef
from bot.domain.consultations import (
    BOOKABLE,
    Booking,
    BookingChanged,
    BookingEvent,
    BookingState,
    Change,
    Channel,
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
from bot.services.consultations import sessions
from bot.services.consultations.availability import AvailabilityService
from bot.services.consultations.rules import (
    auto_confirms,
    check_change,
    check_channel,
    check_terms,
    check_times,
    confirms_at_once,
    offer_of,
)
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork


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

    def check_cutoff(self, booking: Booking, now: datetime) -> None:
        """The pupil's side changes a confirmed session only up to the cut-off before it."""
        if booking.state == BookingState.CONFIRMED and booking.starts_at - now < timedelta(
            hours=self.config.change_cutoff_hours
        ):
            raise TooLateToChange(hours=self.config.change_cutoff_hours)

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
        async with self.uow.read() as tx:
            await sessions.audit_reads(tx, actor, now, [pupil.id])
            return [offer for offer, _ in await tx.terms.offers(pupil.id, riga_day(now))]

    async def slot_page(
        self, actor: Actor, pupil_id: int, measure_id: int, page: int = 0
    ) -> SlotPage:
        """The nearest free slots of suitable specialists of the pupil's school."""
        pupil = actor.require_pupil(pupil_id)
        now = self.clock.now()
        async with self.uow.read() as tx:
            found = await tx.terms.offers(pupil.id, riga_day(now), measure_id)
            if not found:
                raise NotInPlan()
            offer, plan_ends = found[0]
            if offer.minutes_left == 0:
                raise NoHoursLeft(minutes=0)
            start, end = self.window(now, _day_end(plan_ends))
            size = self.config.slots_per_page
            slots = await tx.slots.free_slots_of_suitable(
                pupil.school_id,
                offer.kind.value,
                offer.subject,
                start,
                end,
                limit=size + 1,
                offset=max(0, page) * size,
            )
        await self._audit_read(actor, "read_free_times", [pupil.id])
        return SlotPage(
            offer=offer, slots=tuple(slots[:size]), page=page, has_more=len(slots) > size
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
        self,
        actor: Actor,
        pupil_id: int,
        measure_id: int,
        slot_id: int,
        note: str = "",
        channel: Channel = Channel.CALL,
    ) -> Change:
        """Book a slot. Pressing twice gives the same booking; a slot taken gives SlotTaken.

        An emotional-support session may be held in the chat (relayed by the bot) instead
        of a video call; a subject consultation is a call.

        A few set-based statements: take the slot and read every term of the rule check
        and the parties (one), insert the booking (RETURNING it), plan its reminders and
        the other parties' notices (one ``executemany``).
        """
        pupil = actor.require_pupil(pupil_id)
        note = check_text(note, self.config.note_max_chars, required=False)
        now = self.clock.now()
        async with self.uow.write() as tx:
            return await self.book_in(tx, actor, pupil, measure_id, slot_id, now, note, channel)

    async def book_in(
        self,
        tx: Tx,
        actor: Actor,
        pupil: PupilRef,
        measure_id: int,
        slot_id: int,
        now: datetime,
        note: str = "",
        channel: Channel = Channel.CALL,
    ) -> Change:
        """:meth:`book` in the caller's transaction (a time offered from the waiting list)."""
        found, parties = await tx.terms.take_slot(
            slot_id, pupil.id, measure_id, pupil.school_id, now
        )
        slot, measure, terms = found.slot, found.measure, found.terms
        if slot is None:
            if found.open_booking_id is not None and found.open_booking_pupil == pupil.id:
                existing = await sessions.reload(tx, found.open_booking_id)
                return Change(booking=existing, event=BookingEvent.ALREADY)
            raise SlotTaken() if found.taken else SlotGone()
        if measure is None:
            raise NotInPlan()
        check_channel(channel, measure.kind)
        assert terms is not None and found.specialist_kind is not None  # noqa: S101
        check_times(self.config, slot, now)
        plan_id = check_terms(self.config, terms, measure.kind, slot)
        confirmed = auto_confirms(self.config, terms)
        booking = await sessions.add_booking(
            tx,
            self.config,
            actor,
            slot=slot,
            pupil_id=pupil.id,
            pupil_name=found.pupil_name,
            specialist_kind=found.specialist_kind,
            plan_id=plan_id,
            measure=measure,
            confirmed=confirmed,
            note=note,
            now=now,
            channel=channel,
        )
        event = BookingEvent.CONFIRMED if confirmed else BookingEvent.REQUESTED
        items = sessions.notices(booking, actor, event, parties, now)
        if confirmed:
            items = [
                *await sessions.session_items(
                    tx, self.reminders, self.config, booking, parties, now
                ),
                *items,
            ]
        await self.reminders.plan(tx, items)
        await sessions.audit_reads(tx, actor, now, [pupil.id])
        return Change(booking=booking, event=event)

    async def my_bookings(self, actor: Actor) -> list[Booking]:
        """Upcoming and recent sessions of the pupils this account books for."""
        pupils = actor.require_family()
        now = self.clock.now()
        since = now - timedelta(hours=self.config.evidence_due_hours)
        async with self.uow.read() as tx:
            found = await tx.bookings.bookings_of_pupils([p.id for p in pupils], since)
            await sessions.audit_reads(tx, actor, now, [b.pupil_id for b in found])
        return found

    async def booking(self, actor: Actor, booking_id: int) -> Booking:
        """One booking, for its parties only (audited when not the pupil's own)."""
        now = self.clock.now()
        async with self.uow.read() as tx:
            booking = await sessions.load_booking(tx, actor, booking_id)
            await sessions.audit_reads(tx, actor, now, [booking.pupil_id])
        return booking

    async def cancel(self, actor: Actor, booking_id: int) -> Change:
        """Cancel a session of the pupil's, within the cut-off; the time is free again."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if not booking.is_open or booking.starts_at <= now:
                raise BookingChanged()
            self.check_cutoff(booking, now)
            ending = (BookingState.CANCELLED, BookingEvent.CANCELLED)
            return await sessions.end(
                tx, self.reminders, booking, actor, ending, SlotState.FREE, now
            )

    async def move_options(self, actor: Actor, booking_id: int, page: int = 0) -> list[Slot]:
        """Free slots of the same specialist the booking could move to."""
        now = self.clock.now()
        async with self.uow.read() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if not booking.is_open or booking.starts_at <= now:
                raise BookingChanged()
            self.check_cutoff(booking, now)
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
            self.check_cutoff(booking, now)
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


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), RIGA)
