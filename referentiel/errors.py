"""Errors of the référentiel package.

ReferentielError        root (``message``, ``exit_code``)
└── ReferentielInvalid  a file does not load or validate; ``problems`` lists every one as
                        ``file:line: path.to.field: message``
"""


class ReferentielError(Exception):
    """Root of the errors raised by ``referentiel/``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
