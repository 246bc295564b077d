"""A conversation held in the chat: the bot passes messages between a pupil (or parent)
and a member of staff, so that neither side sees the other's Telegram account.

It opens for a session booked "in this chat" (from shortly before it starts until a
little after it ends) or after "I'm on it" on an alert (for ``care.chat_minutes``), and
either side can end it. The messages themselves are passed on at once and never stored:
only who talked with whom, and when. Which chats are in a conversation is also kept in
memory, so a message filter knows without a query.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import CareConfig
from bot.domain.actor import Actor
from bot.domain.care import ChatEnded, ChatNotOpen, Relayed, RelayEnded, RelayOpened, RelaySession
from bot.domain.consultations import BookingChanged, BookingState, Channel
from bot.domain.errors import NotAllowed
from bot.domain.models import Role
from bot.domain.reminders import Fact, Planned, RelayPayload, Reminder, ReminderKind
from bot.services.consultations import sessions as consultations
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

# A session held in the chat opens this long before it starts and closes this long after.
OPENS_BEFORE = timedelta(minutes=10)
CLOSES_AFTER = timedelta(minutes=15)


class RelayService:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, config: CareConfig, reminders: ReminderService
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self._open: dict[int, RelaySession] = {}  # chat -> its open conversation

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.RELAY_OPENED, self.opened_fact)
        reminders.register(ReminderKind.RELAY_ENDED, self.ended_fact)

    async def load(self) -> None:
        """Read the open conversations; run once the database is open."""
        async with self.uow.read() as tx:
            for session in await tx.care.open_sessions(self.clock.now()):
                self._remember(session)

    def session_of(self, telegram_id: int) -> RelaySession | None:
        """The chat's open conversation, from memory (no query)."""
        found = self._open.get(telegram_id)
        if found is None or found.closes_at <= self.clock.now():
            return None
        return found

    # --- opening ---------------------------------------------------------------------------

    async def open_for_alert(self, actor: Actor, alert_id: int) -> RelaySession:
        """The member of staff who took an alert writes to its writer, here in the chat."""
        actor.require_role(Role.SPECIALIST, Role.COORDINATOR)
        now = self.clock.now()
        async with self.uow.write() as tx:
            alert = await tx.care.alert(alert_id)
            if alert is None or alert.taken_by != actor.telegram_id or not alert.telegram_id:
                raise NotAllowed()
            writer = await tx.accounts.actor(alert.telegram_id)
            if writer is None or not writer.is_linked:
                raise ChatEnded()
            return await self._open_in(
                tx,
                person=(writer.telegram_id, writer.links[0].display_name, alert.writer_role),
                staff=(actor.telegram_id, actor.links[0].display_name),
                booking_id=None,
                alert_id=alert_id,
                closes_at=now + timedelta(minutes=self.config.chat_minutes),
                opened_by=actor.telegram_id,
            )

    async def open_for_booking(self, actor: Actor, booking_id: int) -> RelaySession:
        """A confirmed session held in the chat opens for its pupil's side and its specialist."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await consultations.load_booking(tx, actor, booking_id)
            if booking.state != BookingState.CONFIRMED or booking.channel != Channel.CHAT:
                raise BookingChanged()
            if now < booking.starts_at - OPENS_BEFORE:
                raise ChatNotOpen(minutes=int(OPENS_BEFORE.total_seconds() // 60))
            if now > booking.ends_at + CLOSES_AFTER:
                raise ChatEnded()
            found = await tx.care.session_of_booking(booking_id)
            if found is not None:
                return found
            person = await self._pupil_side(
                tx, actor, booking.pupil_id, booking.pupil_name, booking.booked_by
            )
            staff = await tx.accounts.of_person(Role.SPECIALIST, booking.specialist_id)
            if person is None or not staff:
                raise ChatEnded()
            await tx.audit.add_reads(now, staff[0], "read_booking", [booking.pupil_id])
            return await self._open_in(
                tx,
                person=person,
                staff=(staff[0], booking.specialist_name),
                booking_id=booking_id,
                alert_id=None,
                closes_at=booking.ends_at + CLOSES_AFTER,
                opened_by=actor.telegram_id,
            )

    @staticmethod
    async def _pupil_side(
        tx: Tx, actor: Actor, pupil_id: int, pupil_name: str, booked_by: int
    ) -> tuple[int, str, Role] | None:
        """Who talks for the pupil, and by which name: whoever opened it from the pupil's
        side, else the pupil, else the parent who booked."""
        if any(p.id == pupil_id for p in actor.pupils):
            return actor.telegram_id, _family_name(actor, pupil_name), actor.role or Role.PUPIL
        pupils = await tx.accounts.of_person(Role.PUPIL, pupil_id)
        if pupils:
            return pupils[0], pupil_name, Role.PUPIL
        parent = await tx.accounts.actor(booked_by) if booked_by else None
        if parent is None or not parent.is_linked:
            return None
        return parent.telegram_id, _family_name(parent, pupil_name), Role.GUARDIAN

    async def _open_in(
        self,
        tx: Tx,
        *,
        person: tuple[int, str, Role],  # chat, name shown, role
        staff: tuple[int, str],
        booking_id: int | None,
        alert_id: int | None,
        closes_at: datetime,
        opened_by: int,
    ) -> RelaySession:
        now = self.clock.now()
        for chat in (person[0], staff[0]):
            busy = self.session_of(chat)
            if busy is not None:  # one conversation at a time: the older one ends
                await tx.care.end_session(busy.id, opened_by, now)
                tx.after_commit(functools.partial(self._forget, busy))
        session = await tx.care.open_session(
            person_chat=person[0],
            person_role=person[2],
            person_name=person[1],
            staff_chat=staff[0],
            staff_name=staff[1],
            booking_id=booking_id,
            alert_id=alert_id,
            now=now,
            closes_at=closes_at,
        )
        other = session.other_chat(opened_by)
        await self.reminders.plan(tx, [_relay_item(ReminderKind.RELAY_OPENED, session, other, now)])
        tx.after_commit(lambda: self._remember(session))
        return session

    # --- talking and ending ------------------------------------------------------------------

    def relay(self, actor: Actor) -> Relayed | None:
        """Where a message of ``actor`` goes, if they are in a conversation; nothing stored."""
        session = self.session_of(actor.telegram_id)
        if session is None:
            return None
        return Relayed(
            to_chat=session.other_chat(actor.telegram_id),
            from_name=session.name_of(actor.telegram_id),
            session=session,
        )

    async def end(self, actor: Actor, session_id: int) -> RelaySession:
        """Either side ends the conversation; the other side is told."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            session = await tx.care.session(session_id)
            if session is None or actor.telegram_id not in (
                session.person_chat,
                session.staff_chat,
            ):
                raise NotAllowed()
            if not await tx.care.end_session(session_id, actor.telegram_id, now):
                return session
            to = session.other_chat(actor.telegram_id)
            await self.reminders.plan(tx, [_relay_item(ReminderKind.RELAY_ENDED, session, to, now)])
            tx.after_commit(lambda: self._forget(session))
        return session

    async def forget_account(self, tx: Tx, telegram_id: int, now: datetime) -> None:
        """Inside the erasing transaction: the account's open conversation ends (the other
        side is told), and no conversation or alert names the account any more."""
        session = self.session_of(telegram_id)
        if session is not None:
            other = session.other_chat(telegram_id)
            await self.reminders.plan(
                tx, [_relay_item(ReminderKind.RELAY_ENDED, session, other, now)]
            )
            tx.after_commit(lambda: self._forget(session))
        await tx.care.forget_account(telegram_id, now)

    def _remember(self, session: RelaySession) -> None:
        self._open[session.person_chat] = session
        self._open[session.staff_chat] = session

    def _forget(self, session: RelaySession) -> None:
        for chat in (session.person_chat, session.staff_chat):
            if self._open.get(chat) is not None and self._open[chat].id == session.id:
                del self._open[chat]

    # --- what the notices say, at send time ---------------------------------------------------

    async def opened_fact(self, reminder: Reminder) -> Fact | None:
        session = await self._session_for(reminder)
        if session is None or session.ended_at is not None:
            return None
        for_staff = reminder.chat_id == session.staff_chat
        name = session.name_of(session.other_chat(reminder.chat_id))
        return RelayOpened(session_id=session.id, other_name=name, for_staff=for_staff)

    async def ended_fact(self, reminder: Reminder) -> Fact | None:
        session = await self._session_for(reminder)
        if session is None:
            return None
        name = session.name_of(session.other_chat(reminder.chat_id))
        return RelayEnded(session_id=session.id, other_name=name)

    async def _session_for(self, reminder: Reminder) -> RelaySession | None:
        if not isinstance(reminder.payload, RelayPayload):
            return None
        async with self.uow.read() as tx:
            return await tx.care.session(reminder.payload.session_id)


def _family_name(actor: Actor, pupil_name: str) -> str:
    """A pupil talks under their own name; a parent as "parent's name (pupil's name)"."""
    if actor.role != Role.GUARDIAN:
        return pupil_name
    return f"{actor.links[0].display_name} ({pupil_name})"


def _relay_item(kind: ReminderKind, session: RelaySession, chat: int, now: datetime) -> Planned:
    staff = chat == session.staff_chat
    return Planned(
        chat_id=chat,
        role=Role.SPECIALIST if staff else session.person_role,
        kind=kind,
        ref=f"relay:{session.id}",
        due_at=now,
        payload=RelayPayload(session_id=session.id),
        urgent=True,
    )
