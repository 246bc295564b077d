"""How services have a message sent without knowing Telegram: a protocol and its failures.

The Telegram side (``handlers/sender.py``) implements :class:`Sender`: it turns a fact
into words in the recipient's language and sends them, and turns the Bot API's errors
into the exceptions below. Tests use a fake.
"""

from __future__ import annotations

from typing import Protocol

from bot.domain.reminders import Fact, Recipient


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
    """The message itself cannot be sent (the server refused it, or it could not be put
    into words): never retry."""


class Sender(Protocol):
    async def send(self, recipient: Recipient, fact: Fact) -> None:
        """Deliver ``fact`` in words, or raise one of this module's :class:`SendError`."""
        ...
