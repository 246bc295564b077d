"""/settings and its buttons."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler, CommandHandler

from handlers.reminders import routes, settings
from handlers.ui import button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("settings", settings.settings_command),
        button(routes.SETTINGS, settings.show),
        button(routes.TOGGLE_OFFSET, settings.toggle_offset),
        button(routes.TOGGLE_KIND, settings.toggle_kind),
    ]
