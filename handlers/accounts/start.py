"""/start and linking by code, /help, /language, the menu, and what nobody else handles."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.domain.errors import N_
from bot.domain.models import LANGUAGES, Role
from bot.i18n import LANGUAGE_NAMES
from bot.services.accounts.linking import looks_like_code
from handlers.accounts import routes
from handlers.care.crisis import fallback as care_fallback
from handlers.menu import main_menu
from handlers.ui import answer, guarded

log = logging.getLogger(__name__)

ROLE_NAMES = {
    Role.PUPIL: N_("pupil"),
    Role.GUARDIAN: N_("parent or guardian"),
    Role.SPECIALIST: N_("specialist"),
    Role.COORDINATOR: N_("coordinator"),
    Role.CATERER: N_("caterer"),
}


async def private_only(update: Update, context: BotContext) -> None:
    """Group -3: the bot talks in private chats only; anywhere else one line, then stop.

    Nothing private is ever shown in a group, whatever was typed or pressed, so nothing
    after this runs: no account is read, no feature answers.
    """
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return
    user = update.effective_user
    language = context.translator.pick_language(None, user.language_code if user else None)
    t = context.translator.for_language(language)
    text = t("Please write to me in a private chat: I do not answer in groups.")
    query = update.callback_query
    message = update.effective_message
    if query is not None:
        await query.answer(text, show_alert=True)
    elif chat is not None and message is not None and (message.text or "").startswith("/"):
        await context.bot.send_message(chat.id, text)
    raise ApplicationHandlerStop


async def load_actor(update: Update, context: BotContext) -> None:
    """Group -2: know who is writing, in which language, before any feature runs."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    context.actor = await context.services.accounts.resolve(user.id, user.language_code)


def helplines(context: BotContext) -> str:
    numbers = context.services.config.helplines
    return context.texts(
        "If you feel unsafe or need to talk: call {helpline} (free, 24/7, for children and "
        "young people) or, in an emergency, {emergency}.",
        helpline=numbers.children_helpline,
        emergency=numbers.emergency,
    )


async def show_home(update: Update, context: BotContext, *, edit: bool = False) -> None:
    t = context.texts
    actor = context.actor if context.has_actor else None
    if actor is not None and actor.is_linked:
        names = ", ".join(p.display_name for p in actor.links)
        text = t("Hello, {name}! What would you like to do?", name=names)
    else:
        text = "\n\n".join(
            [
                t("Hello! This is the PuMPuRS support bot."),
                t(
                    "To use it, enter the one-time code that your school gave you. "
                    "If you have no code, ask your class teacher or the school's "
                    "PuMPuRS coordinator."
                ),
                helplines(context),
            ]
        )
    await answer(update, context, text, main_menu(t, actor), edit=edit)


@guarded
async def start(update: Update, context: BotContext) -> None:
    """/start, or /start CODE from a deep link."""
    if context.args:
        await link(update, context, context.args[0])
        return
    await show_home(update, context)


async def link(update: Update, context: BotContext, code: str) -> None:
    person = await context.services.linking.link(context.actor, code)
    user = update.effective_user
    assert user is not None  # noqa: S101 - an actor was resolved
    context.actor = await context.services.accounts.resolve(user.id, user.language_code)
    t = context.texts
    text = t(
        "Done! This account is now linked as {role}: {name}.",
        role=t(ROLE_NAMES[person.role]),
        name=person.display_name,
    )
    await answer(update, context, text)
    await show_home(update, context)


@guarded
async def text_message(update: Update, context: BotContext) -> None:
    """Any text no feature took: a typed code, or a friendly pointer to the menu."""
    message = update.effective_message
    text = message.text if message and message.text else ""
    if looks_like_code(text):
        await link(update, context, text)
        return
    t = context.texts
    if not context.actor.is_linked:
        await show_home(update, context)
        return
    if context.actor.role in (Role.PUPIL, Role.GUARDIAN):
        await care_fallback(update, context)  # never a bare "I did not understand"
        return
    await answer(
        update,
        context,
        t("I did not understand that. Please choose from the menu."),
        main_menu(t, context.actor),
    )


@guarded
async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice: we only read text here."""
    t = context.texts
    await answer(
        update,
        context,
        t("I can only read text messages here. Please choose from the menu."),
        main_menu(t, context.actor),
    )


@guarded
async def help_command(update: Update, context: BotContext) -> None:
    t = context.texts
    lines = [
        t("/start - the main menu"),
        t("/language - choose the language"),
        t("/me - what the bot holds about you"),
        t("/help - this help"),
        "",
        helplines(context),
    ]
    await answer(update, context, "\n".join(lines), main_menu(t, context.actor))


async def menu_button(update: Update, context: BotContext) -> None:
    await show_home(update, context, edit=True)


def _language_rows() -> list[list[tuple[str, str]]]:
    return [[(LANGUAGE_NAMES[code], routes.SET_LANGUAGE.data(code))] for code in LANGUAGES]


@guarded
async def language_command(update: Update, context: BotContext) -> None:
    await answer(update, context, context.texts("Choose your language:"), _language_rows())


async def language_menu(update: Update, context: BotContext) -> None:
    text = context.texts("Choose your language:")
    await answer(update, context, text, _language_rows(), edit=True)


async def set_language(update: Update, context: BotContext, language: str) -> None:
    context.actor = await context.services.accounts.set_language(context.actor, language)
    await answer(update, context, context.texts("Language changed to English."), edit=True)
    await show_home(update, context)


@guarded
async def stale_button(update: Update, context: BotContext) -> None:
    """A button no handler knows (an old message, or forged data)."""
    t = context.texts
    actor = context.actor if context.has_actor else None
    await answer(
        update,
        context,
        t("This button is no longer valid. Here is the menu."),
        main_menu(t, actor),
    )


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log it, then tell the user politely in their language."""
    if isinstance(context.error, Forbidden) and isinstance(update, Update):
        if update.effective_user is not None:
            await context.services.accounts.mark_blocked(update.effective_user.id)
        return
    log.error("unhandled error", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        texts = context.translator.for_language(await _language(update, context))
        await context.bot.send_message(
            update.effective_chat.id,
            texts("Sorry, something went wrong on our side. Please try again later."),
        )
        if update.callback_query is not None:
            await update.callback_query.answer()
    except Exception:  # the error handler must never raise
        log.exception("could not tell the user about the error")


async def _language(update: Update, context: BotContext) -> str:
    """The sender's language. PTB gives the error handler a context of its own, without
    the Actor of the update, so it is looked up again (read only: a blocked account stays
    blocked); if even that fails, Telegram's language setting."""
    user = update.effective_user
    telegram_language = user.language_code if user else None
    chosen: str | None = None
    if user is not None:
        try:
            chosen = await context.services.accounts.language_of(user.id)
        except Exception:  # the database may be why we are here
            log.warning("could not read the language of the account for an apology")
    return context.translator.pick_language(chosen, telegram_language)
