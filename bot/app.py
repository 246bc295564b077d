"""``build_application()``: the one place where the bot is wired together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.context import BotContext, BotData
from bot.domain.dates import RIGA
from bot.domain.errors import N_
from bot.domain.models import LANGUAGES
from bot.domain.questions import (
    AuditPupil,
    BookingNote,
    BroadcastAnswer,
    CallDetails,
    CancelReason,
    ClaimAnswer,
    DayOff,
    DeclineReason,
    MealAnswer,
    OneOffTime,
    ReturnReason,
    RuleHours,
    RuleUntil,
    SeriesReason,
    SpecialistAnswer,
    WeeklyHours,
)
from bot.i18n import Translator
from bot.jobs import ReminderJobs
from bot.ratelimit import LaneRateLimiter
from bot.runtime import Services
from bot.updates import PerUserUpdateProcessor
from handlers.accounts import audit, start
from handlers.accounts import wiring as accounts_wiring
from handlers.admin import adding as admin_adding
from handlers.admin import notices as admin_notices
from handlers.admin import wiring as admin_wiring
from handlers.answers import Answers
from handlers.care import crisis, relay
from handlers.care import notices as care_notices
from handlers.care import wiring as care_wiring
from handlers.care.relay import InConversation
from handlers.consultations import booking, desk, free_time, holidays, series_desk, weekly
from handlers.consultations import calendar as calendar_files
from handlers.consultations import line_notices as waitlist_notices
from handlers.consultations import notices as consultation_notices
from handlers.consultations import wiring as consultations_wiring
from handlers.figures import notices as figures_notices
from handlers.figures import wiring as figures_wiring
from handlers.internship import claims, student
from handlers.internship import notices as internship_notices
from handlers.internship import wiring as internship_wiring
from handlers.meals import family
from handlers.meals import notices as meal_notices
from handlers.meals import wiring as meals_wiring
from handlers.reminders import wiring as reminders_wiring
from handlers.sender import Renderers, TelegramSender
from handlers.ui import guarded
from storage.lanes import Lane, in_lane

BotApp = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]

# The command menu, per language; descriptions are English msgids.
COMMANDS = [
    ("start", N_("Main menu")),
    ("help", N_("Help and helpline numbers")),
    ("language", N_("Choose the language")),
    ("me", N_("What the bot holds about me")),
    ("settings", N_("Reminder settings")),
]


def build_application(
    config: Config,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    token: str | None = None,
    rate_limited: bool | None = None,
) -> BotApp:
    """The bot, ready for ``run_polling``/``run_webhook`` or a test transport.

    Args:
        config: the validated configuration.
        clock: time for the services; the system clock unless a test or the demo gives one.
        request: a transport to use instead of HTTPS to the Bot API (tests, local chat).
        token: the bot token; defaults to the environment or the config file.
        rate_limited: keep within Telegram's limits and retry after a 429; on by default
            against a real Bot API, off by default over a test transport.
    """
    # 1. The services (no Telegram in them) and the words (the translator).
    services = Services.create(config, clock or SystemClock())
    translator = Translator(config.i18n.default_language)
    # 2. The PTB application.
    builder = (
        ApplicationBuilder()
        .token(token or config.bot_token())
        .base_url(config.telegram.api_base_url)
        .base_file_url(config.telegram.api_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(tzinfo=RIGA))
        # Different users at once, each user's updates in order (see bot/updates.py); a
        # message with words of crisis never waits for other users' work.
        .concurrent_updates(
            PerUserUpdateProcessor(
                config.telegram.max_concurrent_updates, urgent=_crisis_check(services)
            )
        )
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request).updater(None)
    if rate_limited if rate_limited is not None else request is None:
        # Retries a 429 after the time Telegram asks for, up to three times; users'
        # answers before reminders, a reply to words of crisis before anything.
        builder = builder.rate_limiter(LaneRateLimiter(max_retries=3))  # type: ignore[arg-type]
    app: BotApp = builder.build()
    app.bot_data.services = services
    app.bot_data.translator = translator
    # 3. The handlers, in order.
    _add_handlers(app, services)
    return app


def _crisis_check(services: Services) -> Callable[[Update], bool]:
    """Whether an update is a private message with words of crisis (the urgent lane).

    The sender's own message or edit only: for a button press, ``effective_message`` is
    the bot's own message, which must not count.
    """
    # Compiled while the bot starts; the first message waits for it if it comes sooner.
    care = services.care
    care.compile_in_background()

    def urgent(update: Update) -> bool:
        message = update.message or update.edited_message
        if message is None or message.chat.type != ChatType.PRIVATE:
            return False
        text = message.text or message.caption
        return text is not None and care.detector.detect(text) is not None

    return urgent


def _add_handlers(app: BotApp, services: Services) -> None:
    """Every handler, in order. The first matching handler of a group wins."""
    # Only the first matching handler of a group runs, so what must run for every update
    # before the features gets a group of its own.
    # Group -3: private chats only. In a group or channel one line, and nothing else runs.
    app.add_handler(TypeHandler(Update, start.private_only), group=-3)
    # Group -2: before anything else, resolve the sender: the Actor and their language.
    app.add_handler(TypeHandler(Update, start.load_actor), group=-2)
    # Group -1: words of crisis in any private message or edit: the helplines at once,
    # and that message is done (unless it is part of a conversation relayed to someone at
    # school, who should see it). Edits go no further than this check.
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private, crisis.notice_crisis), group=-1)
    new = private & filters.UpdateType.MESSAGE
    # Group 0, the features. Their buttons each have a route of their own, so the order
    # among them does not matter; commands first, then the buttons, feature by feature.
    for handler in (
        *accounts_wiring.handlers(),
        *reminders_wiring.handlers(),
        *consultations_wiring.handlers(),
        *meals_wiring.handlers(),
        *internship_wiring.handlers(),
        *care_wiring.handlers(),
        *figures_wiring.handlers(),
        *admin_wiring.handlers(),
    ):
        app.add_handler(handler)
    # A conversation relayed to someone at school takes its members' messages before any
    # question a screen asked them.
    in_chat = new & ~filters.COMMAND & InConversation(services.relay)
    app.add_handler(MessageHandler(in_chat, guarded(relay.relay_message)))
    # Typed answers: a message that answers its sender's open question, routed by the
    # question's type. Other messages fall through to the handlers after it.
    answers = Answers()
    answers.on(BookingNote, booking.typed_note)
    answers.on(DeclineReason, desk.typed_reason)
    answers.on(CancelReason, desk.typed_reason)
    answers.on(CallDetails, desk.typed_reason)
    answers.on(WeeklyHours, free_time.typed_weekly)
    answers.on(OneOffTime, free_time.typed_one_off)
    answers.on(DayOff, holidays.typed_days_off)
    answers.on(RuleHours, weekly.typed_hours)
    answers.on(RuleUntil, weekly.typed_until)
    answers.on(MealAnswer, family.typed_step)
    answers.on_photo(ClaimAnswer, student.typed_claim)
    answers.on(ReturnReason, claims.typed_reason)
    answers.on(AuditPupil, audit.typed_pupil)
    answers.on(SpecialistAnswer, admin_adding.typed_specialist)
    answers.on(BroadcastAnswer, admin_adding.typed_message)
    answers.on(SeriesReason, series_desk.typed_reason)
    app.add_handler(answers.handler(services.questions))
    # Last: what no feature took. A typed code, unknown text, other media, stale buttons.
    app.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, start.text_message))
    app.add_handler(MessageHandler(new & ~filters.TEXT & ~filters.COMMAND, start.other_message))
    app.add_handler(MessageHandler(new & filters.COMMAND, start.help_command))
    app.add_handler(CallbackQueryHandler(start.stale_button))
    app.add_error_handler(start.on_error)


def renderers() -> Renderers:
    """Each kind of fact a reminder carries, and the function that puts it into words."""
    found = Renderers()
    consultation_notices.register(found)
    calendar_files.register(found)
    waitlist_notices.register(found)
    meal_notices.register(found)
    internship_notices.register(found)
    care_notices.register(found)
    figures_notices.register(found)
    admin_notices.register(found)
    return found


async def open_services(app: BotApp) -> Services:
    """Open the database, start the reminder jobs, register commands.

    Shared by ``post_init`` and the tests, which drive the application by hand.
    """
    services, translator = app.bot_data.services, app.bot_data.translator
    assert services is not None and translator is not None  # noqa: S101 - set by build
    await services.open()
    if app.job_queue is None:
        raise RuntimeError("reminders need PTB's job queue: python-telegram-bot[job-queue]")
    jobs = ReminderJobs(
        app.job_queue,
        services.reminders,
        services.dispatcher,
        TelegramSender(app.bot, translator, renderers()),
    )
    await jobs.start()
    app.bot_data.reminder_jobs = jobs
    for language in (None, *LANGUAGES):
        texts = translator.for_language(language or translator.default_language)
        await app.bot.set_my_commands(
            [BotCommand(name, texts(description)) for name, description in COMMANDS],
            language_code=language,
        )
    return services


async def close_services(app: BotApp) -> None:
    services = app.bot_data.services
    if services is not None:
        await services.close()


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await open_services(app)
    if app.job_queue is not None:
        # Housekeeping at start, then every night: make the free slots up to the horizon,
        # plan meal deliveries a window ahead, delete or blank what is past its retention.
        # A late night job still runs (grace 1 h). Slots of weekly hours imported while the
        # bot runs are made within a quarter of an hour.
        app.job_queue.run_once(_nightly, when=0)
        # Alerts nobody took climb a level: the rows say when, this job only looks.
        app.job_queue.run_repeating(
            _escalate, interval=60, first=10, job_kwargs={"misfire_grace_time": None}
        )
        app.job_queue.run_daily(
            _nightly, time=dt.time(3, 0, tzinfo=RIGA), job_kwargs={"misfire_grace_time": 3600}
        )
        app.job_queue.run_repeating(_make_slots, interval=900, first=900)
        # Offers of the waiting list whose hold is over go to the next in line.
        app.job_queue.run_repeating(
            _expire_offers, interval=60, first=30, job_kwargs={"misfire_grace_time": None}
        )


async def _make_slots(context: BotContext) -> None:
    # In the background lane: users' writes go in between its chunks.
    with in_lane(Lane.BACKGROUND):
        await context.services.availability.ensure_slots()


async def _expire_offers(context: BotContext) -> None:
    with in_lane(Lane.BACKGROUND):
        await context.services.waitlist.expire_due()


async def _nightly(context: BotContext) -> None:
    await _make_slots(context)
    with in_lane(Lane.BACKGROUND):
        await context.services.waitlist.end_finished()
    await context.services.deliveries.plan_ahead()
    await context.services.retention.prune()
    await context.services.digest.plan_digests()


async def _escalate(context: BotContext) -> None:
    # A child in crisis waits for nobody: the urgent lane of the writer.
    with in_lane(Lane.URGENT):
        await context.services.care.escalate_due()


async def _post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Stop the dispatcher while the bot can still send: sends under way finish, the
    # claimed rest goes back to pending. (post_shutdown runs after the bot is shut down.)
    services = app.bot_data.services
    if services is not None:
        await services.dispatcher.stop()


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await close_services(app)
