"""One of the specialist's weekly hours: change the hours, slot length or last date, or
remove them. Their free times ahead follow; booked sessions stay."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.questions import RuleHours, RuleUntil
from handlers.consultations import routes
from handlers.consultations.free_time import rule_label, show_free_time
from handlers.ui import Button, answer


def _back(context: BotContext, rule_id: int) -> list[list[Button]]:
    return [[(context.texts("⬅️ Back"), routes.RULE.data(rule_id))]]


async def show_rule(update: Update, context: BotContext, rule_id: int) -> None:
    await context.services.questions.end(context.actor)
    rule = await context.services.schedule.rule(context.actor, rule_id)
    t = context.texts
    rows: list[list[Button]] = [
        [(t("🕒 Change the hours"), routes.RULE_HOURS.data(rule_id))],
        [(t("📅 Change the last date"), routes.RULE_UNTIL.data(rule_id))],
        [(t("✖ Remove these weekly hours"), routes.REMOVE_RULE.data(rule_id))],
        [(t("⬅️ Back"), routes.FREE_TIME.data())],
    ]
    text = t(
        "Weekly hours: {hours}. Changes apply to the free times ahead; booked sessions stay.",
        hours=rule_label(t, rule),
    )
    await answer(update, context, text, rows, edit=True)


async def ask_hours(update: Update, context: BotContext, rule_id: int) -> None:
    rule = await context.services.schedule.rule(context.actor, rule_id)
    await context.services.questions.ask(context.actor, RuleHours(rule_id=rule_id))
    text = context.texts(
        "Type the new hours, e.g. 14:00-16:00 (slots of {minutes} min), or 14:00-16:00 30 "
        "for 30-minute slots.",
        minutes=rule.slot_minutes,
    )
    await answer(update, context, text, _back(context, rule_id), edit=True)


async def ask_until(update: Update, context: BotContext, rule_id: int) -> None:
    await context.services.schedule.rule(context.actor, rule_id)
    await context.services.questions.ask(context.actor, RuleUntil(rule_id=rule_id))
    text = context.texts(
        "Type the last date of these weekly hours, e.g. 20.12, or - for no last date."
    )
    await answer(update, context, text, _back(context, rule_id), edit=True)


async def typed_hours(update: Update, context: BotContext, asked: RuleHours, text: str) -> None:
    await context.services.schedule.change_rule_hours(context.actor, asked.rule_id, text)
    await _changed(update, context)


async def typed_until(update: Update, context: BotContext, asked: RuleUntil, text: str) -> None:
    await context.services.schedule.change_rule_until(context.actor, asked.rule_id, text)
    await _changed(update, context)


async def _changed(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    t = context.texts
    await answer(update, context, t("Weekly hours changed. Booked sessions stay as they are."))
    await show_free_time(update, context, edit=False)
