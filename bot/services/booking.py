"""Booking consultations: what a pupil or parent may book, booking, moving, cancelling.

Every rule is checked here, inside the write transaction that acts on it, whatever the
buttons said: the plan in force on the session's date, hours left, notice, horizon,
the open-booking limit, and who may act for which pupil.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, time, timedelta

from bot.clock import Clock
from bot.config import BookingConfig
from bot.domain.booking import (
    BOOKABLE,
    Booking,
    BookingChanged,
    BookingState,
    Change,
    NoHoursLeft,
    NotInPlan,
    Offer,
    Slot,
    SlotGone,
    SlotPage,
    SlotState,
    SlotTaken,
    TextNeeded,
    TextTooLong,
    TooFarAhead,
    TooLateToChange,
    TooManyOpen,
    TooSoon,
)
from bot.domain.errors import NotAllowed
from bot.domain.models import PlanMeasure, Pupil, Role, SupportPlan
from bot.i18n import Texts
from bot.services import booking_common as common
from bot.services.availability import AvailabilityService
from bot.services.booking_notices import announce
from bot.services.calendar import session_ics
from bot.services.reminders import ReminderService
from storage import Database, people
from storage import availability as slots_repo
from storage import bookings as repo
from storage.db import Connection


def check_text(text: str, max_chars: int, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise TextNeeded()
    if len(text) > max_chars:
        raise TextTooLong(max_chars)
    return text


class ConsultationsBase:
    """What both sides of a consultation work with: the pupil's and the specialist's."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        config: BookingConfig,
        reminders: ReminderService,
        availability: AvailabilityService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.availability = availability


