"""First screens: /start, /help, /language, /me, the menu, and what nobody else handles."""

from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden

from bot.context import BotContext
from bot.domain.callback import pack, unpack
from bot.domain.errors import N_
from bot.domain.models import Role
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Texts
from bot.services.accounts import looks_like_code
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


async def load_account(update: Update, context: BotContext) -> None:
    """Group -1: know who is writing, in which language, before any feature runs."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    services = context.services
    account = await services.accounts.touch(user.id, user.language_code)
    context.account = account
    language = services.texts.pick_language(account.language, account.telegram_language)
    context.texts = services.texts.for_language(language)


def _helplines(context: BotContext) -> str:
    numbers = context.services.config.helplines
    return context.texts(
        "If you feel unsafe or need to talk: call {helpline} (free, 24/7, for children and "
        "young people) or, in an emergency, {emergency}.",
        helpline=numbers.children_helpline,
        emergency=numbers.emergency,
    )


async def _show_home(update: Update, context: BotContext, *, edit: bool = False) -> None:
    t = context.texts
    account = context.account
    if account is not None and account.is_linked:
        names = ", ".join(p.display_name for p in account.links)
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
                _helplines(context),
            ]
        )
    await answer(update, context, text, main_menu(t, account), edit=edit)


@guarded()
async def start(update: Update, context: BotContext) -> None:
    """/start, or /start CODE from a deep link."""
    if context.args:
        await _link(update, context, context.args[0])
        return
    await _show_home(update, context)


async def _link(update: Update, context: BotContext, code: str) -> None:
    user = update.effective_user
    assert user is not None  # noqa: S101 - load_account ran
    person = await context.services.accounts.link(user.id, code)
    context.account = await context.services.accounts.touch(user.id, user.language_code)
    t = context.texts
    await answer(
        update,
        context,
        t(
            "Done! This account is now linked as {role}: {name}.",
            role=t(ROLE_NAMES[person.role]),
            name=person.display_name,
        ),
    )
    await _show_home(update, context)


@guarded()
async def text_message(update: Update, context: BotContext) -> None:
    """Any text no feature took: a typed code, or a friendly pointer to the menu."""
    message = update.effective_message
    text = message.text if message and message.text else ""
    if looks_like_code(text):
        await _link(update, context, text)
        return
    t = context.texts
    if context.account is None or not context.account.is_linked:
        await _show_home(update, context)
        return
    await answer(
        update,
        context,
        t("I did not understand that. Please choose from the menu."),
        main_menu(t, context.account),
    )


@guarded()
async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice: we only read text here."""
    t = context.texts
    await answer(
        update,
        context,
        t("I can only read text messages here. Please choose from the menu."),
        main_menu(t, context.account),
    )


@guarded()
async def help_command(update: Update, context: BotContext) -> None:
    t = context.texts
    lines = [
        t("/start - the main menu"),
        t("/language - choose the language"),
        t("/me - what the bot holds about you"),
        t("/help - this help"),
        "",
        _helplines(context),
    ]
    await answer(update, context, "\n".join(lines), main_menu(t, context.account))


@guarded()
async def menu_button(update: Update, context: BotContext) -> None:
    await _show_home(update, context, edit=True)


@guarded()
async def language_command(update: Update, context: BotContext) -> None:
    rows = [[(LANGUAGE_NAMES[code], pack("lang", "set", code))] for code in LANGUAGES]
    await answer(update, context, context.texts("Choose your language:"), rows)


@guarded()
async def language_button(update: Update, context: BotContext) -> None:
    callback = unpack(update.callback_query.data if update.callback_query else None)
    if callback is None or callback.action == "menu":
        rows = [[(LANGUAGE_NAMES[code], pack("lang", "set", code))] for code in LANGUAGES]
        await answer(update, context, context.texts("Choose your language:"), rows, edit=True)
        return
    language = callback.args[0] if callback.args else ""
    user = update.effective_user
    if language not in LANGUAGES or user is None:
        await answer(update, context, context.texts("That language is not available."))
        return
    await context.services.accounts.set_language(user.id, language)
    context.texts = context.services.texts.for_language(language)
    await answer(update, context, context.texts("Language changed to English."), edit=True)
    await _show_home(update, context)


