"""The one scheduler of everything that waits: reminders, follow-up offers and the retention purge.

The database is the schedule (``storage.schedule``); no job per youth exists anywhere, so a
restart re-reads it in one query, whatever the number of youth. One polling loop, started with
the bot, looks every ``poll_interval`` seconds, and again at once while due rows remain:

* the periodic tasks due: the retention purge, run at start before the bot answers anyone
  (``run_tasks_at_start``), then daily;
* the due reminders and follow-up offers, a batch at a time: claimed in a transaction, then each
  taken by the engine step that words it (``bot.steps.step_scheduled``) and sent after that
  commit, through one ``Pacer`` at ``VOIX_SCHEDULED_MESSAGES_PER_SECOND``, so a wave opened for
  thousands of youth is spread over time and youth chatting keep their share of Telegram's rate.

A 403 marks the contact blocked (no more messages to them); a 429 pauses every send for its
``retry_after`` and the message goes again; any other failure is logged by type and costs only
that message. Two bots on one database never send a message twice (claims and ``take``).
"""

import asyncio
import contextlib
import logging
import math
import secrets
import warnings
from datetime import timedelta

from telegram.error import RetryAfter, TelegramError

from bot.pacing import Pacer
from bot.sender import BotApi, Delivery, deliver
from bot.services import Services
from bot.steps import StepOutcome, record_delivery, step_scheduled
from storage.clock import timestamp
from storage.retention import BOT_ACTOR, purge_expired_youth
from storage.runs import PROCESSED_UPDATES_KEPT
from storage.schedule import (
    RETENTION_TASK,
    DueMessage,
    claim_due_messages,
    claim_task,
    finish_task,
    give_up_exhausted,
    plan_task,
    release_all,
)
from storage.staff_replies import withdraw_forgotten
from storage.youth_records import chat_id_of

logger = logging.getLogger(__name__)

POLL_INTERVAL_SECONDS = 30.0
RETENTION_INTERVAL = timedelta(days=1)
# A batch holds what the pace sends in this many seconds: a crash strands at most that many
# claims, which the lease frees.
BATCH_SECONDS = 2.0
# Sends in flight at once (each waits for the pacer first): a slow Bot API call does not stop the pace.
IN_FLIGHT = 8
# How often a message refused with 429 is sent again, after waiting its retry_after.
FLOOD_RETRIES = 3
# How long stopping waits for the sends under way.
STOP_SECONDS = 10.0


