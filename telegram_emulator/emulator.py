"""TelegramEmulator: one emulated bot, its Bot API server and its control API, started together.

Typical use: ``await emulator.start()`` (127.0.0.1, ephemeral port), point the bot at
``emulator.base_url`` (python-telegram-bot appends the token), drive users through
``telegram_emulator.client.EmulatorClient(emulator.url)``, then ``await emulator.stop()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from telegram_emulator.control import ControlApi
from telegram_emulator.faults import FaultInjector
from telegram_emulator.methods import BotApi
from telegram_emulator.rate_limit import RateLimitConfig, RateLimiter
from telegram_emulator.server import BotApiHandler
from telegram_emulator.simulation import UserSimulator
from telegram_emulator.state import EmulatorState, RecordedCall

DEFAULT_TOKEN = "123456789:AAEmulatorTokenForTestsOnly0000000"


class TelegramEmulator:
    """A local Telegram Bot API for one bot, plus the means to play its users."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "voix_test_bot",
        bot_first_name: str = "Voix",
        rate_limit: RateLimitConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        strict_spec: bool = False,
        latency: float = 0.0,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("a bot token looks like '<bot id>:<secret>'")
        self.token = token
        self.clock = clock
        bot_user = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.state = EmulatorState(bot_user, wall_clock=wall_clock)
        self.faults = FaultInjector()
        self.api = BotApi(self.state)
        self.simulator = UserSimulator(self.state)
        self.set_rate_limit(rate_limit)
        self.app = web.Application()
        self._bot_api = BotApiHandler(token, self.state, self.api, self.faults, strict_spec)
        self._bot_api.register(self.app)
        self.latency = latency
        ControlApi(self).register(self.app)
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None

    def set_rate_limit(self, config: RateLimitConfig | None) -> None:
        """Turn Telegram-like flood control on (with config) or off (None)."""
        self.api.rate_limiter = RateLimiter(config, self.clock) if config else None

    @property
    def latency(self) -> float:
        """Seconds added to every Bot API call, as a round trip to Telegram would (0 by default)."""
        return self._bot_api.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        self._bot_api.latency = seconds

    @property
    def calls(self) -> list[RecordedCall]:
        """Every Bot API call received, in order (method name and decoded parameters)."""
        return list(self.state.calls)

    @property
    def bot_user(self) -> dict[str, Any]:
        """Return a copy of the emulated bot's user object."""
        return dict(self.state.bot_user)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on host:port; port 0 picks a free ephemeral port (see .port)."""
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._host = host
        address = runner.addresses[0]
        self._port = int(address[1])

    async def stop(self) -> None:
        """End waiting long polls and stop serving."""
        self.state.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """Return the port served on; raise if the emulator is not started."""
        if self._port is None:
            raise RuntimeError("the emulator is not started")
        return self._port

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:8081 (the control API lives under /_control)."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For python-telegram-bot's ApplicationBuilder.base_url (it appends the token)."""
        return f"{self.url}/bot"

    @property
    def bot_api_url(self) -> str:
        """Full Bot API prefix for other clients: http://127.0.0.1:PORT/bot<token>."""
        return f"{self.url}/bot{self.token}"
