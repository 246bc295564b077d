"""The services of one running bot, created once and opened/closed with the application."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.i18n import Translator
from bot.services.accounts import AccountService
from bot.services.care import CareService
from bot.services.reminder_settings import ReminderSettings
from bot.services.reminders import ReminderService
from storage import Database


@dataclass
class Services:
    config: Config
    clock: Clock
    db: Database
    texts: Translator
    accounts: AccountService
    reminders: ReminderService
    reminder_settings: ReminderSettings
    care: CareService

    @classmethod
    def create(cls, config: Config, clock: Clock) -> Services:
        db = Database(config.database.path, config.database.busy_timeout_ms)
        texts = Translator(config.i18n.default_language, config.i18n.timezone)
        reminders = ReminderService(db, clock, config.reminders, texts)
        return cls(
            config=config,
            clock=clock,
            db=db,
            texts=texts,
            accounts=AccountService(db, clock, config.linking),
            reminders=reminders,
            reminder_settings=ReminderSettings(reminders),
            care=CareService(db, clock, config.care, reminders),
        )

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.reminders.close()  # gives claimed, unsent reminders back first
        await self.db.close()
