"""The specialist's desk: the inbox of requests, the day and the week, marking sessions."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.booking import (
    Booking,
    BookingChanged,
    BookingState,
    Change,
    NotStartedYet,
    Slot,
    SlotGone,
    SlotState,
    SlotTaken,
)
from bot.domain.errors import NotAllowed
from bot.services import booking_common as common
from bot.services.booking import ConsultationsBase, check_text
from bot.services.booking_notices import announce
from storage import availability as slots_repo
from storage import bookings as repo
from storage.db import Connection

AGENDA_STATES = (
    BookingState.REQUESTED,
    BookingState.PROPOSED,
    BookingState.CONFIRMED,
    BookingState.HELD,
    BookingState.MISSED,
)


class DeskService(ConsultationsBase):
    """The specialist's side: the inbox, accepting, declining, proposing, the day."""

    async def inbox(self, telegram_id: int) -> list[Booking]:
        """Requests waiting for an answer: urgent emotional-support ones first (🔴)."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            specialist_id = actor.require_specialist()
            found = await repo.bookings_of_specialist(
                conn,
                specialist_id,
                now,
                now + timedelta(days=self.config.horizon_days + 1),
                (BookingState.REQUESTED,),
                now - timedelta(days=self.config.urgent_window_days),
            )
            for pupil_id in {b.pupil_id for b in found}:
                await common.audit_read(conn, actor, now, pupil_id)
        return found

    async def agenda(self, telegram_id: int, days: int = 1) -> list[Booking]:
        """Sessions from the start of today (Riga) for ``days`` days."""
        now = self.clock.now()
        start = common.riga_midnight(common.riga_day(now))
        end = common.riga_midnight(common.riga_day(now) + timedelta(days=days))
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            specialist_id = actor.require_specialist()
            found = await repo.bookings_of_specialist(
                conn,
                specialist_id,
                start,
                end,
                AGENDA_STATES,
                now - timedelta(days=self.config.urgent_window_days),
            )
            found.sort(key=lambda b: b.starts_at)
            for pupil_id in {b.pupil_id for b in found}:
                await common.audit_read(conn, actor, now, pupil_id)
        return found

    async def session(self, telegram_id: int, booking_id: int) -> Booking:
        """One of the specialist's bookings, with urgency; others' bookings are refused."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            specialist_id = actor.require_specialist()
            booking = await repo.get_booking(
                conn, booking_id, now - timedelta(days=self.config.urgent_window_days)
            )
            if booking is None or booking.specialist_id != specialist_id:
                raise NotAllowed()
            await common.audit_read(conn, actor, now, booking.pupil_id)
        return booking

    async def accept(self, telegram_id: int, booking_id: int) -> Change:
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            booking = await self._own(conn, actor, booking_id)
            if booking.state == BookingState.CONFIRMED:
                return Change(booking=booking, event="already")
            if booking.state != BookingState.REQUESTED or booking.starts_at <= now:
                raise BookingChanged()
            await repo.update_state(
                conn, booking_id, BookingState.CONFIRMED, now, expect=(BookingState.REQUESTED,)
            )
            booking = await common.confirm(conn, self.reminders, self.config, booking_id, now)
            return await announce(conn, self.reminders, booking, actor, "confirmed", now)

    async def decline(self, telegram_id: int, booking_id: int, reason: str) -> Change:
        """Decline a request with a reason, which the pupil and parents are told."""
        reason = check_text(reason, self.config.reason_max_chars, required=True)
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            booking = await self._own(conn, actor, booking_id)
            if booking.state != BookingState.REQUESTED:
                raise BookingChanged()
            await repo.update_state(
                conn,
                booking_id,
                BookingState.DECLINED,
                now,
                expect=(BookingState.REQUESTED,),
                reason=reason,
            )
            await slots_repo.set_slot_state(conn, booking.slot_id, SlotState.FREE)
            booking = await common.reload(conn, booking_id)
            return await announce(conn, self.reminders, booking, actor, "declined", now)

    async def proposal_options(
        self, telegram_id: int, booking_id: int, page: int = 0
    ) -> list[Slot]:
        """The specialist's own free slots to propose instead of a request's time."""
        now = self.clock.now()
        await self.availability.ensure_slots()
        conn = self.db.reader
        actor = await common.load_actor(conn, telegram_id)
        booking = await self._own(conn, actor, booking_id)
        if booking.state != BookingState.REQUESTED:
            raise BookingChanged()
        size = self.config.slots_per_page
        return await slots_repo.free_slots(
            conn,
            [booking.specialist_id],
            now + timedelta(hours=self.config.min_notice_hours),
            now + timedelta(days=self.config.horizon_days),
            limit=size,
            offset=max(0, page) * size,
        )

    async def propose(self, telegram_id: int, booking_id: int, slot_id: int) -> Change:
        """Offer another time: the request moves there and waits for the pupil's answer."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            booking = await self._own(conn, actor, booking_id)
            if booking.state == BookingState.PROPOSED and booking.slot_id == slot_id:
                return Change(booking=booking, event="already")
            if booking.state != BookingState.REQUESTED:
                raise BookingChanged()
            slot = await slots_repo.get_slot(conn, slot_id)
            if slot is None or slot.specialist_id != booking.specialist_id:
                raise SlotGone()
            if slot.starts_at <= now + timedelta(hours=self.config.min_notice_hours):
                raise SlotGone()
            if not await slots_repo.take_slot(conn, slot_id):
                raise SlotTaken()
            await slots_repo.set_slot_state(conn, booking.slot_id, SlotState.FREE)
            await repo.move_to_slot(
                conn, booking_id, slot_id, slot.starts_at, slot.ends_at, BookingState.PROPOSED, now
            )
            booking = await common.reload(conn, booking_id)
            return await announce(conn, self.reminders, booking, actor, "proposed", now)

    async def mark(self, telegram_id: int, booking_id: int, held: bool) -> Change:
        """After the start: the session was held, or the pupil missed it."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            booking = await self._own(conn, actor, booking_id)
            state = BookingState.HELD if held else BookingState.MISSED
            if booking.state == state:
                return Change(booking=booking, event="already")
            if booking.state not in (
                BookingState.CONFIRMED,
                BookingState.HELD,
                BookingState.MISSED,
            ):
                raise BookingChanged()
            if now < booking.starts_at:
                raise NotStartedYet()
            await repo.update_state(conn, booking_id, state, now, expect=(booking.state,))
            booking = await common.reload(conn, booking_id)
            return Change(booking=booking, event=state.value)

    async def set_call_note(self, telegram_id: int, booking_id: int, text: str) -> Change:
        """Replace the video link with the specialist's own note: a phone or Telegram call."""
        text = check_text(text, self.config.reason_max_chars, required=True)
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            booking = await self._own(conn, actor, booking_id)
            if booking.state != BookingState.CONFIRMED:
                raise BookingChanged()
            await repo.set_call_link(conn, booking_id, text)
            booking = await common.reload(conn, booking_id)
            return await announce(conn, self.reminders, booking, actor, "call", now)

    async def _own(self, conn: Connection, actor: common.Actor, booking_id: int) -> Booking:
        specialist_id = actor.require_specialist()
        booking = await repo.get_booking(conn, booking_id)
        if booking is None or booking.specialist_id != specialist_id:
            raise NotAllowed()
        return booking
