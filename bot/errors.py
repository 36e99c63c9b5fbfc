"""Errors of the Telegram adapter.

    BotError       root of the errors raised by bot/ (exit_code 1 or 2)
    ├── CatalogError (bot.translations)  a translation catalog is missing or broken
    ├── ResultsUnavailable               the export refused the stored data (``/resultats``)
    └── OutdatedButton                   a staff button whose list changed since it was sent

Every package has its own root with the same two attributes, ``message`` (one line a person can
act on) and ``exit_code`` (1 runtime failure, 2 bad usage or input): ``SettingsError`` (voix/),
``StorageError`` (storage/), ``ReferentielError``, ``ConversationError``, ``AdminError``. The pure
packages do not import this one; ``voix.cli`` catches every root.
"""


class BotError(Exception):
    """Root of the errors raised by ``bot/``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ResultsUnavailable(BotError):
    """The export could not compute a coordinator's results from the stored data (an answer Voix
    did not write): its message, which may name a youth's code, is the administrator's, never
    shown in the chat nor logged. Raised by what the command root gives the bot as its
    ``ScoreReports`` (``voix.bot_results``)."""


class OutdatedButton(BotError):
    """A staff button that was right when sent and no longer is (a page of ``/suivi`` after youth
    left, a youth's code after they left the structure): the staff member is told to type the
    command again, not refused. Raised only after the policy allowed the structure, so it tells
    nothing a refusal would hide. ``command`` is the one to type (``/suivi``)."""

    def __init__(self, command: str) -> None:
        super().__init__(f"out of date button of {command}")
        self.command = command
