"""The waiting list: a place in line when no time fits, and the offers of freed times.

A pupil or parent joins the line for one measure of the plan (any suitable specialist of
the school, or one named), with the weekdays and times of day that suit. When a fitting
slot becomes free, the first in line whose plan allows it is offered it; the slot is held
for them for ``[booking] waitlist_hold_minutes``, counted outside quiet hours.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import IntEnum, StrEnum

from bot.domain.consultations import Booking, Offer, Slot
from bot.domain.dates import RIGA, at_local
from bot.domain.errors import N_, DomainError
from bot.domain.models import MeasureKind, Model
from bot.domain.quiet_hours import QuietHours
from bot.domain.reminders import Fact

ALL_WEEKDAYS = 0b1111111
ALL_PARTS = 0b111


class WaitState(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # a slot is held for them now
    BOOKED = "booked"  # they booked a time offered: the place is done
    LEFT = "left"
    ENDED = "ended"  # the plan's period ended or its hours are used


OPEN_PLACES = (WaitState.WAITING, WaitState.OFFERED)


class OfferState(StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    DECLINED = "declined"
    EXPIRED = "expired"
    VOID = "void"  # the slot went meanwhile (withdrawn, taken): nothing to offer


class DayPart(IntEnum):
    """Times of day a pupil may choose; bit ``n`` of the mask is part ``n``."""

    MORNING = 0  # before 12:00
    AFTERNOON = 1  # 12:00 to 16:00
    EVENING = 2  # from 16:00


_PART_STARTS = ((time(16, 0), DayPart.EVENING), (time(12, 0), DayPart.AFTERNOON))


def day_part(when: datetime) -> DayPart:
    """The part of the (Riga) day a time starts in."""
    local = when.astimezone(RIGA).time()
    return next((part for start, part in _PART_STARTS if local >= start), DayPart.MORNING)


def suits(weekdays: int, parts: int, when: datetime) -> bool:
    """Whether a slot starting ``when`` fits the masks (0 = any)."""
    weekday_bit = 1 << (when.astimezone(RIGA).isoweekday() - 1)
    return (not weekdays or bool(weekdays & weekday_bit)) and (
        not parts or bool(parts & (1 << day_part(when)))
    )


def hold_until(start: datetime, minutes: int, quiet: QuietHours) -> datetime:
    """``minutes`` after ``start``, not counting the quiet hours in between: an offer made
    at 20:30 with quiet hours 21:00-08:00 and 60 minutes is held until 08:30."""
    left = timedelta(minutes=minutes)
    now = start
    for _ in range(400):  # a bound: any real hold ends within a year of nights
        if quiet.contains(now):
            now = quiet.morning_after(now)
            continue
        if not quiet.enabled:
            return now + left
        evening = _next_evening(now, quiet)
        if now + left <= evening:
            return now + left
        left -= evening - now
        now = evening
    return now + left


def _next_evening(when: datetime, quiet: QuietHours) -> datetime:
    """The next start of the quiet hours after ``when`` (which is outside them)."""
    day = when.astimezone(quiet.tz).date()
    for offset in (0, 1, 2):
        starts = at_local(day + timedelta(days=offset), quiet.start, quiet.tz)
        if starts > when:
            return starts
    raise AssertionError("quiet hours start every day")  # pragma: no cover


class Place(Model):
    """A place in line, with what a screen shows of it."""

    id: int
    pupil_id: int
    pupil_name: str = ""
    measure_id: int
    school_id: str
    kind: MeasureKind
    subject: str
    specialist_id: int | None
    specialist_name: str = ""  # "" when any suitable specialist will do
    weekdays: int
    day_parts: int
    ends_on: date
    state: WaitState
    queued_at: datetime
    position: int = 0  # 1 = first in line for this kind and subject at the school

    def is_open_on(self, day: date) -> bool:
        return self.state in OPEN_PLACES and self.ends_on >= day


class SlotOffer(Model):
    """A slot offered to a place in line, held until ``expires_at``."""

    id: int
    entry_id: int
    slot_id: int
    pupil_id: int
    state: OfferState
    offered_at: datetime
    expires_at: datetime
    booking_id: int | None = None  # the booking made from it

    def is_open(self, now: datetime) -> bool:
        return self.state == OfferState.OPEN and now < self.expires_at


class SlotOffered(Fact):
    """A freed time held for a place in line: to the pupil and parents, with Book / Not
    this one."""

    offer: SlotOffer
    place: Place
    slot: Slot

    def pupils_shown(self) -> tuple[int, ...]:
        return (self.place.pupil_id,)


class JoinChoice(Model):
    """What joining the line for one measure offers: the specialists to name, and the
    place already taken, if any (its wishes are changed then, its place kept)."""

    offer: Offer
    specialists: tuple[tuple[int, str], ...]
    place: Place | None


class Waiting(Model):
    """How many wait for one kind and subject of consultation (at a school, a region)."""

    kind: MeasureKind
    subject: str
    count: int


class Desk(Model):
    """A specialist's desk: the bookings of a period, and who waits for a free time."""

    bookings: list[Booking]
    waiting: list[Waiting]


# --- errors ---------------------------------------------------------------------------


class OfferEnded(DomainError):
    message = N_("This offer has ended: the time is no longer held for you.")


class PlaceClosed(DomainError):
    message = N_("This place in line has ended.")
