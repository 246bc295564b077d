"""Internship support's handlers, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler

from handlers.internship import claims, routes, student
from handlers.ui import button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        button(routes.INTERNSHIP, student.show),
        button(routes.TOGGLE_DAY, student.toggle_day),
        button(routes.FAMILY, student.show_family),
        button(routes.NEW_CLAIM, student.new_claim),
        button(routes.NEW_ACCOMMODATION, student.new_accommodation),
        button(routes.CANCEL_CLAIM, student.cancel_claim),
        button(routes.CLAIMS, claims.show_list),
        button(routes.TICKET, claims.ticket),
        button(routes.APPROVE, claims.approve),
        button(routes.RETURN, claims.ask_return),
        button(routes.CANCEL_RETURN, claims.cancel_return),
        button(routes.PAY, claims.pay),
        button(routes.PAY_PERIOD, claims.pay_period),
        button(routes.PAY_AGAIN, claims.pay_again),
    ]
