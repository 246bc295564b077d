"""The pupil's or parent's answers after booking: a proposed time, and the evidence.

The evidence (did the session take place?) is what the programme counts as hours
given, so it is taken only from the pupil or a parent, once, within the due time.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.actor import Actor
from bot.domain.consultations import (
    BookingChanged,
    BookingEvent,
    BookingState,
    Change,
    EvidenceClosed,
    NotStartedYet,
    SlotState,
)
from bot.domain.reminders import ReminderKind
from bot.services.consultations import sessions
from bot.services.consultations.booking import ConsultationsBase
from bot.services.consultations.rules import check_change

ASKED = (BookingState.CONFIRMED, BookingState.HELD, BookingState.MISSED)


class AnswersService(ConsultationsBase):
    async def answer_proposal(self, actor: Actor, booking_id: int, accept: bool) -> Change:
        """The pupil or parent takes the time the specialist proposed, or cancels.

        Taking it passes the same rule check as booking (the plan in force on that date,
        its hours, the horizon), except the minimum notice: the specialist chose the time.
        """
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if booking.state != BookingState.PROPOSED or booking.starts_at <= now:
                raise BookingChanged()
            if accept:
                pupil = actor.require_pupil(booking.pupil_id)
                slot = await tx.slots.get_slot(booking.slot_id)
                assert slot is not None  # noqa: S101 - a booking's slot is never deleted
                await check_change(
                    tx, self.config, booking, pupil.school_id, slot, now, notice=False
                )
                await tx.bookings.update_state(
                    booking_id, BookingState.CONFIRMED, now, expect=(BookingState.PROPOSED,)
                )
                booking = await sessions.confirm(tx, self.reminders, self.config, booking_id, now)
                return await sessions.announce(
                    tx, self.reminders, booking, actor, BookingEvent.CONFIRMED, now
                )
            ending = (BookingState.CANCELLED, BookingEvent.CANCELLED)
            return await sessions.end(
                tx, self.reminders, booking, actor, ending, SlotState.FREE, now
            )

    async def answer_evidence(self, actor: Actor, booking_id: int, took_place: bool) -> Change:
        """The pupil (or a parent) says whether the session took place: the evidence."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_pupil_side(tx, actor, booking_id)
            if booking.state not in ASKED:
                raise BookingChanged()
            if now < booking.starts_at:
                raise NotStartedYet()
            if booking.evidence is not None:
                return Change(booking=booking, event=BookingEvent.ALREADY)
            if now > booking.ends_at + timedelta(hours=self.config.evidence_due_hours):
                raise EvidenceClosed()
            await tx.bookings.set_evidence(booking_id, took_place, actor.telegram_id, now)
            await self.reminders.cancel(
                tx,
                sessions.booking_ref(booking_id),
                (ReminderKind.EVIDENCE, ReminderKind.EVIDENCE_AGAIN),
            )
            booking = await sessions.reload(tx, booking_id)
            return Change(booking=booking, event=BookingEvent.EVIDENCE)
