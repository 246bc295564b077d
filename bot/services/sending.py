"""How services send a message without knowing Telegram: a protocol and its failures.

The Telegram adapter (``handlers/sender.py``) implements :class:`Sender` and turns the
Bot API's errors into the exceptions below; tests use a fake.
"""

from __future__ import annotations

from typing import Protocol

from bot.domain.models import OutgoingMessage


class SendError(Exception):
    """A message was not delivered."""


class RecipientGone(SendError):
    """The user blocked the bot or the chat no longer exists: never retry."""


class SendThrottled(SendError):
    """The server asked everyone to wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class SendFailedTemporarily(SendError):
    """A network error or time-out: worth another try later."""


class SendRejected(SendError):
    """The server refused this message itself (bad text, bad button): never retry."""


class Sender(Protocol):
    async def send(self, chat_id: int, message: OutgoingMessage) -> None:
        """Deliver ``message``, or raise one of this module's :class:`SendError`."""
        ...
