"""The meals' handlers, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler

from handlers.meals import caterer, family, figures, routes
from handlers.ui import button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        # The family's screens.
        button(routes.MEALS, family.show_meals),
        button(routes.CHILD, family.show_child),
        button(routes.START, family.start),
        button(routes.TOGGLE_DAY, family.toggle_day),
        button(routes.NEXT, family.advance),
        button(routes.KEEP, family.advance),
        button(routes.CONSENT, family.consent),
        button(routes.CANCEL, family.cancel),
        button(routes.PAUSE, family.pause),
        button(routes.RESUME, family.resume),
        button(routes.STOP, family.ask_stop),
        button(routes.STOP_OK, family.stop_ok),
        button(routes.RECEIVED, family.received),
        button(routes.NOT_RECEIVED, family.not_received),
        # The caterer's list.
        button(routes.CATERER_TODAY, caterer.show_today),
        button(routes.CATERER_DAY, caterer.show_day),
        button(routes.DELIVERED, caterer.delivered),
        button(routes.FAILED, caterer.ask_why),
        button(routes.FAILED_BECAUSE, caterer.failed),
        button(routes.CATERER_CSV, caterer.send_csv),
        # The coordinators' figures.
        button(routes.FIGURES, figures.show),
        button(routes.FIGURES_CSV, figures.send_csv),
    ]
