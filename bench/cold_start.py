"""Benchmark: how long ``voix run`` takes to reach its first ``getUpdates`` with a big database.

Usage: ``python bench/cold_start.py [--youth 50000] [--directory DIR]``

Writes (direct SQL, ``bench.waiting_youth``) a database of ``--youth`` enrolled youth at their
first question, half of them with a reminder pending for tomorrow, then starts the real
``voix run`` against a local emulator and measures, from the launch of the process, when the
emulator receives the bot's first ``getUpdates`` — the moment it can answer anyone — and the
bot's peak resident memory by then. Targets: within 2 s, at most 150 MB. (Before the one
scheduler, re-creating one JobQueue timer per youth took 238 s here: issue 14.)
"""

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bot_process import (  # noqa: E402
    SECRET_KEY,
    add_directory_option,
    bot_environment,
    cpu_seconds,
    first_call,
    fresh_database,
    peak_megabytes,
    start_bot,
    stop,
)
from bench.waiting_youth import WaitingYouth, add_waiting_youth  # noqa: E402
from referentiel.loading import current_referentiel  # noqa: E402
from storage.database import migrate, open_sync_connection  # noqa: E402
from storage.pseudonymisation import Pseudonymiser  # noqa: E402
from telegram_emulator import TelegramEmulator  # noqa: E402

TARGET_SECONDS = 2.0
TARGET_MEGABYTES = 150


def build_database(path: Path, youth: int) -> int:
    """Write ``youth`` waiting youth, every other one with a reminder due tomorrow; count the reminders."""
    migrate(path, create=True)
    connection = open_sync_connection(path)
    try:
        now = datetime.now(UTC)
        shape = WaitingYouth(youth, 8_000_000_001, now - timedelta(days=2), now + timedelta(days=1), 2)
        add_waiting_youth(connection, Pseudonymiser(bytes.fromhex(SECRET_KEY)), current_referentiel(), shape)
        return int(connection.execute("SELECT COUNT(*) FROM scheduled_messages").fetchone()[0])
    finally:
        connection.close()


async def measure(database: Path, directory: Path) -> tuple[float, float, float]:
    """Start the bot; return the seconds to its first getUpdates, its CPU seconds and peak MB by then."""
    async with TelegramEmulator() as emulator:
        launched = time.monotonic()
        process = await start_bot(bot_environment(emulator, database), directory)
        try:
            polling = await first_call(emulator, "getUpdates")
            megabytes, cpu = peak_megabytes(process.pid), cpu_seconds(process.pid)
        finally:
            await stop(process)
    return polling - launched, cpu, megabytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=50_000)
    add_directory_option(parser)
    arguments = parser.parse_args()
    with fresh_database(arguments.directory) as database:
        reminders = build_database(database, arguments.youth)
        seconds, cpu, megabytes = asyncio.run(measure(database, database.parent))
    verdict = "ok" if seconds <= TARGET_SECONDS and megabytes <= TARGET_MEGABYTES else "MISSED"
    print(
        f"cold start: {arguments.youth:,} youth, {reminders:,} pending reminders: first getUpdates "
        f"{seconds:.2f} s after launch ({cpu:.2f} s of CPU; load average {os.getloadavg()[0]:.1f}), "
        f"peak RSS {megabytes:.0f} MB "
        f"(targets ≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_MEGABYTES} MB: {verdict})"
    )
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
