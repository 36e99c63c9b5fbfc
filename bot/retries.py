"""Bot API calls repeated through passing faults, so a youth sees an apology only for a real outage.

A call fails in one of four ways (``failure_of``):

* ``FLOOD`` — 429 Too Many Requests: wait the ``retry_after`` Telegram gives, then call again.
* ``NOT_DONE`` — the server answered with an error (5xx), or the connection could not even be
  opened: nothing was done, so calling again is always safe.
* ``UNKNOWN`` — a timeout, or the connection dropped after the request left: the call may have
  taken effect. Calling again is safe only for a call whose repetition changes nothing (answering
  a button press, editing a message) or whose duplicate harms no one; the caller says which.
* ``FINAL`` — anything else (400, 403…): calling again would fail the same way.

Waits grow exponentially with "full jitter" (a random share of the step, so a burst of failures
does not retry in lockstep); the randomness, the sleeping and the clock are injected. Transient
failures stop being retried once ``budget_seconds`` have passed since the first attempt: the
youth is waiting. Flood waits have their own, longer ceiling: Telegram says when to come back.
"""

import asyncio
import enum
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

import aiohttp
import httpx
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

# A youth waiting for the next question should not wait much longer than this for one call.
BUDGET_SECONDS = 6.0
FIRST_DELAY_SECONDS = 0.2
MAXIMUM_DELAY_SECONDS = 2.0
# A ceiling on attempts too, whatever the clock says (a call failing instantly, a fake clock).
MAXIMUM_ATTEMPTS = 12
# Telegram's flood waits are usually a few seconds; beyond this, give up rather than hang.
FLOOD_WAIT_LIMIT_SECONDS = 60.0

# Transport failures that happen before the request leaves, so the server cannot have acted on it:
# aiohttp's (the bot's transport, ``bot.bot_api_request``) and httpx's (python-telegram-bot's own).
_NOT_SENT = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


class Failure(enum.Enum):
    """How a failed call may be repeated."""

    FLOOD = "flood"
    NOT_DONE = "not done"
    UNKNOWN = "outcome unknown"
    FINAL = "final"


class OutcomeUnknown(NetworkError):
    """A call that must not be repeated met a fault after its request left: it may have taken effect."""

    def __init__(self, cause: TelegramError) -> None:
        super().__init__(f"outcome unknown after {type(cause).__name__}")


def failure_of(error: BaseException) -> Failure:
    """Classify a failed Bot API call (its cause is the transport's error, aiohttp's or httpx's)."""
    if isinstance(error, RetryAfter):
        return Failure.FLOOD
    if isinstance(error, OutcomeUnknown):
        return Failure.UNKNOWN
    if type(error) not in (NetworkError, TimedOut):
        return Failure.FINAL  # BadRequest, Forbidden, Conflict… are NetworkError's siblings or kin
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT):
        return Failure.NOT_DONE
    if not isinstance(error, TimedOut) and (cause is None or isinstance(cause, TelegramError)):
        return Failure.NOT_DONE  # the server answered with an error status (5xx): nothing was done
    return Failure.UNKNOWN


def flood_wait_seconds(error: RetryAfter) -> float:
    """Return the seconds Telegram asks to wait (read without python-telegram-bot's type warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to repeat a failed Bot API call."""

    budget_seconds: float = BUDGET_SECONDS
    first_delay: float = FIRST_DELAY_SECONDS
    maximum_delay: float = MAXIMUM_DELAY_SECONDS
    maximum_attempts: int = MAXIMUM_ATTEMPTS
    flood_wait_limit: float = FLOOD_WAIT_LIMIT_SECONDS
    random: Callable[[], float] = field(default=random.random, compare=False)
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    async def call(self, operation: Callable[[], Awaitable[Result]], *, repeatable: bool = True) -> Result:
        """Run ``operation``, repeating it through transient failures within the budget.

        ``repeatable=False`` (a message whose duplicate would confuse) turns a failure whose
        outcome is unknown into ``OutcomeUnknown`` at once. When the budget is spent, the last
        error is raised as it came.
        """
        started = self.clock()
        flood_waited = 0.0
        attempt = 0
        while True:
            try:
                return await operation()
            except TelegramError as error:
                failure = failure_of(error)
                if failure is Failure.UNKNOWN and not repeatable:
                    raise OutcomeUnknown(error) from error
                if failure is Failure.FINAL or attempt + 1 >= self.maximum_attempts:
                    raise
                if failure is Failure.FLOOD:
                    assert isinstance(error, RetryAfter)
                    delay = flood_wait_seconds(error) + self._jitter(attempt)
                    if flood_waited + delay > self.flood_wait_limit:
                        raise
                    flood_waited += delay
                else:
                    delay = self._jitter(attempt)
                    if self.clock() + delay - started - flood_waited > self.budget_seconds:
                        raise
                logger.info("a Bot API call failed (%s); trying again", failure.value)
                attempt += 1
                await self.sleep(delay)

    def _jitter(self, attempt: int) -> float:
        """A random wait between 0 and the exponential step of this attempt ("full jitter")."""
        step: float = min(self.maximum_delay, self.first_delay * 2.0**attempt)
        return self.random() * step
