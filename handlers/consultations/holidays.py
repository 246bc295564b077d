"""Days off (specialist): a day or a range, undoing them, and new times proposed at once
for the sessions booked in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import Update

from bot.context import BotContext
from bot.domain.consultations import Booking
from bot.domain.questions import DayOff
from bot.i18n import Texts
from handlers.consultations import routes
from handlers.consultations.words import short_line
from handlers.ui import Button, answer, is_editing


def days_label(t: Texts, first: date, last: date) -> str:
    if first == last:
        return t.short_date(first)
    return t("{first} – {last}", first=t.short_date(first), last=t.short_date(last))


async def show_days_off(update: Update, context: BotContext, *, edit: bool = True) -> None:
    await context.services.questions.end(context.actor)
    ranges = await context.services.schedule.days_off(context.actor)
    t = context.texts
    lines = [t("Your days off ahead:") if ranges else t("No days off ahead.")]
    rows: list[list[Button]] = []
    for first, last in ranges:
        label = days_label(t, first, last)
        lines.append("• " + label)
        rows.append(
            [
                (t("↩ Undo {days}", days=label), routes.UNDO_DAYS_OFF.data(first, last)),
                (t("📋 Sessions"), routes.BOOKED_OFF.data(first, last)),
            ]
        )
    rows.append([(t("➕ Add days off"), routes.DAY_OFF.data())])
    rows.append([(t("⬅️ Back"), routes.FREE_TIME.data())])
    await answer(update, context, "\n".join(lines), rows, edit=edit and is_editing(update))


async def ask_days_off(update: Update, context: BotContext) -> None:
    await context.services.questions.ask(context.actor, DayOff())
    t = context.texts
    text = t(
        "Type the day off, e.g. 24.12, or a range of days, e.g. 22.12-2.1. Free times in "
        "them are withdrawn, in every school you work in."
    )
    await answer(update, context, text, [[(t("⬅️ Back"), routes.DAYS_OFF.data())]], edit=True)


async def typed_days_off(update: Update, context: BotContext, asked: DayOff, text: str) -> None:
    added = await context.services.schedule.add_days_off(context.actor, text)
    await context.services.questions.end(context.actor)
    t = context.texts
    head = t.n(
        "Days off: {days}. {n} free time in them is withdrawn.",
        "Days off: {days}. {n} free times in them are withdrawn.",
        added.withdrawn,
        days=days_label(t, added.first, added.last),
    )
    lines, rows = _booked(t, added.first, added.last, added.booked)
    await answer(update, context, "\n".join([head, *lines]), rows)


async def show_booked(update: Update, context: BotContext, first: date, last: date) -> None:
    booked = await context.services.schedule.booked_in_days_off(context.actor, first, last)
    lines, rows = _booked(context.texts, first, last, booked)
    await answer(update, context, "\n".join(lines), rows, edit=True)


def _booked(
    t: Texts, first: date, last: date, booked: Sequence[Booking]
) -> tuple[list[str], list[list[Button]]]:
    """The sessions booked in days off, and one button to propose new times for all."""
    rows: list[list[Button]] = []
    if not booked:
        lines = [t("No sessions are booked in these days.")]
    else:
        lines = [
            t.n(
                "{n} session is booked in these days:",
                "{n} sessions are booked in these days:",
                len(booked),
            )
        ]
        for booking in booked:
            label = short_line(t, booking, for_specialist=True)
            rows.append([(label, routes.SESSION.data(booking.id))])
        rows.append([(t("🔁 Propose new times for all"), routes.PROPOSE_ALL.data(first, last))])
    rows.append([(t("🌴 Days off"), routes.DAYS_OFF.data())])
    return lines, rows


async def propose_all(update: Update, context: BotContext, first: date, last: date) -> None:
    done = await context.services.schedule.propose_for_days_off(context.actor, first, last)
    t = context.texts
    lines = [
        t.n(
            "A new time is proposed for {n} session. The pupils answer as usual.",
            "New times are proposed for {n} sessions. The pupils answer as usual.",
            len(done.proposed),
        )
    ]
    for booking in done.proposed:
        lines.append("• " + short_line(t, booking, for_specialist=True))
    rows: list[list[Button]] = []
    if done.unplaced:
        lines.append(
            t(
                "No free time fits these sessions: cancel them with a reason, or add free "
                "time and propose again."
            )
        )
        for booking in done.unplaced:
            label = short_line(t, booking, for_specialist=True)
            rows.append([(label, routes.SESSION.data(booking.id))])
    rows.append([(t("🌴 Days off"), routes.DAYS_OFF.data())])
    await answer(update, context, "\n".join(lines), rows, edit=True)


async def undo(update: Update, context: BotContext, first: date, last: date) -> None:
    back = await context.services.schedule.undo_days_off(context.actor, first, last)
    t = context.texts
    context.toast = t.n(
        "Days off undone: {n} free time is back.",
        "Days off undone: {n} free times are back.",
        back.restored,
    )
    await show_days_off(update, context)