@guarded()
async def me(update: Update, context: BotContext) -> None:
    """/me: what the bot holds about this account, with export and erase."""
    user = update.effective_user
    assert user is not None  # noqa: S101
    data = await context.services.accounts.describe(user.id)
    t = context.texts
    account = data.account
    lines = [
        t("What this bot holds about you:"),
        t("Telegram user id: {id}", id=account.telegram_id),
        t("Language: {language}", language=LANGUAGE_NAMES.get(account.language or "", "-")),
    ]
    if not account.links:
        lines.append(t("Linked to: nobody yet."))
    for person in account.links:
        lines.append(
            t(
                "Linked as {role}: {name} (school {school})",
                role=t(ROLE_NAMES[person.role]),
                name=person.display_name,
                school=person.school_id,
            )
        )
    if data.children:
        lines.append(t("Children: {names}", names=", ".join(data.children)))
    lines.append(
        t.n(
            "{n} scheduled message to you (reminders)",
            "{n} scheduled messages to you (reminders)",
            data.scheduled_messages,
        )
    )
    rows = [
        [(t("⬇️ Download my data"), pack("me", "export"))],
        [(t("🗑 Erase my account"), pack("me", "erase"))],
    ]
    await answer(update, context, "\n".join(lines), rows, edit=update.callback_query is not None)


@guarded()
async def me_button(update: Update, context: BotContext) -> None:
    callback = unpack(update.callback_query.data if update.callback_query else None)
    user = update.effective_user
    assert user is not None  # noqa: S101
    t = context.texts
    action = callback.action if callback else ""
    if action == "show":
        await me(update, context)
    elif action == "export":
        data = await context.services.accounts.describe(user.id)
        payload = json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2)
        await context.bot.send_document(
            user.id,
            payload.encode("utf-8"),
            filename="my-data.json",
            caption=t("Everything this bot holds about your account."),
        )
    elif action == "erase":
        rows = [
            [(t("Yes, erase my account"), pack("me", "erase_ok"))],
            [(t("No, keep it"), pack("menu", "home"))],
        ]
        text = t(
            "Erase your account? The bot forgets this Telegram account and its links. "
            "Your school's support plan stays with the school. You can link again with a new code."
        )
        await answer(update, context, text, rows, edit=True)
    elif action == "erase_ok":
        await context.services.accounts.erase(user.id)
        context.account = None
        await answer(update, context, t("Your account was erased."), edit=True)


@guarded()
async def plan_button(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None  # noqa: S101
    views = await context.services.accounts.view_plans(user.id)
    t = context.texts
    blocks = []
    for view in views:
        lines = [view.pupil_name]
        if not view.plans:
            lines.append(t("No support plan yet."))
        for plan in view.plans:
            lines.append(
                t(
                    "Plan {plan} ({year}, semester {semester}): {start} - {end}",
                    plan=plan.external_id,
                    year=plan.school_year,
                    semester=plan.semester,
                    start=t.short_date(plan.starts_on),
                    end=t.short_date(plan.ends_on),
                )
            )
            for measure in plan.measures:
                label = measure_label(t, measure.kind.value, measure.subject)
                if measure.hours_granted is not None:
                    hours = t.n("{n} hour", "{n} hours", int(measure.hours_granted))
                    label = t("{measure} ({hours})", measure=label, hours=hours)
                lines.append("  • " + label)
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks) if blocks else t("No support plan yet.")
    await answer(update, context, text, [[(t("⬅️ Menu"), pack("menu", "home"))]], edit=True)


MEASURE_NAMES = {
    "subject_consultation": N_("Subject consultations: {subject}"),
    "emotional_support": N_("Emotional support"),
    "meals": N_("Meals"),
    "transport": N_("Transport compensation"),
    "accommodation": N_("Accommodation"),
    "internship_meals": N_("Meals during the internship"),
}


def measure_label(t: Texts, kind: str, subject: str) -> str:
    return t(MEASURE_NAMES[kind], subject=subject)


@guarded()
async def stale_button(update: Update, context: BotContext) -> None:
    """A button no handler knows (an old message, or forged data)."""
    t = context.texts
    await answer(
        update,
        context,
        t("This button is no longer valid. Here is the menu."),
        main_menu(t, context.account),
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
        await context.bot.send_message(
            update.effective_chat.id,
            context.texts("Sorry, something went wrong on our side. Please try again later."),
        )
        if update.callback_query is not None:
            await update.callback_query.answer()
    except Exception:  # the error handler must never raise
        log.exception("could not tell the user about the error")
