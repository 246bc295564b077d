"""Vocational internship support, the student's side: entitlements, days, claims.

Internship meal days are provided as the programme rules say for the day: the school's
caterer gets them on its list at the cut-off (so a day can be changed until then), or
the student earns an allowance for each day, paid through the school's payment file.
A parent sees the student's screen and claims, and changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import Clock
from bot.config import MealsConfig
from bot.domain.actor import Actor, PupilRef
from bot.domain.dates import Towards, parse_day, riga_day
from bot.domain.eligibility import INTERNSHIP_MEASURES, Eligibility, Measure, ProgrammeRules, check
from bot.domain.errors import NotAllowed, NothingAwaited, TextExpected
from bot.domain.internship import (
    Claim,
    ClaimDraft,
    ClaimKind,
    InvalidDates,
    PhotoExpected,
    ReceiptExpected,
    TooLateForMeal,
    parse_amount_cents,
)
from bot.domain.meals import NoCaterer, NotEligible
from bot.domain.models import Model, Pupil, Role
from bot.domain.questions import ClaimAnswer
from bot.domain.reminders import ClaimPayload, Planned, ReminderKind
from bot.services.internship.claims import claim_ref
from bot.services.meals.deliveries import DeliveryService
from bot.services.questions import Questions
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork

DAYS_SHOWN = 14
MAX_CLAIM_DAYS = 31
MEASURE_OF = {
    ClaimKind.TRANSPORT: Measure.INTERNSHIP_TRANSPORT,
    ClaimKind.ACCOMMODATION: Measure.INTERNSHIP_ACCOMMODATION,
}


class InternshipView(Model):
    pupil: Pupil
    entitlements: tuple[Eligibility, ...]
    days: tuple[date, ...]
    confirmed: tuple[date, ...]
    claims: tuple[Claim, ...]
    allowance_days: int = 0  # allowance days up to today not paid yet
    allowance_cents: int = 0

    def entitled(self, measure: Measure) -> bool:
        return any(e.measure == measure and e.eligible for e in self.entitlements)

    @property
    def meals_as(self) -> str | None:
        """How internship meals are provided now: caterer, allowance, or None."""
        found = next((e for e in self.entitlements if e.measure == Measure.INTERNSHIP_MEALS), None)
        if found is None or not found.eligible or found.period is None:
            return None
        return found.period.provided_as


class InternshipService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        config: MealsConfig,
        rules: ProgrammeRules,
        questions: Questions,
        reminders: ReminderService,
        deliveries: DeliveryService,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.rules = rules
        self.questions = questions
        self.reminders = reminders
        self.deliveries = deliveries

    def today(self) -> date:
        return riga_day(self.clock.now())

    async def _entitlements(
        self, tx: Tx, ref: PupilRef, on: date
    ) -> tuple[Pupil, list[Eligibility]]:
        pupil = await tx.people.pupil(ref.id)
        school = await tx.people.school(ref.school_id)
        if pupil is None or school is None:
            raise NotAllowed()
        plans = await tx.people.plans_of_pupil(pupil.id)
        return pupil, [check(pupil, school, plans, self.rules, on, m) for m in INTERNSHIP_MEASURES]

    async def _view(self, tx: Tx, ref: PupilRef) -> InternshipView:
        today = self.today()
        days = tuple(today + timedelta(days=i) for i in range(DAYS_SHOWN))
        pupil, entitlements = await self._entitlements(tx, ref, today)
        allowance_days, allowance_cents = await tx.internship.allowance_due(pupil.id, today)
        return InternshipView(
            pupil=pupil,
            entitlements=tuple(entitlements),
            days=tuple(d for d in days if d.isoweekday() <= 5),
            confirmed=tuple(await tx.internship.internship_days(pupil.id, days[0], days[-1])),
            claims=tuple(await tx.internship.claims_of_pupil(pupil.id)),
            allowance_days=allowance_days,
            allowance_cents=allowance_cents,
        )

    async def overview(self, actor: Actor) -> InternshipView:
        ref = actor.require_student()
        async with self.uow.read() as tx:
            return await self._view(tx, ref)

    async def family_overview(self, actor: Actor) -> list[InternshipView]:
        """A parent's children's internship screens and claims (read only, audited)."""
        actor.require_role(Role.GUARDIAN)
        async with self.uow.write() as tx:
            views = [await self._view(tx, child) for child in actor.children]
            await tx.audit.add_reads(
                self.clock.now(),
                actor.telegram_id,
                "read_internship",
                [c.id for c in actor.children],
            )
        return views

    async def toggle_day(self, actor: Actor, day: date) -> InternshipView:
        """Confirm (or take back) one internship day for internship meals."""
        ref = actor.require_student()
        today = self.today()
        if not today <= day < today + timedelta(days=DAYS_SHOWN):
            raise NotAllowed()
        async with self.uow.write() as tx:
            pupil = await tx.people.pupil(ref.id)
            school = await tx.people.school(ref.school_id)
            if pupil is None or school is None:
                raise NotAllowed()
            plans = await tx.people.plans_of_pupil(pupil.id)
            answer = check(pupil, school, plans, self.rules, day, Measure.INTERNSHIP_MEALS)
            if not answer.eligible or answer.period is None:
                raise NotEligible(reasons=answer.reasons)
            period = answer.period
            if period.provided_as == "caterer":
                caterer = await tx.meals.caterer_of_school(school.id)
                if caterer is None:
                    raise NoCaterer()
                if self.deliveries.cutoff_at(caterer, day) <= self.clock.now():
                    raise TooLateForMeal(day=day)
                on = await tx.internship.toggle_internship_day(pupil.id, day, self.clock.now())
                if on:
                    await self.deliveries.plan_list(tx, caterer, day)
            else:
                await tx.internship.toggle_internship_day(
                    pupil.id, day, self.clock.now(), "allowance", period.allowance_cents_per_day
                )
            return await self._view(tx, ref)

    # --- claims ---------------------------------------------------------------------------

    async def begin_claim(self, actor: Actor, kind: ClaimKind = ClaimKind.TRANSPORT) -> ClaimDraft:
        ref = actor.require_student()
        async with self.uow.write() as tx:
            entitlement = await self._entitlement(tx, ref, self.today(), kind)
            if not entitlement.eligible:
                raise NotEligible(reasons=entitlement.reasons)
            draft = ClaimDraft(step="dates", kind=kind)
            await self.questions.ask_in(tx, actor, ClaimAnswer(draft=draft))
            return draft

    async def _entitlement(self, tx: Tx, ref: PupilRef, on: date, kind: ClaimKind) -> Eligibility:
        _, entitlements = await self._entitlements(tx, ref, on)
        return next(e for e in entitlements if e.measure == MEASURE_OF[kind])

    async def take_claim_input(
        self, actor: Actor, text: str | None, photo: str | None
    ) -> ClaimDraft:
        """One answer of the claim: the dates, the amount, then the ticket's or receipt's photo."""
        ref = actor.require_student()
        async with self.uow.write() as tx:
            question = await self.questions.current(tx, actor, ClaimAnswer)
            if question is None:
                raise NothingAwaited()
            draft = question.draft
            if draft.step == "photo":
                if photo is None:
                    raise (
                        ReceiptExpected()
                        if draft.kind == ClaimKind.ACCOMMODATION
                        else PhotoExpected()
                    )
                return await self._submit(tx, actor, ref, draft, photo)
            if text is None:
                raise TextExpected()
            if draft.step == "dates":
                first, last = await self._claim_dates(tx, ref, text, draft.kind)
                draft = draft.model_copy(
                    update={"first_day": first, "last_day": last, "step": "amount"}
                )
            else:
                cents = parse_amount_cents(text, self.config.max_claim_euros * 100)
                draft = draft.model_copy(update={"amount_cents": cents, "step": "photo"})
            await self.questions.ask_in(tx, actor, ClaimAnswer(draft=draft))
            return draft

    async def _claim_dates(
        self, tx: Tx, ref: PupilRef, text: str, kind: ClaimKind
    ) -> tuple[date, date]:
        today = self.today()
        parts = [p for p in text.replace("–", "-").replace("—", "-").split("-") if p.strip()]
        if len(text) > 40 or not 1 <= len(parts) <= 2:
            raise InvalidDates()
        first = parse_day(parts[0], today, Towards.PAST)
        last = parse_day(parts[-1], today, Towards.PAST)
        if first is None or last is None:
            raise InvalidDates()
        entitlement = await self._entitlement(tx, ref, first, kind)
        plan = entitlement.plan
        if (
            first > last
            or last > today
            or (last - first).days >= MAX_CLAIM_DAYS
            or not entitlement.eligible
            or plan is None
            or first < plan.starts_on
            or last > plan.ends_on
        ):
            raise InvalidDates()
        return first, last

    async def _submit(
        self, tx: Tx, actor: Actor, ref: PupilRef, draft: ClaimDraft, photo: str
    ) -> ClaimDraft:
        assert draft.first_day and draft.last_day and draft.amount_cents  # noqa: S101
        now = self.clock.now()
        claim_id = await tx.internship.add_claim(
            kind=draft.kind,
            pupil_id=ref.id,
            school_id=ref.school_id,
            first_day=draft.first_day,
            last_day=draft.last_day,
            amount_cents=draft.amount_cents,
            ticket_file_id=photo[:200],
            submitted_by=actor.telegram_id,
            now=now,
        )
        await self.questions.end_in(tx, actor)
        # The school's coordinators are told at once (not a silent list any more).
        coordinators = await tx.people.coordinator_accounts(ref.school_id)
        await self.reminders.plan(
            tx,
            [
                Planned(
                    chat_id=chat,
                    role=Role.COORDINATOR,
                    kind=ReminderKind.CLAIM_SUBMITTED,
                    ref=claim_ref(claim_id),
                    due_at=now,
                    payload=ClaimPayload(claim_id=claim_id),
                )
                for chat in dict.fromkeys(coordinators)
            ],
        )
        claim = await tx.internship.get_claim(claim_id)
        return draft.model_copy(update={"step": "done", "claim": claim})
