"""'My free time' (specialist): weekly hours, one-off times, days off, withdrawing free slots."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from telegram import Update

from bot.context import BotContext
from bot.domain.errors import N_
from bot.domain.questions import DayOff, OneOffTime, WeeklyHours
from bot.i18n import Texts
from handlers.consultations import routes
from handlers.ui import Button, answer, menu_row

# 2026-11-30 is a Monday: Babel names the weekdays in the user's language from it.
_A_MONDAY = date(2026, 11, 30)
WEEKLY_HELP = N_(
    "Type the hours for {day}, e.g. 14:00-16:00 (slots of {minutes} min) or "
    "14:00-16:00 30 for 30-minute slots."
)


def weekday_name(t: Texts, weekday: int) -> str:
    return format_date(_A_MONDAY + timedelta(days=weekday - 1), "EEEE", locale=t.language)


def _back(t: Texts) -> list[list[Button]]:
    return [[(t("⬅️ Back"), routes.FREE_TIME.data())]]


async def show(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    await show_free_time(update, context)


async def choose_weekday(update: Update, context: BotContext) -> None:
    t = context.texts
    rows: list[list[Button]] = [
        [(weekday_name(t, day), routes.WEEKLY_DAY.data(day))] for day in range(1, 8)
    ]
    await answer(update, context, t("Which weekday?"), rows + _back(t), edit=True)


async def ask_weekly(update: Update, context: BotContext, weekday: int) -> None:
    await context.services.questions.ask(context.actor, WeeklyHours(weekday=weekday))
    t = context.texts
    minutes = context.services.config.booking.default_slot_minutes
    text = t(WEEKLY_HELP, day=weekday_name(t, weekday), minutes=minutes)
    await answer(update, context, text, _back(t), edit=True)


async def ask_one_off(update: Update, context: BotContext) -> None:
    await context.services.questions.ask(context.actor, OneOffTime())
    t = context.texts
    text = t(
        "Type the date and time, e.g. 3.12 15:00-15:45 (one slot), or 3.12 15:00-17:00 45 "
        "to split it into 45-minute slots."
    )
    await answer(update, context, text, _back(t), edit=True)


async def ask_day_off(update: Update, context: BotContext) -> None:
    await context.services.questions.ask(context.actor, DayOff())
    t = context.texts
    text = t("Type the date of your day off, e.g. 24.12. Free times that day are withdrawn.")
    await answer(update, context, text, _back(t), edit=True)


async def withdraw(update: Update, context: BotContext, slot_id: int) -> None:
    await context.services.availability.withdraw_slot(context.actor, slot_id)
    context.toast = context.texts("Withdrawn.")
    await show_free_time(update, context)


async def remove_rule(update: Update, context: BotContext, rule_id: int) -> None:
    await context.services.availability.remove_rule(context.actor, rule_id)
    context.toast = context.texts("Weekly hours removed. Booked sessions stay.")
    await show_free_time(update, context)


async def set_auto(update: Update, context: BotContext, value: int) -> None:
    await context.services.availability.set_auto_confirm(context.actor, value == 1)
    await show_free_time(update, context)


async def typed_weekly(update: Update, context: BotContext, asked: WeeklyHours, text: str) -> None:
    await context.services.availability.add_weekly(context.actor, asked.weekday, text)
    await context.services.questions.end(context.actor)
    await answer(update, context, context.texts("Weekly hours added."))
    await show_free_time(update, context, edit=False)


async def typed_one_off(update: Update, context: BotContext, asked: OneOffTime, text: str) -> None:
    slots = await context.services.availability.add_one_off(context.actor, text)
    await context.services.questions.end(context.actor)
    t = context.texts
    await answer(update, context, t.n("{n} free time added.", "{n} free times added.", len(slots)))
    await show_free_time(update, context, edit=False)


async def typed_day_off(update: Update, context: BotContext, asked: DayOff, text: str) -> None:
    day, booked = await context.services.availability.add_day_off(context.actor, text)
    await context.services.questions.end(context.actor)
    t = context.texts
    lines = [t("Day off: {day}. Free times that day are withdrawn.", day=t.date(day))]
    if booked:
        lines.append(
            t.n(
                "{n} booked session that day stays: cancel it with a reason if needed.",
                "{n} booked sessions that day stay: cancel them with a reason if needed.",
                booked,
            )
        )
    await answer(update, context, "\n".join(lines))
    await show_free_time(update, context, edit=False)


async def show_free_time(update: Update, context: BotContext, *, edit: bool = True) -> None:
    mine = await context.services.availability.overview(context.actor)
    t = context.texts
    lines = [t("Your weekly hours:") if mine.rules else t("No weekly hours yet.")]
    rows: list[list[Button]] = []
    for rule in mine.rules:
        label = t(
            "{day} {start}-{end}, {minutes} min slots",
            day=weekday_name(t, rule.weekday),
            start=rule.start_time.strftime("%H:%M"),
            end=rule.end_time.strftime("%H:%M"),
            minutes=rule.slot_minutes,
        )
        lines.append("• " + label)
        rows.append([("✖ " + label, routes.REMOVE_RULE.data(rule.id))])
    lines.append(t("Free times in the next 7 days: {n}", n=len(mine.free)))
    for slot in mine.free[:10]:
        rows.append([("✖ " + t.datetime(slot.starts_at), routes.WITHDRAW.data(slot.id))])
    lines.append(
        t("Requests are confirmed automatically.")
        if mine.auto_confirm
        else t("Requests wait for your acceptance.")
    )
    lines.append(t("Press ✖ to remove weekly hours or withdraw a free time."))
    rows.append(
        [
            (t("➕ Weekly hours"), routes.WEEKLY.data()),
            (t("➕ One-off time"), routes.ONE_OFF.data()),
        ]
    )
    rows.append([(t("🌴 Day off"), routes.DAY_OFF.data())])
    toggle = (
        (t("Let me accept each request"), routes.AUTO_CONFIRM.data(0))
        if mine.auto_confirm
        else (t("Confirm requests automatically"), routes.AUTO_CONFIRM.data(1))
    )
    rows.append([toggle])
    rows.append(menu_row(t))
    edit = edit and update.callback_query is not None
    await answer(update, context, "\n".join(lines), rows, edit=edit)
