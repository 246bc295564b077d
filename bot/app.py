"""``build_application()``: the one place where the bot is wired together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
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
from bot.domain.callback import pattern
from bot.domain.errors import N_
from bot.i18n import LANGUAGES
from bot.reminder_jobs import start_reminder_jobs
from bot.runtime import Services
from bot.updates import PerUserUpdateProcessor
from handlers import (
    booking_input,
    care,
    caterer,
    common,
    consultations,
    internship,
    meals,
    my_consultations,
    settings,
    specialist,
)

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
    services = Services.create(config, clock or SystemClock())
    builder = (
        ApplicationBuilder()
        .token(token or config.bot_token())
        .base_url(config.telegram.api_base_url)
        .base_file_url(config.telegram.api_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(tzinfo=services.texts.tz))
        # Different users at once, each user's updates in order (see bot/updates.py).
        .concurrent_updates(PerUserUpdateProcessor(config.telegram.max_concurrent_updates))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request).updater(None)
    if rate_limited if rate_limited is not None else request is None:
        # Retries a 429 after the time Telegram asks for, up to three times.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    app: BotApp = builder.build()
    app.bot_data.services = services
    _add_handlers(app)
    return app


def _add_handlers(app: BotApp) -> None:
    """Every handler, in order. The first matching handler of a group wins."""
    services = app.bot_data.services
    assert services is not None  # noqa: S101 - set before the handlers are added
    # Only the first matching handler of a group runs, so what must run for every update
    # before the features gets a group of its own.
    # Group -2: before anything else, load the sender's account and language.
    app.add_handler(TypeHandler(Update, common.load_account), group=-2)
    # Group -1: words of crisis in any private text or caption: the helplines at once,
    # then the update goes on to the features (nothing here stops it).
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION), care.notice_crisis
        ),
        group=-1,
    )

    # Commands everyone has, linked or not.
    app.add_handler(CommandHandler("start", common.start))
    app.add_handler(CommandHandler("help", common.help_command))
    app.add_handler(CommandHandler("language", common.language_command))
    app.add_handler(CommandHandler("me", common.me))

    # Buttons of the first screens.
    app.add_handler(CallbackQueryHandler(common.menu_button, pattern=pattern("menu")))
    app.add_handler(CallbackQueryHandler(common.language_button, pattern=pattern("lang")))
    app.add_handler(CallbackQueryHandler(common.me_button, pattern=pattern("me")))
    app.add_handler(CallbackQueryHandler(common.plan_button, pattern=pattern("plan")))

    # Reminders: /settings and its buttons (the dispatcher itself runs on the job queue).
    app.add_handler(CommandHandler("settings", settings.settings_command))
    app.add_handler(CallbackQueryHandler(settings.settings_button, pattern=pattern("rs")))

    # Meals at home and internship support. The awaited-input handler takes only messages
    # of users answering one of its questions (address, phone, claim); the rest falls through.
    app.add_handler(CallbackQueryHandler(meals.meals_button, pattern=pattern("ml")))
    app.add_handler(CallbackQueryHandler(caterer.caterer_button, pattern=pattern("ct")))
    app.add_handler(CallbackQueryHandler(caterer.figures_button, pattern=pattern("mf")))
    app.add_handler(CallbackQueryHandler(internship.internship_button, pattern=pattern("is")))
    app.add_handler(CallbackQueryHandler(internship.claims_button, pattern=pattern("cl")))
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.COMMAND & meals.AwaitingFilter(services),
            meals.awaited_input,
        )
    )

    # Consultations: booking (bk), my consultations (mc), evidence (ev), the specialist (sp).
    # The typed-answer handler takes only text its sender was asked for; other text goes on.
    app.add_handler(CommandHandler("today", specialist.today_command))
    app.add_handler(CommandHandler("week", specialist.week_command))
    app.add_handler(CallbackQueryHandler(consultations.book_button, pattern=pattern("bk")))
    app.add_handler(CallbackQueryHandler(my_consultations.my_button, pattern=pattern("mc")))
    app.add_handler(CallbackQueryHandler(my_consultations.evidence_button, pattern=pattern("ev")))
    app.add_handler(CallbackQueryHandler(specialist.specialist_button, pattern=pattern("sp")))
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & booking_input.AwaitingAnswer(services),
            booking_input.typed_answer,
        )
    )

    # Last: what no feature took. A typed code, unknown text, other media, stale buttons.
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, common.text_message))
    app.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.COMMAND, common.other_message)
    )
    app.add_handler(MessageHandler(private & filters.COMMAND, common.help_command))
    app.add_handler(CallbackQueryHandler(common.stale_button))

    app.add_error_handler(common.on_error)


async def open_services(app: BotApp) -> Services:
    """Open the database and register commands; shared by ``post_init`` and the tests."""
    services = app.bot_data.services
    assert services is not None  # noqa: S101 - set by build_application
    await services.open()
    app.bot_data.reminder_jobs = await start_reminder_jobs(app, services)
    for language in (None, *LANGUAGES):
        texts = services.texts.for_language(language or services.texts.default_language)
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
    services = await open_services(app)
    if app.job_queue is not None:
        # Housekeeping at start, then every night: plan meal deliveries a window ahead,
        # erase free text past its retention. A late night job still runs (grace 1 h).
        tz = services.texts.tz
        app.job_queue.run_once(_nightly, when=5)
        app.job_queue.run_daily(
            _nightly, time=dt.time(3, 0, tzinfo=tz), job_kwargs={"misfire_grace_time": 3600}
        )


async def _nightly(context: BotContext) -> None:
    await context.services.meal_deliveries.plan_ahead()
    await context.services.retention.erase_old_free_text()


async def _post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Stop the dispatcher while the bot can still send: sends under way finish, the
    # claimed rest goes back to pending. (post_shutdown runs after the bot is shut down.)
    services = app.bot_data.services
    if services is not None:
        await services.reminders.close()


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await close_services(app)
