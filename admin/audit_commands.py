"""``voix admin audit list``: read the audit log (actions, never identities)."""

import argparse
import json

from admin.commands import add_command, positive_integer
from admin.context import AdminContext
from admin.output import print_rows
from voix.parsers import group_parser

DEFAULT_LIMIT = 50


def register_audit(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``audit`` command group."""
    audit = group_parser(subparsers, "audit", "The audit log: who did what and when, without identities.")
    parser = add_command(audit, "list", "List the latest audit entries, oldest first.", list_command, context)
    parser.add_argument(
        "--limit",
        type=positive_integer,
        default=DEFAULT_LIMIT,
        help=f"how many entries (default {DEFAULT_LIMIT})",
    )


def list_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Print the latest audit entries."""
    with context.connection() as connection:
        rows = connection.execute(
            "SELECT id, at, actor, action, details FROM audit_log ORDER BY id DESC LIMIT ?",
            (arguments.limit,),
        ).fetchall()
    entries = [
        {"id": row[0], "at": row[1], "actor": row[2], "action": row[3], "details": json.loads(row[4])}
        for row in reversed(rows)
    ]
    if not arguments.as_json:
        for entry in entries:
            entry["details"] = json.dumps(entry["details"], ensure_ascii=False, sort_keys=True)
    print_rows(entries, ("id", "at", "actor", "action", "details"), arguments.as_json)
    return 0
