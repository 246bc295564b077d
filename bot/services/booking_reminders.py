"""Renderers of the consultation reminders: before a session, the evidence question, the agenda.

Each looks at the booking as it is at send time and returns None when there is nothing
to say any more (the session was cancelled or moved, the question was answered).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.booking import Booking, BookingState
from bot.domain.callback import pack
from bot.domain.models import OutgoingMessage, Reminder, Role
from bot.i18n import Texts
from bot.services import booking_common as common
from bot.services.calendar import session_title
from bot.services.reminders import ReminderService
from storage import Database
from storage import bookings as repo

ASKED = (BookingState.CONFIRMED, BookingState.HELD, BookingState.MISSED)


class BookingReminders:
    def __init__(self, db: Database, clock: Clock, config: BookingConfig) -> None:
        self.db = db
        self.clock = clock
        self.config = config

    def register(self, reminders: ReminderService) -> None:
        reminders.register("session", self.render_session)
        reminders.register("evidence", self.render_evidence)
        reminders.register("evidence_again", self.render_evidence)
        reminders.register("agenda", self.render_agenda)

    async def _booking(self, reminder: Reminder) -> Booking | None:
        booking_id = reminder.payload.get("booking_id")
        if not isinstance(booking_id, int):
            return None
        return await repo.get_booking(self.db.reader, booking_id)

    async def render_session(self, reminder: Reminder, texts: Texts) -> OutgoingMessage | None:
        booking = await self._booking(reminder)
        if booking is None or booking.state != BookingState.CONFIRMED:
            return None
        if booking.starts_at <= self.clock.now():
            return None
        who = booking.pupil_name if reminder.role == Role.SPECIALIST else booking.specialist_name
        text = texts(
            "Reminder: {title} with {name}, {when}.\nCall: {link}",
            title=session_title(booking, texts),
            name=who,
            when=texts.datetime(booking.starts_at),
            link=booking.call_link,
        )
        return OutgoingMessage(text=text)

    async def render_evidence(self, reminder: Reminder, texts: Texts) -> OutgoingMessage | None:
        booking = await self._booking(reminder)
        now = self.clock.now()
        if booking is None or booking.state not in ASKED or booking.evidence is not None:
            return None
        if now > booking.ends_at + timedelta(hours=self.config.evidence_due_hours):
            return None
        text = texts(
            "Did the session take place? {title} with {name}, {when}. "
            "Your answer is the programme's record of it.",
            title=session_title(booking, texts),
            name=booking.specialist_name,
            when=texts.datetime(booking.starts_at),
        )
        buttons = (
            (
                (texts("✅ Yes, it took place"), pack("ev", "yes", booking.id)),
                (texts("❌ No, it did not"), pack("ev", "no", booking.id)),
            ),
        )
        return OutgoingMessage(text=text, buttons=buttons)

    async def render_agenda(self, reminder: Reminder, texts: Texts) -> OutgoingMessage | None:
        specialist_id = reminder.payload.get("specialist_id")
        day_text = reminder.payload.get("day")
        if not isinstance(specialist_id, int) or not isinstance(day_text, str):
            return None
        day = date.fromisoformat(day_text)
        found = await repo.bookings_of_specialist(
            self.db.reader,
            specialist_id,
            common.riga_midnight(day),
            common.riga_midnight(day + timedelta(days=1)),
            (BookingState.CONFIRMED,),
            self.clock.now(),
        )
        if not found:
            return None
        found.sort(key=lambda b: b.starts_at)
        lines = [texts("Your sessions today, {day}:", day=texts.date(day))]
        for booking in found:
            lines.append(
                texts(
                    "{time} {title}: {pupil}",
                    time=texts.time(booking.starts_at),
                    title=session_title(booking, texts),
                    pupil=booking.pupil_name,
                )
            )
        return OutgoingMessage(
            text="\n".join(lines), buttons=(((texts("📆 Today"), pack("sp", "today")),),)
        )
