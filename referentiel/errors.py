"""Errors of the référentiel package.

ReferentielError        root (``message``, ``exit_code``)
├── ReferentielInvalid  a file does not load or validate; ``problems`` lists every one as
│                       ``file:line: path.to.field: message`` (exit_code 2)
└── ReferentielNotFound no shipped référentiel has the requested id and version (exit_code 2)
"""

from dataclasses import dataclass


class ReferentielError(Exception):
    """Root of the errors raised by ``referentiel/``."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a référentiel file, located as precisely as the file allows."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line is not None else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{location}:{field} {self.message}"


class ReferentielInvalid(ReferentielError):
    """A référentiel file cannot be used; every problem found is in ``problems``."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        files = sorted({problem.file for problem in self.problems})
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"{count} {noun} in {', '.join(files)}; "
            "run `voix referentiel check` to list them, fix the file and run it again"
        )


class ReferentielNotFound(ReferentielError):
    """No shipped référentiel has this id and version."""

    exit_code = 2
