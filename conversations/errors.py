"""Errors of the conversation engine.

ConversationError        root (``message``, ``exit_code``)
├── InvalidEventError    an event that the engine cannot apply to the given state (a programming
│                        error in the shell, never a youth's input: bad input from a youth is a
│                        normal event with a kind answer)
└── InvalidStateError    a stored state that does not read back (corrupt ``runs.state``, or a
                         state that names a question the run's référentiel does not have)
"""


class ConversationError(Exception):
    """Root of the errors raised by ``conversations/``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidEventError(ConversationError):
    """The shell passed an event that does not fit the state."""


class InvalidStateError(ConversationError):
    """A stored state cannot be used; the shell should log it and not guess."""
