"""Caterers' delivery lists and marks, and the coordinators' meal figures."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import BotContext
from bot.domain.errors import N_
from bot.domain.internship import InternshipMeal
from bot.domain.meals import Delivery, DeliveryState, FailReason
from bot.i18n import Texts
from bot.services.meals.deliveries import CatererDay
from handlers.files import csv_bytes
from handlers.meals import routes
from handlers.ui import Button, answer, menu_row

FAIL_REASONS = {
    FailReason.NOBODY_HOME: N_("nobody at home"),
    FailReason.WRONG_ADDRESS: N_("wrong address"),
    FailReason.NO_ACCESS: N_("no access to the building"),
    FailReason.OTHER: N_("other reason"),
}
CSV_COLUMNS = ("delivery_id", "day", "school_id", "pupil", "address", "phone", "dietary_note")


def delivery_line(t: Texts, number: int, d: Delivery) -> str:
    if d.state == DeliveryState.DELIVERED:
        mark = t("✅ delivered")
    elif d.state == DeliveryState.FAILED:
        known = d.fail_reason in FailReason.__members__.values()
        reason = FAIL_REASONS[FailReason(d.fail_reason) if known else FailReason.OTHER]
        mark = t("❌ failed: {reason}", reason=t(reason))
    else:
        mark = t("⏳ planned")
    note = t("Note: {note}", note=d.dietary_note) if d.dietary_note else ""
    parts = [f"{number}. {d.pupil_name} ({d.school_id})", d.address, d.phone, note, mark]
    return "\n   ".join(p for p in parts if p)


def caterer_list_text(
    t: Texts,
    day: date,
    deliveries: tuple[Delivery, ...],
    internship: tuple[InternshipMeal, ...] = (),
) -> str:
    head = t.n(
        "🚚 {day}: {n} meal to deliver.", "🚚 {day}: {n} meals to deliver.", len(deliveries),
        day=t.date(day),
    )  # fmt: skip
    lines = [delivery_line(t, i, d) for i, d in enumerate(deliveries, 1)]
    if internship:
        lines.append(
            "\n".join(
                [
                    t.n(
                        "🧑‍🔧 {n} internship meal:",
                        "🧑‍🔧 {n} internship meals:",
                        len(internship),
                    ),
                    *(f"• {m.pupil_name} ({m.school_id})" for m in internship),
                ]
            )
        )
    return "\n\n".join([head, *lines])


def day_view(t: Texts, listing: CatererDay) -> tuple[str, list[list[Button]]]:
    if not listing.deliveries and not listing.internship_meals:
        return t("🚚 {day}: no deliveries.", day=t.date(listing.day)), [menu_row(t)]
    rows: list[list[Button]] = []
    for number, d in enumerate(listing.deliveries, 1):
        if d.state == DeliveryState.PLANNED:
            rows.append(
                [
                    (t("✅ {n} delivered", n=number), routes.DELIVERED.data(d.id)),
                    (t("❌ {n} failed", n=number), routes.FAILED.data(d.id)),
                ]
            )
    rows.append([(t("⬇️ CSV"), routes.CATERER_CSV.data(listing.caterer.id, listing.day))])
    text = caterer_list_text(t, listing.day, listing.deliveries, listing.internship_meals)
    return text, [*rows, menu_row(t)]


async def show_today(update: Update, context: BotContext) -> None:
    await _show_day(update, context, None)


async def show_day(update: Update, context: BotContext, day: date) -> None:
    await _show_day(update, context, day)


async def _show_day(update: Update, context: BotContext, day: date | None) -> None:
    listing = await context.services.deliveries.caterer_day(context.actor, day)
    text, rows = day_view(context.texts, listing)
    await answer(update, context, text, rows, edit=True)


async def delivered(update: Update, context: BotContext, delivery_id: int) -> None:
    delivery = await context.services.deliveries.mark(context.actor, delivery_id, None)
    context.toast = context.texts("Marked delivered: {name}", name=delivery.pupil_name)
    await _show_day(update, context, delivery.day)


async def ask_why(update: Update, context: BotContext, delivery_id: int) -> None:
    t = context.texts
    rows = [
        [(t(label), routes.FAILED_BECAUSE.data(delivery_id, reason))]
        for reason, label in FAIL_REASONS.items()
    ]
    await answer(update, context, t("Why could it not be delivered?"), rows, edit=True)


async def failed(update: Update, context: BotContext, delivery_id: int, reason: FailReason) -> None:
    delivery = await context.services.deliveries.mark(context.actor, delivery_id, reason)
    await _show_day(update, context, delivery.day)


async def send_csv(update: Update, context: BotContext, caterer_id: int, day: date) -> None:
    listing = await context.services.deliveries.caterer_day(context.actor, day)
    rows: list[tuple[object, ...]] = [
        (d.id, d.day.isoformat(), d.school_id, d.pupil_name, d.address, d.phone, d.dietary_note)
        for d in listing.deliveries
    ]
    rows += [
        ("", m.day.isoformat(), m.school_id, m.pupil_name, "", "", "internship meal")
        for m in listing.internship_meals
    ]
    await context.bot.send_document(
        context.actor.telegram_id,
        csv_bytes(CSV_COLUMNS, rows),
        filename=f"deliveries-{day.isoformat()}.csv",
        caption=context.texts("Deliveries of {day}", day=context.texts.short_date(day)),
    )
