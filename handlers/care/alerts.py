"""Alerts to the school's staff: "I'm on it", and writing to the pupil or parent here."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from handlers.care import routes
from handlers.care.relay import opened_text
from handlers.ui import answer


async def take(update: Update, context: BotContext, alert_id: int) -> None:
    """The first to press is on it; the others hear who is."""
    await context.services.care.take(context.actor, alert_id)
    t = context.texts
    text = t(
        "✋ You are on it. The others who got this alert are told. You can write to them "
        "here in the chat: the bot passes your messages on, and neither of you sees the "
        "other's Telegram account."
    )
    rows = [[(t("💬 Write to them here"), routes.WRITE.data(alert_id))]]
    await answer(update, context, text, rows, edit=True)


async def write(update: Update, context: BotContext, alert_id: int) -> None:
    session = await context.services.relay.open_for_alert(context.actor, alert_id)
    await answer(update, context, opened_text(context.texts, session.person_name, True), edit=True)
