"""The pace of the scheduler's sends: at most N a second, evenly spread, and a pause after a 429.

Telegram allows a bot about 30 messages a second in all. The scheduler sends reminders and offers
at a configured rate below that (``VOIX_SCHEDULED_MESSAGES_PER_SECOND``), one every ``1/rate``
seconds rather than in bursts (a bucket of two, so a late wake-up catches up instead of losing
its time), so a wave opened for thousands of youth is spread over time and
the answers of youth chatting keep their share. When Telegram still answers 429 ``retry_after``,
``pause`` holds every send that long. The clock and the sleep are injectable: tests move time
instead of waiting.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

# Floating-point slack: a token refilled to 0.9999999999 after exactly its wait is a whole token.
_SLACK = 1e-9


class Pacer:
    """A token bucket of ``burst`` sends refilled at ``per_second``; ``acquire`` waits for a token."""

    def __init__(
        self,
        per_second: float,
        *,
        burst: int = 2,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("a pace is a positive number of sends a second")
        self.per_second = per_second
        self._burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more send is allowed, and take it (callers are served in turn)."""
        async with self._lock:
            while True:
                now = self._clock()
                if now > self._updated:
                    self._tokens = min(self._burst, self._tokens + (now - self._updated) * self.per_second)
                    self._updated = now
                if self._updated <= now and self._tokens >= 1 - _SLACK:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                waiting = max(self._updated - now, (1 - self._tokens) / self.per_second, _SLACK)
                await self._sleep(waiting)

    def pause(self, seconds: float) -> None:
        """Allow no send for ``seconds`` (Telegram's ``retry_after``), then resume at the same pace."""
        resume = self._clock() + seconds
        if resume > self._updated:
            self._updated = resume
            self._tokens = 0.0
