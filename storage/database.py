"""The one SQLite connection of the bot: pragmas, migrations at open, and a single writer path.

Every statement goes through one ``asyncio.Lock``, so a transaction's statements never interleave
with another coroutine's; ``transaction()`` wraps a multi-row change in ``BEGIN IMMEDIATE`` …
``COMMIT`` and rolls back on any error, so no half-written record survives.

The statements run on the event loop's own thread, not on a worker thread: on a local file in
WAL mode one takes microseconds, while a hop to a thread and back costs more than the statement
and lets every other ready task run in between, so a transaction held the lock for as long as the
loop was busy (``bench/conversation.py`` measured it). The one wait that can be long, another
process holding the write lock (``voix admin``), is waited for with ``asyncio.sleep``, never by
blocking the loop.
"""

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Any

from storage.errors import MissingDatabaseError, StorageError
from storage.migrations import apply_migrations

BUSY_TIMEOUT_MILLISECONDS = 5000
# How long the bot's connection lets SQLite itself wait on a lock (blocking the loop); beyond
# that, ``transaction()`` waits for the write lock asynchronously, up to its busy timeout.
LOOP_BUSY_TIMEOUT_MILLISECONDS = 20
FIRST_RETRY_SECONDS = 0.005
LONGEST_RETRY_SECONDS = 0.1
# Positional (``?``) or named (``:name``) parameters, as ``sqlite3`` takes them.
Parameters = Iterable[Any] | Mapping[str, Any]


def _bound(parameters: Parameters) -> tuple[Any, ...] | Mapping[str, Any]:
    return parameters if isinstance(parameters, Mapping) else tuple(parameters)


def _create_owner_only(path: Path) -> None:
    """A new database file readable and writable by its owner only, as the key file: it holds
    every youth's answers (SQLite gives its journal and write-ahead files the same rights). An
    existing file keeps the rights it was given."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def open_sync_connection(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open a synchronous connection with Voix's pragmas (for the CLI, exports and migrations).

    Only ``voix admin init`` (and throwaway demo databases) pass ``create``: a
    typo in VOIX_DB must never look like lost data, nor create a new database and key.
    """
    if path.is_dir():
        raise MissingDatabaseError(
            f"VOIX_DB names a directory, {path}: give the database file, such as {path / 'voix.db'}"
        )
    if not create and not path.is_file():
        raise MissingDatabaseError(
            f"no Voix database at {path}: run `voix admin init` or set VOIX_DB to the right file"
        )
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_owner_only(path)
            connection = sqlite3.connect(path, isolation_level=None)
        else:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", isolation_level=None, uri=True)
        # Asked before any pragma: journal_mode = WAL is written in the file, even one refused.
        voix_database = _has_voix_schema(connection) or (create and _has_no_table(connection))
        if voix_database:
            _apply_pragmas_sync(connection)
    except (sqlite3.Error, OSError) as error:
        name = str(getattr(error, "sqlite_errorname", ""))
        if name == "SQLITE_NOTADB":  # not SQLite's header
            raise MissingDatabaseError(
                f"{path} is not a database (another program's file, or a damaged one): set VOIX_DB "
                "to the Voix database, or restore it from a backup"
            ) from error
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            raise StorageError(
                f"the database {path} is busy with another program's change: run the command again "
                "in a moment"
            ) from error
        raise StorageError(
            f"cannot open the database {path} ({error}): check VOIX_DB and the rights of the file "
            "and its directory"
        ) from error
    if not voix_database:
        connection.close()
        raise MissingDatabaseError(
            f"{path} is not a Voix database (another program's, or an empty file): set VOIX_DB to the "
            "Voix database, or run `voix admin init` with VOIX_DB naming a new file"
        )
    return connection


def _has_no_table(connection: sqlite3.Connection) -> bool:
    """Whether the file is new or empty: ``voix admin init`` may make it a Voix database."""
    return connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None


def _has_voix_schema(connection: sqlite3.Connection) -> bool:
    """Whether the file holds Voix's record of its migrations (nothing else is ever migrated)."""
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    return found is not None


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

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Parameters = ()) -> int:
        """Run one statement; return the last inserted row id (or the change count for updates)."""
        cursor = self._connection.execute(sql, _bound(parameters))
        if sql.lstrip().upper().startswith("INSERT"):
            return cursor.lastrowid or 0
        return cursor.rowcount

    async def fetch_one(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """Read one row inside the transaction."""
        row: sqlite3.Row | None = self._connection.execute(sql, _bound(parameters)).fetchone()
        return row

    async def fetch_all(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        """Read every row inside the transaction."""
        return self._connection.execute(sql, _bound(parameters)).fetchall()


class Database:
    """An open Voix database: reads and transactions, serialised through one lock."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        busy_timeout: float = BUSY_TIMEOUT_MILLISECONDS / 1000,
    ) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._busy_timeout = busy_timeout
        self.path = path

    @classmethod
    async def open(
        cls, path: Path, *, create: bool = False, busy_timeout: float = BUSY_TIMEOUT_MILLISECONDS / 1000
    ) -> "Database":
        """Migrate the file to the latest schema, then open the bot's connection.

        ``busy_timeout`` is how many seconds a transaction waits for another process's write lock
        before it fails with "database is locked".
        """
        migrate(path, create=create)
        connection = open_sync_connection(path)
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {LOOP_BUSY_TIMEOUT_MILLISECONDS}")
        return cls(connection, path, busy_timeout)

    async def close(self) -> None:
        """Close the connection (waits for a running transaction)."""
        async with self._lock:
            self._connection.close()

    async def fetch_one(self, sql: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """Read one row (never waits behind a half-done transaction's statements)."""
        async with self._lock:
            row: sqlite3.Row | None = self._connection.execute(sql, _bound(parameters)).fetchone()
            return row

    async def fetch_all(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        """Read every row."""
        async with self._lock:
            return self._connection.execute(sql, _bound(parameters)).fetchall()

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
                # Inside the try: a task cancelled while it waits to BEGIN must not leave one open.
                await self._begin()
                yield Transaction(self._connection)
            except BaseException:
                if self._connection.in_transaction:  # not when BEGIN itself failed
                    self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    async def _begin(self) -> None:
        """Take the write lock; while another process holds it, wait without blocking the loop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_timeout
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or loop.time() >= deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)


_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MILLISECONDS}",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA secure_delete = ON",
    # A REPLACE deletes the row it conflicts with: only so does that delete fire the triggers that
    # keep a run's answers beside it (migration 10), whatever writes a REPLACE one day.
    "PRAGMA recursive_triggers = ON",
)


def _apply_pragmas_sync(connection: sqlite3.Connection) -> None:
    for pragma in _PRAGMAS:
        connection.execute(pragma)
