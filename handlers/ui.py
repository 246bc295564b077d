"""What every handler uses to answer: send or edit, keyboards, buttons, domain errors.

A handler reads the update, calls one service function and renders the answer. The
wrappers here do the rest the same way everywhere: a button's data is parsed by its
:class:`~handlers.buttons.Route` (a forged one is refused), the press is answered, and a
domain error becomes words in the user's language. Anything else is a bug and goes on to
the application's one error handler.

A press is answered together with the edit of its message: each is a call to the Bot
API (about 50 ms), and one after the other they would make every press wait twice. The
edit starts when the handler asks for it and is awaited when :func:`guarded` answers
the press (with the toast, or the alert of a domain error), both at once; any other
message to the user waits for the edit first, so the chat reads in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
    Update,
)
from telegram._utils.types import JSONDict
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.domain.errors import N_, DomainError, NotAllowed
from bot.domain.models import Model
from bot.i18n import Texts
from handlers.buttons import BadPress, Route

Button = tuple[str, str]  # (label, callback data)
Rows = Sequence[Sequence[Button]]
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
ButtonHandler = Callable[..., Awaitable[None]]

# Telegram refuses texts over 4096 characters; we cut ours well before that.
MAX_TEXT = 4000
MAX_CAPTION = 1000  # of a file: Telegram's limit is 1024

MENU = Route("menu", "home")
BACK_TO_MENU = N_("⬅️ Menu")


class Reply(Model):
    """Words and buttons, ready to send: what a renderer makes of a fact. With a
    ``document``, the words are the caption of that file (``filename``)."""

    text: str
    rows: tuple[tuple[Button, ...], ...] = ()
    document: bytes | None = None
    filename: str = ""


def menu_row(t: Texts) -> list[Button]:
    return [(t(BACK_TO_MENU), MENU.data())]


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard of buttons with callback data, sent as it was given.

    PTB's own makes an object per button and turns each back into a dict to send it:
    about 0.1 ms for a screen of eight buttons, a tenth of all the work of an update
    here. This one keeps the (label, data) rows and gives Telegram's JSON from them; the
    button objects (:attr:`inline_keyboard`) are made only if something reads them.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: Rows) -> None:
        TelegramObject.__init__(self)  # not InlineKeyboardMarkup's: no button objects
        self._rows = tuple(tuple(row) for row in rows)
        self._id_attrs = (self._rows,)
        self._freeze()

    def __getattr__(self, name: str) -> Any:
        if name != "inline_keyboard":
            raise AttributeError(name)
        buttons = tuple(
            tuple(InlineKeyboardButton(label, callback_data=data) for label, data in row)
            for row in self._rows
        )
        with self._unfrozen():
            self.inline_keyboard = buttons
        return buttons

    def to_dict(self, recursive: bool = True) -> JSONDict:
        return {
            "inline_keyboard": [
                [{"text": label, "callback_data": data} for label, data in row]
                for row in self._rows
            ]
        }


def keyboard(rows: Rows | None) -> InlineKeyboardMarkup | None:
    return Keyboard(rows) if rows else None


def clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def answer(
    update: Update,
    context: BotContext,
    text: str,
    rows: Rows | None = None,
    *,
    edit: bool = False,
) -> Message | None:
    """Answer the sender: edit the pressed message when ``edit``, else send a new one."""
    text = clip(text)
    markup = keyboard(rows)
    query = update.callback_query
    await _edited(context)  # an earlier edit lands first
    if edit and query is not None and query.message is not None:
        editing = _edit(query, text, markup)
        if context.defer_edits:
            context.pending_edit = asyncio.ensure_future(editing)
        else:
            await editing
        return None
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(chat.id, text, reply_markup=markup)


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        # Pressing the same button twice edits to the same text: not an error.
        if "not modified" not in str(exc).lower():
            raise


async def _edited(context: BotContext, *also: Awaitable[object]) -> None:
    """Await the edit under way (if any) together with ``also``; the first error is raised
    once all are over, so no call is left running unwatched."""
    pending, context.pending_edit = context.pending_edit, None
    calls = [c for c in (pending, *also) if c is not None]
    if not calls:
        return
    if len(calls) == 1:
        await calls[0]
        return
    for outcome in await asyncio.gather(*calls, return_exceptions=True):
        if isinstance(outcome, BaseException):
            raise outcome


def describe_error(texts: Texts, error: DomainError) -> str:
    """A domain error in the user's words, dates and times in their language and Riga."""
    values: dict[str, Any] = {}
    for key, value in error.values.items():
        if isinstance(value, datetime):
            values[key] = texts.datetime(value)
        elif isinstance(value, date):
            values[key] = texts.short_date(value)
        else:
            values[key] = value
    return texts(error.message, **values)


def guarded(handler: Handler) -> Handler:
    """Answer the button press, and turn a domain error into words for the user."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> None:
        query = update.callback_query
        context.defer_edits = query is not None
        try:
            await handler(update, context)
        except DomainError as error:
            text = describe_error(context.texts, error)
            if query is not None:
                await _edited(context, query.answer(text[:190], show_alert=True))
                return
            await answer(update, context, text)
            return
        except BaseException:
            with contextlib.suppress(Exception):
                await _edited(context)  # never left running; the handler's error goes on
            raise
        finally:
            context.defer_edits = False
        if query is not None:
            await _edited(context, query.answer(context.toast))

    return wrapper


def button(route: Route, handler: ButtonHandler) -> CallbackQueryHandler[BotContext, None]:
    """The handler of one route: its data parsed (bounds checked), then ``handler``."""

    async def pressed(update: Update, context: BotContext) -> None:
        query = update.callback_query
        try:
            values = route.parse(query.data if query else None)
        except BadPress:
            raise NotAllowed() from None
        await handler(update, context, *values)

    pressed.__name__ = pressed.__qualname__ = getattr(handler, "__name__", "pressed")
    return CallbackQueryHandler(guarded(pressed), pattern=route.pattern)


def is_editing(update: Update) -> bool:
    """Whether the answer replaces the pressed message (else it is a new message)."""
    return update.callback_query is not None


T = TypeVar("T")


async def refreshing(
    act: Awaitable[T], show: Callable[[], Awaitable[None]], *errors: type[DomainError]
) -> T:
    """``act``'s result; on one of ``errors`` (the screen went stale), ``show`` the screen
    as it stands now, then let the error tell the user why."""
    try:
        return await act
    except errors:
        await show()
        raise
