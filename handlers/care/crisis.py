"""Words of crisis in any message, and free text nobody else took: a humane answer.

The crisis check runs before every feature (group -1), on new and edited messages. On words
of crisis the writer gets the helplines at once and nothing else is said for that message
(no menu, no "I did not understand"); the school is alerted by the service. A pupil or
parent who writes something no screen was waiting for is never met by a shrug either.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.domain.crisis import About
from bot.domain.models import Role
from bot.services.care.care import CrisisResponse
from handlers.care import routes
from handlers.consultations import routes as consultations
from handlers.menu import main_menu
from handlers.ui import Button, answer, menu_row


async def notice_crisis(update: Update, context: BotContext) -> None:
    """Group -1: the helplines at once on words of crisis; then this message is done.

    An edited message is only read for words of crisis: no feature acts on edits. In a
    conversation relayed to someone at school the message still goes on (they should see
    it), after the helplines.
    """
    message = update.message or update.edited_message
    if message is None or not context.has_actor:
        return
    text = message.text or message.caption
    response = await context.services.care.notice(context.actor, text) if text else None
    if response is not None:
        await answer(update, context, crisis_text(context, response), crisis_rows(context))
        if context.services.relay.session_of(context.actor.telegram_id) is None:
            raise ApplicationHandlerStop
    if update.edited_message is not None:
        raise ApplicationHandlerStop


def crisis_rows(context: BotContext) -> list[list[Button]]:
    if context.actor.role not in (Role.PUPIL, Role.GUARDIAN):
        return []
    # The way to a person at school, next to the helplines; never instead of them.
    return [[(context.texts("💬 Talk to someone at school"), consultations.BOOK_START.data())]]


def crisis_text(context: BotContext, response: CrisisResponse) -> str:
    t = context.texts
    numbers = context.services.config.helplines
    values = {"helpline": numbers.children_helpline, "emergency": numbers.emergency}
    configured = context.services.config.care.message(t.language)
    if configured:
        text = configured.format(**values)
    elif response.about == About.OTHER and context.actor.role == Role.GUARDIAN:
        names = ", ".join(response.children) or t("your child")
        text = "\n\n".join(
            [
                t("Thank you for telling me. You did right to write.", **values),
                t("If {name} is in danger now, call {emergency}.", name=names, **values),
                t(
                    "{name} (and you too) can talk to someone right now at {helpline}: free, "
                    "day and night, for children and young people and those who worry about "
                    "them.",
                    name=names,
                    **values,
                ),
            ]
        )
    elif response.about == About.OTHER:
        text = "\n\n".join(
            [
                t("Thank you for looking out for them. You did right to write."),
                t("If they are in danger now, call {emergency}.", **values),
                t(
                    "They (and you too) can talk to someone right now at {helpline}: free, "
                    "day and night, for children and young people.",
                    **values,
                ),
            ]
        )
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


def fallback_text(context: BotContext) -> str:
    """The answer to free text from a pupil or parent that no screen was waiting for."""
    numbers = context.services.config.helplines
    return context.texts(
        "I am a bot: a program reads what you write here, and no person sees it. "
        "If you would like to talk to someone, I can ask someone at your school to contact "
        "you. You can also call {helpline} (free, day and night) or, in danger, {emergency}.",
        helpline=numbers.children_helpline,
        emergency=numbers.emergency,
    )


async def fallback(update: Update, context: BotContext) -> None:
    """Free text from a linked pupil or parent: never a bare "I did not understand"."""
    t = context.texts
    rows = [
        [(t("💬 Ask someone at school to contact me"), routes.ASK_CONTACT.data())],
        *main_menu(t, context.actor),
    ]
    await answer(update, context, fallback_text(context), rows)


async def ask_contact(update: Update, context: BotContext) -> None:
    response = await context.services.care.ask_contact(context.actor)
    t = context.texts
    numbers = context.services.config.helplines
    if response.asked:
        text = t(
            "I have asked someone at your school to contact you. They will write to you here "
            "or get in touch at school. If you need to talk now, call {helpline}.",
            helpline=numbers.children_helpline,
        )
    else:
        text = t(
            "I could not reach anyone at your school just now; I will keep trying. If you "
            "need to talk now, call {helpline} (free, day and night), or {emergency} in danger.",
            helpline=numbers.children_helpline,
            emergency=numbers.emergency,
        )
    await answer(update, context, text, [menu_row(t)], edit=True)
