"""The real ``voix run`` in a child process, so a test can kill it with SIGKILL like a crash would."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from telegram_emulator import TelegramEmulator
from voix.settings import Settings

VOIX = Path(sys.executable).with_name("voix")
START_SECONDS = 20.0


class BotProcess:
    """``voix run`` against the emulator, with the settings of the test's database."""

    def __init__(self, settings: Settings, emulator: TelegramEmulator, workdir: Path) -> None:
        self.emulator = emulator
        self.workdir = workdir
        assert settings.telegram_token is not None and settings.secret_key is not None
        self.environment = {
            "PATH": os.environ.get("PATH", ""),
            "VOIX_TELEGRAM_TOKEN": settings.telegram_token.get_secret_value(),
            "VOIX_TELEGRAM_API_URL": settings.telegram_api_url,
            "VOIX_DB": str(settings.db),
            "VOIX_SECRET_KEY": settings.secret_key.get_secret_value(),
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the bot and return once it polls for updates."""
        state = self.emulator.state
        polls_before = self._polls()
        self.process = await asyncio.create_subprocess_exec(
            str(VOIX),
            "run",
            cwd=self.workdir,
            env=self.environment,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        started = await state.notifier.wait_until(lambda: self._polls() > polls_before, START_SECONDS)
        assert started, "voix run did not start polling"

    async def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as in a crash or an out-of-memory kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.process = None

    async def stop(self) -> None:
        """SIGTERM, the way ``voix run`` is stopped cleanly, and wait for it to exit."""
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            await self.process.wait()
            self.process = None

    def _polls(self) -> int:
        return sum(1 for call in self.emulator.state.calls if call.method == "getUpdates")
