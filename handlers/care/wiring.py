"""Care's handlers: asking to be contacted, "I'm on it", conversations in the chat."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler, CommandHandler

from handlers.care import alerts, crisis, relay, routes
from handlers.ui import button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("end", relay.end_command),
        button(routes.ASK_CONTACT, crisis.ask_contact),
        button(routes.TAKE, alerts.take),
        button(routes.WRITE, alerts.write),
        button(routes.OPEN, relay.open_booking),
        button(routes.END, relay.end),
    ]
