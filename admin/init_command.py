"""``voix admin init``: create the Voix database and its secret key, the one admin command that may.

Every other command refuses a database that does not exist, so a typo in VOIX_DB never looks like
lost data and never makes a new key. Running it again on an existing database only upgrades the
schema and checks the key; it erases nothing.
"""

import argparse

from admin.commands import add_command
from admin.context import AdminContext
from admin.output import print_object
from storage.database import migrate, open_sync_connection
from storage.errors import MissingDatabaseError
from storage.migrations import current_version
from storage.pseudonymisation import pseudonymiser_for
from voix.settings import Settings


def register_init(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add ``voix admin init``."""
    add_command(
        subparsers,
        "init",
        "Create the database at VOIX_DB and its secret key (or upgrade and check an existing one).",
        init_command,
        context,
    )


def init_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Create or upgrade the database, record the key's fingerprint, and say what was done."""
    settings = context.settings()
    existed = _is_voix_database(settings)
    migrate(settings.db, create=True)
    pseudonymiser_for(settings)  # creates the key file if needed, refuses a key that does not match
    connection = open_sync_connection(settings.db)
    try:
        version = current_version(connection)
    finally:
        connection.close()
    key = "VOIX_SECRET_KEY" if settings.secret_key is not None else str(settings.secret_key_file)
    print_object(
        {
            "database": str(settings.db),
            "created": not existed,
            "schema_version": version,
            "secret_key": key,
        },
        arguments.as_json,
    )
    return 0


def _is_voix_database(settings: Settings) -> bool:
    """Whether VOIX_DB holds a Voix database already: an empty file, or a SQLite file with no table
    (made by hand, or by a deployment's tooling), gets its schema here, and is created."""
    try:
        open_sync_connection(settings.db).close()
    except MissingDatabaseError:  # none, empty, or not Voix's (``migrate`` says which)
        return False
    return True
