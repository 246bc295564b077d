"""What every change to a booking shares: who may see it, who hears, and the side effects.

A confirmed session gets its call link and reminders here (:func:`confirm`), and every
change is told to the booking's other parties through the reminder engine, planned in
the change's own transaction (:func:`announce`), so no network error can lose a notice.
"""

from __future__ import annotations

import secrets
import sqlite3
from datetime import datetime, time, timedelta

from bot.config import BookingConfig
from bot.domain.actor import Actor
from bot.domain.consultations import (
    Booking,
    BookingEvent,
    BookingState,
    Change,
    Channel,
    Slot,
    SlotState,
    SlotTaken,
)
from bot.domain.dates import RIGA, riga_day, riga_midnight
from bot.domain.errors import NotAllowed
from bot.domain.models import PlanMeasure, Role, SpecialistKind
from bot.domain.reminders import (
    AgendaPayload,
    BookingPayload,
    NoticePayload,
    Planned,
    Recipient,
    ReminderKind,
)
from bot.services.consultations import calendar_updates
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx

# The changes the other parties are told of.
ANNOUNCED = frozenset(
    {
        BookingEvent.REQUESTED,
        BookingEvent.CONFIRMED,
        BookingEvent.CANCELLED,
        BookingEvent.DECLINED,
        BookingEvent.PROPOSED,
        BookingEvent.MOVED,
        BookingEvent.CALL,
    }
)


def booking_ref(booking_id: int) -> str:
    return f"booking:{booking_id}"


async def reload(tx: Tx, booking_id: int) -> Booking:
    """A booking just changed in this transaction, as it is now."""
    booking = await tx.bookings.get_booking(booking_id)
    assert booking is not None  # noqa: S101 - bookings are never deleted
    return booking


async def load_booking(tx: Tx, actor: Actor, booking_id: int) -> Booking:
    """The booking, if the actor is one of its parties; else NotAllowed (forged ids too)."""
    booking = await tx.bookings.get_booking(booking_id)
    if booking is None or not is_party(actor, booking):
        raise NotAllowed()
    return booking


def is_party(actor: Actor, booking: Booking) -> bool:
    """The pupil, a parent of theirs, or the booking's specialist."""
    family = any(p.id == booking.pupil_id for p in actor.pupils)
    return family or booking.specialist_id in actor.specialist_ids


async def load_pupil_side(tx: Tx, actor: Actor, booking_id: int) -> Booking:
    """The booking, if the actor is its pupil or a parent of theirs."""
    booking = await load_booking(tx, actor, booking_id)
    actor.require_pupil(booking.pupil_id)
    return booking


async def load_own(tx: Tx, actor: Actor, booking_id: int) -> Booking:
    """The booking, if the actor is its specialist."""
    actor.require_specialist()
    booking = await tx.bookings.get_booking(booking_id)
    if booking is None or booking.specialist_id not in actor.specialist_ids:
        raise NotAllowed()
    return booking


async def audit_reads(tx: Tx, actor: Actor, now: datetime, pupil_ids: list[int]) -> None:
    """A read of a pupil's booking by someone else (a parent, the specialist) is audited."""
    others = [pid for pid in pupil_ids if not actor.is_own(pid)]
    await tx.audit.add_reads(now, actor.telegram_id, "read_booking", others)


def new_call_link(config: BookingConfig) -> str:
    # An unguessable room: 128 bits, so only those who are sent the link can join.
    return config.call_link_template.format(room=secrets.token_urlsafe(16))


async def add_booking(
    tx: Tx,
    config: BookingConfig,
    actor: Actor,
    *,
    slot: Slot,
    pupil_id: int,
    pupil_name: str,
    specialist_kind: SpecialistKind,
    plan_id: int,
    measure: PlanMeasure,
    confirmed: bool,
    note: str,
    now: datetime,
    channel: Channel,
) -> Booking:
    """The booking of ``slot`` for the pupil: confirmed (with a call link) or requested.

    Every way into a booking (one press, a series) inserts it here, after the same rule
    checks. SlotTaken if someone else's booking took the slot meanwhile.
    """
    try:
        return await tx.bookings.add(
            slot=slot,
            pupil_id=pupil_id,
            pupil_name=pupil_name,
            specialist_kind=specialist_kind,
            plan_id=plan_id,
            kind=measure.kind,
            subject=measure.subject,
            booked_by=actor.telegram_id,
            state=BookingState.CONFIRMED if confirmed else BookingState.REQUESTED,
            note=note,
            call_link=new_call_link(config) if confirmed else "",
            now=now,
            channel=channel,
        )
    except sqlite3.IntegrityError:
        raise SlotTaken() from None


async def confirm(
    tx: Tx,
    reminders: ReminderService,
    config: BookingConfig,
    booking_id: int,
    now: datetime,
    *,
    booking: Booking | None = None,
    parties: list[Recipient] | None = None,
) -> Booking:
    """Give a just-confirmed booking its call link and reminders.

    ``booking`` and ``parties``, when the caller has them as they are now, save reading
    them again.
    """
    if booking is None:
        booking = await tx.bookings.get_booking(booking_id)
    assert booking is not None and booking.state == BookingState.CONFIRMED  # noqa: S101
    if not booking.call_link:
        link = new_call_link(config)
        await tx.bookings.set_call_link(booking_id, link)
        booking = booking.model_copy(update={"call_link": link})
    await plan_session_reminders(tx, reminders, config, booking, now, parties=parties)
    return booking


