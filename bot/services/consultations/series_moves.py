"""Moving a session of a series with all that follow it: each later session moves by the
same change of day and time, where that time is free and the rules allow (each checked
as a move, :func:`.rules.check_change`); the others stay where they are and are listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import BookingConfig
from bot.domain.actor import Actor
from bot.domain.consultations import (
    Booking,
    BookingChanged,
    BookingEvent,
    BookingState,
    Slot,
    SlotGone,
    SlotState,
    SlotTaken,
)
from bot.domain.dates import RIGA
from bot.domain.errors import DomainError
from bot.domain.series import SeriesChange
from bot.services.consultations import series_sessions, sessions
from bot.services.consultations.rules import check_change, confirms_at_once
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx

MOVABLE = (BookingState.REQUESTED, BookingState.CONFIRMED)


def wall(when: datetime) -> datetime:
    """Riga wall-clock time, without a zone (to shift by days and hours as people do)."""
    return when.astimezone(RIGA).replace(tzinfo=None)


def shifted(when: datetime, delta: timedelta) -> datetime:
    """``when`` moved by ``delta`` of wall-clock time (so 14:00 stays 14:00 across DST)."""
    return (wall(when) + delta).replace(tzinfo=RIGA).astimezone(UTC)


def to_move(booking: Booking, bookings: tuple[Booking, ...]) -> list[Booking]:
    """This session and the later ones of its series that may still move."""
    return [b for b in bookings if b.starts_at >= booking.starts_at and b.state in MOVABLE]


async def move_following(
    tx: Tx,
    config: BookingConfig,
    reminders: ReminderService,
    actor: Actor,
    booking: Booking,
    target: Slot,
    now: datetime,
) -> SeriesChange:
    """Move ``booking`` to ``target`` (as a single move would, or not at all) and the later
    sessions of its series by the same shift; ``config`` has the series' horizon."""
    assert booking.series_id is not None  # noqa: S101 - checked by the caller
    found = await series_sessions.load(tx, booking.series_id)
    delta = wall(target.starts_at) - wall(booking.starts_at)
    following = to_move(booking, found.bookings)
    wanted = {b.id: shifted(b.starts_at, delta) for b in following}
    slots = await tx.series.slots_at(booking.specialist_id, list(wanted.values()), booking.pupil_id)
    school_id = actor.require_pupil(booking.pupil_id).school_id
    auto = await confirms_at_once(tx, config, booking.specialist_id)
    moved: list[int] = []
    kept: list[Booking] = []
    for session in following:
        first = session.id == booking.id
        slot, free = slots.get(wanted[session.id], (None, False))
        try:
            if slot is None or not free:
                raise SlotTaken() if slot is not None else SlotGone()
            await check_change(tx, config, session, school_id, slot, now)
            if not await tx.slots.take_slot(slot.id):
                raise SlotTaken()
        except DomainError:
            if first:
                raise  # the one the pupil chose: they hear why
            kept.append(session)
            continue
        await tx.slots.set_slot_state(session.slot_id, SlotState.FREE)
        await reminders.cancel(tx, sessions.booking_ref(session.id))
        confirmed = session.state == BookingState.CONFIRMED and auto
        state = BookingState.CONFIRMED if confirmed else BookingState.REQUESTED
        await tx.bookings.move_to_slot(
            session.id, slot.id, slot.starts_at, slot.ends_at, state, now
        )
        if confirmed:
            await sessions.confirm(tx, reminders, config, session.id, now)
        moved.append(session.id)
    after = await series_sessions.load(tx, booking.series_id)
    changed = tuple(b for b in after.bookings if b.id in set(moved))
    if not changed:
        raise BookingChanged()
    parties = await tx.bookings.parties(changed[0])
    event = BookingEvent.MOVED
    await reminders.plan(
        tx, series_sessions.notices(after.info.id, changed, actor, event, parties, now)
    )
    return SeriesChange(series=after, changed=changed, event=event, kept=tuple(kept))
