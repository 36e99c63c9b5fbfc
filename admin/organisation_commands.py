"""``voix admin org …`` and ``voix admin structure …``: create and list the groups results are counted by."""

import argparse

from admin.commands import add_command
from admin.context import AUDIT_ACTOR, AdminContext
from admin.output import print_object, print_rows
from storage.organisations import (
    STRUCTURE_KINDS,
    add_organisation,
    add_structure,
    find_organisation,
    list_organisations,
    list_structures,
)
from voix.parsers import group_parser

# What a person reads of a structure; the JSON adds ``organisation_id``.
STRUCTURE_COLUMNS = ("id", "organisation", "name", "type")


def register_organisations(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``org`` and ``structure`` command groups."""
    organisations = group_parser(subparsers, "org", "Organisations (associations, foundations).")
    parser = add_command(organisations, "add", "Create an organisation.", add_organisation_command, context)
    parser.add_argument("name", metavar="NAME", help='its name, unique, e.g. "Association Les Tilleuls"')
    add_command(
        organisations, "list", "List organisations and their number of structures.", list_command, context
    )

    structures = group_parser(subparsers, "structure", "Structures (MECS, foyers…) of an organisation.")
    parser = add_command(
        structures, "add", "Create a structure in an organisation.", add_structure_command, context
    )
    # ``--organisation`` as every other command names it; ``--org``, its first name, still works.
    parser.add_argument(
        "--organisation", "--org", dest="org", required=True, metavar="O", help="organisation id or name"
    )
    parser.add_argument(
        "--type",
        dest="kind",
        type=_structure_kind,
        default="MECS",
        metavar="TYPE",
        help=f"kind of structure: {', '.join(STRUCTURE_KINDS)} (default MECS; any case)",
    )
    parser.add_argument("name", metavar="NAME", help="its name, unique in the organisation")
    parser = add_command(structures, "list", "List structures.", list_structures_command, context)
    parser.add_argument(
        "--organisation", "--org", dest="org", metavar="O", help="only this organisation (id or name)"
    )


def add_organisation_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Create an organisation and print it."""
    with context.connection() as connection:
        organisation = add_organisation(connection, arguments.name, context.clock(), AUDIT_ACTOR)
    print_object({"id": organisation.id, "name": organisation.name}, arguments.as_json)
    return 0


def list_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Print every organisation with its number of structures."""
    with context.connection() as connection:
        rows = [
            {"id": organisation.id, "name": organisation.name, "structures": count}
            for organisation, count in list_organisations(connection)
        ]
    print_rows(rows, ("id", "name", "structures"), arguments.as_json)
    return 0


def add_structure_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Create a structure and print it."""
    with context.connection() as connection:
        organisation = find_organisation(connection, arguments.org)
        structure = add_structure(
            connection, organisation, arguments.name, arguments.kind, context.clock(), AUDIT_ACTOR
        )
    print_object(
        {
            "id": structure.id,
            "organisation": structure.organisation,
            "organisation_id": structure.organisation_id,
            "name": structure.name,
            "type": structure.kind,
        },
        arguments.as_json,
        text_keys=STRUCTURE_COLUMNS,
    )
    return 0


def list_structures_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Print the structures, of one organisation or all."""
    with context.connection() as connection:
        organisation = find_organisation(connection, arguments.org) if arguments.org else None
        structures = list_structures(connection, organisation)
    rows = [
        {
            "id": item.id,
            "organisation": item.organisation,
            "organisation_id": item.organisation_id,
            "name": item.name,
            "type": item.kind,
        }
        for item in structures
    ]
    print_rows(rows, STRUCTURE_COLUMNS, arguments.as_json)
    return 0


def _structure_kind(text: str) -> str:
    """``--type`` in any case (``mecs`` is ``MECS``); an unknown one lists the kinds."""
    for kind in STRUCTURE_KINDS:
        if kind.casefold() == text.casefold():
            return kind
    raise argparse.ArgumentTypeError(f"expected one of {', '.join(STRUCTURE_KINDS)}, not {text!r}")
