"""Calendar files (RFC 5545, built with ``icalendar``): a session's .ics, the specialist's
feed of the next 8 weeks, and the updated event sent when a session changes.

Each event's UID is the booking's for good and its SEQUENCE the booking's calendar
version, so a calendar that imports a later file replaces the event (or, with
``METHOD:CANCEL``, removes it) instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event
from telegram import Update

from bot.context import BotContext
from bot.domain.calendar import CalendarUpdate, calendar_uid
from bot.domain.consultations import Booking, BookingState
from bot.domain.models import Role
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.consultations.words import session_title
from handlers.sender import Renderers
from handlers.ui import Reply

ENDED = (BookingState.CANCELLED, BookingState.DECLINED)
_STATUS = {BookingState.CONFIRMED: "CONFIRMED", **{state: "CANCELLED" for state in ENDED}}
# Calendars want an organizer on a cancellation; this address receives nothing.
_ORGANIZER = "mailto:noreply@pumpurs-bot.invalid"


def calendar_ics(
    bookings: Sequence[Booking], texts: Texts, stamp: datetime, *, for_specialist: bool = False
) -> bytes:
    """The sessions as VEVENTs in UTC; a file of one ended session cancels its event."""
    cancels = len(bookings) == 1 and bookings[0].state in ENDED
    calendar = Calendar()
    calendar.add("prodid", "-//PuMPuRS support bot//consultations//LV")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancels else "PUBLISH")
    for booking in bookings:
        calendar.add_component(_event(booking, texts, stamp, for_specialist=for_specialist))
    return bytes(calendar.to_ical())


def _event(booking: Booking, texts: Texts, stamp: datetime, *, for_specialist: bool) -> Event:
    title = session_title(booking, texts)
    event = Event()
    event.add("uid", calendar_uid(booking.id))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    # A time proposed or a request waiting is not sure yet.
    event.add("status", _STATUS.get(booking.state, "TENTATIVE"))
    event.add("summary", f"{title} · {booking.pupil_name}" if for_specialist else title)
    if for_specialist:
        lines = [texts("Pupil: {name}", name=booking.pupil_name)]
        if booking.school_name:
            lines.append(texts("School: {name}", name=booking.school_name))
    else:
        lines = [texts("Specialist: {name}", name=booking.specialist_name)]
    if booking.state in ENDED:
        event.add("organizer", _ORGANIZER, parameters={"CN": booking.specialist_name})
    elif booking.call_link and booking.state == BookingState.CONFIRMED:
        event.add("location", booking.call_link)
        lines.append(texts("Call: {link}", link=booking.call_link))
    event.add("description", "\n".join(lines))
    if booking.state not in ENDED:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(minutes=-15))
        event.add_component(alarm)
    return event


async def send_feed(update: Update, context: BotContext) -> None:
    """The specialist's confirmed sessions of the next 8 weeks, every school's."""
    found = await context.services.calendar.feed(context.actor)
    t = context.texts
    await context.bot.send_document(
        context.actor.telegram_id,
        calendar_ics(found.bookings, t, found.stamp, for_specialist=True),
        filename="consultations.ics",
        caption=t.n(
            "{n} confirmed session of the next 8 weeks. Open the file to add it to your "
            "calendar; when a session moves or is cancelled, you get the new file here.",
            "{n} confirmed sessions of the next 8 weeks. Open the file to add them to your "
            "calendar; when a session moves or is cancelled, you get the new file here.",
            len(found.bookings),
        ),
    )


def calendar_update(fact: CalendarUpdate, to: Recipient, t: Texts) -> Reply:
    """The changed session as a new version of its event (or its cancellation)."""
    booking = fact.booking
    specialist = fact.role == Role.SPECIALIST
    values = {
        "title": session_title(booking, t),
        "who": booking.pupil_name if specialist else booking.specialist_name,
        "when": t.datetime(booking.starts_at),
    }
    if booking.state in ENDED:
        text = t(
            "📅 Cancelled: {title} with {who}, {when}. Open the file to remove it from "
            "your calendar.",
            **values,
        )
    else:
        text = t(
            "📅 Changed: {title} with {who} is now {when}. Open the file to update your calendar.",
            **values,
        )
    return Reply(
        text=text,
        document=calendar_ics((booking,), t, fact.stamp, for_specialist=specialist),
        filename=f"consultation-{booking.id}.ics",
    )


def register(renderers: Renderers) -> None:
    renderers.register(CalendarUpdate, calendar_update)
