"""The typed ``CallbackContext`` every handler receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.models import Account
from bot.i18n import Texts
from bot.runtime import Services

if TYPE_CHECKING:
    from bot.reminder_jobs import ReminderJobs


class BotData:
    """``application.bot_data``: the services, set before the first update."""

    services: Services | None = None
    reminder_jobs: ReminderJobs | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Exposes the services, and the account and texts of the update's sender.

    PTB builds one context per update and passes it to every handler group, so the
    account loaded by the first group's handler is seen by the feature handlers after it.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.account: Account | None = None
        # A short note shown on the pressed button's answer (set by a handler, sent once).
        self.toast: str | None = None
        self._texts: Texts | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not open")
        return services

    @property
    def texts(self) -> Texts:
        """Texts in the sender's language (the default language before it is known)."""
        if self._texts is None:
            translator = self.services.texts
            self._texts = translator.for_language(translator.default_language)
        return self._texts

    @texts.setter
    def texts(self, value: Texts) -> None:
        self._texts = value
