"""``voix admin youth list``: what an educator may know — where each youth is in each wave, never what."""

import argparse

from admin.commands import add_command
from admin.context import AdminContext
from admin.organisations import find_structure
from admin.output import print_object, print_rows
from storage.youth_progress import WAVES, structure_progress
from voix.parsers import group_parser

COLUMNS = ("code", "status", *WAVES, "bot")


def register_youth(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``youth`` command group."""
    youth = group_parser(subparsers, "youth", "Youth enrolled in a structure (codes and progress only).")
    parser = add_command(
        youth,
        "list",
        "List the youth of a structure: code, where they are in each wave, links not opened, "
        "erasures — never an answer.",
        list_command,
        context,
    )
    parser.add_argument("--structure", required=True, metavar="S", help="structure id or name")


def list_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Print the youth of one structure with their progress per wave, then the links and erasures."""
    with context.connection() as connection:
        structure = find_structure(connection, arguments.structure)
        found = structure_progress(connection, structure.id, context.clock())
    rows = [
        {"code": item.code, "status": item.status, **item.waves, "bot": "blocked" if item.blocked else ""}
        for item in found.youth
    ]
    if arguments.as_json:
        print_object(
            {
                "youth": [{**row, "bot": row["bot"] or "reachable"} for row in rows],
                "links_not_opened": found.links_not_opened,
                "erased": found.erased,
            },
            True,
        )
        return 0
    print_rows(rows, COLUMNS, False)
    print(f"\ninvited, link not opened: {found.links_not_opened}")
    print(f"erased (at their request or by retention): {found.erased}")
    return 0
