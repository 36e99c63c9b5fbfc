"""One way to declare an admin command: help text, ``--json``, and a handler bound to the context."""

import argparse
import functools
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path

from admin.context import AdminContext
from admin.errors import AdminError, UsageError
from admin.output import output_options
from storage.authorization import ADMINISTRATOR, SECTOR, Action, require
from voix.settings import clean_bot_username

CommandFunction = Callable[[argparse.Namespace, AdminContext], int]
# The largest id or count a command takes: SQLite's integers stop at 2**63 - 1 (19 digits).
LARGEST_NUMBER = 10**18 - 1


def add_command(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]",
    name: str,
    help_text: str,
    function: CommandFunction,
    context: AdminContext,
    with_json: bool = True,
) -> argparse.ArgumentParser:
    """Add a leaf command whose handler receives the parsed arguments and the injected context."""
    parser = subparsers.add_parser(
        name,
        help=help_text,
        description=help_text,
        parents=[output_options()] if with_json else [],
    )
    parser.set_defaults(handler=functools.partial(_call, function, context))
    return parser


def _call(function: CommandFunction, context: AdminContext, arguments: argparse.Namespace) -> int:
    # The one policy decides for the command line too: whoever runs ``voix admin`` is the
    # administrator (the shell account is their credential), allowed everything everywhere.
    require(ADMINISTRATOR, Action.ADMINISTER, SECTOR)
    try:
        return function(arguments, context)
    except sqlite3.DatabaseError as error:
        raise AdminError(_database_problem(error, context)) from error
    except BrokenPipeError:
        raise  # the reader left: ``voix.cli`` ends quietly
    except OSError as error:  # a full disk, a file that vanished: whatever was written is removed
        where = f" ({error.filename})" if error.filename else ""
        raise AdminError(
            f"the command stopped: {error.strerror or error}{where}; fix that (free the disk, the "
            "file's rights) and run it again"
        ) from None


def bot_username_argument(text: str) -> str:
    """Parse ``--bot-username`` for argparse, as ``VOIX_BOT_USERNAME`` is checked (``@`` allowed)."""
    try:
        return clean_bot_username(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error}, not {text!r}") from None


# What SQLite's error says to do, by its code (extended codes start with the primary's name).
_DATABASE_PROBLEMS = (
    ("SQLITE_READONLY", "cannot be written (it is read-only): check the rights of the file and its "
     "directory, or run the command as the user that owns them"),
    ("SQLITE_FULL", "cannot grow: the disk is full. Free some space and run the command again; the "
     "database itself is intact"),
    ("SQLITE_BUSY", "is busy with another program's change: run the command again in a moment"),
    ("SQLITE_IOERR", "could not be read or written by the system (an input/output error): check the "
     "disk, then run the command again"),
)  # fmt: skip


def _database_problem(error: sqlite3.DatabaseError, context: AdminContext) -> str:
    """One line for a database failure: what happened and what to do, never "restore a backup"
    for a disk that is merely full or busy."""
    # SQLITE_LOCKED is the same wait as SQLITE_BUSY, inside one connection.
    name = str(getattr(error, "sqlite_errorname", "")).replace("SQLITE_LOCKED", "SQLITE_BUSY")
    for prefix, problem in _DATABASE_PROBLEMS:
        if name.startswith(prefix):
            return f"the database {context.settings().db} {problem}"
    # A file damaged after it was opened fails on the first page read, deep inside a query.
    return (
        f"the database cannot be read ({error}): check that VOIX_DB is a Voix database, "
        "or restore it from a backup"
    )


def positive_integer(text: str) -> int:
    """Parse a whole number ≥ 1 for argparse, with a message that says what is expected."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {number}")
    if number > LARGEST_NUMBER:
        raise argparse.ArgumentTypeError(f"expected a number of at most 18 digits, not {text}")
    return number


def add_scope_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--structure S …`` and ``--organisation O …``, the scope of an export."""
    parser.add_argument(
        "--structure", action="extend", nargs="+", default=[], metavar="S", help="limit to these structures"
    )
    parser.add_argument(
        "--organisation",
        action="extend",
        nargs="+",
        default=[],
        metavar="O",
        help="limit to these organisations",
    )


def listed_extensions(formats_by_extension: Mapping[str, str]) -> str:
    """Each format's first extension, as a sentence lists them: « .csv, .xlsx, .json or .html »."""
    first_extensions: dict[str, str] = {}
    for extension, format_name in formats_by_extension.items():
        first_extensions.setdefault(format_name, extension)
    *others, last = first_extensions.values()
    return f"{', '.join(others)} or {last}"


def format_from_out(requested: str | None, out: Path, formats_by_extension: Mapping[str, str]) -> str:
    """The format of a file export: ``--format``, else the one ``--out``'s extension names.

    A file named for no format without ``--format``, or a ``--format`` its name contradicts, is
    refused: a file named .xlsx holding JSON opens as a damaged workbook. So is ``-``: these
    exports are files (a pack with its charts, personal data), never standard output, and a file
    named ``-`` is not what anyone who wrote it meant.
    """
    if out == Path("-"):
        extension = next(
            (found for found, name in formats_by_extension.items() if name == requested),
            next(iter(formats_by_extension)),
        )
        raise UsageError(
            "--out -: this export is written to a file, not to standard output: "
            f"name one (e.g. --out export{extension})"
        )
    named = formats_by_extension.get(out.suffix.lower())
    if requested is None and named is None:
        raise UsageError(
            f"--out {out}: name the file {listed_extensions(formats_by_extension)}, or give --format"
        )
    if requested is not None and named is not None and named != requested:
        raise UsageError(
            f"--format {requested} contradicts --out {out}: leave out --format or name the file "
            f"{out.with_suffix('.' + requested).name}"
        )
    return requested or str(named)
