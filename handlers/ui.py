"""Small helpers every handler uses to answer: send or edit, keyboards, domain errors."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.domain.callback import Callback, unpack
from bot.domain.errors import DomainError, NotAllowed
from bot.i18n import Texts

log = logging.getLogger(__name__)

Button = tuple[str, str]  # (label, callback data)
Rows = Sequence[Sequence[Button]]
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]

# Telegram refuses texts over 4096 characters; we cut ours well before that.
MAX_TEXT = 4000


def keyboard(rows: Rows | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def answer(
    update: Update,
    context: BotContext,
    text: str,
    rows: Rows | None = None,
    *,
    edit: bool = False,
) -> Message | None:
    """Answer the sender: edit the pressed message when ``edit``, else send a new one."""
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    markup = keyboard(rows)
    query = update.callback_query
    if edit and query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            # Pressing the same button twice edits to the same text: not an error.
            if "not modified" not in str(exc).lower():
                raise
        return None
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(chat.id, text, reply_markup=markup)


def describe_error(texts: Texts, error: DomainError) -> str:
    """A domain error in the user's words, times shown in Riga time."""
    values: dict[str, Any] = {}
    for key, value in error.values().items():
        values[key] = texts.datetime(value) if isinstance(value, datetime) else value
    return texts(error.message, **values)


def guarded(*, edit: bool = True) -> Callable[[Handler], Handler]:
    """Answer the button press, and turn a domain error into words for the user.

    Anything else is a bug and goes on to the application's one error handler.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(update: Update, context: BotContext) -> None:
            query = update.callback_query
            try:
                await handler(update, context)
            except DomainError as error:
                text = describe_error(context.texts, error)
                if query is not None:
                    await query.answer(text[:190], show_alert=True)
                    return
                await answer(update, context, text)
                return
            if query is not None:
                await query.answer(context.toast)

        return wrapper

    return decorate


# --- reading a button press: anything malformed is treated as forged -------------------


def callback(update: Update) -> Callback:
    """The pressed button's data; a malformed one is treated as forged."""
    found = unpack(update.callback_query.data if update.callback_query else None)
    if found is None:
        raise NotAllowed()
    return found


def int_args(found: Callback, count: int) -> list[int]:
    try:
        return [found.int_arg(i) for i in range(count)]
    except (ValueError, IndexError):
        raise NotAllowed() from None


def user_id(update: Update) -> int:
    user = update.effective_user
    if user is None:
        raise NotAllowed()
    return user.id


def pressed_by(update: Update) -> tuple[Callback, int]:
    """The pressed button's data and who pressed it."""
    return callback(update), user_id(update)
