"""The ``voix`` command's argument parsers: one-line usage errors, and command groups.

Kept apart from ``voix.cli`` (the root that registers every package's commands) so that a package
adding commands imports only this module, never the root.
"""

import argparse
from typing import NoReturn


class VoixArgumentParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr and exit code 2.

    Subcommand parsers inherit this class (argparse creates them with the parent's type).
    """

    def error(self, message: str) -> NoReturn:
        """Print the problem and where to find the usage, on one line, then exit 2."""
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def group_parser(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", name: str, help_text: str
) -> "argparse._SubParsersAction[argparse.ArgumentParser]":
    """Add a command group (``voix admin``) that prints its help when bare; return its subparsers."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=lambda _arguments: _print_help_and_fail(parser))
    return parser.add_subparsers(title="commands", metavar="COMMAND")


def _print_help_and_fail(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
