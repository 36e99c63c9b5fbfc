"""Benchmark: 10,000 due reminders through the real bot, Telegram's flood limit on, and a SIGKILL midway.

Usage: ``python bench/dispatch.py [--youth 10000] [--rate 30] [--directory DIR]``

Writes ``--youth`` youth whose first reminder is due (``bench.waiting_youth``), starts a local
emulator with Telegram's flood control (30 messages a second overall, 1 a second per chat) and
the real ``voix run`` with ``VOIX_SCHEDULED_MESSAGES_PER_SECOND=--rate``. When about half the
reminders went out, the bot is killed (SIGKILL: no clean stop, at a random moment of a send's
cycle), then started again, until every
reminder was sent and nothing is left to send. It reports the pace reached while sending (target
≥ 90 % of ``--rate``), the 429 answers after the first second of each run (target none), and
the youth who got a reminder twice or never (target none).
"""

import argparse
import asyncio
import os
import random
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bot_process import (  # noqa: E402
    SECRET_KEY,
    add_directory_option,
    bot_environment,
    first_call,
    fresh_database,
    start_bot,
    stop,
)
from bench.waiting_youth import WaitingYouth, add_waiting_youth  # noqa: E402
from referentiel.loading import current_referentiel  # noqa: E402
from storage.database import migrate, open_sync_connection  # noqa: E402
from storage.pseudonymisation import Pseudonymiser  # noqa: E402
from telegram_emulator import TelegramEmulator  # noqa: E402
from telegram_emulator.rate_limit import RateLimitConfig  # noqa: E402

FIRST_USER = 9_000_000_001
REMINDER = "Tu peux finir les questions"
TARGET_SHARE_OF_RATE = 0.9
WARM_UP_SECONDS = 1.0
# How long a run may take beyond what the rate needs (start, the scheduler's first look, the
# lease of the killed bot's claims).
SLACK_SECONDS = 120.0


@dataclass
class Sends:
    """The emulator's view: when each reminder (and each 429) arrived, per bot run."""

    arrivals: dict[int, list[tuple[float, int]]] = field(default_factory=dict)  # run → (time, chat)
    refused: dict[int, list[float]] = field(default_factory=dict)  # run → times of 429 answers
    starts: dict[int, float] = field(default_factory=dict)  # run → when its first reminder came


def watch(emulator: TelegramEmulator, sends: Sends, run: list[int]) -> None:
    """Stamp every sendMessage the emulator answers, with the bot run it came from."""
    api = emulator.api
    original = api.call

    async def stamped(method: str, params: dict[str, Any]) -> Any:
        try:
            result = await original(method, params)
        except Exception as error:
            if method == "sendMessage" and getattr(error, "error_code", None) == 429:
                sends.refused.setdefault(run[0], []).append(time.monotonic())
            raise
        if method == "sendMessage" and REMINDER in str(params.get("text", "")):
            now = time.monotonic()
            sends.starts.setdefault(run[0], now)
            sends.arrivals.setdefault(run[0], []).append((now, int(params["chat_id"])))
        return result

    api.call = stamped  # type: ignore[method-assign]


def build(database: Path, youth: int) -> None:
    """Write the youth, every one with a reminder due a minute ago."""
    migrate(database, create=True)
    connection = open_sync_connection(database)
    try:
        now = datetime.now(UTC)
        shape = WaitingYouth(youth, FIRST_USER, now - timedelta(days=2), now - timedelta(minutes=1))
        add_waiting_youth(connection, Pseudonymiser(bytes.fromhex(SECRET_KEY)), current_referentiel(), shape)
    finally:
        connection.close()


def left_to_send(database: Path) -> int:
    """Count the first reminders not sent yet (read with a connection of its own)."""
    connection = sqlite3.connect(database)
    try:
        query = "SELECT COUNT(*) FROM scheduled_messages WHERE kind = 'reminder-1' AND sent_at IS NULL"
        return int(connection.execute(query).fetchone()[0])
    finally:
        connection.close()


async def run(database: Path, directory: Path, youth: int, rate: float) -> Sends:
    """Send everything, killing the bot once midway; return what the emulator saw."""
    sends, current = Sends(), [1]
    limits = RateLimitConfig(overall_per_second=30, overall_burst=30, per_chat_per_second=1, per_chat_burst=3)
    async with TelegramEmulator(rate_limit=limits) as emulator:
        for number in range(youth):
            emulator.simulator.create_user(f"Youth {number}", user_id=FIRST_USER + number)
            emulator.state.chats[FIRST_USER + number].contacted_bot = True  # they wrote to the bot before
        watch(emulator, sends, current)
        environment = bot_environment(emulator, database, scheduled_messages_per_second=str(rate))
        process = await start_bot(environment, directory)
        await first_call(emulator, "getUpdates")
        deadline = time.monotonic() + youth / rate + SLACK_SECONDS
        while len(sends.arrivals.get(1, [])) < youth // 2:
            if time.monotonic() > deadline:
                raise TimeoutError("the first run never sent half the reminders: see bot.log")
            await asyncio.sleep(0.01)
        await asyncio.sleep(random.uniform(0, 1 / rate))  # anywhere in a send's cycle: no lucky moment
        await stop(process, kill=True)
        current[0] = 2
        process = await start_bot(environment, directory)
        try:
            deadline = time.monotonic() + youth / rate + SLACK_SECONDS
            while left_to_send(database) or sum(map(len, sends.arrivals.values())) < youth:
                if time.monotonic() > deadline:
                    break  # reported as lost below
                await asyncio.sleep(0.5)
        finally:
            await stop(process)
    return sends


def report(sends: Sends, youth: int, rate: float) -> tuple[str, bool]:
    """Return the summary line and whether every target was met."""
    received = Counter(chat for arrivals in sends.arrivals.values() for _, chat in arrivals)
    twice = sum(1 for count in received.values() if count > 1)
    never = youth - len(received)
    paces = []
    for _, arrivals in sorted(sends.arrivals.items()):
        moments = [moment for moment, _ in arrivals]
        if len(moments) > 1:
            paces.append((len(moments) - 1) / (moments[-1] - moments[0]))
    after_warm_up = sum(
        1
        for number, refused in sends.refused.items()
        for moment in refused
        if moment - sends.starts.get(number, moment) > WARM_UP_SECONDS
    )
    pace = min(paces) if paces else 0.0
    met = pace >= TARGET_SHARE_OF_RATE * rate and after_warm_up == 0 and twice == 0 and never == 0
    killed_after = len(sends.arrivals.get(1, []))
    line = (
        f"dispatch: {youth:,} due reminders at {rate:g}/s configured, Telegram's flood limit on, SIGKILL "
        f"after {killed_after:,}: pace {' then '.join(f'{value:.1f}/s' for value in paces)} "
        f"({pace / rate:.0%} of the rate), 429 after warm-up {after_warm_up} "
        f"(all: {sum(map(len, sends.refused.values()))}), sent twice {twice}, lost {never} "
        f"(targets ≥ {TARGET_SHARE_OF_RATE:.0%}, 0, 0, 0: {'ok' if met else 'MISSED'}; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    return line, met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="VOIX_SCHEDULED_MESSAGES_PER_SECOND")
    add_directory_option(parser)
    arguments = parser.parse_args()
    with fresh_database(arguments.directory) as database:
        build(database, arguments.youth)
        sends = asyncio.run(run(database, database.parent, arguments.youth, arguments.rate))
    line, met = report(sends, arguments.youth, arguments.rate)
    print(line)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
