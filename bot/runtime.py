"""The services of one running bot, created once and opened/closed with the application."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.i18n import Translator
from bot.services.accounts import AccountService
from storage import Database


@dataclass
class Services:
    config: Config
    clock: Clock
    db: Database
    texts: Translator
    accounts: AccountService

    @classmethod
    def create(cls, config: Config, clock: Clock) -> Services:
        db = Database(config.database.path, config.database.busy_timeout_ms)
        return cls(
            config=config,
            clock=clock,
            db=db,
            texts=Translator(config.i18n.default_language, config.i18n.timezone),
            accounts=AccountService(db, clock, config.linking),
        )

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()