class BookingService(ConsultationsBase):
    """The pupil's and parent's side: what may be booked, booking, moving, cancelling."""

    # --- what may be booked -------------------------------------------------------------

    async def pupils(self, telegram_id: int) -> list[Pupil]:
        """The pupils this account books for: themself, or a parent's children."""
        actor = await common.load_actor(self.db.reader, telegram_id)
        found = [await people.get_pupil(self.db.reader, pid) for pid in actor.pupil_ids]
        if actor.role not in (Role.PUPIL, Role.GUARDIAN):
            raise NotAllowed()
        return [p for p in found if p is not None]

    async def offers(self, telegram_id: int, pupil_id: int) -> list[Offer]:
        """The consultations the plan in force today grants, with hours left."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            actor.require_pupil(pupil_id)
            await common.audit_read(conn, actor, now, pupil_id)
            plan = await people.plan_in_force(conn, pupil_id, common.riga_day(now))
            if plan is None:
                return []
            return [
                await self._offer(conn, plan.id, m) for m in plan.measures if m.kind in BOOKABLE
            ]

    async def _offer(self, conn: Connection, plan_id: int, measure: PlanMeasure) -> Offer:
        used = await repo.minutes_used(conn, plan_id, measure.kind, measure.subject)
        granted = None if measure.hours_granted is None else round(measure.hours_granted * 60)
        return Offer(
            measure_id=measure.id,
            plan_id=plan_id,
            kind=measure.kind,
            subject=measure.subject,
            minutes_granted=granted,
            minutes_used=used,
        )

    async def slot_page(
        self, telegram_id: int, pupil_id: int, measure_id: int, page: int = 0
    ) -> SlotPage:
        """The nearest free slots of suitable specialists of the pupil's school."""
        now = self.clock.now()
        await self.availability.ensure_slots()
        conn = self.db.reader
        actor = await common.load_actor(conn, telegram_id)
        actor.require_pupil(pupil_id)
        pupil = await people.get_pupil(conn, pupil_id)
        plan = await people.plan_in_force(conn, pupil_id, common.riga_day(now))
        measure = next((m for m in plan.measures if m.id == measure_id), None) if plan else None
        if pupil is None or plan is None or measure is None or measure.kind not in BOOKABLE:
            raise NotInPlan()
        offer = await self._offer(conn, plan.id, measure)
        if offer.minutes_left == 0:
            raise NoHoursLeft(0)
        specialists = await slots_repo.suitable_specialists(
            conn, pupil.school_id, measure.kind.value, measure.subject
        )
        start, end = self._window(now, plan)
        size = self.config.slots_per_page
        found = await slots_repo.free_slots(
            conn, specialists, start, end, limit=size + 1, offset=max(0, page) * size
        )
        return SlotPage(
            offer=offer, slots=tuple(found[:size]), page=page, has_more=len(found) > size
        )

    async def preview(
        self, telegram_id: int, pupil_id: int, measure_id: int, slot_id: int
    ) -> tuple[Offer, Slot]:
        """What the confirmation screen shows; the slot must still be free."""
        conn = self.db.reader
        actor = await common.load_actor(conn, telegram_id)
        actor.require_pupil(pupil_id)
        measure = await repo.get_measure(conn, measure_id, pupil_id)
        slot = await slots_repo.get_slot(conn, slot_id)
        if measure is None or measure.kind not in BOOKABLE:
            raise NotInPlan()
        if slot is None or slot.state != SlotState.FREE:
            raise SlotTaken() if slot and slot.state == SlotState.BOOKED else SlotGone()
        return await self._offer(conn, measure.plan_id, measure), slot

    def _window(self, now: datetime, plan: SupportPlan) -> tuple[datetime, datetime]:
        start = now + timedelta(hours=self.config.min_notice_hours)
        plan_end = datetime.combine(plan.ends_on + timedelta(days=1), time(0), common.RIGA)
        return start, min(now + timedelta(days=self.config.horizon_days), plan_end)

    # --- booking ------------------------------------------------------------------------

    async def book(
        self, telegram_id: int, pupil_id: int, measure_id: int, slot_id: int, note: str = ""
    ) -> Change:
        """Book a slot. Pressing twice gives the same booking; a slot taken gives SlotTaken."""
        note = check_text(note, self.config.note_max_chars, required=False)
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            actor.require_pupil(pupil_id)
            slot = await slots_repo.get_slot(conn, slot_id)
            if slot is None:
                raise SlotGone()
            existing = await repo.open_booking_of_slot(conn, slot_id)
            if existing is not None and existing.pupil_id == pupil_id:
                return Change(booking=existing, event="already")
            if slot.state != SlotState.FREE:
                raise SlotTaken() if slot.state == SlotState.BOOKED else SlotGone()
            measure = await repo.get_measure(conn, measure_id, pupil_id)
            if measure is None:
                raise NotInPlan()
            plan = await self._check_slot(conn, pupil_id, measure, slot, now, freed_minutes=0)
            if await repo.count_open(conn, pupil_id, now) >= self.config.max_open_bookings:
                raise TooManyOpen(self.config.max_open_bookings)
            if not await slots_repo.take_slot(conn, slot_id):
                raise SlotTaken()
            auto = await slots_repo.get_auto_confirm(conn, slot.specialist_id)
            confirmed = self.config.auto_confirm_default if auto is None else auto
            try:
                booking_id = await repo.insert_booking(
                    conn,
                    slot_id=slot_id,
                    pupil_id=pupil_id,
                    specialist_id=slot.specialist_id,
                    plan_id=plan.id,
                    kind=measure.kind,
                    subject=measure.subject,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    booked_by=telegram_id,
                    state=BookingState.CONFIRMED if confirmed else BookingState.REQUESTED,
                    note=note,
                    call_link="",
                    now=now,
                )
            except sqlite3.IntegrityError:
                raise SlotTaken() from None
            if confirmed:
                booking = await common.confirm(conn, self.reminders, self.config, booking_id, now)
            else:
                booking = await common.reload(conn, booking_id)
            await common.audit_read(conn, actor, now, pupil_id)
            event = "confirmed" if confirmed else "requested"
            return await announce(conn, self.reminders, booking, actor, event, now)

    async def _check_slot(
        self,
        conn: Connection,
        pupil_id: int,
        measure: PlanMeasure,
        slot: Slot,
        now: datetime,
        *,
        freed_minutes: int,
    ) -> SupportPlan:
        """Notice, horizon, plan in force on the slot's date, specialist, hours left."""
        if slot.starts_at < now + timedelta(hours=self.config.min_notice_hours):
            raise TooSoon(self.config.min_notice_hours)
        if slot.starts_at > now + timedelta(days=self.config.horizon_days):
            raise TooFarAhead(self.config.horizon_days)
        plan = await people.plan_in_force(conn, pupil_id, common.riga_day(slot.starts_at))
        granted = next(
            (
                m
                for m in (plan.measures if plan else ())
                if m.kind == measure.kind and m.subject == measure.subject
            ),
            None,
        )
        if plan is None or granted is None or granted.kind not in BOOKABLE:
            raise NotInPlan()
        pupil = await people.get_pupil(conn, pupil_id)
        suitable = await slots_repo.suitable_specialists(
            conn, pupil.school_id if pupil else "", granted.kind.value, granted.subject
        )
        if slot.specialist_id not in suitable:
            raise NotAllowed()
        offer = await self._offer(conn, plan.id, granted)
        left = offer.minutes_left
        if left is not None and left + freed_minutes < slot.minutes:
            raise NoHoursLeft(left + freed_minutes)
        return plan

    # --- my consultations ---------------------------------------------------------------

    async def my_bookings(self, telegram_id: int) -> list[Booking]:
        """Upcoming and recent sessions of the pupils this account books for."""
        now = self.clock.now()
        since = now - timedelta(hours=self.config.evidence_due_hours)
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            if actor.role not in (Role.PUPIL, Role.GUARDIAN):
                raise NotAllowed()
            found = await repo.bookings_of_pupils(conn, list(actor.pupil_ids), since)
            for pupil_id in {b.pupil_id for b in found}:
                await common.audit_read(conn, actor, now, pupil_id)
        return found

    async def booking(self, telegram_id: int, booking_id: int) -> Booking:
        """One booking, for its parties only (audited when not the pupil's own)."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            booking = await common.load_booking(conn, actor, booking_id)
            await common.audit_read(conn, actor, now, booking.pupil_id)
        return booking

    async def calendar_file(self, telegram_id: int, booking_id: int, texts: Texts) -> bytes:
        """An .ics file of a confirmed session, in the reader's language."""
        booking = await self.booking(telegram_id, booking_id)
        if booking.state != BookingState.CONFIRMED:
            raise BookingChanged()
        return session_ics(booking, texts)

    async def cancel(self, telegram_id: int, booking_id: int, reason: str = "") -> Change:
        """Cancel: a pupil or parent within the cut-off; the specialist with a reason."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor = await common.load_actor(conn, telegram_id)
            booking = await common.load_booking(conn, actor, booking_id)
            if not booking.is_open or booking.starts_at <= now:
                raise BookingChanged()
            by_specialist = actor.specialist_id == booking.specialist_id
            if by_specialist:
                reason = check_text(reason, self.config.reason_max_chars, required=True)
            else:
                reason = check_text(reason, self.config.reason_max_chars, required=False)
                self._check_cutoff(booking, now)
            await repo.update_state(
                conn,
                booking_id,
                BookingState.CANCELLED,
                now,
                expect=(booking.state,),
                reason=reason,
            )
            # A specialist who cancels is not free then; a pupil's cancel frees the time.
            freed = SlotState.WITHDRAWN if by_specialist else SlotState.FREE
            await slots_repo.set_slot_state(conn, booking.slot_id, freed)
            await self.reminders.cancel(conn, f"booking:{booking_id}")
            booking = await common.reload(conn, booking_id)
            return await announce(conn, self.reminders, booking, actor, "cancelled", now)

    def _check_cutoff(self, booking: Booking, now: datetime) -> None:
        if booking.state == BookingState.CONFIRMED and booking.starts_at - now < timedelta(
            hours=self.config.change_cutoff_hours
        ):
            raise TooLateToChange(self.config.change_cutoff_hours)

    async def move_options(self, telegram_id: int, booking_id: int, page: int = 0) -> list[Slot]:
        """Free slots of the same specialist the booking could move to."""
        now = self.clock.now()
        await self.availability.ensure_slots()
        conn = self.db.reader
        _, booking = await common.load_pupil_side(conn, telegram_id, booking_id)
        if not booking.is_open or booking.starts_at <= now:
            raise BookingChanged()
        self._check_cutoff(booking, now)
        start = now + timedelta(hours=self.config.min_notice_hours)
        end = now + timedelta(days=self.config.horizon_days)
        size = self.config.slots_per_page
        return await slots_repo.free_slots(
            conn, [booking.specialist_id], start, end, limit=size, offset=max(0, page) * size
        )

    async def move(self, telegram_id: int, booking_id: int, slot_id: int) -> Change:
        """Move to another free slot of the same specialist, within every rule."""
        now = self.clock.now()
        async with self.db.write() as conn:
            actor, booking = await common.load_pupil_side(conn, telegram_id, booking_id)
            if booking.slot_id == slot_id and booking.is_open:
                return Change(booking=booking, event="already")
            if booking.state not in (BookingState.REQUESTED, BookingState.CONFIRMED):
                raise BookingChanged()
            self._check_cutoff(booking, now)
            slot = await slots_repo.get_slot(conn, slot_id)
            if slot is None or slot.specialist_id != booking.specialist_id:
                raise SlotGone()
            if slot.state != SlotState.FREE:
                raise SlotTaken() if slot.state == SlotState.BOOKED else SlotGone()
            measure = PlanMeasure(
                id=0,
                plan_id=booking.plan_id,
                kind=booking.kind,
                subject=booking.subject,
                hours_granted=None,
            )
            same_plan = await people.plan_in_force(
                conn, booking.pupil_id, common.riga_day(slot.starts_at)
            )
            freed = booking.minutes if same_plan and same_plan.id == booking.plan_id else 0
            await self._check_slot(conn, booking.pupil_id, measure, slot, now, freed_minutes=freed)
            if not await slots_repo.take_slot(conn, slot_id):
                raise SlotTaken()
            await slots_repo.set_slot_state(conn, booking.slot_id, SlotState.FREE)
            await self.reminders.cancel(conn, f"booking:{booking_id}")
            auto = await slots_repo.get_auto_confirm(conn, slot.specialist_id)
            confirmed = booking.state == BookingState.CONFIRMED and (
                self.config.auto_confirm_default if auto is None else auto
            )
            state = BookingState.CONFIRMED if confirmed else BookingState.REQUESTED
            await repo.move_to_slot(
                conn, booking_id, slot_id, slot.starts_at, slot.ends_at, state, now
            )
            if confirmed:
                moved = await common.confirm(conn, self.reminders, self.config, booking_id, now)
            else:
                moved = await common.reload(conn, booking_id)
            return await announce(conn, self.reminders, moved, actor, "moved", now)
