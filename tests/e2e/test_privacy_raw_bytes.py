"""After real conversations, the database files hold no Telegram user or chat id in any encoding.

Youths who complete, pause, stop or only try a bad token all pass through the real bot; the raw
bytes of the SQLite file, its write-ahead log and its shared-memory index are then searched for
each id as decimal text and as the integers SQLite or a careless encoder would write.
"""

import sqlite3
import struct
from collections.abc import Callable
from pathlib import Path

from telegram_emulator import EmulatorClient
from tests.e2e.conftest import StartBot
from tests.e2e.journey import (
    answer_with_first_options,
    enrol,
    next_question,
    option_buttons,
    stop_and_erase,
    until,
)
from voix.settings import Settings

# A recent Telegram id beyond 32 bits, one within, and small ones that fit in fewer bytes.
USER_IDS = (7_312_456_789, 823_456_781, 5_123_457, 6_412_345_671)


def encodings(number: int) -> list[bytes]:
    """Return how an id could appear in raw bytes: decimal text, 8-byte ints, SQLite's big-endian ints."""
    found = [str(number).encode(), struct.pack("<q", number), struct.pack(">q", number)]
    for size in (3, 4, 6):  # SQLite stores an integer in the fewest big-endian bytes that hold it
        if number < 2 ** (8 * size - 1):
            found.append(number.to_bytes(size, "big"))
            break
    return found


def leaks(database: Path, user_ids: tuple[int, ...]) -> list[str]:
    """Return every (file, id, encoding) found in the database's files."""
    files = [path for path in database.parent.iterdir() if path.name.startswith(database.name)]
    assert files, "no database file"
    found = []
    for path in files:
        content = path.read_bytes()
        for user_id in user_ids:
            found += [f"{path.name}: {user_id} as {e!r}" for e in encodings(user_id) if e in content]
    return found


async def test_database_and_its_log_hold_no_telegram_id(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    voix_settings: Settings,
) -> None:
    completing, pausing, stopping = invite(3)
    async with start_bot():
        finisher, question = await enrol(sim, completing, user_id=USER_IDS[0])
        await finisher.send("2")
        await answer_with_first_options(finisher, await next_question(finisher))
        pauser, question = await enrol(sim, pausing, user_id=USER_IDS[1])
        await pauser.press(option_buttons(question)[0])
        await next_question(pauser)
        await pauser.send("/pause")
        await until(pauser, "pause")
        leaver, _ = await enrol(sim, stopping, user_id=USER_IDS[2])
        await stop_and_erase(leaver)
        stranger = await sim.user("Sami", user_id=USER_IDS[3])
        await stranger.send("/start notAToken123")
        await stranger.next()
        # While the bot runs, recent writes sit in the write-ahead log.
        wal = voix_settings.db.with_name(voix_settings.db.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        assert leaks(voix_settings.db, USER_IDS) == []
    assert database_file.execute("SELECT COUNT(*) FROM youth").fetchone()[0] == 2
    assert leaks(voix_settings.db, USER_IDS) == []
