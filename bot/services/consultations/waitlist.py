"""The waiting list: joining the line, the offers of freed times, and who waits.

A slot freed (a cancellation, a decline, a refused proposal, a move) or newly published
is offered in the SAME transaction that freed it: the unit of work runs
:meth:`WaitlistService.offer_changed` before every commit, with the slots the
transaction freed or published (:class:`storage.consultations.slots.SlotChanges`). The
offer holds the slot for the first in line whose plan allows it (the one rule check,
:mod:`.rules`), and its message is a reminder row planned there too, so a crash loses
no offer. The hold's end is a row with a time: :meth:`expire_due`, every minute, ends
the offers past it and offers the slot to the next in line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.domain.actor import Actor
from bot.domain.consultations import (
    BOOKABLE,
    BookingEvent,
    Change,
    NoHoursLeft,
    NotInPlan,
    Slot,
)
from bot.domain.dates import RIGA, riga_day
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.figures import Scope, ScopeKind
from bot.domain.models import SpecialistKind
from bot.domain.reminders import Fact, OfferPayload, Planned, Reminder, ReminderKind
from bot.domain.waitlist import (
    ALL_PARTS,
    ALL_WEEKDAYS,
    JoinChoice,
    OfferEnded,
    OfferState,
    Place,
    PlaceClosed,
    SlotOffer,
    SlotOffered,
    Waiting,
    WaitState,
    day_part,
    hold_until,
    suits,
)
from bot.services.consultations import sessions
from bot.services.consultations.booking import BookingService, ConsultationsBase
from bot.services.consultations.rules import check_terms, check_times
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx

# Slots of specialists with new free time looked at per transaction, nearest first.
PUBLISHED_LOOKED_AT = 50


def offer_ref(offer_id: int) -> str:
    return f"offer:{offer_id}"


class WaitlistService(ConsultationsBase):
    """A place in line for the pupil's side; offers; the counts for staff."""

    def attach(self, booking: BookingService) -> None:
        """Offers are booked through the booking service; slots offered before commits."""
        self.booking = booking
        self.uow.before_commit(self.offer_changed)

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.WAITLIST_OFFER, self.offer_fact)

    # --- the pupil's and parent's side ----------------------------------------------------

    async def join_choice(self, actor: Actor, pupil_id: int, measure_id: int) -> JoinChoice:
        """What the pupil may wait for: the measure, its specialists, a place already held."""
        pupil = actor.require_pupil(pupil_id)
        today = riga_day(self.clock.now())
        async with self.uow.read() as tx:
            found = await tx.terms.offers(pupil.id, today, measure_id)
            if not found:
                raise NotInPlan()
            offer = found[0][0]
            specialists = await tx.waitlist.specialists_for(
                pupil.school_id, offer.kind, offer.subject
            )
            place = await tx.waitlist.open_place_of(pupil.id, measure_id)
        return JoinChoice(offer=offer, specialists=tuple(specialists), place=place)

    async def join(
        self,
        actor: Actor,
        pupil_id: int,
        measure_id: int,
        specialist_id: int | None,
        weekdays: int = 0,
        day_parts: int = 0,
    ) -> Place:
        """Take a place in line for a measure of the plan in force (or change its wishes,
        keeping the place). A time that fits and is free already is offered at once."""
        pupil = actor.require_pupil(pupil_id)
        if not (0 <= weekdays <= ALL_WEEKDAYS and 0 <= day_parts <= ALL_PARTS):
            raise NotAllowed()
        now = self.clock.now()
        async with self.uow.write() as tx:
            found = await tx.terms.offers(pupil.id, riga_day(now), measure_id)
            if not found or found[0][0].kind not in BOOKABLE:
                raise NotInPlan()
            offer, plan_ends = found[0]
            if offer.minutes_left == 0:
                raise NoHoursLeft(minutes=0)
            if specialist_id is not None:
                named = await tx.waitlist.specialists_for(
                    pupil.school_id, offer.kind, offer.subject
                )
                if specialist_id not in {sid for sid, _ in named}:
                    raise NotAllowed()
            place = await tx.waitlist.open_place_of(pupil.id, measure_id)
            if place is not None:
                await tx.waitlist.set_wishes(place.id, specialist_id, weekdays, day_parts)
                place_id = place.id
            else:
                place_id = await tx.waitlist.add_place(
                    pupil_id=pupil.id,
                    measure_id=measure_id,
                    school_id=pupil.school_id,
                    kind=offer.kind,
                    subject=offer.subject,
                    specialist_id=specialist_id,
                    weekdays=weekdays,
                    day_parts=day_parts,
                    ends_on=plan_ends,
                    joined_by=actor.telegram_id,
                    now=now,
                )
            start, end = self.window(now)
            free = await tx.slots.free_slots_of_suitable(
                pupil.school_id, offer.kind.value, offer.subject, start, end, limit=50
            )
            fitting = [
                s.id
                for s in free
                if suits(weekdays, day_parts, s.starts_at)
                and specialist_id in (None, s.specialist_id)
            ]
            await self._offer_slots(tx, fitting[:10], now)
            joined = await tx.waitlist.place(place_id)
            assert joined is not None  # noqa: S101 - just written
            await sessions.audit_reads(tx, actor, now, [pupil.id])
            return joined

    async def places(self, actor: Actor) -> list[Place]:
        """The open places in line of the pupils this account books for."""
        pupils = actor.require_family()
        now = self.clock.now()
        async with self.uow.read() as tx:
            found = await tx.waitlist.places_of_pupils([p.id for p in pupils], riga_day(now))
            await sessions.audit_reads(tx, actor, now, [p.pupil_id for p in found])
        return found

    async def leave(self, actor: Actor, place_id: int) -> Place:
        """Leave the line; a time held for the place goes to the next in line."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            place = await tx.waitlist.place(place_id)
            if place is None:
                raise NotAllowed()
            actor.require_pupil(place.pupil_id)
            if place.state == WaitState.LEFT:
                return place
            if not await tx.waitlist.set_state(
                place.id, WaitState.LEFT, now, expect=(WaitState.WAITING, WaitState.OFFERED)
            ):
                raise PlaceClosed()
            for offer in await tx.waitlist.open_offers_of(place.id):
                await self._pass_on(tx, offer, OfferState.DECLINED, now)
            left = await tx.waitlist.place(place.id)
            assert left is not None  # noqa: S101 - places are never deleted
            return left

    async def offered(self, actor: Actor, offer_id: int) -> SlotOffered:
        """An offer and its slot, for the pupil's side only."""
        now = self.clock.now()
        async with self.uow.read() as tx:
            offer = await tx.waitlist.offer(offer_id)
            if offer is None:
                raise NotAllowed()
            actor.require_pupil(offer.pupil_id)
            fact = await self._fact(tx, offer)
            if fact is None:
                raise NotAllowed()
            await sessions.audit_reads(tx, actor, now, [offer.pupil_id])
        return fact

    async def book_offer(self, actor: Actor, offer_id: int) -> Change:
        """Book the time held for the place: the same rule check as any booking."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            offer = await tx.waitlist.offer(offer_id)
            if offer is None:
                raise NotAllowed()
            pupil = actor.require_pupil(offer.pupil_id)
            if offer.state == OfferState.BOOKED and offer.booking_id is not None:
                booking = await sessions.reload(tx, offer.booking_id)
                return Change(booking=booking, event=BookingEvent.ALREADY)
            if not offer.is_open(now):
                raise OfferEnded()
            place = await tx.waitlist.place(offer.entry_id)
            assert place is not None  # noqa: S101 - places are never deleted
            change = await self.booking.book_in(
                tx, actor, pupil, place.measure_id, offer.slot_id, now
            )
            await tx.waitlist.close_offer(offer, OfferState.BOOKED, now, change.booking.id)
            await tx.waitlist.set_state(
                place.id, WaitState.BOOKED, now, expect=(WaitState.OFFERED, WaitState.WAITING)
            )
            await self.reminders.cancel(tx, offer_ref(offer.id))
            return change

    async def decline_offer(self, actor: Actor, offer_id: int) -> SlotOffer:
        """Not this one: the place keeps its turn, the time goes to the next in line."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            offer = await tx.waitlist.offer(offer_id)
            if offer is None:
                raise NotAllowed()
            actor.require_pupil(offer.pupil_id)
            if offer.state == OfferState.DECLINED:
                return offer
            if offer.state != OfferState.OPEN:
                raise OfferEnded()
            await self._pass_on(tx, offer, OfferState.DECLINED, now)
            return offer.model_copy(update={"state": OfferState.DECLINED})

    # --- what staff see ------------------------------------------------------------------

    async def waiting_in(self, actor: Actor, scope: Scope) -> list[Waiting]:
        """How many wait in a coordinator's school or region, by kind and subject."""
        async with self.uow.read() as tx:
            if scope.kind == ScopeKind.SCHOOL:
                actor.require_readable_school(scope.id)
                schools = [scope.id]
            elif scope.kind == ScopeKind.REGION:
                actor.require_region(scope.id)
                schools = await tx.waitlist.schools_of_region(scope.id)
            else:
                actor.require_coordinator()
                raise NotAllowed()
            return await tx.waitlist.waiting_in(schools, riga_day(self.clock.now()))

    # --- offers: in the freeing transaction, and when a hold ends -------------------------

    async def offer_changed(self, tx: Tx) -> None:
        """Offer the slots this transaction freed or published (before it commits)."""
        changes = tx.slot_changes
        if not changes:
            return
        now = self.clock.now()
        slot_ids = list(changes.freed)
        if changes.published:
            start, end = self.window(now)
            published = {
                sid: times
                for sid, times in changes.published.items()
                if times[1] >= start and times[0] < end  # new times offers could reach
            }
            waited_for = await tx.waitlist.specialists_with_waiting(sorted(published))
            slot_ids += await tx.waitlist.free_slot_ids(
                {sid: published[sid] for sid in waited_for}, start, end, PUBLISHED_LOOKED_AT
            )
        changes.clear()
        await self._offer_slots(tx, slot_ids, now)

    async def expire_due(self) -> int:
        """End the offers whose hold is over (the place goes to the back of the line) or
        whose slot went meanwhile; offer each slot still free to the next in line."""
        now = self.clock.now()
        async with self.uow.read() as tx:
            if not await tx.waitlist.due_offers(now):
                return 0  # the usual minute: no write at all
        async with self.uow.write() as tx:
            due = await tx.waitlist.due_offers(now)
            for offer, still in due:
                await self._pass_on(
                    tx, offer, OfferState.EXPIRED if still else OfferState.VOID, now
                )
        return len(due)

    async def end_finished(self) -> int:
        """Places whose plan's period ended or whose hours are used end by themselves."""
        now = self.clock.now()
        async with self.uow.write() as tx:
            return await tx.waitlist.end_finished(riga_day(now), now)

    async def _pass_on(self, tx: Tx, offer: SlotOffer, state: OfferState, now: datetime) -> None:
        """End an offer; its place waits again (an unanswered one at the back of the line)
        unless it left; the slot, if still free, goes to the next in line."""
        if not await tx.waitlist.close_offer(offer, state, now):
            return
        await self.reminders.cancel(tx, offer_ref(offer.id))
        if state == OfferState.EXPIRED:
            await tx.waitlist.back_of_line(offer.entry_id, now)
        else:
            await tx.waitlist.set_state(
                offer.entry_id, WaitState.WAITING, now, expect=(WaitState.OFFERED,)
            )
        if state != OfferState.VOID:
            await self._offer_slots(tx, [offer.slot_id], now)

    async def _offer_slots(self, tx: Tx, slot_ids: Sequence[int], now: datetime) -> int:
        """Offer each free, unheld slot to the first in line it fits whose plan allows it."""
        made = 0
        expires = hold_until(now, self.config.waitlist_hold_minutes, self.reminders.quiet)
        # Bookable until the hold ends: the minimum notice counts from its last minute.
        earliest = expires + timedelta(hours=self.config.min_notice_hours)
        for slot, kind in await tx.waitlist.offerable(sorted(set(slot_ids))):
            try:
                check_times(self.config, slot, now)
            except DomainError:
                continue  # too soon or too far ahead for anyone
            if slot.starts_at >= earliest and await self._offer_slot(tx, slot, kind, now, expires):
                made += 1
        return made

    async def _offer_slot(
        self, tx: Tx, slot: Slot, kind: SpecialistKind, now: datetime, expires: datetime
    ) -> bool:
        local = slot.starts_at.astimezone(RIGA)
        candidates = await tx.waitlist.candidates(
            slot, kind, local.date(), 1 << (local.isoweekday() - 1), 1 << day_part(slot.starts_at)
        )
        for place in candidates:
            terms = await tx.terms.terms(
                pupil_id=place.pupil_id,
                school_id=place.school_id,
                kind=place.kind,
                subject=place.subject,
                slot=slot,
                now=now,
            )
            try:
                check_terms(self.config, terms, place.kind, slot)
            except DomainError:
                continue  # not within this pupil's plan now: the next in line
            family = await tx.waitlist.family(place.pupil_id)
            if not family:
                continue  # nobody to tell: the time is not held for them
            offer = await tx.waitlist.add_offer(place, slot.id, now, expires)
            if offer is None:
                return False
            payload = OfferPayload(offer_id=offer.id)
            await self.reminders.plan(
                tx,
                [
                    Planned(
                        chat_id=to.chat_id,
                        role=to.role,
                        kind=ReminderKind.WAITLIST_OFFER,
                        ref=offer_ref(offer.id),
                        due_at=now,
                        event_at=slot.starts_at,
                        not_after=expires,
                        payload=payload,
                    )
                    for to in family
                ],
            )
            return True
        return False

    # --- the offer's message at send time -------------------------------------------------

    async def offer_fact(self, reminder: Reminder) -> Fact | None:
        payload = reminder.payload
        if not isinstance(payload, OfferPayload):
            return None
        async with self.uow.read() as tx:
            offer = await tx.waitlist.offer(payload.offer_id)
            if offer is None or not offer.is_open(self.clock.now()):
                return None
            return await self._fact(tx, offer)

    async def _fact(self, tx: Tx, offer: SlotOffer) -> SlotOffered | None:
        place = await tx.waitlist.place(offer.entry_id)
        slot = await tx.slots.get_slot(offer.slot_id)
        if place is None or slot is None:
            return None
        return SlotOffered(offer=offer, place=place, slot=slot)