class Scheduler:
    """Polls the schedule and dispatches what is due; ``dispatch_due`` is one full pass."""

    def __init__(
        self,
        services: Services,
        bot: BotApi,
        *,
        retention_months: int,
        messages_per_second: float,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        pacer: Pacer | None = None,
        claimant: str | None = None,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self.services = services
        self.bot = bot
        self.retention_months = retention_months
        self.poll_interval = poll_interval
        self.pacer = pacer or Pacer(messages_per_second)
        # Who holds a claim: unique per running scheduler, so two bots never take the same row.
        self.claimant = claimant or secrets.token_hex(8)
        self.batch_size = max(1, math.ceil(messages_per_second * BATCH_SECONDS))
        self._in_flight = asyncio.Semaphore(in_flight)
        self._loop: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    async def run_tasks_at_start(self) -> None:
        """Make the periodic tasks due now and run them (the purge, before anyone is answered)."""
        async with self.services.database.transaction() as transaction:
            await plan_task(transaction, RETENTION_TASK, self.services.clock())
        await self.run_due_tasks()

    def start(self) -> None:
        """Start the polling loop in the background (the bot is polling Telegram already)."""
        self._loop = asyncio.create_task(self._poll(), name="voix scheduler")

    async def wake(self) -> None:
        """Look at the schedule now rather than at the next poll, without waiting for the sends.

        An educator who has just opened offers gets their answer at once, while the offers go out
        at the configured pace in the background (minutes for thousands of youth).
        """
        self._wake.set()

    async def stop(self) -> None:
        """Finish the sends under way, give back the claims not sent (another bot or a restart sends them)."""
        self._stopping.set()
        self._wake.set()
        if self._loop is not None:
            try:
                await asyncio.wait_for(self._loop, STOP_SECONDS)
            except TimeoutError:  # wait_for has cancelled it; its transactions roll back
                logger.warning("the scheduler did not stop within %.0f s; interrupted", STOP_SECONDS)
            self._loop = None
        await release_all(self.services.database, self.claimant)

    async def dispatch_due(self) -> int:
        """Run the due tasks, then send every due message, paced; return how many messages went out."""
        await self.run_due_tasks()
        sent = 0
        while not self._stopping.is_set() and (batch := await self._claim()):
            sent += sum(await asyncio.gather(*(self._dispatch(message) for message in batch)))
        return sent

    async def run_due_tasks(self) -> None:
        """Run the retention purge (and withdraw what forgotten staff requests made) if it is due and
        nobody else runs it; it is then due a day later."""
        services, now = self.services, self.services.clock()
        async with services.database.transaction() as transaction:
            claimed = await claim_task(transaction, RETENTION_TASK, self.claimant, now)
        if not claimed:
            return
        done = await purge_expired_youth(services.database, now, self.retention_months, BOT_ACTOR)
        # Staff requests Telegram will never deliver again: what they made, nobody saw.
        await withdraw_forgotten(services.database, now, PROCESSED_UPDATES_KEPT)
        logger.info(
            "retention purge: %d youth erased, %d answers removed (enrolled before %s)",
            done.youth_erased,
            done.answers_removed,
            timestamp(done.enrolled_before),
        )
        async with services.database.transaction() as transaction:
            await finish_task(transaction, RETENTION_TASK, self.claimant, now + RETENTION_INTERVAL)

    async def _poll(self) -> None:
        """Look every ``poll_interval`` seconds (the first look too: the start did the tasks already)."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)
            self._wake.clear()
            if self._stopping.is_set():
                return
            try:
                await self.dispatch_due()
            except Exception as error:  # the loop outlives any one failure; the rows stay in the schedule
                logger.error("the scheduler's pass failed: %s", type(error).__name__)

    async def _claim(self) -> list[DueMessage]:
        services, now = self.services, self.services.clock()
        async with services.database.transaction() as transaction:
            abandoned = await give_up_exhausted(transaction, now)
            claimed = await claim_due_messages(
                transaction,
                self.claimant,
                services.new_run_referentiel(),
                services.reminder_policy,
                now,
                self.batch_size,
            )
        if abandoned:
            logger.warning("%d scheduled message(s) given up after failing every attempt", abandoned)
        return claimed

    async def _dispatch(self, message: DueMessage) -> bool:
        """Step and send one claimed message; True if it went out."""
        async with self._in_flight:
            await self.pacer.acquire()
            if self._stopping.is_set():  # left claimed: given back by ``stop``
                return False
            try:
                outcome = await step_scheduled(self.services, message, self.claimant)
            except Exception as error:  # left claimed: tried again after the lease, given up after 3
                logger.error("a scheduled %s could not be prepared: %s", message.kind, type(error).__name__)
                return False
            if outcome is None or not outcome.messages:
                return False
            services = self.services
            chat_id = await chat_id_of(services.database, services.pseudonymiser, outcome.youth_id)
            delivery = await self._deliver(chat_id, outcome) if chat_id is not None else None
            if delivery is None:
                return False
            await record_delivery(services, outcome, delivery)
            return not delivery.blocked

    async def _deliver(self, chat_id: int, outcome: StepOutcome) -> Delivery | None:
        """Send the step's messages; on 429 pause every send for ``retry_after`` and try again."""
        for _ in range(FLOOD_RETRIES + 1):
            try:
                return await deliver(self.bot, chat_id, outcome.messages, outcome.question_message_id)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                logger.warning("Telegram asks to wait %.0f s (flood control): every send waits", seconds)
                self.pacer.pause(seconds)
                await self.pacer.acquire()
            except TelegramError as error:
                logger.warning("a scheduled message could not be sent: %s", type(error).__name__)
                return None
        logger.warning("a scheduled message refused %d times (flood control) is dropped", FLOOD_RETRIES + 1)
        return None


def retry_after_seconds(error: RetryAfter) -> float:
    """Return the seconds a 429 asks to wait (python-telegram-bot gives an int or a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
