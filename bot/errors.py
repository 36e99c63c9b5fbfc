"""Errors of the imperative shell.

    BotError                   root of the errors raised by bot/ (exit_code 1 or 2)
    ├── SettingsError          a setting is missing or malformed (names the variable)
    ├── StorageError           the database cannot be opened, migrated or written
    └── PseudonymisationError  the secret key is missing, malformed or not the one the data used

Every package has its own root with the same two attributes, ``message`` (one line a person can
act on) and ``exit_code`` (1 runtime failure, 2 bad usage or input): ``ReferentielError``,
``ConversationError``, ``AdminError``. The pure packages do not import this one; ``bot.cli``
catches the four roots.
"""


class BotError(Exception):
    """Root of the errors raised by ``bot/``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsError(BotError):
    """A setting is missing or has a value Voix cannot use; the message names the variable."""

    exit_code = 2


class StorageError(BotError):
    """The SQLite database cannot be opened, migrated or written."""


class PseudonymisationError(BotError):
    """The secret key is missing, malformed, or not the key the stored data were written with."""
