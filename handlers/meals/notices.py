"""The meals' reminders, in the recipient's words."""

from __future__ import annotations

from bot.domain.meals import CatererList, MealNotReceived, MealReceiptQuestion, MealTomorrow
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.meals import routes
from handlers.meals.caterer import caterer_list_text
from handlers.sender import Renderers
from handlers.ui import Reply


def meal_tomorrow(fact: MealTomorrow, to: Recipient, t: Texts) -> Reply:
    delivery = fact.delivery
    text = t(
        "🍲 Tomorrow, {day}, a meal for {name} will be delivered to {address}.",
        day=t.date(delivery.day),
        name=delivery.pupil_name,
        address=delivery.address,
    )
    return Reply(
        text=text, rows=(((t("⚙️ Change or pause"), routes.CHILD.data(delivery.pupil_id)),),)
    )


def receipt_question(fact: MealReceiptQuestion, to: Recipient, t: Texts) -> Reply:
    delivery = fact.delivery
    text = t(
        "Did {name} get the meal today ({day})?",
        name=delivery.pupil_name,
        day=t.short_date(delivery.day),
    )
    rows = (
        ((t("✅ Yes, received"), routes.RECEIVED.data(delivery.id)),),
        ((t("❌ Not received"), routes.NOT_RECEIVED.data(delivery.id)),),
    )
    return Reply(text=text, rows=rows)


def caterer_list(fact: CatererList, to: Recipient, t: Texts) -> Reply:
    rows = (
        ((t("⬇️ CSV"), routes.CATERER_CSV.data(fact.caterer_id, fact.day)),),
        ((t("🚚 Open the list"), routes.CATERER_DAY.data(fact.day)),),
    )
    text = caterer_list_text(t, fact.day, fact.deliveries, fact.internship_meals)
    return Reply(text=text, rows=rows)


def not_received(fact: MealNotReceived, to: Recipient, t: Texts) -> Reply:
    delivery = fact.delivery
    text = t(
        "⚠️ The family of {name} (school {school}) reports that the meal of {day} was "
        "not received. Caterer: {caterer}. Address: {address}. Phone: {phone}.",
        name=delivery.pupil_name,
        school=delivery.school_id,
        day=t.short_date(delivery.day),
        caterer=fact.caterer_name or "-",
        address=delivery.address,
        phone=delivery.phone,
    )
    return Reply(text=text)


def register(renderers: Renderers) -> None:
    renderers.register(MealTomorrow, meal_tomorrow)
    renderers.register(MealReceiptQuestion, receipt_question)
    renderers.register(CatererList, caterer_list)
    renderers.register(MealNotReceived, not_received)
