"""Running a school's handlers, in the order they are tried."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler

from handlers.admin import adding, people, routes
from handlers.ui import button


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        button(routes.HOME, people.home),
        button(routes.SCHOOL, people.school),
        button(routes.GRADES, people.grades),
        button(routes.LIST, people.people),
        button(routes.PERSON, people.person),
        button(routes.CODE, people.new_code),
        button(routes.UNLINK, people.unlink),
        button(routes.LEAVE, people.ask_leave),
        button(routes.LEAVE_OK, people.leave),
        button(routes.DUTIES, people.duties),
        button(routes.DUTY, people.duty),
        button(routes.ADD_SPECIALIST, adding.add_specialist),
        button(routes.KIND, adding.choose_kind),
        button(routes.ADD_DUTY, adding.finish),
        button(routes.CANCEL, adding.cancel),
        button(routes.MESSAGE, adding.choose_audience),
        button(routes.AUDIENCE, adding.audience),
        button(routes.SEND, adding.send),
    ]
