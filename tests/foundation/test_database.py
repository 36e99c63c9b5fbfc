"""The bot's database: all or nothing per transaction, and another process's lock never freezes the bot."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database, open_sync_connection

INSERT_ORGANISATION = "INSERT INTO organisations (name, created_at) VALUES (?, '2026-01-01')"


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(tmp_path / "voix.db", create=True, busy_timeout=0.5)
    yield opened
    await opened.close()


async def organisation_names(database: Database) -> list[str]:
    return [row[0] for row in await database.fetch_all("SELECT name FROM organisations ORDER BY id")]


async def test_a_failing_transaction_leaves_nothing_behind(database: Database) -> None:
    with pytest.raises(ValueError, match="half-way"):
        async with database.transaction() as transaction:
            await transaction.execute(INSERT_ORGANISATION, ("Written first",))
            raise ValueError("half-way")
    async with database.transaction() as transaction:
        await transaction.execute(INSERT_ORGANISATION, ("Written alone",))
    assert await organisation_names(database) == ["Written alone"]


async def test_a_transaction_waits_for_another_process_without_freezing_the_loop(database: Database) -> None:
    other_process = open_sync_connection(database.path)
    other_process.execute("BEGIN IMMEDIATE")  # as `voix admin` does while it writes

    async def write() -> None:
        async with database.transaction() as transaction:
            await transaction.execute(INSERT_ORGANISATION, ("After the admin",))

    loop = asyncio.get_running_loop()
    started = loop.time()
    waiting = asyncio.create_task(write())
    for _ in range(20):  # the loop keeps turning for everyone else while the write waits
        await asyncio.sleep(0)
    assert not waiting.done() and loop.time() - started < 0.4
    other_process.execute("COMMIT")
    other_process.close()
    await waiting
    assert await organisation_names(database) == ["After the admin"]


async def test_a_lock_held_past_the_busy_timeout_fails_the_transaction_only(database: Database) -> None:
    other_process = open_sync_connection(database.path)
    other_process.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        async with database.transaction() as transaction:
            await transaction.execute(INSERT_ORGANISATION, ("Never written",))
    other_process.execute("COMMIT")
    other_process.close()
    async with database.transaction() as transaction:
        await transaction.execute(INSERT_ORGANISATION, ("Once free",))
    assert await organisation_names(database) == ["Once free"]
