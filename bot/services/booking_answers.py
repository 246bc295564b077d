"""The pupil's or parent's answers after booking: a proposed time, and the evidence.

The evidence (did the session take place?) is what the programme counts as hours
given, so it is taken only from the pupil or a parent, once, within the due time.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.booking import (
    BookingChanged,
    BookingState,
    Change,
    EvidenceClosed,
    NotStartedYet,
    SlotState,
)
from bot.services import booking_common as common
from bot.services.booking_notices import announce
from bot.services.reminders import ReminderService
from storage import Database
from storage import availability as slots_repo
from storage import bookings as repo


class BookingAnswers:
    def __init__(
        self, db: Database, clock: Clock, config: BookingConfig, reminders: ReminderService
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.reminders = reminders

    async def answer_proposal(self, telegram_id: int, booking_id: int, accept: bool) -> Change:
        """The pupil or parent takes the time the specialist proposed, or cancels."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor, booking = await common.load_pupil_side(conn, telegram_id, booking_id)
            if booking.state != BookingState.PROPOSED or booking.starts_at <= now:
                raise BookingChanged()
            if accept:
                await repo.update_state(
                    conn, booking_id, BookingState.CONFIRMED, now, expect=(BookingState.PROPOSED,)
                )
                booking = await common.confirm(conn, self.reminders, self.config, booking_id, now)
                event = "confirmed"
            else:
                await repo.update_state(
                    conn, booking_id, BookingState.CANCELLED, now, expect=(BookingState.PROPOSED,)
                )
                await slots_repo.set_slot_state(conn, booking.slot_id, SlotState.FREE)
                booking = await common.reload(conn, booking_id)
                event = "cancelled"
            return await announce(conn, self.reminders, booking, actor, event, now)

    # --- evidence -----------------------------------------------------------------------

    async def answer_evidence(self, telegram_id: int, booking_id: int, took_place: bool) -> Change:
        """The pupil (or a parent) says whether the session took place: the evidence."""
        now = self.clock.now()
        async with self.db.write() as conn:
            _, booking = await common.load_pupil_side(conn, telegram_id, booking_id)
            if booking.state not in (
                BookingState.CONFIRMED,
                BookingState.HELD,
                BookingState.MISSED,
            ):
                raise BookingChanged()
            if now < booking.starts_at:
                raise NotStartedYet()
            if booking.evidence is not None:
                return Change(booking=booking, event="already")
            if now > booking.ends_at + timedelta(hours=self.config.evidence_due_hours):
                raise EvidenceClosed()
            await repo.set_evidence(conn, booking_id, took_place, telegram_id, now)
            await self.reminders.cancel(
                conn, f"booking:{booking_id}", kinds=("evidence", "evidence_again")
            )
            booking = await common.reload(conn, booking_id)
            return Change(booking=booking, event="evidence")
