"""Consultations: slots, bookings and the rules' errors (no Telegram, no SQL)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.dates import RIGA
from bot.domain.errors import N_, DomainError
from bot.domain.models import MeasureKind, Model, PlanMeasure, Role, SpecialistKind
from bot.domain.reminders import Fact

BOOKABLE = (MeasureKind.SUBJECT_CONSULTATION, MeasureKind.EMOTIONAL_SUPPORT)
MIN_SLOT, MAX_SLOT = 10, 240  # minutes a slot may last


class Channel(StrEnum):
    """How a session is held: a video call (its link), or a text conversation in the chat."""

    CALL = "call"
    CHAT = "chat"


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
    school_id: str = ""  # the specialist's school

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
    channel: Channel = Channel.CALL
    ended_by: Role | None = None  # the role of whoever cancelled or declined it
    sequence: int = 0  # the version of its calendar event (raised by each change sent)
    school_id: str = ""  # the pupil's school, which is the booking's
    school_name: str = ""
    series_id: int | None = None  # one of a weekly series booked together

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


class PlanTerms(Model):
    """A plan of the pupil's around a slot's date, and what it grants of one kind."""

    plan_id: int
    starts_on: date
    ends_on: date
    measure_id: int | None  # the plan's measure of that kind and subject, if any
    hours_granted: float | None
    minutes_used: int


class BookingTerms(Model):
    """What the rule check needs to know, read in one query (:mod:`..rules`)."""

    plans: tuple[PlanTerms, ...]
    open_count: int
    suitable: bool  # the slot's specialist gives this kind of consultation at the school
    auto_confirm: bool | None  # the specialist's own setting, if any

    def plan_on(self, day: date) -> PlanTerms | None:
        """The plan in force that day (the latest-starting one if several)."""
        found = [p for p in self.plans if p.starts_on <= day <= p.ends_on]
        return max(found, key=lambda p: (p.starts_on, p.plan_id)) if found else None


class SlotToBook(Model):
    """A slot, who may hold it, the measure asked for, and the terms: one query."""

    slot: Slot | None
    open_booking_id: int | None
    open_booking_pupil: int | None
    measure: PlanMeasure | None
    pupil_name: str
    specialist_kind: SpecialistKind | None
    terms: BookingTerms | None
    taken: bool = False  # not free: booked (True), or withdrawn or gone (False)


def slot_times(day: date, start: time, end: time, minutes: int) -> list[tuple[datetime, datetime]]:
    """The slots of one day from Riga wall-clock times, so right on DST days too."""
    found = []
    step = timedelta(minutes=minutes)
    begin = datetime.combine(day, start, tzinfo=RIGA)
    stop = datetime.combine(day, end, tzinfo=RIGA)
    while begin + step <= stop:
        found.append((begin, begin + step))
        begin += step
    return found


class SlotPage(Model):
    offer: Offer
    slots: tuple[Slot, ...]
    page: int
    has_more: bool


class BookingEvent(StrEnum):
    """What happened to a booking; the other parties hear of each change."""

    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    DECLINED = "declined"
    PROPOSED = "proposed"
    MOVED = "moved"
    CALL = "call"  # new call details
    HELD = "held"
    MISSED = "missed"
    EVIDENCE = "evidence"
    ALREADY = "already"  # pressed twice: nothing changed


class Change(Model):
    """What a service call did to a booking."""

    booking: Booking
    event: BookingEvent


# --- facts of the consultations' reminders ----------------------------------------------


class _AboutBooking(Fact):
    booking: Booking
    # The recipient is a specialist of several schools: each session names its school.
    school_shown: bool = False

    def pupils_shown(self) -> tuple[int, ...]:
        return (self.booking.pupil_id,)


class SessionSoon(_AboutBooking):
    """A confirmed session is coming; ``role`` is the recipient's."""

    role: Role


class EvidenceQuestion(_AboutBooking):
    """Did the session take place? To the pupil and parents, after it."""


class DayAgenda(Fact):
    day: date
    bookings: tuple[Booking, ...]  # of every school the specialist works in
    school_shown: bool = False

    def pupils_shown(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(b.pupil_id for b in self.bookings))


class BookingNotice(_AboutBooking):
    """A booking changed; told to a party who did not make the change."""

    event: BookingEvent
    role: Role


class LateCancellation(_AboutBooking):
    """A specialist cancelled a session later than the cut-off: to the school's
    coordinators, with the reason; ``hours`` is how long before the start it was."""

    hours: int


# --- errors ---------------------------------------------------------------------------


class SlotTaken(DomainError):
    message = N_("Sorry, someone has just booked this time. Please choose another one.")


class SlotGone(DomainError):
    message = N_("This time is no longer available. Please choose another one.")


class NotInPlan(DomainError):
    message = N_("The support plan for that date does not include this kind of consultation.")


class NoHoursLeft(DomainError):
    message = N_("Not enough hours are left in the plan for this session ({minutes} min left).")


class TooSoon(DomainError):
    message = N_("Sessions must be booked at least {hours} hours ahead.")


class TooFarAhead(DomainError):
    message = N_("Sessions can be booked at most {days} days ahead.")


class TooLateToChange(DomainError):
    message = N_(
        "It is too late to change this session: changes are possible up to {hours} hours "
        "before it. Please contact the specialist."
    )


class TooManyOpen(DomainError):
    message = N_("You already have {count} upcoming sessions booked, the most allowed.")


class BookingChanged(DomainError):
    """A stale button: the booking is no longer in the state the button was made for."""

    message = N_("This session has changed meanwhile. Here is how it stands now.")


class BadAvailability(DomainError):
    """A typed time or date that cannot be read, or a period that makes no sense."""

    message = N_("I could not read that. Please use the format shown in the example.")


class SlotOverlaps(DomainError):
    message = N_("This time overlaps one of your slots already published.")


class HasBookings(DomainError):
    """A booked slot is cancelled through its booking, with a reason for the pupil."""

    message = N_("This time is booked. Cancel the session with a reason instead.")


class EvidenceClosed(DomainError):
    message = N_("The time to answer about this session has passed.")


class NotStartedYet(DomainError):
    message = N_("This session has not started yet.")
