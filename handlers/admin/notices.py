"""A coordinator's message, as the families read it."""

from __future__ import annotations

from bot.domain.admin import Broadcast
from bot.domain.reminders import Recipient
from bot.i18n import Texts
from handlers.sender import Renderers
from handlers.ui import Reply


def broadcast(fact: Broadcast, to: Recipient, t: Texts) -> Reply:
    return Reply(text=t("📢 From {school}:", school=fact.school_name) + "\n\n" + fact.text)


def register(renderers: Renderers) -> None:
    renderers.register(Broadcast, broadcast)
