"""Meals delivered home, for families: eligibility with reasons, and the parent's confirmation.

A parent confirms address, phone, days, a dietary note and consent, one typed answer or
button at a time; the draft is the account's open question (:class:`MealAnswer`). The
pupil sees whether they may get meals and what is confirmed; the consent is the parent's.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.actor import Actor, PupilRef
from bot.domain.eligibility import Eligibility, ProgrammeRules, check
from bot.domain.errors import NotAllowed, NothingAwaited, TextExpected
from bot.domain.meals import (
    WEEKDAYS,
    Caterer,
    MealDraft,
    MealSubscription,
    NoCaterer,
    NoDaysChosen,
    NotEligible,
    NotSubscribed,
    SubscriptionState,
    clean_address,
    clean_note,
    normalize_phone,
)
from bot.domain.models import Model, Pupil, Role, School
from bot.domain.questions import MealAnswer
from bot.services.meals.deliveries import DeliveryService
from bot.services.questions import Questions
from storage.uow import Tx, UnitOfWork

# The steps of the confirmation, in order; typed steps take text, the others buttons.
STEPS = ("address", "phone", "days", "note", "consent")
TYPED_STEPS = {"address", "phone", "note"}


class ChildMeals(Model):
    """One child as the family sees it: may they get meals at home, and what is confirmed."""

    pupil: Pupil
    school: School
    eligibility: Eligibility
    subscription: MealSubscription | None
    caterer: Caterer | None
    may_confirm: bool  # only a parent confirms, changes, pauses or stops


class DraftView(Model):
    pupil: Pupil
    draft: MealDraft
    caterer_days: str


class MealsService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        rules: ProgrammeRules,
        deliveries: DeliveryService,
        questions: Questions,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.rules = rules
        self.deliveries = deliveries
        self.questions = questions

    async def _child(self, tx: Tx, actor: Actor, ref: PupilRef) -> ChildMeals:
        pupil = await tx.people.pupil(ref.id)
        school = await tx.people.school(ref.school_id)
        if pupil is None or school is None:
            raise NotAllowed()
        plans = await tx.people.plans_of_pupil(pupil.id)
        answer = check(pupil, school, plans, self.rules, self.deliveries.today())
        if not actor.is_own(pupil.id):
            await tx.audit.add_reads(self.clock.now(), actor.telegram_id, "read_meals", [pupil.id])
        return ChildMeals(
            pupil=pupil,
            school=school,
            eligibility=answer,
            subscription=await tx.meals.get_subscription(pupil.id),
            caterer=await tx.meals.caterer_of_school(school.id),
            may_confirm=any(child.id == pupil.id for child in actor.children),
        )

    async def overview(self, actor: Actor) -> list[ChildMeals]:
        """Every child of the family with the eligibility answer and what is confirmed."""
        pupils = actor.require_family()
        async with self.uow.write() as tx:
            return [await self._child(tx, actor, pupil) for pupil in pupils]

    async def child(self, actor: Actor, pupil_id: int) -> ChildMeals:
        pupil = actor.require_pupil(pupil_id)
        async with self.uow.write() as tx:
            return await self._child(tx, actor, pupil)

    # --- the confirmation (a parent's) --------------------------------------------------

    async def begin(self, actor: Actor, pupil_id: int) -> DraftView:
        """Start (or redo, to change) the confirmation for an eligible child."""
        ref = actor.require_guardian_of(pupil_id)
        async with self.uow.write() as tx:
            child = await self._child(tx, actor, ref)
            if not child.eligibility.eligible:
                raise NotEligible(reasons=child.eligibility.reasons)
            if child.caterer is None:
                raise NoCaterer()
            # A confirmation whose parent erased their account holds nothing to offer again.
            old = (
                child.subscription if child.subscription and child.subscription.created_by else None
            )
            draft = MealDraft(
                pupil_id=ref.id,
                step="address",
                address=old.address if old else "",
                phone=old.phone if old else "",
                days=old.days if old else child.caterer.delivery_days,
                dietary_note=old.dietary_note if old else "",
            )
            await self.questions.ask_in(tx, actor, MealAnswer(draft=draft))
            return DraftView(
                pupil=child.pupil, draft=draft, caterer_days=child.caterer.delivery_days
            )

    async def _draft(
        self, tx: Tx, actor: Actor, pupil_id: int | None, step: str | None
    ) -> tuple[MealDraft, Pupil, Caterer]:
        """The draft being entered; a button for another child or step is stale or forged."""
        actor.require_role(Role.GUARDIAN)
        question = await self.questions.current(tx, actor, MealAnswer)
        if question is None:
            raise NothingAwaited()
        draft = question.draft
        if (pupil_id is not None and draft.pupil_id != pupil_id) or (
            step is not None and draft.step != step
        ):
            raise NotAllowed()
        ref = actor.require_guardian_of(draft.pupil_id)
        pupil = await tx.people.pupil(ref.id)
        caterer = await tx.meals.caterer_of_school(ref.school_id)
        if pupil is None:
            raise NotAllowed()
        if caterer is None:
            raise NoCaterer()
        return draft, pupil, caterer

    async def _save(self, tx: Tx, actor: Actor, draft: MealDraft) -> None:
        await self.questions.ask_in(tx, actor, MealAnswer(draft=draft))

    async def take_text(self, actor: Actor, text: str | None) -> DraftView:
        """A typed answer for the current step; nothing is kept if it is not valid."""
        async with self.uow.write() as tx:
            draft, pupil, caterer = await self._draft(tx, actor, None, None)
            if draft.step not in TYPED_STEPS or text is None:
                raise TextExpected()
            if draft.step == "address":
                draft = draft.model_copy(update={"address": clean_address(text), "step": "phone"})
            elif draft.step == "phone":
                draft = draft.model_copy(update={"phone": normalize_phone(text), "step": "days"})
            else:
                note = clean_note(text)
                draft = draft.model_copy(update={"dietary_note": note, "step": "consent"})
            await self._save(tx, actor, draft)
            return DraftView(pupil=pupil, draft=draft, caterer_days=caterer.delivery_days)

    async def toggle_day(self, actor: Actor, pupil_id: int, weekday: str) -> DraftView:
        async with self.uow.write() as tx:
            draft, pupil, caterer = await self._draft(tx, actor, pupil_id, "days")
            if weekday not in WEEKDAYS or weekday not in caterer.delivery_days:
                raise NotAllowed()
            days = set(draft.days) ^ {weekday}
            draft = draft.model_copy(update={"days": "".join(sorted(days))})
            await self._save(tx, actor, draft)
            return DraftView(pupil=pupil, draft=draft, caterer_days=caterer.delivery_days)

    async def advance(self, actor: Actor, pupil_id: int, step: str) -> DraftView:
        """Leave a step by button: keep the old address or phone, days chosen, no note."""
        async with self.uow.write() as tx:
            draft, pupil, caterer = await self._draft(tx, actor, pupil_id, step)
            if step in ("address", "phone") and getattr(draft, step):
                # The change flow: keep what was confirmed before.
                draft = draft.model_copy(update={"step": STEPS[STEPS.index(step) + 1]})
            elif step == "days":
                days = "".join(d for d in draft.days if d in caterer.delivery_days)
                if not days:
                    raise NoDaysChosen()
                draft = draft.model_copy(update={"days": days, "step": "note"})
            elif step == "note":
                draft = draft.model_copy(update={"dietary_note": "", "step": "consent"})
            else:
                raise NotAllowed()
            await self._save(tx, actor, draft)
            return DraftView(pupil=pupil, draft=draft, caterer_days=caterer.delivery_days)

    async def consent(self, actor: Actor, pupil_id: int) -> ChildMeals:
        """Consent given: store the confirmation and plan the deliveries."""
        async with self.uow.write() as tx:
            draft, pupil, _ = await self._draft(tx, actor, pupil_id, "consent")
            child = await self._child(tx, actor, actor.require_guardian_of(pupil.id))
            if not child.eligibility.eligible:
                raise NotEligible(reasons=child.eligibility.reasons)
            if child.subscription is not None:
                await self.deliveries.unplan(tx, child.subscription)
            sub = await tx.meals.save_subscription(
                pupil_id=pupil.id,
                address=draft.address,
                phone=draft.phone,
                days=draft.days,
                dietary_note=draft.dietary_note,
                created_by=actor.telegram_id,
                now=self.clock.now(),
            )
            await self.questions.end_in(tx, actor)
            await self.deliveries.plan(tx, sub)
            return child.model_copy(update={"subscription": sub})

    async def cancel_draft(self, actor: Actor) -> None:
        await self.questions.end(actor)

    # --- pause, resume, stop (a parent's) -------------------------------------------------

    async def set_state(self, actor: Actor, pupil_id: int, state: SubscriptionState) -> ChildMeals:
        ref = actor.require_guardian_of(pupil_id)
        async with self.uow.write() as tx:
            sub = await tx.meals.get_subscription(ref.id)
            if sub is None or sub.state == SubscriptionState.STOPPED:
                raise NotSubscribed()
            await tx.meals.set_subscription_state(ref.id, state, self.clock.now())
            if state == SubscriptionState.ACTIVE:
                child = await self._child(tx, actor, ref)
                if not child.eligibility.eligible:
                    raise NotEligible(reasons=child.eligibility.reasons)
                await self.deliveries.plan(tx, sub.model_copy(update={"state": state}))
            else:
                await self.deliveries.unplan(tx, sub)
            return await self._child(tx, actor, ref)
