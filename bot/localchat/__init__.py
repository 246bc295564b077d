"""An in-process Telegram: the Bot API as a ``BaseRequest``, and users who type and press.

It drives the real PTB ``Application`` with no network and no token. The local chat
(``pumpurs-bot chat``), the end-to-end tests and the benchmarks all use it.
"""

from bot.localchat.driver import LocalTelegram, TelegramUser
from bot.localchat.transport import InProcessBotApi, Outgoing, messages

__all__ = ["InProcessBotApi", "LocalTelegram", "Outgoing", "TelegramUser", "messages"]
