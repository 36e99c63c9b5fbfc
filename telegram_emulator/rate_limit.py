"""Optional flood control, answering 429 like Telegram when a bot sends too fast.

Telegram's documented guidance (bots FAQ): about 30 messages per second overall and about one
message per second per chat, short bursts tolerated. Token buckets model both. The clock is
injectable so tests can move time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimitConfig:
    """Flood limits: overall and per chat, each a rate per second and a burst."""

    overall_per_second: float = 30.0
    overall_burst: int = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3

    @classmethod
    def from_json(cls, data: dict[str, float]) -> RateLimitConfig:
        """Read a config from the control API's JSON, defaults for missing keys."""
        default = cls()
        return cls(
            overall_per_second=float(data.get("overall_per_second", default.overall_per_second)),
            overall_burst=int(data.get("overall_burst", default.overall_burst)),
            per_chat_per_second=float(data.get("per_chat_per_second", default.per_chat_per_second)),
            per_chat_burst=int(data.get("per_chat_burst", default.per_chat_burst)),
        )


class TokenBucket:
    """capacity tokens, refilled at rate per second; one token per message."""

    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = float(capacity)
        self.tokens = float(capacity)
        self.updated = now

    def refill(self, now: float) -> None:
        """Add the tokens earned since the last refill, up to the capacity."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def seconds_until_token(self) -> float:
        """Return how long until one token is available (0 if one is now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class RateLimiter:
    """Decides whether a message to a chat may go now, or after how many seconds."""

    def __init__(self, config: RateLimitConfig, clock: Callable[[], float] = time.monotonic):
        self.config = config
        self.clock = clock
        self._overall = TokenBucket(config.overall_per_second, config.overall_burst, clock())
        self._per_chat: dict[int | str, TokenBucket] = {}

    def acquire(self, chat_id: int | str) -> int | None:
        """Take a token for chat_id; None when allowed, else Telegram's retry_after seconds."""
        now = self.clock()
        chat_bucket = self._per_chat.get(chat_id)
        if chat_bucket is None:
            chat_bucket = self._per_chat[chat_id] = TokenBucket(
                self.config.per_chat_per_second, self.config.per_chat_burst, now
            )
        buckets = (self._overall, chat_bucket)
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.seconds_until_token() for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None
