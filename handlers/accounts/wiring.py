"""The first screens' handlers, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler, CommandHandler

from handlers.accounts import audit, me, routes, start
from handlers.ui import MENU, button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("start", start.start),
        CommandHandler("help", start.help_command),
        CommandHandler("language", start.language_command),
        CommandHandler("me", me.me_command),
        button(MENU, start.menu_button),
        button(routes.LANGUAGE_MENU, start.language_menu),
        button(routes.SET_LANGUAGE, start.set_language),
        button(routes.ME, me.show_me),
        button(routes.EXPORT, me.export),
        button(routes.ERASE, me.ask_erase),
        button(routes.ERASE_OK, me.erase),
        button(routes.PLAN, me.show_plans),
        button(routes.PUPIL_AUDIT, audit.ask_pupil),
    ]
