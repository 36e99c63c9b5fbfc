"""The composition root: build the PTB Application with every handler, and run it.

``build_application`` wires settings, storage, pseudonymisation, translations, référentiels,
reminders and the repeating jobs (follow-up offers, retention purge) into one ``telegram.ext.Application``;
``running_bot`` opens the database, starts polling and stops everything cleanly (used by
``voix run``, the tests and the demo).
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.chat_serialiser import ChatSerialisingUpdateProcessor
from bot.errors import BotError
from bot.handlers import Handlers
from bot.reminder_timers import ReminderTimers
from bot.retention_jobs import RETENTION_INTERVAL_SECONDS, run_retention_now, schedule_retention
from bot.services import Services
from bot.staff_handlers import StaffHandlers
from bot.staff_results import ScoreReports
from bot.texts import COMMANDS
from bot.translations import Translator, load_translator
from referentiel.loading import current_referentiel, find_referentiel
from storage.clock import Clock, system_clock
from storage.database import Database
from storage.pseudonymisation import Pseudonymiser, pseudonymiser_for
from storage.reminders import ReminderPolicy
from storage.runs import forget_old_updates
from voix.errors import SettingsError
from voix.settings import SUPPORTED_LOCALES, Settings, require_token

logger = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30
# Bot API calls in flight at once (one slow chat must not hold the others back).
CONNECTION_POOL_SIZE = 64
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
# Telegram's overall flood limit, and how often a call refused with 429 is tried again after its
# retry_after.
CALLS_PER_SECOND = 30
FLOOD_RETRIES = 2
SERVICES_KEY = "voix_services"
# How often the bot looks for follow-up offers now due (``storage.follow_ups``).
FOLLOW_UP_INTERVAL_SECONDS = 60.0
FOLLOW_UP_JOB = "follow-up offers"


def build_application(
    settings: Settings,
    database: Database,
    pseudonymiser: Pseudonymiser,
    clock: Clock = system_clock,
    *,
    translator: Translator | None = None,
    reminder_policy: ReminderPolicy | None = None,
    paced: bool = True,
    follow_up_interval: float = FOLLOW_UP_INTERVAL_SECONDS,
    retention_interval: float = RETENTION_INTERVAL_SECONDS,
    score_reports: ScoreReports | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the Application: Bot API client, per-chat ordering, rate limiting, handlers, reminders.

    ``paced`` keeps Bot API calls under Telegram's 30 a second; only a local emulator (the tests,
    ``voix demo``) has no such limit, and there pacing would only make every youth wait.
    ``follow_up_interval`` is how many seconds pass between two looks for due follow-up offers
    (tests make it short); ``retention_interval`` is the same for the purge of expired youth (daily).
    ``score_reports`` computes coordinators' results (the command root gives the export's own).
    """
    services = Services(
        database=database,
        pseudonymiser=pseudonymiser,
        clock=clock,
        translator=translator or load_translator(SUPPORTED_LOCALES, settings.default_locale),
        reminder_policy=reminder_policy or ReminderPolicy(zone=settings.zone),
        new_run_referentiel=current_referentiel,
        find_referentiel=find_referentiel,
        minimum_group_size=settings.minimum_group_size,
        score_reports=score_reports,
    )
    application = (
        ApplicationBuilder()
        .token(require_token(settings))
        .base_url(f"{settings.telegram_api_url}/bot")
        .request(HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE, httpx_kwargs={"trust_env": False}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"trust_env": False}))
        .rate_limiter(
            AIORateLimiter(overall_max_rate=CALLS_PER_SECOND if paced else 0, max_retries=FLOOD_RETRIES)
        )
        .concurrent_updates(ChatSerialisingUpdateProcessor())
        .build()
    )
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    handlers = Handlers(services, application.bot)
    handlers.timers = ReminderTimers(application.job_queue, clock, handlers.send_reminder)
    handlers.staff = StaffHandlers(services, application.bot, handlers.send_due_follow_ups)
    application.job_queue.run_repeating(
        handlers.send_due_follow_ups,
        interval=follow_up_interval,
        first=follow_up_interval,
        name=FOLLOW_UP_JOB,
    )
    schedule_retention(application.job_queue, database, clock, settings.retention_months, retention_interval)
    _register(application, handlers)
    application.bot_data[SERVICES_KEY] = (services, handlers)
    return application


