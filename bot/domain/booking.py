"""Consultations: slots, bookings and the rules' errors (no Telegram, no SQL)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from bot.domain.errors import N_, DomainError
from bot.domain.models import MeasureKind, Model, Role, SpecialistKind

BOOKABLE = (MeasureKind.SUBJECT_CONSULTATION, MeasureKind.EMOTIONAL_SUPPORT)


class SlotState(StrEnum):
    FREE = "free"
    BOOKED = "booked"
    WITHDRAWN = "withdrawn"


class BookingState(StrEnum):
    REQUESTED = "requested"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    HELD = "held"
    MISSED = "missed"


# A booking in these states holds its slot and counts against the pupil's limits.
OPEN_STATES = (BookingState.REQUESTED, BookingState.PROPOSED, BookingState.CONFIRMED)
# ... and in these it uses the plan's hours.
USING_HOURS = (*OPEN_STATES, BookingState.HELD)


class AvailabilityRule(Model):
    id: int
    specialist_id: int
    weekday: int  # 1 = Monday
    start_time: time
    end_time: time
    slot_minutes: int
    valid_from: date
    valid_until: date | None


class Slot(Model):
    id: int
    specialist_id: int
    starts_at: datetime
    ends_at: datetime
    state: SlotState
    specialist_name: str = ""

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Booking(Model):
    id: int
    slot_id: int
    pupil_id: int
    specialist_id: int
    plan_id: int
    kind: MeasureKind
    subject: str
    starts_at: datetime
    ends_at: datetime
    minutes: int
    booked_by: int
    state: BookingState
    note: str
    call_link: str
    reason: str
    evidence: str | None
    evidence_at: datetime | None
    created_at: datetime
    pupil_name: str
    specialist_name: str
    specialist_kind: SpecialistKind
    urgent: bool = False

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Offer(Model):
    """One kind of consultation the plan in force grants, with what is left of it."""

    measure_id: int
    plan_id: int
    kind: MeasureKind
    subject: str
    minutes_granted: int | None
    minutes_used: int

    @property
    def minutes_left(self) -> int | None:
        if self.minutes_granted is None:
            return None
        return max(0, self.minutes_granted - self.minutes_used)


class SlotPage(Model):
    offer: Offer
    slots: tuple[Slot, ...]
    page: int
    has_more: bool


class Recipient(Model):
    """Someone to tell about a change, in their own language."""

    chat_id: int
    role: Role
    language: str | None
    telegram_language: str | None


class Change(Model):
    """What a service call did, and who else should hear of it."""

    booking: Booking
    event: str
    notify: tuple[Recipient, ...] = ()


class Awaiting(Model):
    """A question the bot asked and whose answer arrives as a plain message."""

    what: str
    args: tuple[int, ...] = ()
    draft: str = ""
    since: datetime


# --- errors ---------------------------------------------------------------------------


class SlotTaken(DomainError):
    message = N_("Sorry, someone has just booked this time. Please choose another one.")


class SlotGone(DomainError):
    message = N_("This time is no longer available. Please choose another one.")


class NotInPlan(DomainError):
    message = N_("The support plan for that date does not include this kind of consultation.")


class NoHoursLeft(DomainError):
    message = N_("Not enough hours are left in the plan for this session ({minutes} min left).")

    def __init__(self, minutes_left: int) -> None:
        super().__init__(minutes_left)
        self.minutes_left = minutes_left

    def values(self) -> dict[str, Any]:
        return {"minutes": self.minutes_left}


class TooSoon(DomainError):
    message = N_("Sessions must be booked at least {hours} hours ahead.")

    def __init__(self, hours: int) -> None:
        super().__init__(hours)
        self.hours = hours

    def values(self) -> dict[str, Any]:
        return {"hours": self.hours}


class TooFarAhead(DomainError):
    message = N_("Sessions can be booked at most {days} days ahead.")

    def __init__(self, days: int) -> None:
        super().__init__(days)
        self.days = days

    def values(self) -> dict[str, Any]:
        return {"days": self.days}


class TooLateToChange(DomainError):
    message = N_(
        "It is too late to change this session: changes are possible up to {hours} hours "
        "before it. Please contact the specialist."
    )

    def __init__(self, hours: int) -> None:
        super().__init__(hours)
        self.hours = hours

    def values(self) -> dict[str, Any]:
        return {"hours": self.hours}


class TooManyOpen(DomainError):
    message = N_("You already have {count} upcoming sessions booked, the most allowed.")

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count

    def values(self) -> dict[str, Any]:
        return {"count": self.count}


class BookingChanged(DomainError):
    """A stale button: the booking is no longer in the state the button was made for."""

    message = N_("This session has changed meanwhile. Here is how it stands now.")


class TextTooLong(DomainError):
    message = N_("That is too long: please keep it under {max} characters.")

    def __init__(self, max_chars: int) -> None:
        super().__init__(max_chars)
        self.max_chars = max_chars

    def values(self) -> dict[str, Any]:
        return {"max": self.max_chars}


class TextNeeded(DomainError):
    message = N_("Please write a few words.")


class BadAvailability(DomainError):
    """A typed time or date that cannot be read, or a period that makes no sense."""

    message = N_("I could not read that. Please use the format shown in the example.")


class SlotOverlaps(DomainError):
    message = N_("This time overlaps one of your slots already published.")


class EvidenceClosed(DomainError):
    message = N_("The time to answer about this session has passed.")


class NotStartedYet(DomainError):
    message = N_("This session has not started yet.")
