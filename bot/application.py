"""The composition root: build the PTB Application with every handler, and run it.

``build_application`` wires settings, storage, pseudonymisation, translations, référentiels and
the one scheduler of everything that waits (reminders, follow-up offers, retention purge:
``bot.scheduler``) into one ``telegram.ext.Application``; ``running_bot`` opens the database,
starts polling (``bot.polling``: an update is confirmed to Telegram only once handled) and the
scheduler, and stops everything cleanly (used by ``voix run``, the tests and the demo).
"""

import functools
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

from bot.bot_api_request import AiohttpRequest
from bot.errors import BotError
from bot.handlers import Handlers
from bot.polling import ConfirmingPoller, ConfirmingUpdateProcessor, UpdateLedger
from bot.retries import RetryPolicy
from bot.scheduler import POLL_INTERVAL_SECONDS, Scheduler
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


def build_application(
    settings: Settings,
    database: Database,
    pseudonymiser: Pseudonymiser,
    clock: Clock = system_clock,
    *,
    translator: Translator | None = None,
    reminder_policy: ReminderPolicy | None = None,
    paced: bool = True,
    schedule_poll_interval: float = POLL_INTERVAL_SECONDS,
    score_reports: ScoreReports | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the Application: Bot API client, per-chat ordering, rate limiting, handlers, reminders.

    ``paced`` keeps Bot API calls under Telegram's 30 a second; only a local emulator (the tests,
    ``voix demo``) has no such limit, and there pacing would only make every youth wait.
    ``schedule_poll_interval`` is how many seconds pass between two looks at the schedule (due
    reminders, offers and the daily purge; tests make it short or call ``dispatch_due`` themselves).
    ``score_reports`` computes coordinators' results (the command root gives the export's own).
    ``retry_policy`` says how a youth's failed Bot API calls are repeated (``bot.retries``). There
    is no PTB ``Updater``: ``running_bot`` polls with ``bot.polling``.
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
        minimum_youth_per_side=settings.minimum_youth_per_side,
        score_reports=score_reports,
    )
    application = (
        ApplicationBuilder()
        .token(require_token(settings))
        .base_url(f"{settings.telegram_api_url}/bot")
        .request(AiohttpRequest(CONNECTION_POOL_SIZE))
        .get_updates_request(AiohttpRequest())
        .rate_limiter(
            AIORateLimiter(overall_max_rate=CALLS_PER_SECOND if paced else 0, max_retries=FLOOD_RETRIES)
        )
        .concurrent_updates(ConfirmingUpdateProcessor(UpdateLedger()))
        .updater(None)  # bot.polling confirms an update only once handled
        .job_queue(None)  # everything that waits is in the database: bot.scheduler
        .build()
    )
    handlers = Handlers(services, application.bot, retry_policy)
    scheduler = Scheduler(
        services,
        application.bot,
        retention_months=settings.retention_months,
        messages_per_second=settings.scheduled_messages_per_second,
        poll_interval=schedule_poll_interval,
    )
    # Offers an educator opens go out from the scheduler's next pass, woken at once (not awaited).
    handlers.staff = StaffHandlers(services, application.bot, scheduler.wake)
    _register(application, handlers)
    application.bot_data[SERVICES_KEY] = (services, handlers, scheduler)
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
    """Purge expired youth, publish the commands, forget stale update ids (nothing per youth)."""
    services, handlers, scheduler = application.bot_data[SERVICES_KEY]
    await scheduler.run_tasks_at_start()
    await set_commands(application, services.translator, handlers.sender.policy)
    await forget_old_updates(services.database, services.clock())
    logger.info("bot started")


async def set_commands(
    application: Application[Any, Any, Any, Any, Any, Any], translator: Translator, policy: RetryPolicy
) -> None:
    """Call setMyCommands for private chats, once per language and once as the default.

    Repeated through passing faults (setting the same commands twice changes nothing), so a
    Bot API hiccup at start does not stop the bot.
    """
    scope = BotCommandScopeAllPrivateChats()
    for language in (None, *translator.languages):
        wording = language or translator.default_language
        commands = [
            BotCommand(name, translator.gettext(wording, description)) for name, description in COMMANDS
        ]
        await policy.call(
            functools.partial(application.bot.set_my_commands, commands, scope=scope, language_code=language)
        )


@asynccontextmanager
async def running_bot(
    settings: Settings,
    clock: Clock = system_clock,
    *,
    poll_timeout: int = POLL_TIMEOUT_SECONDS,
    reminder_policy: ReminderPolicy | None = None,
    paced: bool = True,
    schedule_poll_interval: float = POLL_INTERVAL_SECONDS,
    score_reports: ScoreReports | None = None,
    retry_policy: RetryPolicy | None = None,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Open the database, start the bot polling, and on exit stop polling, finish updates, close.

    Stopping finishes the updates already fetched, then confirms them, so a clean restart
    receives nothing twice; a crash leaves them unconfirmed, and Telegram delivers them again.
    """
    database = await Database.open(settings.db)  # made by `voix admin init` only: a typo is refused
    try:
        application = build_application(
            settings,
            database,
            pseudonymiser_for(settings),
            clock,
            reminder_policy=reminder_policy,
            paced=paced,
            schedule_poll_interval=schedule_poll_interval,
            score_reports=score_reports,
            retry_policy=retry_policy,
        )
        await _initialize(application, settings)
        try:
            await _on_startup(application)
            await application.start()
            processor = application.update_processor
            assert isinstance(processor, ConfirmingUpdateProcessor)
            poller = ConfirmingPoller(
                application.bot,
                application.update_queue,
                processor.ledger,
                poll_timeout=poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
            poller.start()
            scheduler_of(application).start()
            try:
                yield application
            finally:
                await scheduler_of(application).stop()
                await poller.stop()
                await application.stop()
                await poller.confirm_handled()
        finally:
            await application.shutdown()
    finally:
        await database.close()


async def _initialize(application: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Call getMe; turn a refused token or an unreachable Bot API into a one-line actionable error,
    the bot's HTTP sessions closed first (the application's shutdown would not: it never started,
    and asyncio would then report them unclosed below the message)."""
    try:
        await application.initialize()
    except BaseException as error:
        await application.bot.shutdown()
        if isinstance(error, InvalidToken):
            raise SettingsError("VOIX_TELEGRAM_TOKEN was refused by the Bot API: check the token.") from None
        if isinstance(error, NetworkError):
            raise BotError(
                f"Cannot reach the Bot API at {settings.telegram_api_url} ({type(error).__name__}): "
                "check VOIX_TELEGRAM_API_URL and the network."
            ) from None
        if isinstance(error, TelegramError):
            raise BotError(f"The Bot API refused to start the bot: {type(error).__name__}.") from None
        raise


def scheduler_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Scheduler:
    """Return the scheduler of a built application (tests run a pass with ``dispatch_due``)."""
    scheduler: Scheduler = application.bot_data[SERVICES_KEY][2]
    return scheduler
