"""Run the real ``voix run`` as a separate process against an emulator served by the benchmark.

The emulator lives in the benchmark's own event loop, so the benchmark sees every Bot API call as
it arrives (``emulator.calls``) and can set up users directly in its state; the bot is a child
process with its own settings, measured from outside (wall time, peak resident memory from
``/proc``), and can be stopped cleanly (SIGTERM) or killed (SIGKILL).
"""

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from telegram_emulator import TelegramEmulator

SECRET_KEY = "3c" * 32
BOT_COMMAND = (sys.executable, "-c", "import sys; from voix.cli import main; sys.exit(main(['run']))")


def add_directory_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--directory``: where the database and the bot's log go (default: a temporary one)."""
    parser.add_argument("--directory", type=Path, help="where to write the database and bot.log")


@contextlib.contextmanager
def fresh_database(directory: Path | None) -> Iterator[Path]:
    """Yield the path of a database to write in ``directory`` (or a temporary one), none there yet."""
    with tempfile.TemporaryDirectory() as temporary:
        chosen = directory or Path(temporary)
        chosen.mkdir(parents=True, exist_ok=True)
        database = chosen / "voix.db"
        database.unlink(missing_ok=True)
        yield database


def bot_environment(emulator: TelegramEmulator, database: Path, **settings: str) -> dict[str, str]:
    """Return the environment of a ``voix run`` talking to ``emulator`` with ``database``."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("VOIX_")}
    environment.update(
        VOIX_TELEGRAM_TOKEN=emulator.token,
        VOIX_TELEGRAM_API_URL=emulator.url,
        VOIX_DB=str(database),
        VOIX_SECRET_KEY=SECRET_KEY,
        **{f"VOIX_{name.upper()}": value for name, value in settings.items()},
    )
    return environment


async def start_bot(environment: dict[str, str], directory: Path) -> asyncio.subprocess.Process:
    """Start ``voix run`` in ``directory`` (no stray ``.env`` there); its log goes to ``bot.log``."""
    log = (directory / "bot.log").open("ab")
    return await asyncio.create_subprocess_exec(
        *BOT_COMMAND, env=environment, cwd=directory, stdout=log, stderr=log
    )


async def first_call(emulator: TelegramEmulator, method: str, since: int = 0, within: float = 900.0) -> float:
    """Wait for the first ``method`` call recorded after index ``since``; return when it arrived."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if any(call.method == method for call in emulator.state.calls[since:]):
            return time.monotonic()
        await asyncio.sleep(0.005)
    raise TimeoutError(f"no {method} within {within:.0f} s: see bot.log")


def peak_megabytes(pid: int) -> float:
    """Return the peak resident memory of a running process so far (``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: Linux is needed to measure memory")


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a running process used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def stop(process: asyncio.subprocess.Process, kill: bool = False) -> None:
    """Stop the bot: SIGTERM (it finishes cleanly) or SIGKILL (a crash), and reap it."""
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    await process.wait()
