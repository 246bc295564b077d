"""The one rule check every path into a booked session passes: book, move, accept.

Whatever the buttons said, inside the transaction that acts on it: the slot is not too
soon nor too far ahead, the pupil's plan in force on the slot's DATE grants this kind
(and subject) of consultation, the specialist is one of the pupil's school who gives it,
the plan's hours are not exceeded, and a new booking stays within the open-booking limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import BookingConfig
from bot.domain.consultations import (
    BOOKABLE,
    Booking,
    BookingTerms,
    Channel,
    NoHoursLeft,
    NotInPlan,
    Offer,
    Slot,
    TooFarAhead,
    TooManyOpen,
    TooSoon,
)
from bot.domain.dates import riga_day
from bot.domain.errors import NotAllowed
from bot.domain.models import MeasureKind, PlanMeasure
from storage.uow import Tx


async def offer_of(tx: Tx, plan_id: int, measure: PlanMeasure) -> Offer:
    """What the plan grants of one measure, and how much of it is used."""
    used = await tx.bookings.minutes_used(plan_id, measure.kind, measure.subject)
    granted = None if measure.hours_granted is None else round(measure.hours_granted * 60)
    return Offer(
        measure_id=measure.id,
        plan_id=plan_id,
        kind=measure.kind,
        subject=measure.subject,
        minutes_granted=granted,
        minutes_used=used,
    )


async def check_booking(
    tx: Tx,
    config: BookingConfig,
    *,
    pupil_id: int,
    school_id: str,
    kind: MeasureKind,
    subject: str,
    slot: Slot,
    now: datetime,
    freed_minutes: int = 0,
    new: bool = True,
    notice: bool = True,
) -> int:
    """The id of the plan the session is booked under; a domain error names the rule that
    says no.

    Args:
        freed_minutes: minutes this booking already counts against its plan (a move or
            an accepted proposal replaces them).
        new: a new booking counts against the open-booking limit; a change does not.
        notice: the minimum notice applies when the pupil's side picks the time; a time
            the specialist proposed is checked only against the horizon.
    """
    check_times(config, slot, now, notice=notice)
    terms = await tx.terms.terms(
        pupil_id=pupil_id, school_id=school_id, kind=kind, subject=subject, slot=slot, now=now
    )
    return check_terms(config, terms, kind, slot, freed_minutes=freed_minutes, new=new)


def check_channel(channel: Channel, kind: MeasureKind) -> None:
    """Only an emotional-support session may be held in the chat; the rest are calls."""
    if channel == Channel.CHAT and kind != MeasureKind.EMOTIONAL_SUPPORT:
        raise NotAllowed()


def check_times(config: BookingConfig, slot: Slot, now: datetime, *, notice: bool = True) -> None:
    """Not too soon (when the pupil's side picks the time), not too far ahead."""
    if notice and slot.starts_at < now + timedelta(hours=config.min_notice_hours):
        raise TooSoon(hours=config.min_notice_hours)
    if slot.starts_at > now + timedelta(days=config.horizon_days):
        raise TooFarAhead(days=config.horizon_days)


def check_terms(
    config: BookingConfig,
    terms: BookingTerms,
    kind: MeasureKind,
    slot: Slot,
    *,
    freed_minutes: int = 0,
    new: bool = True,
) -> int:
    """The rules on terms read already: plan, specialist, hours, open bookings."""
    plan = terms.plan_on(riga_day(slot.starts_at))
    if plan is None or plan.measure_id is None or kind not in BOOKABLE:
        raise NotInPlan()
    if not terms.suitable:
        raise NotAllowed()
    if plan.hours_granted is not None:
        # Not the offer's minutes left: it stops at 0, and the freed minutes must not make
        # up for hours the plan took away since (a change counts its own minutes once).
        left = round(plan.hours_granted * 60) - plan.minutes_used + freed_minutes
        if left < slot.minutes:
            raise NoHoursLeft(minutes=max(0, left))
    if new and terms.open_count >= config.max_open_bookings:
        raise TooManyOpen(count=config.max_open_bookings)
    return plan.plan_id


def auto_confirms(config: BookingConfig, terms: BookingTerms) -> bool:
    """Whether the specialist's requests are confirmed without their acceptance."""
    return config.auto_confirm_default if terms.auto_confirm is None else terms.auto_confirm


async def check_change(
    tx: Tx,
    config: BookingConfig,
    booking: Booking,
    school_id: str,
    slot: Slot,
    now: datetime,
    *,
    notice: bool = True,
) -> int:
    """:func:`check_booking` for an existing booking going to ``slot`` (a move, or a
    proposed time taken): its own minutes count again only under the same plan."""
    check_times(config, slot, now, notice=notice)
    terms = await tx.terms.terms(
        pupil_id=booking.pupil_id,
        school_id=school_id,
        kind=booking.kind,
        subject=booking.subject,
        slot=slot,
        now=now,
    )
    same_plan = terms.plan_on(riga_day(slot.starts_at))
    freed = booking.minutes if same_plan and same_plan.plan_id == booking.plan_id else 0
    return check_terms(config, terms, booking.kind, slot, freed_minutes=freed, new=False)


async def confirms_at_once(tx: Tx, config: BookingConfig, specialist_id: int) -> bool:
    """Whether the specialist's requests are confirmed without their acceptance."""
    auto = await tx.slots.get_auto_confirm(specialist_id)
    return config.auto_confirm_default if auto is None else auto
