"""Calendars kept right: a changed session goes, as a new version of its event, to
whoever was given a calendar file with it in.

Every change the other parties are told of (:func:`..sessions.announce`) raises the
booking's ``sequence`` and plans, in the same transaction, an updated .ics (same UID,
higher SEQUENCE, or a cancellation) for each party holding a copy, the one who made the
change included: their calendar has the old time too.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.consultations import Booking, BookingEvent
from bot.domain.reminders import CalendarPayload, Planned, Recipient, ReminderKind
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx

# The changes that change a session's calendar event (its time, state or call link).
CHANGES = frozenset(
    {
        BookingEvent.CONFIRMED,
        BookingEvent.CANCELLED,
        BookingEvent.DECLINED,
        BookingEvent.PROPOSED,
        BookingEvent.MOVED,
        BookingEvent.CALL,
    }
)


async def plan_updates(
    tx: Tx,
    reminders: ReminderService,
    booking: Booking,
    event: BookingEvent,
    parties: list[Recipient],
    now: datetime,
) -> None:
    """A new version of the booking's event, sent to the parties who hold a copy."""
    if event not in CHANGES:
        return
    sequence = await tx.calendar.next_sequence(booking.id)
    holders = await tx.calendar.holders(booking.id)
    payload = CalendarPayload(booking_id=booking.id, sequence=sequence)
    await reminders.plan(
        tx,
        [
            Planned(
                chat_id=party.chat_id,
                role=party.role,
                kind=ReminderKind.CALENDAR,
                ref=f"calendar:{booking.id}:{sequence}",
                due_at=now,
                event_at=booking.starts_at,
                payload=payload,
            )
            for party in parties
            if party.chat_id in holders
        ],
    )
