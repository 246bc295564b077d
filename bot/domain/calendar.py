"""The specialist's own calendar and the family's history: days off, calendar files, hours.

A calendar file (.ics) names each session by a UID stable per booking and a SEQUENCE
that every later change raises; whoever was given a file gets the changed event (or its
cancellation) through the reminder engine, so their calendar follows the bot's.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.consultations import Booking
from bot.domain.errors import N_, DomainError
from bot.domain.models import Model, Role
from bot.domain.reminders import Fact

FEED_DAYS = 56  # the specialist's calendar feed: the next 8 weeks
MAX_DAYS_OFF = 183  # the longest range of days off typed at once (half a year)


def calendar_uid(booking_id: int) -> str:
    """One UID per booking, whatever happens to it: a calendar replaces the event by it."""
    return f"booking-{booking_id}@pumpurs-bot"


class SchoolOf(Model):
    """One school of a specialist who may work in several: their record there."""

    specialist_id: int
    school_id: str
    school_name: str


class DaysOff(Model):
    """Days off just added: the range, free times withdrawn, and sessions booked in it."""

    first: date
    last: date
    withdrawn: int
    booked: tuple[Booking, ...]


class DaysOffBack(Model):
    """Days off undone: the range, and how many free times came back."""

    first: date
    last: date
    restored: int


class Proposals(Model):
    """New times proposed at once for the sessions booked in days off."""

    proposed: tuple[Booking, ...]  # each now waiting for its pupil's answer
    unplaced: tuple[Booking, ...]  # no free time fits the rules: the specialist decides


class CalendarFile(Model):
    """The sessions one calendar file holds, made at ``stamp``."""

    bookings: tuple[Booking, ...]
    stamp: datetime


class CalendarUpdate(Fact):
    """A booking someone holds in their calendar changed: the event as it stands now
    (moved, proposed, confirmed, new call details) or its cancellation."""

    booking: Booking
    role: Role  # the recipient's
    stamp: datetime

    def pupils_shown(self) -> tuple[int, ...]:
        return (self.booking.pupil_id,)


class PupilHours(Model):
    """Minutes of one pupil's sessions that used the plan's hours (held, or confirmed and
    past), over the whole history."""

    pupil_id: int
    pupil_name: str
    minutes: int


class HistoryPage(Model):
    """Past sessions of a family's pupils, newest first, and the hours they used."""

    bookings: tuple[Booking, ...]
    used: tuple[PupilHours, ...]
    page: int
    has_more: bool


class MeasureUse(Model):
    """How much of one measure's hours are used (sessions past) and booked (to come)."""

    measure_id: int
    used_minutes: int
    booked_minutes: int


# --- errors ---------------------------------------------------------------------------


class DaysOffTooLong(DomainError):
    message = N_("Days off can be added at most {days} days at a time.")


class DayPassed(DomainError):
    message = N_("That day has passed already.")


class RuleOverlaps(DomainError):
    message = N_("These hours overlap other weekly hours of yours on that day.")
