"""The Telegram side of :class:`bot.services.sending.Sender`: Bot API errors become ours."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.domain.models import OutgoingMessage
from bot.services.sending import (
    RecipientGone,
    SendFailedTemporarily,
    SendRejected,
    SendThrottled,
)
from handlers.ui import MAX_TEXT, keyboard

# BadRequest texts that mean the chat itself is gone, not that this message was bad.
_GONE = ("chat not found", "user is deactivated", "bot was blocked")


class TelegramSender:
    """Sends an :class:`OutgoingMessage` with its inline buttons through ``bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, message: OutgoingMessage) -> None:
        text = message.text if len(message.text) <= MAX_TEXT else message.text[: MAX_TEXT - 1] + "…"
        markup = keyboard([list(row) for row in message.buttons])
        try:
            await self.bot.send_message(chat_id, text, reply_markup=markup)
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
