"""Run the ``voix referentiel`` commands as ``voix.cli.main`` does, with only them registered."""

import argparse
import sys
from collections.abc import Sequence

from admin.errors import AdminError
from admin.referentiel_commands import register
from referentiel.errors import ReferentielError


def run(argv: Sequence[str]) -> int:
    """Parse and run one command; print its error on stderr and return the exit code."""
    parser = argparse.ArgumentParser(prog="voix")
    register(parser.add_subparsers())
    arguments = parser.parse_args(argv)
    try:
        return int(arguments.handler(arguments))
    except (ReferentielError, AdminError) as error:
        print(f"voix: {error.message}", file=sys.stderr)
        return error.exit_code
