"""What every admin command needs from outside: settings, clock, randomness and the database.

Commands receive one ``AdminContext`` built by ``admin.cli.register``; tests build their own
with a fixed clock, known random bytes and a temporary database, instead of patching.
"""

import functools
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from admin.output_files import open_out, voix_files
from storage.audit import record_audit_in
from storage.clock import Clock, system_clock
from storage.database import open_sync_connection
from storage.database import write_transaction as write_transaction  # re-exported for the commands
from storage.migrations import apply_migrations
from voix.settings import Settings, load_settings

AUDIT_ACTOR = "admin-cli"


@dataclass(frozen=True)
class AdminContext:
    """The outside world of the admin commands, injected once."""

    # Read once per process, on first use (a command that needs no setting reads none).
    settings: Callable[[], Settings] = field(default_factory=lambda: functools.cache(load_settings))
    clock: Clock = system_clock
    random_bytes: Callable[[int], bytes] = field(default=secrets.token_bytes)

    def open_out(
        self, path: Path, binary: bool, example: str = "scores.csv", beside: str = ""
    ) -> AbstractContextManager[IO[Any]]:
        """Open an export's ``--out`` file, or one written ``beside`` it (``admin.output_files``),
        never over the configured database, its journal files or its key file."""
        settings = self.settings()
        return open_out(path, binary, voix_files(settings.db, settings.secret_key_file), example, beside)

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Open the configured database, upgraded to the latest schema, and close it afterwards."""
        connection = open_sync_connection(self.settings().db)
        try:
            apply_migrations(connection)
            yield connection
        finally:
            connection.close()


def record_admin_audit(
    connection: sqlite3.Connection, action: str, now: datetime, details: Mapping[str, Any] | None = None
) -> None:
    """Append an audit entry for an admin change, as the admin CLI, in the open transaction."""
    record_audit_in(connection, AUDIT_ACTOR, action, now, details)
