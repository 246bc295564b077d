"""What the meals' reminders are about at send time, or None if nothing any more."""

from __future__ import annotations

from bot.domain.meals import (
    CatererList,
    Delivery,
    MealNotReceived,
    MealReceiptQuestion,
    MealTomorrow,
    SubscriptionState,
)
from bot.domain.reminders import (
    CatererListPayload,
    DeliveryPayload,
    Fact,
    Reminder,
    ReminderKind,
)
from bot.services.reminders.planner import ReminderService
from storage.uow import UnitOfWork


class MealFacts:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def register(self, reminders: ReminderService) -> None:
        reminders.register(ReminderKind.MEAL_TOMORROW, self.meal_tomorrow)
        reminders.register(ReminderKind.MEAL_CONFIRM, self.meal_confirm)
        reminders.register(ReminderKind.CATERER_LIST, self.caterer_list)
        reminders.register(ReminderKind.MEAL_NOT_RECEIVED, self.meal_not_received)

    async def _delivery(self, reminder: Reminder) -> Delivery | None:
        if not isinstance(reminder.payload, DeliveryPayload):
            return None
        async with self.uow.read() as tx:
            return await tx.meals.get_delivery(reminder.payload.delivery_id)

    async def meal_tomorrow(self, reminder: Reminder) -> Fact | None:
        delivery = await self._delivery(reminder)
        if delivery is None:
            return None
        async with self.uow.read() as tx:
            sub = await tx.meals.get_subscription(delivery.pupil_id)
        if sub is None or sub.state != SubscriptionState.ACTIVE:
            return None
        return MealTomorrow(delivery=delivery)

    async def meal_confirm(self, reminder: Reminder) -> Fact | None:
        delivery = await self._delivery(reminder)
        if delivery is None or delivery.receipt is not None:
            return None
        return MealReceiptQuestion(delivery=delivery)

    async def caterer_list(self, reminder: Reminder) -> Fact | None:
        payload = reminder.payload
        if not isinstance(payload, CatererListPayload):
            return None
        async with self.uow.read() as tx:
            deliveries = await tx.meals.deliveries_of_caterer(payload.caterer_id, payload.day)
            internship = await tx.internship.meals_of_caterer(payload.caterer_id, payload.day)
        if not deliveries and not internship:
            return None
        return CatererList(
            caterer_id=payload.caterer_id,
            day=payload.day,
            deliveries=tuple(deliveries),
            internship_meals=tuple(internship),
        )

    async def meal_not_received(self, reminder: Reminder) -> Fact | None:
        delivery = await self._delivery(reminder)
        if delivery is None:
            return None
        async with self.uow.read() as tx:
            caterer = await tx.meals.get_caterer(delivery.caterer_id)
        return MealNotReceived(
            delivery=delivery, caterer_name=caterer.display_name if caterer else ""
        )
