"""The Bot API, answered in process: what the bot sends is recorded, never sent anywhere."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "PuMPuRS",
    "username": "pumpurs_local_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Outgoing:
    """One call the bot made: a message sent or edited, a button answered, a file sent."""

    method: str
    chat_id: int | None
    message_id: int | None
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    document_name: str | None = None
    document: bytes | None = None
    alert: bool = False

    @property
    def button_texts(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]

    def data_of(self, label_part: str) -> str:
        """The callback data of the first button whose label contains ``label_part``."""
        for row in self.buttons:
            for label, data in row:
                if label_part in label:
                    return data
        raise KeyError(f"no button with {label_part!r} in {self.button_texts}")


def messages(sent: list[Outgoing]) -> list[Outgoing]:
    """Only the messages sent or edited, without the answers to button presses."""
    return [item for item in sent if item.method != "answerCallbackQuery"]


@dataclass
class ChatMessage:
    """A message as it stands now in a chat (after edits)."""

    message_id: int
    from_bot: bool
    text: str
    buttons: list[list[tuple[str, str]]]
    date: int


def _buttons(markup: Any) -> list[list[tuple[str, str]]]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [[(b.get("text", ""), b.get("callback_data", "")) for b in row] for row in rows]


class InProcessBotApi(BaseRequest):
    """A ``BaseRequest`` that plays the Bot API server.

    Faults can be injected: :meth:`fail_next` makes the next call of a method answer
    429 (``RetryAfter``), 403 (``Forbidden``) or raise a network error; a chat in
    :attr:`blocked` answers 403 to everything sent to it, as when a user blocked the bot.
    Every call takes :attr:`latency` seconds, as one to Telegram does (about 0.05).
    """

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.outgoing: list[Outgoing] = []
        self.chats: dict[int, list[ChatMessage]] = defaultdict(list)
        self.blocked: set[int] = set()
        self.calls: dict[str, int] = defaultdict(int)
        self._faults: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self.record = True  # benchmarks switch recording off to measure the bot alone

    # --- BaseRequest -------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self.latency:
            await asyncio.sleep(self.latency)
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files: dict[str, Any] = {}
        if request_data is not None and request_data.contains_files:
            files = dict(request_data.multipart_data)
        self.calls[api_method] += 1
        fault = self._take_fault(api_method)
        if fault is not None:
            kind, value = fault
            if kind == "network":
                raise NetworkError("simulated network error")
            if kind == "retry_after":
                return self._error(429, "Too Many Requests: retry after", retry_after=int(value))
            return self._error(403, "Forbidden: bot was blocked by the user")
        chat_id = params.get("chat_id")
        if str(chat_id).lstrip("-").isdigit() and int(str(chat_id)) in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        handler = getattr(self, "_api_" + api_method, None)
        if handler is None:
            return self._error(400, f"Bad Request: {api_method} is not in the local Bot API")
        result = handler(params, files)
        if isinstance(result, tuple):
            return result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # --- faults --------------------------------------------------------------------------

    def fail_next(self, method: str, kind: str, value: float = 1, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail: retry_after, forbidden, network."""
        if kind not in {"retry_after", "forbidden", "network"}:
            raise ValueError(kind)
        self._faults[method].extend([(kind, value)] * times)

    def _take_fault(self, method: str) -> tuple[str, float] | None:
        queue = self._faults.get(method)
        return queue.pop(0) if queue else None

    @staticmethod
    def _error(code: int, description: str, retry_after: int | None = None) -> tuple[int, bytes]:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return code, json.dumps(body).encode()

    # --- chats ---------------------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids[chat_id])

    def add_user_message(self, chat_id: int, message_id: int, text: str) -> None:
        if self.record:
            self.chats[chat_id].append(ChatMessage(message_id, False, text, [], int(time.time())))

    def find(self, chat_id: int, message_id: int) -> ChatMessage | None:
        for message in self.chats.get(chat_id, []):
            if message.message_id == message_id:
                return message
        return None

    def last_bot_message(self, chat_id: int) -> ChatMessage:
        for message in reversed(self.chats.get(chat_id, [])):
            if message.from_bot:
                return message
        raise LookupError(f"the bot has sent nothing to chat {chat_id}")

    def _message_json(self, chat_id: int, message: ChatMessage) -> dict[str, Any]:
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": {"id": chat_id, "type": "private", "first_name": "User"},
            "from": BOT_USER,
            "text": message.text,
        }
        if message.buttons:
            result["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": label, "callback_data": data} for label, data in row]
                    for row in message.buttons
                ]
            }
        return result

    def _log(self, item: Outgoing) -> None:
        if self.record:
            self.outgoing.append(item)

    # --- the Bot API methods the bot uses ------------------------------------------------

    def _api_getMe(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        return BOT_USER

    def _api_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = int(params["chat_id"])
        text = str(params.get("text", ""))
        if not text.strip():
            return self._error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return self._error(400, "Bad Request: message is too long")
        message = ChatMessage(
            self.next_message_id(chat_id),
            True,
            text,
            _buttons(params.get("reply_markup")),
            int(time.time()),
        )
        if self.record:
            self.chats[chat_id].append(message)
        self._log(Outgoing("sendMessage", chat_id, message.message_id, text, message.buttons))
        return self._message_json(chat_id, message)

    def _edit(self, params: dict[str, Any], text: str | None) -> Any:
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"])
        buttons = _buttons(params.get("reply_markup"))
        if not self.record:
            # Nothing is kept to compare with: the edit is taken as it comes.
            edited = ChatMessage(message_id, True, text or "", buttons, int(time.time()))
            return self._message_json(chat_id, edited)
        message = self.find(chat_id, message_id)
        if message is None or not message.from_bot:
            return self._error(400, "Bad Request: message to edit not found")
        new_text = message.text if text is None else text
        if new_text == message.text and buttons == message.buttons:
            return self._error(400, "Bad Request: message is not modified")
        message.text, message.buttons = new_text, buttons
        self._log(Outgoing("editMessageText", chat_id, message_id, new_text, buttons))
        return self._message_json(chat_id, message)

    def _api_editMessageText(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        return self._edit(params, str(params.get("text", "")))

    def _api_editMessageReplyMarkup(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        return self._edit(params, None)

    def _api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        text = str(params.get("text") or "")
        alert = bool(params.get("show_alert"))
        # A silent answer only stops the button's spinner: counted in calls, not logged.
        if text or alert:
            self._log(Outgoing("answerCallbackQuery", None, None, text, alert=alert))
        return True

    def _api_sendDocument(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = int(params["chat_id"])
        name, content = "file", b""
        for value in files.values():
            # multipart parts are (filename, bytes, mimetype)
            if isinstance(value, tuple):
                name, content = str(value[0]), bytes(value[1])
        caption = str(params.get("caption") or "")
        message = ChatMessage(self.next_message_id(chat_id), True, caption, [], int(time.time()))
        if self.record:
            self.chats[chat_id].append(message)
        self._log(Outgoing("sendDocument", chat_id, message.message_id, caption, [], name, content))
        result = self._message_json(chat_id, message)
        result.pop("text", None)
        result["caption"] = caption
        result["document"] = {"file_id": f"doc{message.message_id}", "file_unique_id": "u"}
        return result

    def _api_sendPhoto(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        """A photo by file id (``document_name`` is the id) or uploaded as bytes (a chart:
        ``document_name`` is its file name and ``document`` the bytes)."""
        chat_id = int(params["chat_id"])
        photo, content = str(params.get("photo") or ""), None
        for value in files.values():
            if isinstance(value, tuple):  # multipart parts are (filename, bytes, mimetype)
                photo, content = str(value[0]), bytes(value[1])
        caption = str(params.get("caption") or "")
        message = ChatMessage(self.next_message_id(chat_id), True, caption, [], int(time.time()))
        if self.record:
            self.chats[chat_id].append(message)
        self._log(Outgoing("sendPhoto", chat_id, message.message_id, caption, [], photo, content))
        result = self._message_json(chat_id, message)
        result.pop("text", None)
        result["caption"] = caption
        result["photo"] = [{"file_id": photo, "file_unique_id": "p", "width": 1, "height": 1}]
        return result

    def _api_deleteMessage(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        self.chats[chat_id] = [m for m in self.chats[chat_id] if m.message_id != message_id]
        return True

    def _api_setMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        self.commands = getattr(self, "commands", {})
        self.commands[params.get("language_code") or ""] = params.get("commands")
        return True

    def _api_getUpdates(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        return []

    def _api_deleteWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        return True

    def _api_setWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = params
        return True

    def _api_sendChatAction(self, params: dict[str, Any], files: dict[str, Any]) -> Any:  # noqa: N802
        return True
