"""Recurring sessions: a series booked every week or every other week at the same time.

Each session of a series is a normal booking (its reminders, evidence and notices work as
for any other). A series books the chosen time and the same weekday and wall-clock time
after it, up to the end of the plan in force, within its hours and
``[booking] series_max_weeks`` ahead; a week whose time is not free is skipped and listed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.consultations import Booking, BookingEvent, BookingState
from bot.domain.dates import RIGA
from bot.domain.errors import N_, DomainError
from bot.domain.models import MeasureKind, Model, Role
from bot.domain.reminders import Fact


class SeriesStop(StrEnum):
    """Why a series ends where it does."""

    PLAN_END = "plan_end"  # the plan's period ends
    HOURS = "hours"  # the plan's hours would be exceeded
    LIMIT = "limit"  # series_max_weeks ahead


def series_times(first: datetime, every_weeks: int, last_day: date) -> list[datetime]:
    """The first session's time and the same Riga weekday and wall-clock time every
    ``every_weeks`` weeks after it, up to ``last_day`` (so right across summer time)."""
    local = first.astimezone(RIGA)
    found = []
    day = local.date()
    while day <= last_day:
        found.append(datetime.combine(day, local.timetz()).astimezone(first.tzinfo))
        day += timedelta(weeks=every_weeks)
    return found


class SeriesInfo(Model):
    """A series as stored, with its parties' names."""

    id: int
    pupil_id: int
    specialist_id: int
    plan_id: int
    kind: MeasureKind
    subject: str
    every_weeks: int
    pupil_name: str
    specialist_name: str


class Series(Model):
    """A series and every session of it, by time."""

    info: SeriesInfo
    bookings: tuple[Booking, ...]

    def upcoming(self, now: datetime, *states: BookingState) -> tuple[Booking, ...]:
        return tuple(b for b in self.bookings if b.starts_at > now and b.state in states)


class SeriesDraft(Model):
    """What a series would book now: shown before the pupil or parent confirms."""

    kind: MeasureKind
    subject: str
    specialist_name: str
    minutes: int  # one session's length
    every_weeks: int
    dates: tuple[datetime, ...]  # the sessions to book
    skipped: tuple[datetime, ...]  # weeks whose time is not free
    stop: SeriesStop
    minutes_left: int | None  # of the plan's hours, after these sessions
    confirms: bool  # confirmed at once, or requests for the specialist to accept

    @property
    def minutes_used(self) -> int:
        return self.minutes * len(self.dates)


class SeriesBooked(Model):
    """A series just booked (or pressed twice: ``event`` ALREADY)."""

    series: Series
    skipped: tuple[datetime, ...]
    stop: SeriesStop
    event: BookingEvent


class SeriesChange(Model):
    """Sessions of a series changed at once (cancelled, declined, accepted, moved);
    ``kept``: those a move left where they were (their new time not free)."""

    series: Series
    changed: tuple[Booking, ...]
    event: BookingEvent
    kept: tuple[Booking, ...] = ()


class SeriesNotice(Fact):
    """Several sessions of a series changed at once: one message to each other party."""

    info: SeriesInfo
    bookings: tuple[Booking, ...]
    event: BookingEvent
    role: Role

    def pupils_shown(self) -> tuple[int, ...]:
        return (self.info.pupil_id,)


class NothingToBook(DomainError):
    message = N_("None of these weeks can be booked: their times are not free.")
