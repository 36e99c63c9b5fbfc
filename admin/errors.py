"""Errors of the admin CLI and the exports.

AdminError          root (exit_code 1 or 2, ``message`` says what to do)
├── NotFoundError   an invitation, staff member or youth named on the command line is unknown
│                   (an unknown organisation or structure is storage's UnknownGroupError)
└── UsageError      arguments that parse but make no sense together
"""


class AdminError(Exception):
    """Root of the errors raised by ``admin/``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(AdminError):
    """Something named on the command line does not exist."""

    exit_code = 2


class UsageError(AdminError):
    """Arguments that are valid one by one but not together."""

    exit_code = 2
