"""``voix admin youth list``: what an educator may know — where each youth is in each wave, never what.

``voix admin youth transfer``: a youth who moves keeps their pseudonym and history
(``storage.transfers``); each questionnaire counts for the structure where it was started.
"""

import argparse

from admin.commands import add_command
from admin.context import AUDIT_ACTOR, AdminContext
from admin.errors import NotFoundError, UsageError
from admin.output import print_object, print_rows
from storage.organisations import find_structure
from storage.transfers import find_youth_structure, transfer_youth
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
    parser = add_command(
        youth,
        "transfer",
        "Move a youth to another structure: same pseudonym and history; each questionnaire counts "
        "where it was started.",
        transfer_command,
        context,
    )
    parser.add_argument("code", metavar="CODE", help="the youth's code, e.g. K7M-3QF")
    parser.add_argument("--to", required=True, metavar="S", help="the new structure (id or name)")


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


def transfer_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Move the youth, audited; say where from, where to, and what happens to a questionnaire under way."""
    with context.connection() as connection:
        target = find_structure(connection, arguments.to)
        found = find_youth_structure(connection, arguments.code)
        if found is None:
            raise NotFoundError(f"no youth with code {arguments.code!r}: see `voix admin youth list`")
        if found[1] == target.id:
            raise UsageError(f"{found[0]} is already in {target.name}: nothing to do")
        source = find_structure(connection, str(found[1]))
        transfer = transfer_youth(connection, found[0], target.id, AUDIT_ACTOR, context.clock())
        assert transfer is not None
        began = transfer.questionnaire_structure_id
        started = None if began is None or began == target.id else find_structure(connection, str(began))
    print_object(
        {
            "code": transfer.code,
            "from": source.name,
            "to": target.name,
            "questionnaire_in_progress": transfer.questionnaire_in_progress,
        },
        arguments.as_json,
    )
    if started is not None and not arguments.as_json:
        print(
            f"The questionnaire under way keeps counting for {started.name}, where it was started; "
            f"the next ones count for {target.name}."
        )
    return 0
