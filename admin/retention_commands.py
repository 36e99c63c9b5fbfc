"""``voix admin retention purge``: erase now the youth whose retention period ended, counts only.

The running bot purges at start and daily (``storage.retention``); this command does the same on
demand — before a backup, an export or an audit — with the same function and the same audit
entry (actor ``admin-cli``). ``--dry-run`` says how many youth and answers would go and changes
nothing. It never prints which youth.
"""

import argparse
import asyncio

from admin.commands import add_command
from admin.context import AUDIT_ACTOR, AdminContext
from admin.output import print_object
from storage.clock import timestamp
from storage.database import Database
from storage.retention import RetentionPurge, purge_expired_youth
from voix.parsers import group_parser
from voix.settings import Settings


def register_retention(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``retention`` command group."""
    retention = group_parser(
        subparsers,
        "retention",
        "Retention: youth are erased VOIX_RETENTION_MONTHS after enrolment; group results remain.",
    )
    parser = add_command(
        retention,
        "purge",
        "Erase every youth enrolled longer ago than the retention period, with their contact and "
        "answers. Prints counts only.",
        purge_command,
        context,
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="count the youth and answers that would be erased; change nothing",
    )


def purge_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Purge (or count, with ``--dry-run``) and print the cut-off and the counts."""
    settings = context.settings()
    purge = asyncio.run(_purge(settings, context, arguments.dry_run))
    summary: dict[str, object] = {
        "retention_months": settings.retention_months,
        "enrolled_before": timestamp(purge.enrolled_before),
    }
    if purge.dry_run:
        counts = {"youth_to_erase": purge.youth_erased, "answers_to_remove": purge.answers_removed}
    else:
        counts = {"youth_erased": purge.youth_erased, "answers_removed": purge.answers_removed}
    if arguments.as_json:
        print_object({**summary, **counts, "dry_run": purge.dry_run}, True)
        return 0
    lines = {key.replace("_", " "): value for key, value in {**summary, **counts}.items()}
    print_object(lines, False)
    if purge.dry_run:
        print("dry run: nothing was erased")
    return 0


async def _purge(settings: Settings, context: AdminContext, dry_run: bool) -> RetentionPurge:
    database = await Database.open(settings.db)
    try:
        return await purge_expired_youth(
            database, context.clock(), settings.retention_months, AUDIT_ACTOR, dry_run=dry_run
        )
    finally:
        await database.close()