async def plan_session_reminders(
    tx: Tx,
    reminders: ReminderService,
    config: BookingConfig,
    booking: Booking,
    now: datetime,
    *,
    parties: list[Recipient] | None = None,
) -> None:
    """Reminders of a confirmed session: before it, the evidence question, the agenda."""
    everyone = parties if parties is not None else await tx.bookings.parties(booking)
    ref = booking_ref(booking.id)
    before = await session_items(tx, reminders, config, booking, everyone, now)
    await tx.reminders.cancel_other_variants(
        ref,
        ReminderKind.SESSION,
        (r.chat_id for r in everyone),
        ((i.chat_id, i.kind_text) for i in before if i.kind == ReminderKind.SESSION),
    )
    await reminders.plan(tx, before)


async def session_items(
    tx: Tx,
    reminders: ReminderService,
    config: BookingConfig,
    booking: Booking,
    everyone: list[Recipient],
    now: datetime,
) -> list[Planned]:
    """Every row a confirmed session plans: before it, the evidence question, the agenda."""
    ref = booking_ref(booking.id)
    payload = BookingPayload(booking_id=booking.id)
    items = await reminders.items_before(
        tx,
        everyone,
        kind=ReminderKind.SESSION,
        ref=ref,
        event_at=booking.starts_at,
        payload=payload,
    )
    closes = booking.ends_at + timedelta(hours=config.evidence_due_hours)
    again = booking.ends_at + timedelta(hours=config.evidence_again_hours)
    items += [
        Planned(
            chat_id=recipient.chat_id,
            role=recipient.role,
            kind=kind,
            ref=ref,
            due_at=due,
            event_at=booking.ends_at,
            not_after=closes,
            payload=payload,
        )
        for recipient in everyone
        if recipient.role != Role.SPECIALIST
        for kind, due in (
            (ReminderKind.EVIDENCE, booking.ends_at),
            (ReminderKind.EVIDENCE_AGAIN, again),
        )
    ]
    day = riga_day(booking.starts_at)
    agenda_at = datetime.combine(day, time(config.agenda_hour, 0), tzinfo=RIGA)
    if agenda_at > now:
        items += [
            Planned(
                chat_id=recipient.chat_id,
                role=recipient.role,
                kind=ReminderKind.AGENDA,
                # One agenda a day per account, whichever school's session planned it.
                ref=f"agenda:{day.isoformat()}",
                due_at=agenda_at,
                not_after=riga_midnight(day + timedelta(days=1)),
                payload=AgendaPayload(specialist_id=booking.specialist_id, day=day),
            )
            for recipient in everyone
            if recipient.role == Role.SPECIALIST
        ]
    return items


async def announce(
    tx: Tx,
    reminders: ReminderService,
    booking: Booking,
    actor: Actor,
    event: BookingEvent,
    now: datetime,
    *,
    parties: list[Recipient] | None = None,
) -> Change:
    """The change, with a notice planned for every other party (in this transaction)."""
    if event in ANNOUNCED:
        everyone = parties if parties is not None else await tx.bookings.parties(booking)
        await reminders.plan(tx, notices(booking, actor, event, everyone, now))
        await calendar_updates.plan_updates(tx, reminders, booking, event, everyone, now)
    return Change(booking=booking, event=event)


def notices(
    booking: Booking, actor: Actor, event: BookingEvent, parties: list[Recipient], now: datetime
) -> list[Planned]:
    """A notice of ``event`` to every party but the actor (none if it is not announced)."""
    if event not in ANNOUNCED:
        return []
    return [notice(booking, event, r, now) for r in parties if r.chat_id != actor.telegram_id]


async def end(
    tx: Tx,
    reminders: ReminderService,
    booking: Booking,
    actor: Actor,
    ending: tuple[BookingState, BookingEvent],
    slot_becomes: SlotState,
    now: datetime,
    reason: str = "",
) -> Change:
    """Close a booking (cancelled or declined): its time freed or withdrawn, its
    reminders cancelled, and the other parties told."""
    state, event = ending
    await tx.bookings.update_state(booking.id, state, now, expect=(booking.state,), reason=reason)
    if actor.role is not None:
        await tx.bookings.set_ended_by(booking.id, actor.role)
    await tx.slots.set_slot_state(booking.slot_id, slot_becomes)
    await reminders.cancel(tx, booking_ref(booking.id))
    ended = await reload(tx, booking.id)
    return await announce(tx, reminders, ended, actor, event, now)


def notice(booking: Booking, event: BookingEvent, to: Recipient, now: datetime) -> Planned:
    return Planned(
        chat_id=to.chat_id,
        role=to.role,
        kind=ReminderKind.NOTICE,
        ref=f"notice:{booking.id}:{event.value}:{int(now.timestamp())}",
        due_at=now,
        event_at=booking.starts_at,
        payload=NoticePayload(booking_id=booking.id, event=event.value),
    )
