"""The services of one running bot, created once and opened/closed with the application.

This is where the service layer is put together: one unit of work over one database,
one reminder engine, each feature's services, and the loaders that tell the dispatcher
what each kind of reminder is about. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.clock import Clock
from bot.config import Config
from bot.domain.eligibility import load_rules
from bot.services.accounts.accounts import AccountService
from bot.services.accounts.linking import LinkingService
from bot.services.accounts.privacy import PrivacyService
from bot.services.admin.messages import MessagesService
from bot.services.admin.people import AdminService
from bot.services.admin.specialists import SpecialistsService
from bot.services.care.care import CareService
from bot.services.care.relay import RelayService
from bot.services.consultations.answers import AnswersService
from bot.services.consultations.availability import AvailabilityService
from bot.services.consultations.booking import BookingService
from bot.services.consultations.calendar import CalendarService
from bot.services.consultations.desk import DeskService
from bot.services.consultations.facts import ConsultationFacts
from bot.services.consultations.history import HistoryService
from bot.services.consultations.schedule import ScheduleService
from bot.services.consultations.series import SeriesService
from bot.services.consultations.series_desk import SeriesDeskService
from bot.services.consultations.series_sessions import SeriesFacts
from bot.services.consultations.waitlist import WaitlistService
from bot.services.figures.digest import DigestService
from bot.services.figures.meals import MealFigures
from bot.services.figures.nudges import NudgeService
from bot.services.figures.report import FiguresService
from bot.services.imports.full import FullImport
from bot.services.imports.importer import Importer
from bot.services.internship.claims import ClaimsService
from bot.services.internship.internship import InternshipService
from bot.services.meals.deliveries import DeliveryService
from bot.services.meals.facts import MealFacts
from bot.services.meals.family import MealsService
from bot.services.questions import Questions
from bot.services.reminders.dispatcher import Dispatcher
from bot.services.reminders.planner import ReminderService
from bot.services.reminders.settings import ReminderSettings
from bot.services.retention import RetentionService
from storage import Database
from storage.checkpoints import Checkpointer
from storage.uow import UnitOfWork

# Questions of the meals and internship screens wait as long as [meals] says.
_MEALS_QUESTIONS = ("meal", "claim", "return_reason")


@dataclass
class Services:
    config: Config
    clock: Clock
    db: Database
    uow: UnitOfWork
    questions: Questions
    reminders: ReminderService
    dispatcher: Dispatcher
    reminder_settings: ReminderSettings
    accounts: AccountService
    linking: LinkingService
    privacy: PrivacyService
    care: CareService
    relay: RelayService
    availability: AvailabilityService
    booking: BookingService
    desk: DeskService
    answers: AnswersService
    calendar: CalendarService
    schedule: ScheduleService
    history: HistoryService
    meals: MealsService
    deliveries: DeliveryService
    internship: InternshipService
    claims: ClaimsService
    meal_figures: MealFigures
    figures: FiguresService
    nudges: NudgeService
    digest: DigestService
    admin: AdminService
    specialists: SpecialistsService
    messages: MessagesService
    importer: Importer
    full_import: FullImport
    retention: RetentionService
    waitlist: WaitlistService
    series: SeriesService
    series_desk: SeriesDeskService
    checkpointer: Checkpointer | None = None

    @classmethod
    def create(cls, config: Config, clock: Clock) -> Services:
        db = Database(config.database.path, config.database.busy_timeout_ms)
        uow = UnitOfWork(db)
        reminders = ReminderService(clock, config.reminders)
        # One open typed question per account, whichever feature asked it.
        meals_wait = timedelta(minutes=config.meals.input_timeout_minutes)
        questions = Questions(
            uow,
            clock,
            timedelta(minutes=config.booking.input_timeout_minutes),
            {kind: meals_wait for kind in _MEALS_QUESTIONS},
        )
        # Meals: a bad rules file stops the start here, naming the period and key.
        rules = load_rules(Path(config.meals.rules_file) if config.meals.rules_file else None)
        availability = AvailabilityService(uow, clock, config.booking)
        consultations = (uow, clock, config.booking, reminders, availability)
        deliveries = DeliveryService(uow, clock, config.meals, reminders, rules)
        # The compiled crisis rules are kept next to the database for the next start.
        rules_cache = config.database.path.with_name(f"{config.database.path.name}.crisis-rules")
        care = CareService(uow, clock, config.care, reminders, reminders.quiet, rules_cache)
        relay = RelayService(uow, clock, config.care, reminders)
        claims = ClaimsService(uow, clock, reminders, questions)
        # What each kind of reminder is about at send time: one loader per kind.
        ConsultationFacts(uow, clock, config.booking).register(reminders)
        MealFacts(uow).register(reminders)
        claims.register(reminders)
        desk = DeskService(*consultations)
        calendar = CalendarService(*consultations)
        calendar.register(reminders)
        care.register(reminders)
        relay.register(reminders)
        figures = FiguresService(uow, clock)
        nudges = NudgeService(uow, clock, reminders, figures)
        nudges.register(reminders)
        digest = DigestService(uow, clock, config.figures, reminders, figures)
        digest.register(reminders)
        linking = LinkingService(uow, clock, config.linking, config.secret_key().encode() or None)
        messages = MessagesService(uow, clock, reminders, questions)
        messages.register(reminders)
        admin = AdminService(uow, clock, reminders, linking, deliveries, questions)
        importer = Importer(uow)
        booking = BookingService(*consultations)
        desk = DeskService(*consultations)
        # The waiting list offers every slot freed or published, in the transaction that
        # freed it; series are booked and answered as a whole.
        waitlist = WaitlistService(*consultations)
        waitlist.attach(booking)
        waitlist.register(reminders)
        SeriesFacts(uow).register(reminders)
        series_desk = SeriesDeskService(*consultations)
        series_desk.attach(desk)
        return cls(
            config=config,
            clock=clock,
            db=db,
            uow=uow,
            questions=questions,
            reminders=reminders,
            dispatcher=Dispatcher(uow, reminders),
            reminder_settings=ReminderSettings(uow, reminders),
            accounts=AccountService(uow, clock),
            privacy=PrivacyService(uow, clock, config.booking, reminders, questions, relay),
            linking=linking,
            care=care,
            relay=relay,
            availability=availability,
            booking=booking,
            desk=desk,
            answers=AnswersService(*consultations),
            calendar=calendar,
            schedule=ScheduleService(uow, clock, config.booking, reminders, desk),
            history=HistoryService(uow, clock),
            meals=MealsService(uow, clock, rules, deliveries, questions),
            deliveries=deliveries,
            internship=InternshipService(
                uow, clock, config.meals, rules, questions, reminders, deliveries
            ),
            claims=claims,
            meal_figures=MealFigures(uow, clock, rules),
            figures=figures,
            nudges=nudges,
            digest=digest,
            admin=admin,
            specialists=SpecialistsService(uow, clock, questions),
            messages=messages,
            importer=importer,
            full_import=FullImport(uow, clock, importer, admin),
            retention=RetentionService(uow, clock, config.privacy, config.linking),
            waitlist=waitlist,
            series=SeriesService(*consultations),
            series_desk=series_desk,
        )

    async def open(self) -> None:
        await self.db.open()
        database = self.config.database
        if database.checkpoint_seconds:
            self.checkpointer = Checkpointer(
                self.db,
                interval=database.checkpoint_seconds,
                idle_seconds=database.checkpoint_idle_seconds,
                max_wal_bytes=database.max_wal_mb * 1024 * 1024,
            )
            await self.checkpointer.start()
        await self.questions.load()
        await self.relay.load()
        # Codes stored unkeyed by an older version are wrapped in the key at once.
        await self.linking.upgrade_stored_codes()

    async def close(self) -> None:
        await self.dispatcher.stop()  # gives claimed, unsent reminders back first
        if self.checkpointer is not None:
            await self.checkpointer.stop()
            self.checkpointer = None
        await self.db.close()
