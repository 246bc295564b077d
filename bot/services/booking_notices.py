"""Telling the other parties when a booking changes, through the reminder engine.

A notice is planned in the same transaction as the change, due at once, so it is sent
with the dispatcher's guarantees (Telegram's limits, retries, blocked users, restarts)
and in each recipient's language; quiet hours hold a pupil's or parent's notice until
the morning unless the session is before then.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.booking import Booking, BookingState, Change
from bot.domain.callback import pack
from bot.domain.errors import N_
from bot.domain.models import OutgoingMessage, Reminder, Role
from bot.i18n import Texts
from bot.services import booking_common as common
from bot.services.calendar import session_title
from bot.services.reminders import ReminderService
from storage import Database
from storage import bookings as repo
from storage.db import Connection

KIND = "notice"

# What the other parties hear when a booking changes; {who} is the other side's name.
NOTICES = {
    "requested": N_("New request: {title} with {who}, {when}."),
    "confirmed": N_("Confirmed: {title} with {who}, {when}."),
    "cancelled": N_("Cancelled: {title} with {who}, {when}."),
    "declined": N_("Declined: {title} with {who}, {when}."),
    "proposed": N_("Another time is proposed for {title} with {who}: {when}. Does it suit?"),
    "moved": N_("Moved: {title} with {who} is now {when}."),
    "call": N_("New call details for {title} with {who}, {when}."),
}

# A notice about a state is stale once the booking has left that state before it is sent.
STILL = {
    "requested": (BookingState.REQUESTED,),
    "confirmed": (BookingState.CONFIRMED,),
    "proposed": (BookingState.PROPOSED,),
    "moved": (BookingState.CONFIRMED, BookingState.REQUESTED),
    "call": (BookingState.CONFIRMED,),
}


async def announce(
    conn: Connection,
    reminders: ReminderService,
    booking: Booking,
    actor: common.Actor,
    event: str,
    now: datetime,
) -> Change:
    """The change, with a notice planned for every other party (in this transaction)."""
    others = await common.others(conn, booking, actor)
    if event in NOTICES:
        for recipient in others:
            await reminders.plan(
                conn,
                chat_id=recipient.chat_id,
                role=recipient.role,
                kind=KIND,
                ref=f"notice:{booking.id}:{event}:{int(now.timestamp())}",
                due_at=now,
                event_at=booking.starts_at,
                payload={"booking_id": booking.id, "event": event},
            )
    return Change(booking=booking, event=event, notify=others)


class BookingNotices:
    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, reminders: ReminderService) -> None:
        reminders.register(KIND, self.render)

    async def render(self, reminder: Reminder, t: Texts) -> OutgoingMessage | None:
        booking_id, event = reminder.payload.get("booking_id"), reminder.payload.get("event")
        if not isinstance(booking_id, int) or not isinstance(event, str) or event not in NOTICES:
            return None
        booking = await repo.get_booking(self.db.reader, booking_id)
        if booking is None or (event in STILL and booking.state not in STILL[event]):
            return None
        is_specialist = reminder.role == Role.SPECIALIST
        who = booking.pupil_name if is_specialist else booking.specialist_name
        title = session_title(booking, t)
        lines = [t(NOTICES[event], title=title, who=who, when=t.datetime(booking.starts_at))]
        if reminder.role == Role.GUARDIAN:
            lines.append(t("Pupil: {name}", name=booking.pupil_name))
        if booking.reason and event in ("cancelled", "declined"):
            lines.append(t("Reason: {reason}", reason=booking.reason))
        if booking.call_link and booking.state == BookingState.CONFIRMED:
            lines.append(t("Call: {link}", link=booking.call_link))
        rows: tuple[tuple[tuple[str, str], ...], ...]
        if is_specialist:
            rows = (((t("Open"), pack("sp", "b", booking.id)),),)
        elif event == "proposed":
            rows = (
                ((t("✅ Accept this time"), pack("mc", "pa", booking.id)),),
                ((t("✖ Cancel the request"), pack("mc", "pr", booking.id)),),
            )
        else:
            rows = (((t("Open"), pack("mc", "b", booking.id)),),)
        return OutgoingMessage(text="\n".join(lines), buttons=rows)
