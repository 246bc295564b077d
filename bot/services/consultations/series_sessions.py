"""What every change to a series shares: loading it, ending sessions of it together, and
one notice per party for all of them (the series' :mod:`.sessions`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.actor import Actor
from bot.domain.consultations import (
    Booking,
    BookingChanged,
    BookingEvent,
    BookingState,
    SlotState,
)
from bot.domain.errors import NotAllowed
from bot.domain.reminders import (
    Fact,
    Planned,
    Recipient,
    Reminder,
    ReminderKind,
    SeriesPayload,
)
from bot.domain.series import Series, SeriesChange, SeriesNotice
from bot.services.consultations import sessions
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

# A notice about a state is stale for the sessions that left that state before it is sent.
STILL = {
    BookingEvent.REQUESTED: BookingState.REQUESTED,
    BookingEvent.CONFIRMED: BookingState.CONFIRMED,
    BookingEvent.CANCELLED: BookingState.CANCELLED,
    BookingEvent.DECLINED: BookingState.DECLINED,
}


async def load(tx: Tx, series_id: int) -> Series:
    info = await tx.series.get(series_id)
    if info is None:
        raise NotAllowed()
    return Series(info=info, bookings=tuple(await tx.bookings.bookings_of_series(series_id)))


def notices(
    series_id: int,
    bookings: Sequence[Booking],
    actor: Actor,
    event: BookingEvent,
    parties: Sequence[Recipient],
    now: datetime,
) -> list[Planned]:
    """One notice of ``event`` about these sessions to every party but the actor."""
    if not bookings:
        return []
    payload = SeriesPayload(
        series_id=series_id, event=event.value, booking_ids=tuple(b.id for b in bookings)
    )
    return [
        Planned(
            chat_id=to.chat_id,
            role=to.role,
            kind=ReminderKind.SERIES_NOTICE,
            ref=f"series:{series_id}:{event.value}:{int(now.timestamp())}",
            due_at=now,
            event_at=bookings[0].starts_at,
            payload=payload,
        )
        for to in parties
        if to.chat_id != actor.telegram_id
    ]


async def end(
    tx: Tx,
    reminders: ReminderService,
    series: Series,
    targets: Sequence[Booking],
    actor: Actor,
    ending: tuple[BookingState, BookingEvent],
    slot_becomes: SlotState,
    now: datetime,
    reason: str = "",
) -> SeriesChange:
    """End these sessions of a series together (as :func:`sessions.end` does one): their
    times freed or withdrawn, their reminders cancelled, one notice to each other party."""
    state, event = ending
    ended = await tx.series.end_sessions([b.id for b in targets], state, actor.role, reason, now)
    for booking_id, slot_id in ended:
        await tx.slots.set_slot_state(slot_id, slot_becomes)
        await reminders.cancel(tx, sessions.booking_ref(booking_id))
    if not ended:
        raise BookingChanged()
    done = {booking_id for booking_id, _ in ended}
    after = await load(tx, series.info.id)
    changed = tuple(b for b in after.bookings if b.id in done)
    parties = await tx.bookings.parties(changed[0])
    await reminders.plan(tx, notices(series.info.id, changed, actor, event, parties, now))
    return SeriesChange(series=after, changed=changed, event=event)


class SeriesFacts:
    """What a series notice is about at send time: its sessions still as it said."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.SERIES_NOTICE, self.notice)

    async def notice(self, reminder: Reminder) -> Fact | None:
        payload = reminder.payload
        if not isinstance(payload, SeriesPayload):
            return None
        try:
            event = BookingEvent(payload.event)
        except ValueError:
            return None
        async with self.uow.read() as tx:
            info = await tx.series.get(payload.series_id)
            if info is None:
                return None
            found = await tx.bookings.bookings_of_series(info.id)
        wanted = set(payload.booking_ids)
        still = STILL.get(event)
        bookings = tuple(b for b in found if b.id in wanted and (still is None or b.state == still))
        if not bookings:
            return None
        return SeriesNotice(info=info, bookings=bookings, event=event, role=reminder.role)
