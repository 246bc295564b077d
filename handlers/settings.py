"""/settings: when to be reminded before a session, and which reminders to get at all."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.callback import pack, unpack
from bot.domain.errors import NotAllowed
from bot.i18n import Texts
from bot.services.reminder_settings import SettingsView
from handlers.ui import Button, answer, guarded

FEATURE = "rs"


def offset_label(t: Texts, minutes: int) -> str:
    if minutes % 60 == 0:
        return t.n("{n} hour before", "{n} hours before", minutes // 60)
    return t.n("{n} minute before", "{n} minutes before", minutes)


def _mark(on: bool) -> str:
    return "✅" if on else "▫️"


def render(t: Texts, view: SettingsView, quiet: tuple[str, str]) -> tuple[str, list[list[Button]]]:
    rows: list[list[Button]] = []
    if not view.offsets and not view.kinds:
        text = t("There are no reminders to set up for your account.")
        return text, [[(t("⬅️ Menu"), pack("menu", "home"))]]
    lines = [t("Reminder settings. Press a line to turn it on or off.")]
    if view.offsets:
        lines.append(t("Before each session, remind me:"))
        for choice in view.offsets:
            label = f"{_mark(choice.chosen)} {offset_label(t, choice.minutes)}"
            rows.append([(label, pack(FEATURE, "off", choice.minutes))])
    if view.kinds:
        lines.append(t("Other reminders:"))
        for kind in view.kinds:
            rows.append(
                [(f"{_mark(kind.on)} {t(kind.label)}", pack(FEATURE, "kind", kind.base_kind))]
            )
    lines.append(
        t(
            "Reminders to pupils and parents wait for the morning: none are sent "
            "between {start} and {end}.",
            start=quiet[0],
            end=quiet[1],
        )
    )
    rows.append([(t("⬅️ Menu"), pack("menu", "home"))])
    return "\n".join(lines), rows


@guarded()
async def settings_command(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None  # noqa: S101 - load_account ran
    view = await context.services.reminder_settings.view(user.id)
    text, rows = render(context.texts, view, _quiet(context))
    await answer(update, context, text, rows, edit=update.callback_query is not None)


@guarded()
async def settings_button(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None  # noqa: S101
    callback = unpack(update.callback_query.data if update.callback_query else None)
    settings = context.services.reminder_settings
    if callback is None or callback.action == "show":
        view = await settings.view(user.id)
    elif callback.action == "off":
        try:
            minutes = callback.int_arg(0)
        except (ValueError, IndexError):
            raise NotAllowed() from None
        view = await settings.toggle_offset(user.id, minutes)
    elif callback.action == "kind" and callback.args:
        view = await settings.toggle_kind(user.id, callback.args[0])
    else:
        raise NotAllowed()
    text, rows = render(context.texts, view, _quiet(context))
    await answer(update, context, text, rows, edit=True)


def _quiet(context: BotContext) -> tuple[str, str]:
    config = context.services.config.reminders
    return config.quiet_start.strftime("%H:%M"), config.quiet_end.strftime("%H:%M")
