"""Errors of the admin CLI and the exports.

AdminError          root (exit_code 1 or 2, ``message`` says what to do)
├── UnreadableAnswer  a stored answer an export cannot read (one Voix did not write)
├── NotFoundError   an invitation, staff member or youth named on the command line is unknown
│                   (an unknown organisation or structure is storage's UnknownGroupError)
├── UsageError      arguments that parse but make no sense together
└── SecondProcessError  a process an export forked failed unexpectedly (its own error, where a
                    person can act on it, is raised as it is: ``raise_from_second_process``)
"""

import sqlite3
from typing import NoReturn

from referentiel.errors import ReferentielError
from storage.errors import StorageError


class AdminError(Exception):
    """Root of the errors raised by ``admin/``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableAnswer(AdminError):
    """A stored answer an export cannot read (the database holds an answer Voix did not write)."""


def unreadable_answer(
    connection: sqlite3.Connection, youth_id: int, wave: str, what: str
) -> UnreadableAnswer:
    """What to tell of a stored answer an export cannot read: what is wrong, which youth and wave
    (the code ``voix admin youth list`` shows), and what to do. The bot checks every answer before
    storing it, so such an answer was written by something else."""
    found = connection.execute("SELECT code FROM youth WHERE id = ?", (youth_id,)).fetchone()
    youth = f"youth {found[0]}" if found else "a youth"
    return UnreadableAnswer(
        f"{what} ({youth}, wave {wave}): the database holds an answer Voix did not write; "
        "nothing was exported. Restore the database from a backup, or send this message to the "
        "maintainers"
    )


class NotFoundError(AdminError):
    """Something named on the command line does not exist."""

    exit_code = 2


class UsageError(AdminError):
    """Arguments that are valid one by one but not together."""

    exit_code = 2


class SecondProcessError(AdminError):
    """A process an export forked to use the second core failed with an unexpected error."""


def raise_from_second_process(outcome: BaseException, what: str) -> NoReturn:
    """Raise here an error a forked process sent back: the same error where a person can act on it
    (its message then reads as it would from one process), else a ``SecondProcessError`` that
    names it, caused by it (``--debug`` shows where it came from)."""
    if isinstance(outcome, AdminError | ReferentielError | StorageError):
        raise outcome
    raise SecondProcessError(
        f"{what} failed ({type(outcome).__name__}: {outcome}); "
        "run the command again with --debug to see where"
    ) from outcome
