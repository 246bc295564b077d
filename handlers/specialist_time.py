"""'My free time' (specialist): weekly hours, one-off times, days off, withdrawing free slots.

Buttons: ``sp:free``, ``sp:wk`` (weekday), ``sp:wday:<1-7>`` (asks the hours), ``sp:one``
(asks a date and time), ``sp:off`` (asks a date), ``sp:wd:<slot>`` (withdraw a free slot),
``sp:rx:<rule>`` (stop weekly hours), ``sp:auto:<0|1>`` (confirm requests automatically).
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.context import BotContext
from bot.domain.callback import Callback, pack
from bot.domain.errors import N_
from handlers import booking_ui as ui
from handlers.ui import Button, answer

ACTIONS = frozenset({"free", "wk", "wday", "one", "off", "wd", "rx", "auto"})
WEEKLY, ONE_OFF, DAY_OFF = "weekly", "oneoff", "dayoff"

# 2026-11-30 is a Monday: Babel names the weekdays in the user's language from it.
_A_MONDAY = date(2026, 11, 30)
WEEKLY_HELP = N_(
    "Type the hours for {day}, e.g. 14:00-16:00 (slots of {minutes} min) or "
    "14:00-16:00 30 for 30-minute slots."
)


def weekday_name(context: BotContext, weekday: int) -> str:
    from babel.dates import format_date

    return format_date(
        _A_MONDAY + timedelta(days=weekday - 1), "EEEE", locale=context.texts.language
    )


async def act(update: Update, context: BotContext, found: Callback) -> None:
    uid = ui.user_id(update)
    service = context.services.availability
    pending = context.services.pending
    t = context.texts
    action = found.action
    back = [[(t("⬅️ Back"), pack("sp", "free"))]]
    if action == "free":
        await pending.clear(uid)
        await show_free_time(update, context)
    elif action == "wk":
        rows: list[list[Button]] = [
            [(weekday_name(context, day), pack("sp", "wday", day))] for day in range(1, 8)
        ]
        rows += back
        await answer(update, context, t("Which weekday?"), rows, edit=True)
    elif action == "wday":
        (day,) = ui.int_args(found, 1)
        await pending.ask(uid, WEEKLY, (day,))
        minutes = context.services.config.booking.default_slot_minutes
        text = t(WEEKLY_HELP, day=weekday_name(context, day), minutes=minutes)
        await answer(update, context, text, back, edit=True)
    elif action == "one":
        await pending.ask(uid, ONE_OFF)
        text = t(
            "Type the date and time, e.g. 3.12 15:00-15:45 (one slot), or 3.12 15:00-17:00 45 "
            "to split it into 45-minute slots."
        )
        await answer(update, context, text, back, edit=True)
    elif action == "off":
        await pending.ask(uid, DAY_OFF)
        text = t("Type the date of your day off, e.g. 24.12. Free times that day are withdrawn.")
        await answer(update, context, text, back, edit=True)
    elif action == "wd":
        (slot_id,) = ui.int_args(found, 1)
        await service.withdraw_slot(uid, slot_id)
        context.toast = t("Withdrawn.")
        await show_free_time(update, context)
    elif action == "rx":
        (rule_id,) = ui.int_args(found, 1)
        await service.remove_rule(uid, rule_id)
        context.toast = t("Weekly hours removed. Booked sessions stay.")
        await show_free_time(update, context)
    elif action == "auto":
        (value,) = ui.int_args(found, 1)
        await service.set_auto_confirm(uid, value == 1)
        await show_free_time(update, context)


async def show_free_time(update: Update, context: BotContext, *, edit: bool = True) -> None:
    rules, free, auto = await context.services.availability.overview(ui.user_id(update))
    t = context.texts
    lines = [t("Your weekly hours:") if rules else t("No weekly hours yet.")]
    rows: list[list[Button]] = []
    for rule in rules:
        label = t(
            "{day} {start}-{end}, {minutes} min slots",
            day=weekday_name(context, rule.weekday),
            start=rule.start_time.strftime("%H:%M"),
            end=rule.end_time.strftime("%H:%M"),
            minutes=rule.slot_minutes,
        )
        lines.append("• " + label)
        rows.append([("✖ " + label, pack("sp", "rx", rule.id))])
    lines.append(t("Free times in the next 7 days: {n}", n=len(free)))
    for slot in free[:10]:
        rows.append([("✖ " + t.datetime(slot.starts_at), pack("sp", "wd", slot.id))])
    lines.append(
        t("Requests are confirmed automatically.")
        if auto
        else t("Requests wait for your acceptance.")
    )
    lines.append(t("Press ✖ to remove weekly hours or withdraw a free time."))
    rows.append(
        [(t("➕ Weekly hours"), pack("sp", "wk")), (t("➕ One-off time"), pack("sp", "one"))]
    )
    rows.append([(t("🌴 Day off"), pack("sp", "off"))])
    toggle = (
        (t("Let me accept each request"), pack("sp", "auto", 0))
        if auto
        else (t("Confirm requests automatically"), pack("sp", "auto", 1))
    )
    rows.append([toggle])
    rows.append(ui.menu_row(t))
    await answer(
        update, context, "\n".join(lines), rows, edit=edit and update.callback_query is not None
    )
