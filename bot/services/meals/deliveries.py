"""Deliveries: planned ahead, listed to caterers at cut-off, confirmed by both ends.

A delivery of day D is fixed at the caterer's cut-off on D-1: until then a family's
change, pause or stop removes it; after it the caterer has cooked and it stays.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.config import MealsConfig
from bot.domain.actor import Actor
from bot.domain.dates import RIGA, riga_day
from bot.domain.eligibility import ProgrammeRules, check
from bot.domain.errors import NotAllowed
from bot.domain.internship import InternshipMeal
from bot.domain.meals import (
    AlreadyMarked,
    Caterer,
    Delivery,
    DeliveryState,
    FailReason,
    MealSubscription,
    Receipt,
    TooEarly,
)
from bot.domain.models import Model, Role
from bot.domain.reminders import CatererListPayload, DeliveryPayload, Planned, ReminderKind
from bot.services.reminders.planner import ReminderService
from storage.uow import Tx, UnitOfWork


class CatererDay(Model):
    caterer: Caterer
    day: date
    deliveries: tuple[Delivery, ...]
    internship_meals: tuple[InternshipMeal, ...] = ()


def delivery_ref(delivery_id: int) -> str:
    return f"meals:delivery:{delivery_id}"


def list_ref(caterer_id: int, day: date) -> str:
    return f"meals:list:{caterer_id}:{day.isoformat()}"


def _clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class DeliveryService:
    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        config: MealsConfig,
        reminders: ReminderService,
        rules: ProgrammeRules,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.reminders = reminders
        self.rules = rules

    def at(self, day: date, clock_time: str) -> datetime:
        """A Riga wall-clock time on ``day`` as an aware datetime."""
        return datetime.combine(day, _clock_time(clock_time), tzinfo=RIGA)

    def today(self) -> date:
        return riga_day(self.clock.now())

    def cutoff_at(self, caterer: Caterer, day: date) -> datetime:
        return self.at(day - timedelta(days=1), caterer.cutoff_time)

    # --- planning ----------------------------------------------------------------------

    async def plan(self, tx: Tx, sub: MealSubscription) -> int:
        """Plan the open days of the window for one active subscription; how many were new."""
        now = self.clock.now()
        pupil = await tx.people.pupil(sub.pupil_id)
        school = await tx.people.school(pupil.school_id) if pupil else None
        caterer = await tx.meals.caterer_of_school(pupil.school_id) if pupil else None
        if pupil is None or school is None or caterer is None:
            return 0
        plans = await tx.people.plans_of_pupil(pupil.id)
        # The family member who confirmed is told; a pupil gets a pupil's quiet hours.
        writer = await tx.accounts.actor(sub.created_by)
        role = writer.role if writer and writer.role else Role.GUARDIAN
        caterer_chats = await tx.accounts.of_person(Role.CATERER, caterer.id)
        items: list[Planned] = []
        added = 0
        for offset in range(self.config.plan_days_ahead + 1):
            day = self.today() + timedelta(days=offset)
            weekday = str(day.isoweekday())
            if weekday not in sub.days or weekday not in caterer.delivery_days:
                continue
            cutoff = self.cutoff_at(caterer, day)
            if cutoff <= now or not check(pupil, school, plans, self.rules, day).eligible:
                continue
            items += self._list_items(caterer, caterer_chats, day, cutoff)
            delivery_id = await tx.meals.add_delivery(sub.id, caterer.id, school.id, day)
            if delivery_id is None:
                continue
            added += 1
            ref = delivery_ref(delivery_id)
            payload = DeliveryPayload(delivery_id=delivery_id)
            notice = self.at(day - timedelta(days=1), self.config.notice_time)
            question = self.at(day, self.config.receipt_question_time)
            items.append(
                Planned(
                    chat_id=sub.created_by,
                    role=role,
                    kind=ReminderKind.MEAL_TOMORROW,
                    ref=ref,
                    due_at=max(notice, cutoff),
                    not_after=self.at(day, caterer.delivery_time),
                    payload=payload,
                )
            )
            items.append(
                Planned(
                    chat_id=sub.created_by,
                    role=role,
                    kind=ReminderKind.MEAL_CONFIRM,
                    ref=ref,
                    due_at=question,
                    not_after=question + timedelta(days=2),
                    payload=payload,
                )
            )
        await self.reminders.plan(tx, items)
        return added

    def _list_items(
        self, caterer: Caterer, chats: list[int], day: date, due: datetime
    ) -> list[Planned]:
        """The day's list to each of the caterer's staff, at cut-off."""
        return [
            Planned(
                chat_id=chat_id,
                role=Role.CATERER,
                kind=ReminderKind.CATERER_LIST,
                ref=list_ref(caterer.id, day),
                due_at=due,
                not_after=self.at(day, caterer.delivery_time),
                payload=CatererListPayload(caterer_id=caterer.id, day=day),
            )
            for chat_id in chats
        ]

    async def plan_list(self, tx: Tx, caterer: Caterer, day: date) -> None:
        """The caterer's list of ``day`` at its cut-off (a student's internship meal day)."""
        chats = await tx.accounts.of_person(Role.CATERER, caterer.id)
        items = self._list_items(caterer, chats, day, self.cutoff_at(caterer, day))
        await self.reminders.plan(tx, items)

    async def unplan(self, tx: Tx, sub: MealSubscription) -> int:
        """Remove the deliveries whose cut-off has not passed (a change, pause or stop)."""
        now = self.clock.now()
        caterer = None
        removed = 0
        for delivery in await tx.meals.deliveries_of_subscription(sub.id, self.today()):
            caterer = caterer or await tx.meals.get_caterer(delivery.caterer_id)
            if caterer is None or delivery.state != DeliveryState.PLANNED:
                continue
            if self.cutoff_at(caterer, delivery.day) > now:
                await tx.meals.delete_delivery(delivery.id)
                await self.reminders.cancel(tx, delivery_ref(delivery.id))
                removed += 1
        return removed

    async def plan_ahead(self) -> int:
        """The daily job: keep every active subscription planned for the window."""
        async with self.uow.write() as tx:
            return sum([await self.plan(tx, sub) for sub in await tx.meals.active_subscriptions()])

    # --- caterers ----------------------------------------------------------------------

    async def caterer_day(self, actor: Actor, day: date | None = None) -> CatererDay:
        """The caterer's deliveries of ``day`` (today by default), audited per pupil."""
        caterer_id = actor.require_caterer()
        day = day or self.today()
        async with self.uow.write() as tx:
            caterer = await tx.meals.get_caterer(caterer_id)
            if caterer is None:
                raise NotAllowed()
            deliveries = await tx.meals.deliveries_of_caterer(caterer.id, day)
            internship = await tx.internship.meals_of_caterer(caterer.id, day)
            await tx.audit.add_reads(
                self.clock.now(),
                actor.telegram_id,
                "read_meal_delivery",
                [d.pupil_id for d in deliveries] + [m.pupil_id for m in internship],
            )
        return CatererDay(
            caterer=caterer,
            day=day,
            deliveries=tuple(deliveries),
            internship_meals=tuple(internship),
        )

    async def mark(self, actor: Actor, delivery_id: int, reason: FailReason | None) -> Delivery:
        """The caterer marks a delivery delivered (no reason) or failed (with a reason)."""
        caterer_id = actor.require_caterer()
        now = self.clock.now()
        async with self.uow.write() as tx:
            delivery = await tx.meals.get_delivery(delivery_id)
            if delivery is None or delivery.caterer_id != caterer_id:
                raise NotAllowed()
            if delivery.day > self.today():
                raise TooEarly()
            state = DeliveryState.DELIVERED if reason is None else DeliveryState.FAILED
            reason_text = reason.value if reason else ""
            if not await tx.meals.mark_delivery(
                delivery_id, state, reason_text, actor.telegram_id, now
            ):
                raise AlreadyMarked()
            found = await tx.meals.get_delivery(delivery_id)
        assert found is not None  # noqa: S101
        return found

    # --- families ----------------------------------------------------------------------

    async def confirm_receipt(self, actor: Actor, delivery_id: int, received: bool) -> Delivery:
        """The family says the meal came, or did not (which alerts the school coordinators)."""
        actor.require_family()
        now = self.clock.now()
        async with self.uow.write() as tx:
            delivery = await tx.meals.get_delivery(delivery_id)
            if delivery is None:
                raise NotAllowed()
            actor.require_pupil(delivery.pupil_id)
            if delivery.day > self.today():
                raise TooEarly()
            receipt = Receipt.RECEIVED if received else Receipt.NOT_RECEIVED
            if not await tx.meals.set_receipt(delivery_id, receipt, now):
                raise AlreadyMarked()
            ref = delivery_ref(delivery_id)
            await self.reminders.cancel(tx, ref, (ReminderKind.MEAL_CONFIRM,))
            if not received:
                coordinators = await tx.people.coordinator_accounts(delivery.school_id)
                await self.reminders.plan(
                    tx,
                    [
                        Planned(
                            chat_id=chat_id,
                            role=Role.COORDINATOR,
                            kind=ReminderKind.MEAL_NOT_RECEIVED,
                            ref=ref,
                            due_at=now,
                            payload=DeliveryPayload(delivery_id=delivery_id),
                        )
                        for chat_id in coordinators
                    ],
                )
            found = await tx.meals.get_delivery(delivery_id)
        assert found is not None  # noqa: S101
        return found
