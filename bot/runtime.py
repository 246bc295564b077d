"""The services of one running bot, created once and opened/closed with the application."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.config import Config
from bot.domain.eligibility import load_rules
from bot.i18n import Translator
from bot.services.accounts import AccountService
from bot.services.availability import AvailabilityService
from bot.services.awaiting import AwaitedAnswers, FeatureAnswers
from bot.services.booking import BookingService
from bot.services.booking_answers import BookingAnswers
from bot.services.booking_notices import BookingNotices
from bot.services.booking_reminders import BookingReminders
from bot.services.care import CareService
from bot.services.desk import DeskService
from bot.services.internship import InternshipService
from bot.services.meal_deliveries import DeliveryService
from bot.services.meal_input import MealInputService
from bot.services.meal_messages import MealMessages
from bot.services.meal_report import MealReportService
from bot.services.meals import MealsService
from bot.services.pending_inputs import PendingInputs
from bot.services.reminder_settings import ReminderSettings
from bot.services.reminders import ReminderService
from bot.services.retention import RetentionService
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
    meals: MealsService
    meal_deliveries: DeliveryService
    internship: InternshipService
    meal_input: MealInputService
    meal_report: MealReportService
    availability: AvailabilityService
    booking: BookingService
    booking_answers: BookingAnswers
    desk: DeskService
    pending: PendingInputs
    answers: AwaitedAnswers
    retention: RetentionService

    @classmethod
    def create(cls, config: Config, clock: Clock) -> Services:
        db = Database(config.database.path, config.database.busy_timeout_ms)
        texts = Translator(config.i18n.default_language)
        reminders = ReminderService(db, clock, config.reminders, texts)
        # Meals: a bad rules file stops the start here, naming the period and key.
        rules = load_rules(Path(config.meals.rules_file) if config.meals.rules_file else None)
        # One open typed question per account, whichever feature asked it.
        answers = AwaitedAnswers(clock)
        awaiting = FeatureAnswers(answers, "meals", config.meals.input_timeout_minutes)
        deliveries = DeliveryService(db, clock, config.meals, reminders, rules, texts.tz)
        meals = MealsService(db, clock, rules, deliveries, awaiting)
        internship = InternshipService(
            db, clock, config.meals, rules, reminders, awaiting, texts.tz
        )
        MealMessages(db).register(reminders)
        availability = AvailabilityService(db, clock, config.booking)
        BookingReminders(db, clock, config.booking).register(reminders)
        BookingNotices(db).register(reminders)
        return cls(
            config=config,
            clock=clock,
            db=db,
            texts=texts,
            accounts=AccountService(db, clock, config.linking),
            reminders=reminders,
            reminder_settings=ReminderSettings(reminders),
            care=CareService(db, clock, config.care, reminders),
            meals=meals,
            meal_deliveries=deliveries,
            internship=internship,
            meal_input=MealInputService(db, awaiting, meals, internship),
            meal_report=MealReportService(db, clock, rules, texts.tz),
            availability=availability,
            booking=BookingService(db, clock, config.booking, reminders, availability),
            booking_answers=BookingAnswers(db, clock, config.booking, reminders),
            desk=DeskService(db, clock, config.booking, reminders, availability),
            pending=PendingInputs(
                db, FeatureAnswers(answers, "booking", config.booking.input_timeout_minutes)
            ),
            answers=answers,
            retention=RetentionService(db, clock, config.privacy),
        )

    async def open(self) -> None:
        await self.db.open()
        await self.answers.load(self.db)

    async def close(self) -> None:
        await self.reminders.close()  # gives claimed, unsent reminders back first
        await self.db.close()
