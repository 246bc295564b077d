"""Meals delivered home: eligibility with reasons, and the family's confirmation.

A family (a guardian, or the pupil) confirms address, phone, days, a dietary note and
consent, one typed answer or button at a time; the draft lives in the awaited-input row.
"""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.domain.eligibility import Eligibility, ProgrammeRules, check
from bot.domain.errors import NotAllowed, NotLinked
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
    TextExpected,
    clean_address,
    clean_note,
    normalize_phone,
)
from bot.domain.models import Model, Pupil, Role, School
from bot.services.awaiting import FeatureAnswers
from bot.services.meal_deliveries import DeliveryService
from storage import Database, people
from storage import accounts as accounts_repo
from storage import meals as repo
from storage.db import Connection

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


class DraftView(Model):
    pupil: Pupil
    draft: MealDraft
    caterer_days: str


class MealsService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        rules: ProgrammeRules,
        deliveries: DeliveryService,
        awaiting: FeatureAnswers,
    ) -> None:
        self.db = db
        self.clock = clock
        self.rules = rules
        self.deliveries = deliveries
        self.awaiting = awaiting

    # --- who may see which child --------------------------------------------------------

    async def _pupils_of(self, conn: Connection, telegram_id: int) -> list[Pupil]:
        account = await accounts_repo.get_account(conn, telegram_id)
        if account is None or not account.is_linked:
            raise NotLinked()
        if account.role == Role.PUPIL:
            pupil = await people.get_pupil(conn, account.links[0].person_id)
            return [pupil] if pupil else []
        if account.role == Role.GUARDIAN:
            return await people.children_of(conn, [p.person_id for p in account.links])
        raise NotAllowed()

    async def _own_pupil(self, conn: Connection, telegram_id: int, pupil_id: int) -> Pupil:
        for pupil in await self._pupils_of(conn, telegram_id):
            if pupil.id == pupil_id:
                return pupil
        raise NotAllowed()

    async def _child(self, conn: Connection, telegram_id: int, pupil: Pupil) -> ChildMeals:
        school = await people.get_school(conn, pupil.school_id)
        assert school is not None  # noqa: S101 - a pupil's school exists (foreign key)
        plans = await people.plans_of_pupil(conn, pupil.id)
        answer = check(pupil, school, plans, self.rules, self.deliveries.today())
        account = await accounts_repo.get_account(conn, telegram_id)
        if account is not None and account.role != Role.PUPIL:
            await accounts_repo.audit(
                conn, self.clock.now(), telegram_id, "read_meals", f"pupil:{pupil.id}"
            )
        return ChildMeals(
            pupil=pupil,
            school=school,
            eligibility=answer,
            subscription=await repo.get_subscription(conn, pupil.id),
            caterer=await repo.caterer_of_school(conn, school.id),
        )

    async def overview(self, telegram_id: int) -> list[ChildMeals]:
        """Every child of the family with the eligibility answer and what is confirmed."""
        async with self.db.write() as conn:
            return [
                await self._child(conn, telegram_id, pupil)
                for pupil in await self._pupils_of(conn, telegram_id)
            ]

    async def child(self, telegram_id: int, pupil_id: int) -> ChildMeals:
        async with self.db.write() as conn:
            pupil = await self._own_pupil(conn, telegram_id, pupil_id)
            return await self._child(conn, telegram_id, pupil)

    # --- the confirmation ---------------------------------------------------------------

    async def begin(self, telegram_id: int, pupil_id: int) -> DraftView:
        """Start (or redo, to change) the confirmation for an eligible child."""
        async with self.db.write() as conn:
            pupil = await self._own_pupil(conn, telegram_id, pupil_id)
            child = await self._child(conn, telegram_id, pupil)
            if not child.eligibility.eligible:
                raise NotEligible(child.eligibility.reasons)
            if child.caterer is None:
                raise NoCaterer()
            old = child.subscription
            draft = MealDraft(
                pupil_id=pupil.id,
                step="address",
                address=old.address if old else "",
                phone=old.phone if old else "",
                days=old.days if old else child.caterer.delivery_days,
                dietary_note=old.dietary_note if old else "",
            )
            await self._save_draft(conn, telegram_id, draft)
            return DraftView(pupil=pupil, draft=draft, caterer_days=child.caterer.delivery_days)

    async def _save_draft(self, conn: Connection, telegram_id: int, draft: MealDraft) -> None:
        await self.awaiting.begin(conn, telegram_id, {"kind": "meal", **draft.model_dump()})

    async def _draft(
        self, conn: Connection, telegram_id: int, pupil_id: int | None, step: str | None
    ) -> tuple[MealDraft, Pupil, Caterer]:
        """The draft being entered; a button for another child or step is stale or forged."""
        value = await self.awaiting.current(conn, telegram_id)
        if value is None or value.get("kind") != "meal":
            raise NotAllowed()
        draft = MealDraft.model_validate(
            {k: v for k, v in value.items() if k in MealDraft.model_fields}
        )
        if (pupil_id is not None and draft.pupil_id != pupil_id) or (
            step is not None and draft.step != step
        ):
            raise NotAllowed()
        pupil = await self._own_pupil(conn, telegram_id, draft.pupil_id)
        caterer = await repo.caterer_of_school(conn, pupil.school_id)
        if caterer is None:
            raise NoCaterer()
        return draft, pupil, caterer

    async def take_text(self, conn: Connection, telegram_id: int, text: str | None) -> DraftView:
        """A typed answer for the current step; nothing is kept if it is not valid."""
        draft, pupil, caterer = await self._draft(conn, telegram_id, None, None)
        if draft.step not in TYPED_STEPS or text is None:
            raise TextExpected()
        if draft.step == "address":
            draft = draft.model_copy(update={"address": clean_address(text), "step": "phone"})
        elif draft.step == "phone":
            draft = draft.model_copy(update={"phone": normalize_phone(text), "step": "days"})
        else:
            draft = draft.model_copy(update={"dietary_note": clean_note(text), "step": "consent"})
        await self._save_draft(conn, telegram_id, draft)
        return DraftView(pupil=pupil, draft=draft, caterer_days=caterer.delivery_days)

    async def toggle_day(self, telegram_id: int, pupil_id: int, weekday: str) -> DraftView:
        async with self.db.write() as conn:
            draft, pupil, caterer = await self._draft(conn, telegram_id, pupil_id, "days")
            if weekday not in WEEKDAYS or weekday not in caterer.delivery_days:
                raise NotAllowed()
            days = set(draft.days) ^ {weekday}
            draft = draft.model_copy(update={"days": "".join(sorted(days))})
            await self._save_draft(conn, telegram_id, draft)
            return DraftView(pupil=pupil, draft=draft, caterer_days=caterer.delivery_days)

    async def advance(self, telegram_id: int, pupil_id: int, step: str) -> DraftView:
        """Leave a step by button: keep the old address or phone, days chosen, no note."""
        async with self.db.write() as conn:
            draft, pupil, caterer = await self._draft(conn, telegram_id, pupil_id, step)
            if step in ("address", "phone") and getattr(draft, step):
                # The change flow: keep what was confirmed before.
                following = STEPS[STEPS.index(step) + 1]
                draft = draft.model_copy(update={"step": following})
            elif step == "days":
                days = "".join(d for d in draft.days if d in caterer.delivery_days)
                if not days:
                    raise NoDaysChosen()
                draft = draft.model_copy(update={"days": days, "step": "note"})
            elif step == "note":
                draft = draft.model_copy(update={"dietary_note": "", "step": "consent"})
            else:
                raise NotAllowed()
            await self._save_draft(conn, telegram_id, draft)
            return DraftView(pupil=pupil, draft=draft, caterer_days=caterer.delivery_days)

    async def consent(self, telegram_id: int, pupil_id: int) -> ChildMeals:
        """Consent given: store the confirmation and plan the deliveries."""
        async with self.db.write() as conn:
            draft, pupil, _ = await self._draft(conn, telegram_id, pupil_id, "consent")
            child = await self._child(conn, telegram_id, pupil)
            if not child.eligibility.eligible:
                raise NotEligible(child.eligibility.reasons)
            if child.subscription is not None:
                await self.deliveries.unplan(conn, child.subscription)
            sub = await repo.save_subscription(
                conn,
                pupil_id=pupil.id,
                address=draft.address,
                phone=draft.phone,
                days=draft.days,
                dietary_note=draft.dietary_note,
                created_by=telegram_id,
                now=self.clock.now(),
            )
            await self.awaiting.end(conn, telegram_id)
            await self.deliveries.plan(conn, sub)
            return child.model_copy(update={"subscription": sub})

    async def cancel_draft(self, telegram_id: int) -> None:
        async with self.db.write() as conn:
            await self.awaiting.end(conn, telegram_id)

    # --- pause, resume, stop ------------------------------------------------------------

    async def set_state(
        self, telegram_id: int, pupil_id: int, state: SubscriptionState
    ) -> ChildMeals:
        async with self.db.write() as conn:
            pupil = await self._own_pupil(conn, telegram_id, pupil_id)
            sub = await repo.get_subscription(conn, pupil.id)
            if sub is None or sub.state == SubscriptionState.STOPPED:
                raise NotSubscribed()
            await repo.set_subscription_state(conn, pupil.id, state, self.clock.now())
            if state == SubscriptionState.ACTIVE:
                child = await self._child(conn, telegram_id, pupil)
                if not child.eligibility.eligible:
                    raise NotEligible(child.eligibility.reasons)
                await self.deliveries.plan(conn, sub.model_copy(update={"state": state}))
            else:
                await self.deliveries.unplan(conn, sub)
            return await self._child(conn, telegram_id, pupil)

    # --- typed input of the whole feature -----------------------------------------------

    async def current_input(self, telegram_id: int) -> dict[str, Any] | None:
        async with self.db.write() as conn:
            return await self.awaiting.current(conn, telegram_id)

    async def receive_text(self, telegram_id: int, text: str | None) -> DraftView:
        async with self.db.write() as conn:
            return await self.take_text(conn, telegram_id, text)
