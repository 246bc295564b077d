"""What the consultations' reminders are about at send time, or None if nothing any more.

Each loader looks at the booking as it is when the reminder is due: a cancelled or moved
session, or a question answered meanwhile, means there is nothing to say.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.consultations import (
    Booking,
    BookingEvent,
    BookingNotice,
    BookingState,
    DayAgenda,
    EvidenceQuestion,
    LateCancellation,
    SessionSoon,
)
from bot.domain.dates import riga_midnight
from bot.domain.models import Role
from bot.domain.reminders import (
    AgendaPayload,
    BookingPayload,
    Fact,
    LateCancelPayload,
    NoticePayload,
    Reminder,
    ReminderKind,
)
from bot.services.reminders.planner import ReminderService
from storage.uow import UnitOfWork

ASKED = (BookingState.CONFIRMED, BookingState.HELD, BookingState.MISSED)

# A notice about a state is stale once the booking has left that state before it is sent.
STILL = {
    BookingEvent.REQUESTED: (BookingState.REQUESTED,),
    BookingEvent.CONFIRMED: (BookingState.CONFIRMED,),
    BookingEvent.PROPOSED: (BookingState.PROPOSED,),
    BookingEvent.MOVED: (BookingState.CONFIRMED, BookingState.REQUESTED),
    BookingEvent.CALL: (BookingState.CONFIRMED,),
}


class ConsultationFacts:
    def __init__(self, uow: UnitOfWork, clock: Clock, config: BookingConfig) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.SESSION, self.session)
        reminders.register(ReminderKind.EVIDENCE, self.evidence)
        reminders.register(ReminderKind.EVIDENCE_AGAIN, self.evidence)
        reminders.register(ReminderKind.AGENDA, self.agenda)
        reminders.register(ReminderKind.NOTICE, self.notice)
        reminders.register(ReminderKind.LATE_CANCEL, self.late_cancel)

    async def _booking(self, reminder: Reminder) -> Booking | None:
        payload = reminder.payload
        if not isinstance(payload, BookingPayload | NoticePayload | LateCancelPayload):
            return None
        async with self.uow.read() as tx:
            return await tx.bookings.get_booking(payload.booking_id)

    async def _several_schools(self, reminder: Reminder) -> bool:
        """Whether the recipient is a specialist working in several schools."""
        if reminder.role != Role.SPECIALIST:
            return False
        async with self.uow.read() as tx:
            actor = await tx.accounts.actor(reminder.chat_id)
        return actor is not None and len(actor.specialist_ids) > 1

    async def session(self, reminder: Reminder) -> Fact | None:
        booking = await self._booking(reminder)
        if booking is None or booking.state != BookingState.CONFIRMED:
            return None
        if booking.starts_at <= self.clock.now():
            return None
        several = await self._several_schools(reminder)
        return SessionSoon(booking=booking, role=reminder.role, school_shown=several)

    async def evidence(self, reminder: Reminder) -> Fact | None:
        booking = await self._booking(reminder)
        if booking is None or booking.state not in ASKED or booking.evidence is not None:
            return None
        if self.clock.now() > booking.ends_at + timedelta(hours=self.config.evidence_due_hours):
            return None
        return EvidenceQuestion(booking=booking)

    async def agenda(self, reminder: Reminder) -> Fact | None:
        payload = reminder.payload
        if not isinstance(payload, AgendaPayload):
            return None
        now = self.clock.now()
        async with self.uow.read() as tx:
            # The day of the person: the sessions of every school they work in.
            actor = await tx.accounts.actor(reminder.chat_id)
            ids = actor.specialist_ids if actor and actor.specialist_ids else ()
            found = await tx.bookings.bookings_of_specialist(
                ids or (payload.specialist_id,),
                max(riga_midnight(payload.day), now),
                riga_midnight(payload.day + timedelta(days=1)),
                (BookingState.CONFIRMED,),
                now,
            )
        if not found:
            return None
        return DayAgenda(
            day=payload.day,
            bookings=tuple(sorted(found, key=lambda b: b.starts_at)),
            school_shown=len(ids) > 1,
        )

    async def notice(self, reminder: Reminder) -> Fact | None:
        payload = reminder.payload
        if not isinstance(payload, NoticePayload):
            return None
        try:
            event = BookingEvent(payload.event)
        except ValueError:
            return None
        booking = await self._booking(reminder)
        if booking is None or (event in STILL and booking.state not in STILL[event]):
            return None
        several = await self._several_schools(reminder)
        return BookingNotice(booking=booking, event=event, role=reminder.role, school_shown=several)

    async def late_cancel(self, reminder: Reminder) -> Fact | None:
        payload = reminder.payload
        booking = await self._booking(reminder)
        if not isinstance(payload, LateCancelPayload) or booking is None:
            return None
        if booking.state != BookingState.CANCELLED:
            return None
        return LateCancellation(booking=booking, hours=payload.hours)
