"""'My free time' (specialist): weekly hours, one-off times, withdrawing free slots.

A specialist who works in several schools publishes time per school: adding hours asks
which school first, and every rule and free time shows its school.
"""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import AvailabilityRule
from bot.domain.errors import N_
from bot.domain.questions import OneOffTime, WeeklyHours
from bot.i18n import Texts
from handlers.buttons import Route
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


def rule_label(t: Texts, rule: AvailabilityRule) -> str:
    """'Tuesday 14:00-16:00, 45 min slots', and its last date if it has one."""
    label = t(
        "{day} {start}-{end}, {minutes} min slots",
        day=weekday_name(t, rule.weekday),
        start=rule.start_time.strftime("%H:%M"),
        end=rule.end_time.strftime("%H:%M"),
        minutes=rule.slot_minutes,
    )
    if rule.valid_until is not None:
        label = t("{hours}, until {day}", hours=label, day=t.short_date(rule.valid_until))
    return label


def _back(t: Texts) -> list[list[Button]]:
    return [[(t("⬅️ Back"), routes.FREE_TIME.data())]]


async def show(update: Update, context: BotContext) -> None:
    await context.services.questions.end(context.actor)
    await show_free_time(update, context)


def _several(context: BotContext) -> bool:
    return len(context.actor.specialist_ids) > 1


async def _choose_school(update: Update, context: BotContext, route: Route) -> None:
    """Which school the time is for, when the specialist works in several."""
    schools = await context.services.schedule.my_schools(context.actor)
    t = context.texts
    rows: list[list[Button]] = [
        [(school.school_name, route.data(school.specialist_id))] for school in schools
    ]
    await answer(update, context, t("For which school?"), rows + _back(t), edit=True)


async def choose_weekday(update: Update, context: BotContext) -> None:
    if _several(context):
        await _choose_school(update, context, routes.WEEKLY_AT)
        return
    t = context.texts
    rows: list[list[Button]] = [
        [(weekday_name(t, day), routes.WEEKLY_DAY.data(day))] for day in range(1, 8)
    ]
    await answer(update, context, t("Which weekday?"), rows + _back(t), edit=True)


async def choose_weekday_at(update: Update, context: BotContext, specialist_id: int) -> None:
    t = context.texts
    rows: list[list[Button]] = [
        [(weekday_name(t, day), routes.WEEKLY_DAY_AT.data(specialist_id, day))]
        for day in range(1, 8)
    ]
    await answer(update, context, t("Which weekday?"), rows + _back(t), edit=True)


async def ask_weekly(update: Update, context: BotContext, weekday: int) -> None:
    await _ask_weekly(update, context, WeeklyHours(weekday=weekday))


async def ask_weekly_at(
    update: Update, context: BotContext, specialist_id: int, weekday: int
) -> None:
    await _ask_weekly(update, context, WeeklyHours(weekday=weekday, specialist_id=specialist_id))


async def _ask_weekly(update: Update, context: BotContext, asked: WeeklyHours) -> None:
    await context.services.questions.ask(context.actor, asked)
    t = context.texts
    minutes = context.services.config.booking.default_slot_minutes
    text = t(WEEKLY_HELP, day=weekday_name(t, asked.weekday), minutes=minutes)
    await answer(update, context, text, _back(t), edit=True)


async def ask_one_off(update: Update, context: BotContext) -> None:
    if _several(context):
        await _choose_school(update, context, routes.ONE_OFF_AT)
        return
    await _ask_one_off(update, context, OneOffTime())


async def ask_one_off_at(update: Update, context: BotContext, specialist_id: int) -> None:
    await _ask_one_off(update, context, OneOffTime(specialist_id=specialist_id))


async def _ask_one_off(update: Update, context: BotContext, asked: OneOffTime) -> None:
    await context.services.questions.ask(context.actor, asked)
    t = context.texts
    text = t(
        "Type the date and time, e.g. 3.12 15:00-15:45 (one slot), or 3.12 15:00-17:00 45 "
        "to split it into 45-minute slots."
    )
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
    availability = context.services.availability
    await availability.add_weekly(context.actor, asked.weekday, text, asked.specialist_id)
    await context.services.questions.end(context.actor)
    await answer(update, context, context.texts("Weekly hours added."))
    await show_free_time(update, context, edit=False)


async def typed_one_off(update: Update, context: BotContext, asked: OneOffTime, text: str) -> None:
    slots = await context.services.availability.add_one_off(
        context.actor, text, asked.specialist_id
    )
    await context.services.questions.end(context.actor)
    t = context.texts
    await answer(update, context, t.n("{n} free time added.", "{n} free times added.", len(slots)))
    await show_free_time(update, context, edit=False)


async def show_free_time(update: Update, context: BotContext, *, edit: bool = True) -> None:
    mine = await context.services.availability.overview(context.actor)
    t = context.texts
    # A person in several schools: each rule and time says whose it is.
    by_record = {s.specialist_id: s.school_name for s in mine.schools}
    by_school = {s.school_id: s.school_name for s in mine.schools}
    lines = [t("Your weekly hours:") if mine.rules else t("No weekly hours yet.")]
    rows: list[list[Button]] = []
    for rule in mine.rules:
        label = rule_label(t, rule)
        if rule.specialist_id in by_record:
            label = f"{label} · {by_record[rule.specialist_id]}"
        lines.append("• " + label)
        rows.append([("✏️ " + label, routes.RULE.data(rule.id))])
    lines.append(t("Free times in the next 7 days: {n}", n=len(mine.free)))
    for slot in mine.free[:10]:
        label = t.datetime(slot.starts_at)
        if slot.school_id in by_school:
            label = f"{label} · {by_school[slot.school_id]}"
        rows.append([("✖ " + label, routes.WITHDRAW.data(slot.id))])
    lines.append(
        t("Requests are confirmed automatically.")
        if mine.auto_confirm
        else t("Requests wait for your acceptance.")
    )
    lines.append(t("Press ✏️ to change or remove weekly hours, ✖ to withdraw a free time."))
    rows.append(
        [
            (t("➕ Weekly hours"), routes.WEEKLY.data()),
            (t("➕ One-off time"), routes.ONE_OFF.data()),
        ]
    )
    rows.append([(t("🌴 Days off"), routes.DAYS_OFF.data())])
    toggle = (
        (t("Let me accept each request"), routes.AUTO_CONFIRM.data(0))
        if mine.auto_confirm
        else (t("Confirm requests automatically"), routes.AUTO_CONFIRM.data(1))
    )
    rows.append([toggle])
    rows.append(menu_row(t))
    edit = edit and update.callback_query is not None
    await answer(update, context, "\n".join(lines), rows, edit=edit)
