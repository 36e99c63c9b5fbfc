"""The one SQLite connection of the bot: pragmas, migrations at open, and a single writer path.

Every statement goes through one ``asyncio.Lock``, so a transaction's statements never interleave
with another coroutine's; ``transaction()`` wraps a multi-row change in ``BEGIN IMMEDIATE`` …
``COMMIT`` and rolls back on any error, so no half-written record survives.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.errors import MissingDatabaseError, StorageError
from storage.migrations import apply_migrations

BUSY_TIMEOUT_MILLISECONDS = 5000
# Positional (``?``) or named (``:name``) parameters, as ``sqlite3`` takes them.
Parameters = Iterable[Any] | Mapping[str, Any]


def _bound(parameters: Parameters) -> tuple[Any, ...] | Mapping[str, Any]:
    return parameters if isinstance(parameters, Mapping) else tuple(parameters)


def open_sync_connection(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open a synchronous connection with Voix's pragmas (for the CLI, exports and migrations).

    Only ``voix run`` and ``voix admin init`` (and throwaway demo databases) pass ``create``: a
    typo in VOIX_DB must never look like lost data, nor create a new database and key.
    """
    if not create and not path.is_file():
        raise MissingDatabaseError(
            f"no Voix database at {path}: run `voix admin init` or set VOIX_DB to the right file"
        )
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None)
        else:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", isolation_level=None, uri=True)
        _apply_pragmas_sync(connection)
    except (sqlite3.Error, OSError) as error:
        raise StorageError(f"Cannot open the database {path}: {error}. Check VOIX_DB.") from error
    return connection


def migrate(path: Path, *, create: bool = False) -> None:
    """Upgrade the database file at ``path`` to the latest schema (creating it only if asked)."""
    connection = open_sync_connection(path, create=create)
    try:
        apply_migrations(connection)
    finally:
        connection.close()


@contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run a synchronous change and its audit entry atomically: committed or rolled back together."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


class Transaction:
    """The statements of one open transaction (only valid inside ``Database.transaction()``)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Parameters = ()) -> int:
        """Run one statement; return the last inserted row id (or the change count for updates)."""
        cursor = await self._connection.execute(sql, _bound(parameters))
        if sql.lstrip().upper().startswith("INSERT"):
            return cursor.lastrowid or 0
        return cursor.rowcount

    async def fetch_one(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """Read one row inside the transaction."""
        cursor = await self._connection.execute(sql, _bound(parameters))
        return await cursor.fetchone()

    async def fetch_all(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        """Read every row inside the transaction."""
        cursor = await self._connection.execute(sql, _bound(parameters))
        return list(await cursor.fetchall())


class Database:
    """An open Voix database: reads and transactions, serialised through one lock."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path, *, create: bool = False) -> "Database":
        """Migrate the file to the latest schema, then open the bot's connection."""
        migrate(path, create=create)
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise StorageError(f"Cannot open the database {path}: {error}. Check VOIX_DB.") from error
        connection.row_factory = sqlite3.Row
        for pragma in _PRAGMAS:
            await connection.execute(pragma)
        return cls(connection, path)

    async def close(self) -> None:
        """Close the connection (waits for a running transaction)."""
        async with self._lock:
            await self._connection.close()

    async def fetch_one(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """Read one row (never waits behind a half-done transaction's statements)."""
        async with self._lock:
            cursor = await self._connection.execute(sql, _bound(parameters))
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        """Read every row."""
        async with self._lock:
            cursor = await self._connection.execute(sql, _bound(parameters))
            return list(await cursor.fetchall())

    async def truncate_write_ahead_log(self) -> None:
        """Checkpoint and empty the WAL, so pages freed by an erasure leave no copy behind.

        ``secure_delete`` zeroes freed cells in the database file, but the WAL keeps earlier
        copies of the pages until it is reset. Best effort: a reader of an older snapshot
        delays it to a later checkpoint.
        """
        await self.fetch_one("PRAGMA wal_checkpoint(TRUNCATE)")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Run a multi-row change atomically: committed at the end, rolled back on any error."""
        async with self._lock:
            try:
                # Inside the try: a task cancelled while BEGIN runs must not leave it open behind it.
                await self._connection.execute("BEGIN IMMEDIATE")
                yield Transaction(self._connection)
            except BaseException:
                with contextlib.suppress(sqlite3.OperationalError):  # BEGIN itself failed: nothing to undo
                    await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")


_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MILLISECONDS}",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA secure_delete = ON",
)


def _apply_pragmas_sync(connection: sqlite3.Connection) -> None:
    for pragma in _PRAGMAS:
        connection.execute(pragma)
