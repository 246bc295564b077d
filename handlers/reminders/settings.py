"""/settings: when to be reminded before a session, and which reminders to get at all."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.errors import N_
from bot.domain.reminders import ReminderKind
from bot.i18n import Texts
from bot.services.reminders.settings import SettingsView
from handlers.reminders import routes
from handlers.ui import Button, answer, guarded, is_editing, menu_row

KIND_LABELS = {
    ReminderKind.AGENDA: N_("Morning agenda of my sessions"),
    ReminderKind.MEAL_TOMORROW: N_("Meal delivery reminder the evening before"),
    ReminderKind.SUPPORT_NUDGE: N_("A reminder when consultations of the plan are not used"),
    ReminderKind.WEEKLY_DIGEST: N_("Weekly digest of the figures on Monday morning"),
}


def offset_label(t: Texts, minutes: int) -> str:
    if minutes % 60 == 0:
        return t.n("{n} hour before", "{n} hours before", minutes // 60)
    return t.n("{n} minute before", "{n} minutes before", minutes)


def _mark(on: bool) -> str:
    return "✅" if on else "▫️"


def render(t: Texts, view: SettingsView, quiet: tuple[str, str]) -> tuple[str, list[list[Button]]]:
    rows: list[list[Button]] = []
    if not view.offsets and not view.kinds:
        return t("There are no reminders to set up for your account."), [menu_row(t)]
    lines = [t("Reminder settings. Press a line to turn it on or off.")]
    if view.offsets:
        lines.append(t("Before each session, remind me:"))
        for choice in view.offsets:
            label = f"{_mark(choice.chosen)} {offset_label(t, choice.minutes)}"
            rows.append([(label, routes.TOGGLE_OFFSET.data(choice.minutes))])
    if view.kinds:
        lines.append(t("Other reminders:"))
        for kind in view.kinds:
            label = f"{_mark(kind.on)} {t(KIND_LABELS[kind.kind])}"
            rows.append([(label, routes.TOGGLE_KIND.data(kind.kind))])
    lines.append(
        t(
            "Reminders to pupils and parents wait for the morning: none are sent "
            "between {start} and {end}.",
            start=quiet[0],
            end=quiet[1],
        )
    )
    rows.append(menu_row(t))
    return "\n".join(lines), rows


@guarded
async def settings_command(update: Update, context: BotContext) -> None:
    await show(update, context)


async def show(update: Update, context: BotContext) -> None:
    view = await context.services.reminder_settings.view(context.actor)
    text, rows = render(context.texts, view, _quiet(context))
    await answer(update, context, text, rows, edit=is_editing(update))


async def toggle_offset(update: Update, context: BotContext, minutes: int) -> None:
    view = await context.services.reminder_settings.toggle_offset(context.actor, minutes)
    text, rows = render(context.texts, view, _quiet(context))
    await answer(update, context, text, rows, edit=True)


async def toggle_kind(update: Update, context: BotContext, kind: ReminderKind) -> None:
    view = await context.services.reminder_settings.toggle_kind(context.actor, kind)
    text, rows = render(context.texts, view, _quiet(context))
    await answer(update, context, text, rows, edit=True)


def _quiet(context: BotContext) -> tuple[str, str]:
    config = context.services.config.reminders
    return config.quiet_start.strftime("%H:%M"), config.quiet_end.strftime("%H:%M")
