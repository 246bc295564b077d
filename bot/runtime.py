"""The services of one running bot, created once and opened/closed with the application."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.i18n import Translator
from bot.services.accounts import AccountService
from bot.services.availability import AvailabilityService
from bot.services.awaiting import PendingInputs
from bot.services.booking import BookingService
from bot.services.booking_reminders import BookingReminders
from bot.services.desk import DeskService
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
    availability: AvailabilityService
    booking: BookingService
    desk: DeskService
    pending: PendingInputs

    @classmethod
    def create(cls, config: Config, clock: Clock) -> Services:
        db = Database(config.database.path, config.database.busy_timeout_ms)
        texts = Translator(config.i18n.default_language, config.i18n.timezone)
        reminders = ReminderService(db, clock, config.reminders, texts)
        availability = AvailabilityService(db, clock, config.booking)
        BookingReminders(db, clock, config.booking).register(reminders)
        return cls(
            config=config,
            clock=clock,
            db=db,
            texts=texts,
            accounts=AccountService(db, clock, config.linking),
            reminders=reminders,
            availability=availability,
            booking=BookingService(db, clock, config.booking, reminders, availability),
            desk=DeskService(db, clock, config.booking, reminders, availability),
            pending=PendingInputs(db, clock, config.booking.input_timeout_minutes),
        )

    async def open(self) -> None:
        await self.db.open()
        await self.pending.load()

    async def close(self) -> None:
        await self.db.close()
