"""The typed ``CallbackContext`` every handler receives: services, the Actor, the texts."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.actor import Actor
from bot.i18n import Texts, Translator
from bot.runtime import Services


class Wakeable(Protocol):
    """The reminder jobs, as handlers and tests see them."""

    def kick(self) -> None: ...

    async def wait_idle(self) -> None: ...


class BotData:
    """``application.bot_data``: set once while the application is wired."""

    services: Services | None = None
    translator: Translator | None = None
    reminder_jobs: Wakeable | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Exposes the services, and the Actor and texts of the update's sender.

    PTB builds one context per update and passes it to every handler group, so the
    Actor resolved by the first group's handler is seen by the feature handlers after it.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._actor: Actor | None = None
        # A short note shown on the pressed button's answer (set by a handler, sent once).
        self.toast: str | None = None
        # The edit of the pressed message under way, answered together with the press
        # (handlers/ui.py); only while a press is being handled.
        self.defer_edits = False
        self.pending_edit: asyncio.Future[None] | None = None
        self._texts: Texts | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not open")
        return services

    @property
    def translator(self) -> Translator:
        translator = self.bot_data.translator
        if translator is None:
            raise RuntimeError("the translator is not set")
        return translator

    @property
    def actor(self) -> Actor:
        """The sender, resolved once when the update arrived (group -2)."""
        if self._actor is None:
            raise RuntimeError("no actor: the update has no sender")
        return self._actor

    @actor.setter
    def actor(self, value: Actor) -> None:
        self._actor = value
        self._texts = self.translator.for_actor(value)

    @property
    def has_actor(self) -> bool:
        return self._actor is not None

    @property
    def texts(self) -> Texts:
        """Texts in the sender's language (the default language before it is known)."""
        if self._texts is None:
            self._texts = self.translator.for_language(self.translator.default_language)
        return self._texts
