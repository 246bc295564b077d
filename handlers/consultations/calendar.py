"""The .ics calendar file of a confirmed session (RFC 5545, built with ``icalendar``)."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Alarm, Calendar, Event

from bot.domain.consultations import Booking
from bot.i18n import Texts
from handlers.consultations.words import session_title


def session_ics(booking: Booking, texts: Texts) -> bytes:
    """One VEVENT in UTC, with the call link as location and a reminder 15 minutes before."""
    calendar = Calendar()
    calendar.add("prodid", "-//PuMPuRS support bot//consultations//LV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    # One stable UID per booking: importing the file after a move updates the same event.
    event.add("uid", f"booking-{booking.id}@pumpurs-bot")
    event.add("dtstamp", booking.created_at)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", session_title(booking, texts))
    lines = [texts("Specialist: {name}", name=booking.specialist_name)]
    if booking.call_link:
        event.add("location", booking.call_link)
        lines.append(texts("Call: {link}", link=booking.call_link))
    event.add("description", "\n".join(lines))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", session_title(booking, texts))
    alarm.add("trigger", timedelta(minutes=-15))
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
