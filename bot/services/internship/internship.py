"""Vocational internship support, the student's side: entitlements, days, transport claims."""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import Clock
from bot.config import MealsConfig
from bot.domain.actor import Actor, PupilRef
from bot.domain.dates import Towards, parse_day, riga_day
from bot.domain.eligibility import INTERNSHIP_MEASURES, Eligibility, Measure, ProgrammeRules, check
from bot.domain.errors import NotAllowed, NothingAwaited, TextExpected
from bot.domain.internship import (
    ClaimDraft,
    InvalidDates,
    PhotoExpected,
    TransportClaim,
    parse_amount_cents,
)
from bot.domain.meals import NotEligible
from bot.domain.models import Model, Pupil
from bot.domain.questions import ClaimAnswer
from bot.services.questions import Questions
from storage.uow import Tx, UnitOfWork

DAYS_SHOWN = 14
MAX_CLAIM_DAYS = 31


class InternshipView(Model):
    pupil: Pupil
    entitlements: tuple[Eligibility, ...]
    days: tuple[date, ...]
    confirmed: tuple[date, ...]
    claims: tuple[TransportClaim, ...]

    def entitled(self, measure: Measure) -> bool:
        return any(e.measure == measure and e.eligible for e in self.entitlements)


class InternshipService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        config: MealsConfig,
        rules: ProgrammeRules,
        questions: Questions,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.rules = rules
        self.questions = questions

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

    async def overview(self, actor: Actor) -> InternshipView:
        ref = actor.require_student()
        today = self.today()
        days = tuple(today + timedelta(days=i) for i in range(DAYS_SHOWN))
        async with self.uow.read() as tx:
            pupil, entitlements = await self._entitlements(tx, ref, today)
            return InternshipView(
                pupil=pupil,
                entitlements=tuple(entitlements),
                days=tuple(d for d in days if d.isoweekday() <= 5),
                confirmed=tuple(await tx.internship.internship_days(pupil.id, days[0], days[-1])),
                claims=tuple(await tx.internship.claims_of_pupil(pupil.id)),
            )

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
            if not answer.eligible:
                raise NotEligible(reasons=answer.reasons)
            await tx.internship.toggle_internship_day(pupil.id, day, self.clock.now())
        return await self.overview(actor)

    # --- transport claims ---------------------------------------------------------------

    async def begin_claim(self, actor: Actor) -> ClaimDraft:
        ref = actor.require_student()
        async with self.uow.write() as tx:
            _, (transport, *_) = await self._entitlements(tx, ref, self.today())
            if not transport.eligible:
                raise NotEligible(reasons=transport.reasons)
            draft = ClaimDraft(step="dates")
            await self.questions.ask_in(tx, actor, ClaimAnswer(draft=draft))
            return draft

    async def take_claim_input(
        self, actor: Actor, text: str | None, photo: str | None
    ) -> ClaimDraft:
        """One answer of the claim: the dates, the amount, then the ticket's photo."""
        ref = actor.require_student()
        async with self.uow.write() as tx:
            question = await self.questions.current(tx, actor, ClaimAnswer)
            if question is None:
                raise NothingAwaited()
            draft = question.draft
            if draft.step == "photo":
                if photo is None:
                    raise PhotoExpected()
                return await self._submit(tx, actor, ref, draft, photo)
            if text is None:
                raise TextExpected()
            if draft.step == "dates":
                first, last = await self._claim_dates(tx, ref, text)
                draft = draft.model_copy(
                    update={"first_day": first, "last_day": last, "step": "amount"}
                )
            else:
                cents = parse_amount_cents(text, self.config.max_claim_euros * 100)
                draft = draft.model_copy(update={"amount_cents": cents, "step": "photo"})
            await self.questions.ask_in(tx, actor, ClaimAnswer(draft=draft))
            return draft

    async def _claim_dates(self, tx: Tx, ref: PupilRef, text: str) -> tuple[date, date]:
        today = self.today()
        parts = [p for p in text.replace("–", "-").replace("—", "-").split("-") if p.strip()]
        if len(text) > 40 or not 1 <= len(parts) <= 2:
            raise InvalidDates()
        first = parse_day(parts[0], today, Towards.PAST)
        last = parse_day(parts[-1], today, Towards.PAST)
        if first is None or last is None:
            raise InvalidDates()
        _, (transport, *_) = await self._entitlements(tx, ref, first)
        plan = transport.plan
        if (
            first > last
            or last > today
            or (last - first).days >= MAX_CLAIM_DAYS
            or not transport.eligible
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
        claim_id = await tx.internship.add_claim(
            pupil_id=ref.id,
            school_id=ref.school_id,
            first_day=draft.first_day,
            last_day=draft.last_day,
            amount_cents=draft.amount_cents,
            ticket_file_id=photo[:200],
            submitted_by=actor.telegram_id,
            now=self.clock.now(),
        )
        await self.questions.end_in(tx, actor)
        claim = await tx.internship.get_claim(claim_id)
        return draft.model_copy(update={"step": "done", "claim": claim})
