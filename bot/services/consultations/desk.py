"""The specialist's desk: the inbox of requests, the day and the week, answering, marking."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.actor import Actor
from bot.domain.consultations import (
    Booking,
    BookingChanged,
    BookingEvent,
    BookingState,
    Change,
    Channel,
    NotStartedYet,
    Slot,
    SlotGone,
    SlotState,
    SlotTaken,
)
from bot.domain.dates import riga_day, riga_midnight
from bot.domain.errors import NotAllowed, check_text
from bot.domain.models import Role
from bot.domain.reminders import LateCancelPayload, Planned, ReminderKind
from bot.domain.waitlist import Desk
from bot.services.consultations import sessions
from bot.services.consultations.booking import ConsultationsBase
from bot.services.consultations.rules import check_change
from storage.uow import Tx

AGENDA_STATES = (
    BookingState.REQUESTED,
    BookingState.PROPOSED,
    BookingState.CONFIRMED,
    BookingState.HELD,
    BookingState.MISSED,
)
MARKABLE = (BookingState.CONFIRMED, BookingState.HELD, BookingState.MISSED)
# What a specialist may propose another time for.
PROPOSABLE = (BookingState.REQUESTED, BookingState.CONFIRMED)


class DeskService(ConsultationsBase):
    """The specialist's side: the inbox, accepting, declining, proposing, the day."""

    async def inbox(self, actor: Actor) -> Desk:
        """Requests waiting for an answer (every school's): urgent emotional-support ones
        first (🔴); and who waits for a free time."""
        now = self.clock.now()
        return await self._desk(
            actor,
            now,
            now + timedelta(days=self.config.horizon_days + 1),
            (BookingState.REQUESTED,),
        )

    async def agenda(self, actor: Actor, days: int = 1) -> Desk:
        """Sessions (every school's) from the start of today (Riga) for ``days`` days, in
        time order; and who waits for a free time."""
        today = riga_day(self.clock.now())
        found = await self._desk(
            actor, riga_midnight(today), riga_midnight(today + timedelta(days=days)), AGENDA_STATES
        )
        return found.model_copy(
            update={"bookings": sorted(found.bookings, key=lambda b: b.starts_at)}
        )

    async def _desk(
        self, actor: Actor, start: datetime, end: datetime, states: tuple[BookingState, ...]
    ) -> Desk:
        ids = actor.require_specialist_ids()
        now = self.clock.now()
        urgent_since = now - timedelta(days=self.config.urgent_window_days)
        async with self.uow.read() as tx:
            bookings, waiting = await tx.desk.desk(
                ids, start, end, states, urgent_since, riga_day(now)
            )
            await sessions.audit_reads(tx, actor, now, [b.pupil_id for b in bookings])
        return Desk(bookings=bookings, waiting=waiting)

    async def session(self, actor: Actor, booking_id: int) -> Booking:
        """One of the specialist's bookings, with urgency; others' bookings are refused."""
        now = self.clock.now()
        actor.require_specialist()
        async with self.uow.read() as tx:
            booking = await tx.bookings.get_booking(
                booking_id, now - timedelta(days=self.config.urgent_window_days)
            )
            if booking is None or booking.specialist_id not in actor.specialist_ids:
                raise NotAllowed()
            await sessions.audit_reads(tx, actor, now, [booking.pupil_id])
        return booking

    async def accept(self, actor: Actor, booking_id: int) -> Change:
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            if booking.state == BookingState.CONFIRMED:
                return Change(booking=booking, event=BookingEvent.ALREADY)
            if booking.state != BookingState.REQUESTED or booking.starts_at <= now:
                raise BookingChanged()
            await tx.bookings.update_state(
                booking_id, BookingState.CONFIRMED, now, expect=(BookingState.REQUESTED,)
            )
            await tx.bookings.mark_answered(booking_id, now)
            booking = await sessions.confirm(tx, self.reminders, self.config, booking_id, now)
            return await sessions.announce(
                tx, self.reminders, booking, actor, BookingEvent.CONFIRMED, now
            )

    async def decline(self, actor: Actor, booking_id: int, reason: str) -> Change:
        """Decline a request with a reason, which the pupil and parents are told."""
        reason = check_text(reason, self.config.reason_max_chars, required=True)
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            if booking.state != BookingState.REQUESTED:
                raise BookingChanged()
            await tx.bookings.mark_answered(booking_id, now)
            ending = (BookingState.DECLINED, BookingEvent.DECLINED)
            return await sessions.end(
                tx, self.reminders, booking, actor, ending, SlotState.FREE, now, reason
            )

    def is_late(self, booking: Booking) -> bool:
        """Whether cancelling this confirmed session now is past the specialists' cut-off."""
        cutoff = timedelta(hours=self.config.specialist_cancel_cutoff_hours)
        return booking.state == BookingState.CONFIRMED and (
            booking.starts_at - self.clock.now() < cutoff
        )

    async def cancel(self, actor: Actor, booking_id: int, reason: str) -> Change:
        """The specialist cancels a session, with a reason; the time is not free then.

        Past the cut-off (``specialist_cancel_cutoff_hours`` before the start) the school's
        coordinators are alerted too, with the reason, through the reminder engine.
        """
        reason = check_text(reason, self.config.reason_max_chars, required=True)
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            if not booking.is_open or booking.starts_at <= now:
                raise BookingChanged()
            late = self.is_late(booking)
            # A specialist who cancels is not free then: the time is withdrawn.
            ending = (BookingState.CANCELLED, BookingEvent.CANCELLED)
            change = await sessions.end(
                tx, self.reminders, booking, actor, ending, SlotState.WITHDRAWN, now, reason
            )
            if late:
                await self.alert_coordinators(tx, booking, now)
            return change

    async def alert_coordinators(self, tx: Tx, booking: Booking, now: datetime) -> None:
        """Tell the school's coordinators of a late cancellation, in ``tx``."""
        pupil = await tx.people.pupil(booking.pupil_id)
        if pupil is None:
            return
        hours = max(0, int((booking.starts_at - now).total_seconds() // 3600))
        payload = LateCancelPayload(booking_id=booking.id, hours=hours)
        await self.reminders.plan(
            tx,
            [
                Planned(
                    chat_id=chat_id,
                    role=Role.COORDINATOR,
                    kind=ReminderKind.LATE_CANCEL,
                    ref=sessions.booking_ref(booking.id),
                    due_at=now,
                    payload=payload,
                )
                for chat_id in await tx.people.coordinator_accounts(pupil.school_id)
            ],
        )

    async def proposal_options(self, actor: Actor, booking_id: int, page: int = 0) -> list[Slot]:
        """The specialist's own free slots to propose instead of a request's or a
        confirmed session's time."""
        now = self.clock.now()
        async with self.uow.read() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            if booking.state not in PROPOSABLE or booking.starts_at <= now:
                raise BookingChanged()
            start, end = self.window(now)
            size = self.config.slots_per_page
            return await tx.slots.free_slots(
                [booking.specialist_id], start, end, limit=size, offset=max(0, page) * size
            )

    async def propose(self, actor: Actor, booking_id: int, slot_id: int) -> Change:
        """Offer another time for a request or a confirmed session: it moves there and
        waits for the pupil's answer (taking it confirms it, refusing cancels it).

        The time must pass the plan's rules now (its period, hours and the horizon); the
        pupil's acceptance checks them again, since the plan may change meanwhile.
        """
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            if booking.state == BookingState.PROPOSED and booking.slot_id == slot_id:
                return Change(booking=booking, event=BookingEvent.ALREADY)
            if booking.state not in PROPOSABLE or booking.starts_at <= now:
                raise BookingChanged()
            slot = await tx.slots.get_slot(slot_id)
            if slot is None or slot.specialist_id != booking.specialist_id:
                raise SlotGone()
            if slot.starts_at <= now + timedelta(hours=self.config.min_notice_hours):
                raise SlotGone()
            pupil = await tx.people.pupil(booking.pupil_id)
            if pupil is None:
                raise BookingChanged()
            await check_change(tx, self.config, booking, pupil.school_id, slot, now, notice=False)
            if not await tx.slots.take_slot(slot_id):
                raise SlotTaken()
            await tx.slots.set_slot_state(booking.slot_id, SlotState.FREE)
            # A confirmed session's reminders were for its old time.
            await self.reminders.cancel(tx, sessions.booking_ref(booking_id))
            await tx.bookings.move_to_slot(
                booking_id, slot_id, slot.starts_at, slot.ends_at, BookingState.PROPOSED, now
            )
            await tx.bookings.mark_answered(booking_id, now)
            booking = await sessions.reload(tx, booking_id)
            return await sessions.announce(
                tx, self.reminders, booking, actor, BookingEvent.PROPOSED, now
            )

    async def mark(self, actor: Actor, booking_id: int, held: bool) -> Change:
        """After the start: the session was held, or the pupil missed it."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            state = BookingState.HELD if held else BookingState.MISSED
            if booking.state == state:
                return Change(booking=booking, event=BookingEvent.ALREADY)
            if booking.state not in MARKABLE:
                raise BookingChanged()
            if now < booking.starts_at:
                raise NotStartedYet()
            await tx.bookings.update_state(booking_id, state, now, expect=(booking.state,))
            booking = await sessions.reload(tx, booking_id)
            event = BookingEvent.HELD if held else BookingEvent.MISSED
            return Change(booking=booking, event=event)

    async def hold_in_chat(self, actor: Actor, booking_id: int) -> Change:
        """Hold a confirmed session as a conversation in the chat, relayed by the bot."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            if booking.state != BookingState.CONFIRMED or booking.starts_at <= now:
                raise BookingChanged()
            if booking.channel == Channel.CHAT:
                return Change(booking=booking, event=BookingEvent.ALREADY)
            await tx.bookings.set_channel(booking_id, Channel.CHAT)
            booking = await sessions.reload(tx, booking_id)
            return await sessions.announce(
                tx, self.reminders, booking, actor, BookingEvent.CALL, now
            )

    async def set_call_note(self, actor: Actor, booking_id: int, text: str) -> Change:
        """Replace the video link with the specialist's own note: a phone or Telegram call."""
        text = check_text(text, self.config.reason_max_chars, required=True)
        now = self.clock.now()
        async with self.uow.write() as tx:
            booking = await sessions.load_own(tx, actor, booking_id)
            if booking.state != BookingState.CONFIRMED:
                raise BookingChanged()
            await tx.bookings.set_call_link(booking_id, text)
            await tx.bookings.set_channel(booking_id, Channel.CALL)
            booking = await sessions.reload(tx, booking_id)
            return await sessions.announce(
                tx, self.reminders, booking, actor, BookingEvent.CALL, now
            )
