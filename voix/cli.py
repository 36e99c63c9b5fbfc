"""The ``voix`` console command: one entry point, subcommands registered by the packages that own them.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``handler=function(arguments) -> int``. Errors of any package root become one line on stderr and
exit code 1 (runtime) or 2 (bad usage or input); a traceback only with ``--debug``, which every
command accepts before or after its name; an error no package foresaw is one line naming its type
(exit 1), and an argument that is not UTF-8 one line too (exit 2). A reader that stops early
(``voix … | head``) ends the command quietly with 141, as a shell reports a program stopped by
SIGPIPE; Ctrl-C, a dropped SSH session (SIGHUP) or a stopped service (SIGTERM) with 130, once
what the command was writing is cleaned up.
"""

import argparse
import importlib
import json
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from admin.errors import AdminError
from bot.errors import BotError
from conversations.errors import ConversationError
from referentiel.errors import ReferentielError
from storage.errors import StorageError
from voix.bot_results import BotScoreReports
from voix.errors import SettingsError
from voix.logging_setup import configure_logging
from voix.parsers import VoixArgumentParser

if TYPE_CHECKING:
    from bot.staff_results import ScoreReports
    from demo.results import ScoreTableBuilder

# Modules that add subcommands, in the order ``voix --help`` lists them.
COMMAND_MODULES = (
    "bot.run_command",
    "demo.command",
    "admin.cli",
    "admin.referentiel_commands",
)

PERSON_ACTIONABLE_ERRORS = (
    SettingsError,
    StorageError,
    BotError,
    AdminError,
    ReferentielError,
    ConversationError,
)
DEBUG_HELP = "show tracebacks and debug logs"
BROKEN_PIPE_EXIT_CODE = 128 + 13  # 128 + SIGPIPE, what a shell reports for `… | head`


# Commands that handle the signals that stop them themselves (the bot stops gracefully).
SIGNALS_OWN = ("run", "demo")
# A command run often and timed (``voix run`` restarts the bot) loads only its own module, not
# every other command's (the exports' spreadsheet library, the QR cards' imaging…).
ALONE = {"run": "bot.run_command"}


def build_parser(command_modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """Build the ``voix`` parser with the subcommands of ``command_modules`` (every one by default)."""
    parser = VoixArgumentParser(
        prog="voix",
        description="Voix: Telegram questionnaires for youth in residential care, and their scores.",
    )
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module_name in command_modules:
        importlib.import_module(module_name).register(subparsers, **_injected(module_name))
    _accept_debug_after_commands(parser)
    return parser


def _accept_debug_after_commands(parser: argparse.ArgumentParser) -> None:
    """Let ``--debug`` follow any command name too (``voix admin export scores --debug``).

    The copies are SUPPRESSed when absent, so a subcommand does not reset ``voix --debug …``.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                subparser.add_argument(
                    "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
                )
                _accept_debug_after_commands(subparser)


def _injected(module_name: str) -> dict[str, object]:
    """What the root gives a package that may not import another: the bot's coordinators read
    results computed by the export of ``admin/``, and ``voix demo`` ends with the export's table
    (neither ``bot/`` nor ``demo/`` imports ``admin/``)."""
    if module_name == "bot.run_command":
        reports: ScoreReports = BotScoreReports()  # the shape the bot knows, checked by mypy
        return {"score_reports": reports}
    if module_name == "demo.command":
        from admin.score_table import build_score_table  # the full parser loads it anyway

        export_table: ScoreTableBuilder = build_score_table  # the shape the demo knows, checked by mypy
        return {"build_score_table": export_table}
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``voix`` command and return its exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((word for word in words if not word.startswith("-")), None)
    if argv is None and command not in SIGNALS_OWN:  # the process's own command line, not a test's call
        _stop_on_hang_up_and_termination()
    try:
        return _run(words, command)
    except KeyboardInterrupt:  # Ctrl-C while the command was being read: nothing was done
        return 130


def _run(words: list[str], command: str | None) -> int:
    unreadable = next((word for word in words if _not_utf8(word)), None)
    if unreadable is not None:
        shown = unreadable.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        print(
            f"voix: the argument {shown} is not UTF-8 text: set the terminal (or the SSH session) to "
            "UTF-8 and type it again",
            file=sys.stderr,
        )
        return 2
    parser = build_parser((ALONE[command],) if command in ALONE else COMMAND_MODULES)
    arguments, unknown = parser.parse_known_args(words)
    if unknown:  # refused by the command's own parser, which points to its own help
        command_parser = _command_parser(parser, words)
        json_asked = "--json" in unknown and _formats_json(command_parser)
        hint = "; for JSON, give --format json" if json_asked else ""
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    handler = getattr(arguments, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    configure_logging(debug=arguments.debug)
    try:
        exit_code = int(handler(arguments) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return exit_code
    except PERSON_ACTIONABLE_ERRORS as error:
        if arguments.debug:
            raise
        if getattr(arguments, "as_json", False):  # a script reads the error as it reads the output
            print(json.dumps({"error": error.message, "exit_code": error.exit_code}), file=sys.stderr)
        else:
            print(f"voix: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _discard_standard_output()
        return BROKEN_PIPE_EXIT_CODE
    except Exception as error:  # what no package foresaw: one line, never a traceback
        if arguments.debug:
            raise
        print(
            f"voix: the command stopped on an unexpected error ({type(error).__name__}): run it again "
            "with --debug to see where, and report it",
            file=sys.stderr,
        )
        return 1


def _not_utf8(word: str) -> bool:
    """Whether a word of the command line was not UTF-8 (Python keeps such bytes as surrogates)."""
    return any("\udc80" <= character <= "\udcff" for character in word)


def _stop_on_hang_up_and_termination() -> None:
    """A dropped SSH session (SIGHUP) or a stopped service (SIGTERM) stops a command as Ctrl-C
    does, so that what it was writing is cleaned up: no partial export, no invitation half made.
    Processes it forks put SIGTERM back to its default (``admin.shared_tasks``)."""

    def interrupt(signal_number: int, frame: object) -> None:
        raise KeyboardInterrupt

    for name in ("SIGHUP", "SIGTERM"):
        # Only where the signal would end the process: `nohup voix …` keeps ignoring SIGHUP.
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) == signal.SIG_DFL:
            signal.signal(getattr(signal, name), interrupt)


def _command_parser(parser: argparse.ArgumentParser, words: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of the command the words name (``voix admin org list``), as deep as they go."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for index, word in enumerate(words):
                if word in action.choices:
                    return _command_parser(action.choices[word], words[index + 1 :])
    return parser


def _formats_json(parser: argparse.ArgumentParser) -> bool:
    """Whether a command writes JSON through ``--format json`` (the exports), not ``--json``."""
    return any(
        "--format" in action.option_strings and "json" in (action.choices or ()) for action in parser._actions
    )


def _discard_standard_output() -> None:
    """Point standard output at /dev/null: what is still buffered for the reader that left would
    otherwise fail again, with a traceback, when Python flushes it at exit."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (tests capture it): nothing to do
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def command_tree(
    parser: argparse.ArgumentParser | None = None, prefix: str = "voix"
) -> list[tuple[str, str]]:
    """Return every command path with its help line, e.g. ``("voix admin org add", "...")``."""
    parser = parser or build_parser()
    commands: list[tuple[str, str]] = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, subparser in action.choices.items():
            path = f"{prefix} {name}"
            commands.append((path, helps.get(name, "")))
            commands.extend(command_tree(subparser, path))
    return commands
