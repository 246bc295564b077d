"""Words of crisis in any text: the helplines at once, kindly; the update then goes on."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.models import Role
from bot.services.care.care import CrisisResponse
from handlers.consultations import routes as consultations
from handlers.ui import Button, answer


async def notice_crisis(update: Update, context: BotContext) -> None:
    """Runs before every feature; never stops the update, so the pupil's flow goes on."""
    message = update.effective_message
    if message is None or not context.has_actor:
        return
    text = message.text or message.caption
    if not text:
        return
    response = await context.services.care.notice(context.actor, text)
    if response is not None:
        rows: list[list[Button]] = []
        if context.actor.role in (Role.PUPIL, Role.GUARDIAN):
            # The way to a person at school, next to the helplines; never instead of them.
            talk = context.texts("💬 Talk to someone at school")
            rows.append([(talk, consultations.BOOK_START.data())])
        await answer(update, context, crisis_text(context, response), rows)


def crisis_text(context: BotContext, response: CrisisResponse) -> str:
    t = context.texts
    numbers = context.services.config.helplines
    configured = context.services.config.care.message(t.language)
    values = {"helpline": numbers.children_helpline, "emergency": numbers.emergency}
    if configured:
        text = configured.format(**values)
    else:
        text = "\n\n".join(
            [
                t("💛 Thank you for writing this. You are not alone, and you are not to blame."),
                t(
                    "You can talk to someone right now: call {helpline}. It is free and "
                    "open day and night for children and young people.",
                    **values,
                ),
                t("If you or someone else is in danger, call {emergency}.", **values),
            ]
        )
    if response.specialist_told:
        text += "\n\n" + t(
            "I have also let your school's specialist know, so that they can get in touch with you."
        )
    return text
