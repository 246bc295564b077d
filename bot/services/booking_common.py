"""What the booking and the specialist's desk share: who is acting, who hears, side effects."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.config import BookingConfig
from bot.domain.booking import Booking, BookingState, Recipient
from bot.domain.errors import NotAllowed, NotLinked
from bot.domain.models import Role
from bot.domain.timezone import PROGRAMME_TZ
from bot.services.reminders import ReminderService
from storage import accounts, people
from storage import bookings as repo
from storage.db import Connection

RIGA = PROGRAMME_TZ


@dataclass(frozen=True)
class Actor:
    """Whoever pressed: the pupils they may act for, or the specialist they are."""

    telegram_id: int
    role: Role
    own_pupil_id: int | None = None
    child_ids: tuple[int, ...] = ()
    specialist_id: int | None = None
    names: dict[int, str] = field(default_factory=dict)

    @property
    def pupil_ids(self) -> tuple[int, ...]:
        own = (self.own_pupil_id,) if self.own_pupil_id is not None else ()
        return own + self.child_ids

    def may_act_for(self, pupil_id: int) -> bool:
        return pupil_id in self.pupil_ids

    def is_party(self, booking: Booking) -> bool:
        return self.may_act_for(booking.pupil_id) or self.specialist_id == booking.specialist_id

    def require_pupil(self, pupil_id: int) -> None:
        if not self.may_act_for(pupil_id):
            raise NotAllowed()

    def require_specialist(self) -> int:
        if self.specialist_id is None:
            raise NotAllowed()
        return self.specialist_id


async def load_actor(conn: Connection, telegram_id: int) -> Actor:
    account = await accounts.get_account(conn, telegram_id)
    if account is None or not account.is_linked or account.role is None:
        raise NotLinked()
    role = account.role
    if role == Role.PUPIL:
        pupil = account.links[0]
        return Actor(
            telegram_id,
            role,
            own_pupil_id=pupil.person_id,
            names={pupil.person_id: pupil.display_name},
        )
    if role == Role.GUARDIAN:
        children = await people.children_of(conn, [p.person_id for p in account.links])
        return Actor(
            telegram_id,
            role,
            child_ids=tuple(c.id for c in children),
            names={c.id: c.display_name for c in children},
        )
    if role == Role.SPECIALIST:
        return Actor(telegram_id, role, specialist_id=account.links[0].person_id)
    raise NotAllowed()


async def audit_read(conn: Connection, actor: Actor, now: datetime, pupil_id: int) -> None:
    """A read of a pupil's booking by someone else (a parent, the specialist) is audited."""
    if actor.own_pupil_id != pupil_id:
        await accounts.audit(conn, now, actor.telegram_id, "read_booking", f"pupil:{pupil_id}")


async def load_booking(conn: Connection, actor: Actor, booking_id: int) -> Booking:
    """The booking, if the actor is one of its parties; else NotAllowed (forged ids too)."""
    booking = await repo.get_booking(conn, booking_id)
    if booking is None or not actor.is_party(booking):
        raise NotAllowed()
    return booking


async def load_pupil_side(
    conn: Connection, telegram_id: int, booking_id: int
) -> tuple[Actor, Booking]:
    """The actor and booking, if the actor is the pupil or a parent of theirs."""
    actor = await load_actor(conn, telegram_id)
    booking = await load_booking(conn, actor, booking_id)
    actor.require_pupil(booking.pupil_id)
    return actor, booking


async def parties(conn: Connection, booking: Booking) -> list[Recipient]:
    """The pupil's accounts, their guardians' and the specialist's."""
    found = await repo.recipients(conn, Role.PUPIL, [booking.pupil_id])
    guardian_ids = await people.guardians_of(conn, booking.pupil_id)
    found += await repo.recipients(conn, Role.GUARDIAN, guardian_ids)
    found += await repo.recipients(conn, Role.SPECIALIST, [booking.specialist_id])
    return found


async def others(conn: Connection, booking: Booking, actor: Actor) -> tuple[Recipient, ...]:
    return tuple(r for r in await parties(conn, booking) if r.chat_id != actor.telegram_id)


def riga_day(when: datetime) -> date:
    return when.astimezone(RIGA).date()


def riga_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=RIGA)


def new_call_link(config: BookingConfig) -> str:
    # An unguessable room: 128 bits, so only those who are sent the link can join.
    return config.call_link_template.format(room=secrets.token_urlsafe(16))


async def plan_session_reminders(
    conn: Connection,
    reminders: ReminderService,
    config: BookingConfig,
    booking: Booking,
    now: datetime,
) -> None:
    """Reminders of a confirmed session: before it, the evidence question, the agenda."""
    ref = f"booking:{booking.id}"
    payload: dict[str, object] = {"booking_id": booking.id}
    everyone = await parties(conn, booking)
    for recipient in everyone:
        await reminders.plan_before(
            conn,
            chat_id=recipient.chat_id,
            role=recipient.role,
            kind="session",
            ref=ref,
            event_at=booking.starts_at,
            payload=payload,
        )
    closes = booking.ends_at + timedelta(hours=config.evidence_due_hours)
    for recipient in everyone:
        if recipient.role == Role.SPECIALIST:
            continue
        for kind, due in (
            ("evidence", booking.ends_at),
            ("evidence_again", booking.ends_at + timedelta(hours=config.evidence_again_hours)),
        ):
            await reminders.plan(
                conn,
                chat_id=recipient.chat_id,
                role=recipient.role,
                kind=kind,
                ref=ref,
                due_at=due,
                event_at=booking.ends_at,
                not_after=closes,
                payload=payload,
            )
    day = riga_day(booking.starts_at)
    agenda_at = datetime.combine(day, time(config.agenda_hour, 0), tzinfo=RIGA)
    if agenda_at > now:
        for recipient in everyone:
            if recipient.role != Role.SPECIALIST:
                continue
            await reminders.plan(
                conn,
                chat_id=recipient.chat_id,
                role=recipient.role,
                kind="agenda",
                ref=f"agenda:{booking.specialist_id}:{day.isoformat()}",
                due_at=agenda_at,
                not_after=riga_midnight(day + timedelta(days=1)),
                payload={"specialist_id": booking.specialist_id, "day": day.isoformat()},
            )


async def confirm(
    conn: Connection,
    reminders: ReminderService,
    config: BookingConfig,
    booking_id: int,
    now: datetime,
) -> Booking:
    """Give a just-confirmed booking its call link and reminders."""
    booking = await repo.get_booking(conn, booking_id)
    assert booking is not None  # noqa: S101 - the caller just changed it
    if not booking.call_link:
        await repo.set_call_link(conn, booking_id, new_call_link(config))
    booking = await repo.get_booking(conn, booking_id)
    assert booking is not None and booking.state == BookingState.CONFIRMED  # noqa: S101
    await plan_session_reminders(conn, reminders, config, booking, now)
    return booking


async def reload(conn: Connection, booking_id: int) -> Booking:
    booking = await repo.get_booking(conn, booking_id)
    assert booking is not None  # noqa: S101 - bookings are never deleted
    return booking
