"""Logging that never holds a secret, an update's content or an SQL parameter.

Three libraries log what must not be kept, at DEBUG: PTB (the Bot API URL with the token,
every call's parameters and every update it fetched: the words of a child in crisis),
aiosqlite (every statement with its parameters: addresses, phones) and httpx/httpcore
(request URLs, with the token). They stay at INFO or above whatever level is chosen for
the bot's own modules. Behind that, a filter on the root handlers blanks the token and
the other secrets wherever they would still appear (an exception's text, say).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Loggers held at a floor, whatever the configured level.
QUIET: dict[str, int] = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "tornado": logging.INFO,
    "apscheduler": logging.INFO,
}
# A bot token anywhere in a text: "<digits>:<35 characters>".
_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "<redacted>"


class Redact(logging.Filter):
    """Blanks each secret (and anything shaped like a bot token) in a record's text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret containing another is blanked whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatter.format uses exc_text when it is set: the traceback, cleaned.
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        return True


def configure(level: int | str, secrets: Iterable[str] = ()) -> None:
    """The root logger at ``level`` (noisy libraries held at their floor), secrets blanked."""
    logging.basicConfig(format=FORMAT)
    root = logging.getLogger()
    root.setLevel(level)
    number = root.getEffectiveLevel()
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, number))
    redact = Redact(secrets)
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, Redact)]:
            handler.removeFilter(old)
        handler.addFilter(redact)
