"""``pumpurs-bot chat``: talk to the real bot in a terminal, as Telegram would show it."""

from __future__ import annotations

import asyncio
import contextlib
import textwrap
from pathlib import Path

from bot.app import BotApp, build_application, close_services, open_services
from bot.clock import Clock
from bot.config import Config
from bot.localchat.driver import LocalTelegram, TelegramUser, deliver_due
from bot.localchat.transport import InProcessBotApi, Outgoing

HELP = """\
Type as a Telegram user would; a number presses that button of the last message.
/as ROLE switches who you are (demo: pupil, guardian, specialist, coordinator, new).
/quit ends the chat."""


def render(item: Outgoing, downloads: Path | None = None, to: str = "") -> str:
    """One outgoing call as a chat window would show it; ``to`` names another user's chat."""
    if item.method == "answerCallbackQuery":
        return f"  ⓘ {item.text}" if item.text else ""
    title = "bot" if item.method != "editMessageText" else f"bot (edited #{item.message_id})"
    if to:
        title += f" → {to}"
    lines = [f"── {title} " + "─" * max(0, 40 - len(title))]
    if item.method in ("sendDocument", "sendPhoto") and item.document is not None:
        where = ""
        if downloads is not None and item.document is not None and item.document_name:
            downloads.mkdir(parents=True, exist_ok=True)
            target = downloads / Path(item.document_name).name
            target.write_bytes(item.document)
            where = f" → {target}"
        icon = "🖼" if item.method == "sendPhoto" else "📎"
        lines.append(f"{icon} {item.document_name} ({len(item.document or b'')} bytes){where}")
    for paragraph in item.text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, 78) or [""])
    number = 1
    for row in item.buttons:
        cells = []
        for label, _ in row:
            cells.append(f"[{number}] {label}")
            number += 1
        lines.append("  " + "   ".join(cells))
    return "\n".join(lines)


class ChatSession:
    """One terminal user (or several, switched with /as) talking to the bot."""

    def __init__(
        self,
        app: BotApp,
        api: InProcessBotApi,
        users: dict[str, TelegramUser],
        start_as: str,
        downloads: Path | None = None,
    ) -> None:
        self.tg = LocalTelegram(app, api, deliver_due(app))
        self.api = api
        self.users = users
        self.user = users[start_as]
        self.downloads = downloads

    async def handle(self, line: str) -> str:
        """Feed one typed line to the bot; return what the terminal shows."""
        line = line.strip()
        if not line:
            return ""
        if line.startswith("/as"):
            role = line[3:].strip()
            if role not in self.users:
                return f"(who? one of: {', '.join(self.users)})"
            self.user = self.users[role]
            return f"(you are now {role}, Telegram id {self.user.id})"
        if line.isdigit():
            try:
                message = self.api.last_bot_message(self.user.id)
            except LookupError:
                return "(no message with buttons yet)"
            buttons = [data for row in message.buttons for _, data in row]
            index = int(line) - 1
            if not 0 <= index < len(buttons):
                return f"(no button {line}; this message has {len(buttons)})"
            sent = await self.tg.press(self.user, buttons[index], message)
        else:
            sent = await self.tg.send(self.user, line)
        return "\n".join(filter(None, (self._render(item) for item in sent)))

    def _render(self, item: Outgoing) -> str:
        """A message to this user as it is; one to another user's chat says whose it is."""
        if item.chat_id is None or item.chat_id == self.user.id:
            return render(item, self.downloads)
        names = {user.id: role for role, user in self.users.items()}
        return render(item, self.downloads, to=names.get(item.chat_id, f"chat {item.chat_id}"))

    def drain(self, since: int) -> str:
        """What the bot sent on its own (reminders) since ``since`` outgoing calls."""
        items = [i for i in self.api.outgoing[since:] if i.chat_id == self.user.id]
        return "\n".join(filter(None, (render(i, self.downloads) for i in items)))


async def _read_line(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


async def run_chat(
    config: Config,
    *,
    users: dict[str, TelegramUser] | None = None,
    start_as: str = "new",
    clock: Clock | None = None,
    intro: str = "",
    downloads: Path | None = None,
) -> int:
    """Run the real Application over the in-process Bot API and read the keyboard."""
    users = users or {"new": TelegramUser(1000, "Terminal", "lv")}
    api = InProcessBotApi()
    app = build_application(config, clock=clock, request=api, token="1:local-chat")  # noqa: S106 - no real Bot API here
    async with app:
        await open_services(app)
        await app.start()  # the job queue runs, so reminders arrive as they would
        try:
            session = ChatSession(app, api, users, start_as, downloads)
            print(HELP)
            if intro:
                print(intro)
            print(await session.handle("/start"))
            while True:
                seen = len(api.outgoing)
                line = await _read_line(f"{session.user.first_name}> ")
                pushed = session.drain(seen)
                if pushed:
                    print(pushed)
                if line is None or line.strip() in {"/quit", "/exit"}:
                    break
                with contextlib.suppress(KeyboardInterrupt):
                    print(await session.handle(line))
        finally:
            await app.stop()
            await close_services(app)
    return 0
