"""The bot's database: all or nothing per transaction, and another process's lock never freezes the bot."""

import asyncio
import sqlite3
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database, migrate, open_sync_connection
from storage.errors import MissingDatabaseError

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


def tables(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        connection.close()


@pytest.mark.parametrize("create", [False, True])
def test_another_programs_database_is_never_made_a_voix_one(tmp_path: Path, create: bool) -> None:
    other = tmp_path / "accounts.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    connection.close()
    before = other.read_bytes()
    with pytest.raises(MissingDatabaseError, match=r"accounts.sqlite is not a Voix database"):
        open_sync_connection(other, create=create)
    assert other.read_bytes() == before  # not even its journal mode
    assert not other.with_name("accounts.sqlite-wal").exists()


def test_an_empty_file_is_a_voix_database_only_once_initialised(tmp_path: Path) -> None:
    empty = tmp_path / "voix.db"
    empty.touch()
    with pytest.raises(MissingDatabaseError, match="not a Voix database"):
        open_sync_connection(empty)
    assert empty.read_bytes() == b""
    migrate(empty, create=True)  # what `voix admin init` does
    open_sync_connection(empty).close()
    assert "schema_migrations" in tables(empty)


def test_a_directory_is_named_as_one(tmp_path: Path) -> None:
    for create in (False, True):
        with pytest.raises(
            MissingDatabaseError, match=r"VOIX_DB names a directory, .*: give the database file"
        ):
            open_sync_connection(tmp_path, create=create)


async def test_a_new_database_and_its_journal_files_are_its_owners_only(tmp_path: Path) -> None:
    # It holds every youth's answers: no other account of the server may read it (the key file
    # and the exports are the owner's only too). An existing file keeps the rights it was given.
    path = tmp_path / "voix.db"
    database = await Database.open(path, create=True)
    async with database.transaction() as transaction:
        await transaction.execute("INSERT INTO organisations (name, created_at) VALUES ('Org', 'x')")
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    assert [stat.S_IMODE(file.stat().st_mode) for file in (path, *companions)] == [0o600] * 3
    await database.close()
    shared = tmp_path / "shared.db"
    migrate(shared, create=True)
    shared.chmod(0o640)
    migrate(shared, create=True)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