def _register(application: Application[Any, Any, Any, Any, Any, Any], handlers: Handlers) -> None:
    """Register every handler, in the order PTB tries them (first match wins within group 0)."""
    # 1. Button presses, from any chat: every callback query must be answered, so none is filtered
    #    out here; presses outside private chats are answered and otherwise ignored.
    application.add_handler(CallbackQueryHandler(handlers.on_update))
    # 2. What the youth writes in a private chat: commands (/start TOKEN included), text, stickers,
    #    photos, voice… and edits of earlier messages (re-prompted). Group and channel messages
    #    match no handler at all: the bot ignores them.
    private_messages = filters.ChatType.PRIVATE & (
        filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE
    )
    application.add_handler(MessageHandler(private_messages, handlers.on_update))
    # 3. The youth blocked or unblocked the bot: stop or allow messages and reminders.
    application.add_handler(ChatMemberHandler(handlers.on_update, ChatMemberHandler.MY_CHAT_MEMBER))
    # Any exception in a handler or a reminder: log its type only, apologise to the youth.
    application.add_error_handler(handlers.on_error)


async def _on_startup(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Purge expired youth, publish the commands, re-create reminder timers, forget stale update ids."""
    services, handlers = application.bot_data[SERVICES_KEY]
    assert application.job_queue is not None
    await run_retention_now(application.job_queue)
    await set_commands(application, services.translator)
    restored = await handlers.timers.recreate(services.database)
    await forget_old_updates(services.database, services.clock())
    logger.info("bot started; %d reminder timer(s) restored", restored)


async def set_commands(
    application: Application[Any, Any, Any, Any, Any, Any], translator: Translator
) -> None:
    """Call setMyCommands for private chats, once per language and once as the default."""
    scope = BotCommandScopeAllPrivateChats()
    for language in (None, *translator.languages):
        wording = language or translator.default_language
        commands = [
            BotCommand(name, translator.gettext(wording, description)) for name, description in COMMANDS
        ]
        await application.bot.set_my_commands(commands, scope=scope, language_code=language)


@asynccontextmanager
async def running_bot(
    settings: Settings,
    clock: Clock = system_clock,
    *,
    poll_timeout: int = POLL_TIMEOUT_SECONDS,
    reminder_policy: ReminderPolicy | None = None,
    paced: bool = True,
    follow_up_interval: float = FOLLOW_UP_INTERVAL_SECONDS,
    retention_interval: float = RETENTION_INTERVAL_SECONDS,
    score_reports: ScoreReports | None = None,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Open the database, start the bot polling, and on exit stop polling, finish updates, close."""
    database = await Database.open(settings.db, create=True)
    try:
        application = build_application(
            settings,
            database,
            pseudonymiser_for(settings),
            clock,
            reminder_policy=reminder_policy,
            paced=paced,
            follow_up_interval=follow_up_interval,
            retention_interval=retention_interval,
            score_reports=score_reports,
        )
        await _initialize(application, settings)
        try:
            await _on_startup(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                poll_interval=0.0, timeout=poll_timeout, allowed_updates=list(ALLOWED_UPDATES)
            )
            try:
                yield application
            finally:
                await application.updater.stop()
                await application.stop()
        finally:
            await application.shutdown()
    finally:
        await database.close()


async def _initialize(application: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Call getMe; turn a refused token or an unreachable Bot API into a one-line actionable error."""
    try:
        await application.initialize()
    except InvalidToken:
        raise SettingsError("VOIX_TELEGRAM_TOKEN was refused by the Bot API: check the token.") from None
    except NetworkError as error:
        raise BotError(
            f"Cannot reach the Bot API at {settings.telegram_api_url} ({type(error).__name__}): "
            "check VOIX_TELEGRAM_API_URL and the network."
        ) from None
    except TelegramError as error:
        raise BotError(f"The Bot API refused to start the bot: {type(error).__name__}.") from None


def handlers_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Handlers:
    """Return the handlers of a built application (tests fire reminders through it)."""
    handlers: Handlers = application.bot_data[SERVICES_KEY][1]
    return handlers
