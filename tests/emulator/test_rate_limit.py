"""Flood control with an injected clock: bursts, refill, overall and per-chat limits."""

from __future__ import annotations

from telegram_emulator.rate_limit import RateLimitConfig, RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_per_chat_burst_then_one_message_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimitConfig(per_chat_per_second=1, per_chat_burst=3), clock)
    assert [limiter.acquire(7) for _ in range(3)] == [None, None, None]
    assert limiter.acquire(7) == 1
    assert limiter.acquire(8) is None  # other chats are not affected
    clock.now += 0.5
    assert limiter.acquire(7) == 1  # half a token: retry after rounds up
    clock.now += 0.5
    assert limiter.acquire(7) is None
    assert limiter.acquire(7) == 1


def test_overall_limit_across_chats_and_slow_refill() -> None:
    clock = FakeClock()
    config = RateLimitConfig(overall_per_second=30, overall_burst=30, per_chat_per_second=1, per_chat_burst=1)
    limiter = RateLimiter(config, clock)
    assert all(limiter.acquire(chat) is None for chat in range(30))
    assert limiter.acquire(99) == 1
    clock.now += 0.1
    assert [limiter.acquire(chat) for chat in (100, 101, 102, 103)] == [None, None, None, 1]
    slow = RateLimiter(RateLimitConfig(per_chat_per_second=0.2, per_chat_burst=1), clock)
    assert slow.acquire(1) is None
    assert slow.acquire(1) == 5


def test_config_from_json_keeps_defaults() -> None:
    assert RateLimitConfig.from_json({"per_chat_burst": 5}) == RateLimitConfig(per_chat_burst=5)
