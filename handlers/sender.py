"""The Telegram side of the reminder engine: facts into words, then onto the Bot API.

The dispatcher (a service) hands over a fact and its recipient. :class:`Renderers` holds
one function per kind of fact, registered by each feature's ``notices`` module at wiring
time, which puts the fact into the recipient's language; :class:`TelegramSender` sends
the result and turns the Bot API's errors into the dispatcher's.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.domain.reminders import Fact, Recipient
from bot.i18n import Texts, Translator
from bot.services.reminders.sending import (
    RecipientGone,
    SendFailedTemporarily,
    SendRejected,
    SendThrottled,
)
from handlers.ui import MAX_CAPTION, Reply, clip, keyboard

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Fact)
Render = Callable[[Any, Recipient, Texts], Reply]

# BadRequest texts that mean the chat itself is gone, not that this message was bad.
_GONE = ("chat not found", "user is deactivated", "bot was blocked")


class Renderers:
    """One function per kind of fact: (fact, recipient, texts) -> words and buttons."""

    def __init__(self) -> None:
        self._by_type: dict[type[Fact], Render] = {}

    def register(self, kind: type[F], render: Callable[[F, Recipient, Texts], Reply]) -> None:
        if kind in self._by_type:
            raise ValueError(f"a renderer for {kind.__name__} is registered already")
        self._by_type[kind] = render

    def render(self, fact: Fact, recipient: Recipient, texts: Texts) -> Reply:
        render = self._by_type.get(type(fact))
        if render is None:
            raise LookupError(f"no renderer for {type(fact).__name__}")
        return render(fact, recipient, texts)


class TelegramSender:
    """Sends a fact, in its recipient's words, through ``bot``."""

    def __init__(self, bot: Bot, translator: Translator, renderers: Renderers) -> None:
        self.bot = bot
        self.translator = translator
        self.renderers = renderers

    async def send(self, recipient: Recipient, fact: Fact) -> None:
        try:
            reply = self.renderers.render(fact, recipient, self.translator.for_actor(recipient))
        except Exception as exc:  # a bug in words must not retry forever
            log.exception("could not put a %s into words", type(fact).__name__)
            raise SendRejected(f"render: {type(exc).__name__}") from exc
        markup = keyboard([list(row) for row in reply.rows])
        try:
            if reply.document is not None:
                await self.bot.send_document(
                    recipient.chat_id,
                    reply.document,
                    filename=reply.filename,
                    caption=clip(reply.text, MAX_CAPTION),
                    reply_markup=markup,
                )
            else:
                await self.bot.send_message(
                    recipient.chat_id, clip(reply.text), reply_markup=markup
                )
        except RetryAfter as exc:
            raise SendThrottled(_retry_after(exc)) from exc
        except Forbidden as exc:
            raise RecipientGone(exc.message) from exc
        except BadRequest as exc:
            if any(part in exc.message.lower() for part in _GONE):
                raise RecipientGone(exc.message) from exc
            raise SendRejected(exc.message) from exc
        except (TimedOut, NetworkError) as exc:
            raise SendFailedTemporarily(exc.message) from exc


def _retry_after(exc: RetryAfter) -> float:
    # PTB 22 warns that the int will become a timedelta; either is fine here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)
