"""The meals feature's reminders, put in words in the recipient's language at send time."""

from __future__ import annotations

from datetime import date

from bot.domain.callback import pack
from bot.domain.errors import N_
from bot.domain.meals import Delivery, SubscriptionState
from bot.domain.models import OutgoingMessage, Reminder
from bot.i18n import Texts
from bot.services.meal_deliveries import caterer_list_buttons
from bot.services.reminders import ReminderService
from storage import Database, people
from storage import internship as internship_repo
from storage import meals as repo

KINDS = ("meal_tomorrow", "meal_confirm", "caterer_list", "meal_not_received", "claim_decided")


def _ref_id(reminder: Reminder) -> int | None:
    tail = reminder.ref.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


class MealMessages:
    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, reminders: ReminderService) -> None:
        reminders.register("meal_tomorrow", self.meal_tomorrow)
        reminders.register("meal_confirm", self.meal_confirm)
        reminders.register("caterer_list", self.caterer_list)
        reminders.register("meal_not_received", self.meal_not_received)
        reminders.register("claim_decided", self.claim_decided)

    async def _delivery(self, reminder: Reminder) -> Delivery | None:
        delivery_id = _ref_id(reminder)
        if delivery_id is None:
            return None
        return await repo.get_delivery(self.db.reader, delivery_id)

    async def meal_tomorrow(self, reminder: Reminder, t: Texts) -> OutgoingMessage | None:
        delivery = await self._delivery(reminder)
        if delivery is None:
            return None
        sub = await repo.get_subscription(self.db.reader, delivery.pupil_id)
        if sub is None or sub.state != SubscriptionState.ACTIVE:
            return None
        text = t(
            "🍲 Tomorrow, {day}, a meal for {name} will be delivered to {address}.",
            day=t.date(delivery.day),
            name=delivery.pupil_name,
            address=delivery.address,
        )
        return OutgoingMessage(
            text=text,
            buttons=(((t("⚙️ Change or pause"), pack("ml", "child", delivery.pupil_id)),),),
        )

    async def meal_confirm(self, reminder: Reminder, t: Texts) -> OutgoingMessage | None:
        delivery = await self._delivery(reminder)
        if delivery is None or delivery.receipt is not None:
            return None
        text = t(
            "Did {name} get the meal today ({day})?",
            name=delivery.pupil_name,
            day=t.short_date(delivery.day),
        )
        return OutgoingMessage(
            text=text,
            buttons=(
                ((t("✅ Yes, received"), pack("ml", "rcv", delivery.id)),),
                ((t("❌ Not received"), pack("ml", "nrcv", delivery.id)),),
            ),
        )

    async def caterer_list(self, reminder: Reminder, t: Texts) -> OutgoingMessage | None:
        caterer_id = reminder.payload.get("caterer_id")
        day_text = reminder.payload.get("day")
        if not isinstance(caterer_id, int) or not isinstance(day_text, str):
            return None
        day = date.fromisoformat(day_text)
        deliveries = await repo.deliveries_of_caterer(self.db.reader, caterer_id, day)
        if not deliveries:
            return None
        return OutgoingMessage(
            text=caterer_list_text(t, day, deliveries),
            buttons=caterer_list_buttons(t("⬇️ CSV"), t("🚚 Open the list"), caterer_id, day),
        )

    async def meal_not_received(self, reminder: Reminder, t: Texts) -> OutgoingMessage | None:
        delivery = await self._delivery(reminder)
        if delivery is None:
            return None
        caterer = await repo.get_caterer(self.db.reader, delivery.caterer_id)
        return OutgoingMessage(
            text=t(
                "⚠️ The family of {name} (school {school}) reports that the meal of {day} was "
                "not received. Caterer: {caterer}. Address: {address}. Phone: {phone}.",
                name=delivery.pupil_name,
                school=delivery.school_id,
                day=t.short_date(delivery.day),
                caterer=caterer.display_name if caterer else "-",
                address=delivery.address,
                phone=delivery.phone,
            )
        )

    async def claim_decided(self, reminder: Reminder, t: Texts) -> OutgoingMessage | None:
        claim_id = _ref_id(reminder)
        claim = await internship_repo.get_claim(self.db.reader, claim_id) if claim_id else None
        if claim is None:
            return None
        pupil = await people.get_pupil(self.db.reader, claim.pupil_id)
        values = {
            "first": t.short_date(claim.first_day),
            "last": t.short_date(claim.last_day),
            "amount": t.money(claim.amount_cents),
            "name": pupil.display_name if pupil else "",
        }
        if claim.state == "approved":
            text = t(
                "✅ Your transport claim for {first} - {last} ({amount} €) was approved.", **values
            )
        elif claim.state == "returned":
            text = t(
                "↩️ Your transport claim for {first} - {last} ({amount} €) was returned. "
                "Reason: {reason}",
                reason=claim.reason,
                **values,
            )
        else:
            return None
        return OutgoingMessage(text=text)


FAIL_REASONS = {
    "nobody_home": N_("nobody at home"),
    "wrong_address": N_("wrong address"),
    "no_access": N_("no access to the building"),
    "other": N_("other reason"),
}


def delivery_line(t: Texts, number: int, d: Delivery) -> str:
    if d.state == "delivered":
        mark = t("✅ delivered")
    elif d.state == "failed":
        mark = t("❌ failed: {reason}", reason=t(FAIL_REASONS.get(d.fail_reason, "other reason")))
    else:
        mark = t("⏳ planned")
    note = t("Note: {note}", note=d.dietary_note) if d.dietary_note else ""
    parts = [f"{number}. {d.pupil_name} ({d.school_id})", d.address, d.phone, note, mark]
    return "\n   ".join(p for p in parts if p)


def caterer_list_text(t: Texts, day: date, deliveries: list[Delivery]) -> str:
    head = t.n(
        "🚚 {day}: {n} meal to deliver.", "🚚 {day}: {n} meals to deliver.", len(deliveries),
        day=t.date(day),
    )  # fmt: skip
    lines = [delivery_line(t, i, d) for i, d in enumerate(deliveries, 1)]
    return "\n\n".join([head, *lines])
