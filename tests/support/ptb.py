"""Wiring a real python-telegram-bot Application to the emulator over real HTTP.

Proxies are ignored (trust_env=False) so loopback traffic never leaves the machine, and the
long-poll timeout is short so stopping the bot at the end of a test is quick.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeAlias

from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from telegram_emulator import TelegramEmulator

POLL_SECONDS = 1
AnyApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
AnyApplicationBuilder: TypeAlias = ApplicationBuilder[Any, Any, Any, Any, Any, Any]


def emulator_request(read_timeout: float = 5.0) -> HTTPXRequest:
    return HTTPXRequest(httpx_kwargs={"trust_env": False}, read_timeout=read_timeout)


def builder_for(emulator: TelegramEmulator) -> AnyApplicationBuilder:
    """An ApplicationBuilder already pointed at the emulator; add handlers after build()."""
    return (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .request(emulator_request())
        .get_updates_request(emulator_request())
    )


@asynccontextmanager
async def polling(
    application: AnyApplication, poll_seconds: int = POLL_SECONDS
) -> AsyncIterator[AnyApplication]:
    """Run the application with the real Updater long-polling the emulator, then stop it."""
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=poll_seconds)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
