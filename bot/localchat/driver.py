"""Users who type and press buttons, turned into real ``Update`` objects for the bot."""

from __future__ import annotations

import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.localchat.transport import ChatMessage, InProcessBotApi, Outgoing


def deliver_due(app: Application[Any, Any, Any, Any, Any, Any]) -> Callable[[], Awaitable[None]]:
    """Send what is due now, as the dispatcher's immediate wake-up does in production."""

    async def deliver() -> None:
        jobs = app.bot_data.reminder_jobs
        if jobs is not None:
            jobs.kick()
            await jobs.wait_idle()

    return deliver


@dataclass(frozen=True)
class TelegramUser:
    id: int
    first_name: str = "Test"
    language_code: str | None = "lv"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data


class LocalTelegram:
    """Feeds updates to an ``Application`` built over an :class:`InProcessBotApi`.

    Each call returns what the bot did in answer: the messages it sent or edited, and,
    when ``deliver`` is given, what the reminder dispatcher then sent at once (the
    notices to other users), as the job queue's immediate wake-up would.
    """

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        api: InProcessBotApi,
        deliver: Callable[[], Awaitable[None]] | None = None,
    ):
        self.app = app
        self.api = api
        self.deliver = deliver
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    def _chat(self, user: TelegramUser) -> dict[str, Any]:
        return {"id": user.id, "type": "private", "first_name": user.first_name}

    async def _feed(self, data: dict[str, Any]) -> list[Outgoing]:
        before = len(self.api.outgoing)
        await self.app.process_update(Update.de_json(data, self.app.bot))
        if self.deliver is not None:
            await self.deliver()
        return self.api.outgoing[before:]

    def message_update(self, user: TelegramUser, text: str) -> dict[str, Any]:
        message_id = self.api.next_message_id(user.id)
        self.api.add_user_message(user.id, message_id, text)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(user),
            "from": user.as_json(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    async def send(self, user: TelegramUser, text: str) -> list[Outgoing]:
        """The user types ``text`` and presses Send."""
        return await self._feed(self.message_update(user, text))

    async def edit(self, user: TelegramUser, message_id: int, text: str) -> list[Outgoing]:
        """The user edits their message ``message_id`` to read ``text``."""
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": self._chat(user),
            "from": user.as_json(),
            "text": text,
        }
        return await self._feed({"update_id": next(self._update_ids), "edited_message": message})

    async def send_photo(self, user: TelegramUser, caption: str = "") -> list[Outgoing]:
        message_id = self.api.next_message_id(user.id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(user),
            "from": user.as_json(),
            "photo": [
                {"file_id": f"photo{message_id}", "file_unique_id": "p", "width": 90, "height": 90}
            ],
        }
        if caption:
            message["caption"] = caption
        return await self._feed({"update_id": next(self._update_ids), "message": message})

    def press_update(
        self, user: TelegramUser, data: str, message: ChatMessage | None = None
    ) -> dict[str, Any]:
        if message is None:
            message = self.api.last_bot_message(user.id)
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._query_ids)),
                "from": user.as_json(),
                "chat_instance": str(user.id),
                "data": data,
                "message": {
                    "message_id": message.message_id,
                    "date": message.date,
                    "chat": self._chat(user),
                    "text": message.text,
                },
            },
        }

    async def press(
        self, user: TelegramUser, data: str, message: ChatMessage | None = None
    ) -> list[Outgoing]:
        """The user presses a button carrying ``data`` (on ``message``, else the last one)."""
        return await self._feed(self.press_update(user, data, message))

    async def press_label(self, user: TelegramUser, label_part: str) -> list[Outgoing]:
        """Press the button whose label contains ``label_part`` on the bot's last message."""
        message = self.api.last_bot_message(user.id)
        for row in message.buttons:
            for label, data in row:
                if label_part in label:
                    return await self.press(user, data, message)
        labels = [label for row in message.buttons for label, _ in row]
        raise KeyError(f"no button with {label_part!r} in {labels}")
