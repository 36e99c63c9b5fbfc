"""Errors of the command root: a setting Voix cannot use.

``SettingsError`` is the root of ``voix/`` and names the variable to fix (exit 2). Like every
package's root, it carries ``message`` (one line a person can act on) and ``exit_code``.
"""


class SettingsError(Exception):
    """A setting is missing or has a value Voix cannot use; the message names the variable."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
