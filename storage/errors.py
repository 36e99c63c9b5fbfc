"""Errors of storage.

    StorageError               root: the database cannot be opened, migrated or written (exit 1)
    ├── MissingDatabaseError   no Voix database at the configured path (none, a directory, another
    │                          program's file or a damaged one), and the command may not create one
    ├── PseudonymisationError  the secret key is missing, malformed or not the one the data used
    ├── UnknownGroupError      no organisation or structure with the id or name given (exit 2)
    └── InvalidGroupError      a new organisation or structure breaks a rule (empty or duplicate name,
                               unknown type), or a structure name given is ambiguous (exit 2)

Like every package's root, it carries ``message`` (one line a person can act on) and
``exit_code``; ``voix.cli`` prints the message.
"""


class StorageError(Exception):
    """Root of the errors raised by ``storage/``: the SQLite database cannot be used."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingDatabaseError(StorageError):
    """No Voix database where VOIX_DB points (no file, a directory, another program's file or a
    damaged one), for a command that must not create one (exit 2)."""

    exit_code = 2


class NewerDatabaseError(StorageError):
    """The database was written by a newer Voix: this one must be upgraded to open it (exit 2)."""

    exit_code = 2


class PseudonymisationError(StorageError):
    """The secret key is missing, malformed, or not the key the stored data were written with."""


class UnknownGroupError(StorageError):
    """No organisation or structure has the id or name given (exit 2)."""

    exit_code = 2


class InvalidGroupError(StorageError):
    """A new organisation or structure breaks a rule, or a name given fits several (exit 2)."""

    exit_code = 2
