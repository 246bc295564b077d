"""Fixtures: a config in a temp folder, a fake clock, and the real bot over a local Bot API."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import BotApp, build_application, close_services, open_services, renderers
from bot.clock import FakeClock
from bot.config import Config, parse_config
from bot.domain.models import Role
from bot.domain.reminders import Recipient, Reminder, ReminderKind
from bot.i18n import Texts, Translator
from bot.localchat import InProcessBotApi, LocalTelegram, TelegramUser
from bot.localchat.driver import deliver_due
from bot.runtime import Services
from handlers.ui import Reply
from tests.factories import World, make_world

RIGA = ZoneInfo("Europe/Riga")

# The tests' own server key (link codes are keyed by it); never a production one.
TEST_SECRET_KEY = "tests-only-secret-key-not-for-production-0123"
os.environ.setdefault("PUMPURS_SECRET_KEY", TEST_SECRET_KEY)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    # Telegram's pacing is tested on its own (tests/unit/test_pacing.py); here it would
    # only make the end-to-end tests wait in real time.
    return parse_config(
        {
            "database": {"path": str(tmp_path / "bot.sqlite3")},
            "reminders": {"rate_per_second": 0, "per_chat_seconds": 0},
        }
    )


@pytest.fixture
def clock() -> FakeClock:
    # A Tuesday morning in term time.
    return FakeClock(datetime(2026, 12, 1, 9, 0, tzinfo=RIGA))


@dataclass
class BotHarness:
    """The real Application over the in-process Bot API, with its services open."""

    app: BotApp
    api: InProcessBotApi
    tg: LocalTelegram
    services: Services
    world: World

    @property
    def translator(self) -> Translator:
        translator = self.app.bot_data.translator
        assert translator is not None
        return translator

    def texts(self, language: str, role: Role | None = None) -> Texts:
        """Texts in ``language``, in the voice of ``role`` (a pupil's, else the polite one)."""
        if role is None:
            return self.translator.for_language(language)
        return self.translator.for_actor(Recipient(chat_id=0, role=role, language=language))

    async def rows(self, sql: str, *args: object) -> list[dict[str, Any]]:
        """The rows of a query on the bot's database, as dicts."""
        async with self.services.db.reader.execute(sql, args) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def everything_stored(self) -> str:
        """Every cell of every table, as one text to search in."""
        tables = await self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
        cells = []
        for table in tables:
            for row in await self.rows(f"SELECT * FROM {table['name']}"):
                cells.extend(str(value) for value in row.values())
        return "\n".join(cells)

    def user(self, telegram_id: int, language: str | None = "lv") -> TelegramUser:
        return TelegramUser(telegram_id, f"User{telegram_id}", language)

    def renderer(self, kind: str) -> Callable[[Reminder, Texts], Awaitable[Reply | None]]:
        """What the dispatcher would send for a reminder of ``kind`` now, in ``texts``."""
        loader = self.services.reminders.loader(ReminderKind(kind))
        assert loader is not None, kind

        async def render(reminder: Reminder, texts: Texts) -> Reply | None:
            fact = await loader(reminder)
            if fact is None:
                return None
            to = Recipient(chat_id=reminder.chat_id, role=reminder.role, language=texts.language)
            return renderers().render(fact, to, texts)

        return render

    async def reminders(
        self, kind: str | None = None, state: str | None = None, chat_id: int | None = None
    ) -> list[Reminder]:
        """The stored reminders (of one base kind, state or chat), oldest due first."""
        async with self.services.uow.read() as tx:
            found = await tx.reminders.of_chat(chat_id)
        return [
            r
            for r in found
            if (kind is None or r.kind == kind) and (state is None or r.state == state)
        ]


@pytest.fixture
async def harness(config: Config, clock: FakeClock) -> AsyncIterator[BotHarness]:
    api = InProcessBotApi()
    app = build_application(config, clock=clock, request=api, token="1:local")
    async with app:
        services = await open_services(app)
        world = await make_world(services.db)
        yield BotHarness(app, api, LocalTelegram(app, api, deliver_due(app)), services, world)
        await close_services(app)
