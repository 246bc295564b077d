"""The figures' handlers, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler

from handlers.figures import routes, screens
from handlers.ui import button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        button(routes.HOME, screens.home),
        button(routes.SHOW, screens.show),
        button(routes.CHART, screens.chart),
        button(routes.SHEET, screens.sheet),
        button(routes.SCHOOLS, screens.schools),
        button(routes.NOT_USED, screens.not_used),
        button(routes.REMIND, screens.remind),
    ]
