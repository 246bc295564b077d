"""Calendar files: a session's .ics, the specialist's feed of the weeks ahead, and the
updated event sent when a session someone holds in their calendar changes.

Giving a file records who holds which bookings (``calendar_copies``); each later change
goes to them through the reminder engine (:mod:`.calendar_updates`), and the loader here
says what it is at send time: nothing if a newer version superseded it meanwhile.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.actor import Actor
from bot.domain.calendar import FEED_DAYS, CalendarFile, CalendarUpdate
from bot.domain.consultations import BookingChanged, BookingState
from bot.domain.reminders import CalendarPayload, Fact, Reminder, ReminderKind
from bot.services.consultations import sessions
from bot.services.consultations.booking import ConsultationsBase
from bot.services.reminders.planner import ReminderService


class CalendarService(ConsultationsBase):
    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.CALENDAR, self.update)

    async def session_file(self, actor: Actor, booking_id: int) -> CalendarFile:
        """A confirmed session, for a calendar file of one of its parties; they get its
        changes from now on."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_booking(tx, actor, booking_id)
            if booking.state != BookingState.CONFIRMED:
                raise BookingChanged()
            await tx.calendar.add_copies([booking.id], actor.telegram_id, now)
            await sessions.audit_reads(tx, actor, now, [booking.pupil_id])
        return CalendarFile(bookings=(booking,), stamp=now)

    async def feed(self, actor: Actor) -> CalendarFile:
        """The specialist's confirmed sessions of the next 8 weeks, every school's; they get
        the changes of each from now on."""
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        async with self.uow.write() as tx:
            found = await tx.bookings.bookings_of_specialist(
                ids, now, now + timedelta(days=FEED_DAYS), (BookingState.CONFIRMED,), now
            )
            await tx.calendar.add_copies([b.id for b in found], actor.telegram_id, now)
            await sessions.audit_reads(tx, actor, now, [b.pupil_id for b in found])
        found.sort(key=lambda b: (b.starts_at, b.id))
        return CalendarFile(bookings=tuple(found), stamp=now)

    async def update(self, reminder: Reminder) -> Fact | None:
        """The changed event, unless a later change superseded this version."""
        payload = reminder.payload
        if not isinstance(payload, CalendarPayload):
            return None
        async with self.uow.read() as tx:
            booking = await tx.bookings.get_booking(payload.booking_id)
        if booking is None or booking.sequence != payload.sequence:
            return None
        return CalendarUpdate(booking=booking, role=reminder.role, stamp=self.clock.now())
