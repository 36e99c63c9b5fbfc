"""``voix admin export workshop``: the workshop pack of the sector, an organisation or a structure."""

import argparse
import sys
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from admin.commands import add_command, format_from_out
from admin.context import AdminContext, record_admin_audit, write_transaction
from admin.disclosure import check_minimum_group_size
from admin.errors import UsageError
from admin.score_table import LEVELS
from admin.workshop_formats import PackHeader, write_pack_json, write_pack_xlsx
from admin.workshop_html import write_pack_html
from admin.workshop_pack import WorkshopPack, WorkshopRequest, build_workshop_pack
from storage.clock import timestamp
from storage.organisations import find_organisation, find_structure

FORMATS = ("json", "xlsx", "html")
FORMAT_OF_EXTENSION = {".json": "json", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}
WRITERS = {"json": write_pack_json, "xlsx": write_pack_xlsx, "html": write_pack_html}


def export_workshop(
    connection: Any,
    request: WorkshopRequest,
    export_format: str,
    now: datetime,
    stream: IO[bytes],
    command: str,
    zone: tzinfo = UTC,
) -> WorkshopPack:
    """Build the pack, write it in one format to ``stream``, and audit the export (counts only).
    ``zone``: the deployment's time zone, in which the HTML gives the time it was made."""
    pack = build_workshop_pack(connection, request)
    WRITERS[export_format](pack, PackHeader(timestamp(now), command, zone), stream)
    with write_transaction(connection):
        record_admin_audit(
            connection,
            "workshop pack exported",
            now,
            {
                "command": command,
                "format": export_format,
                "group": [request.group_level, request.group_id],
                "minimum_group_size": request.minimum_group_size,
                "participation_rows": len(pack.participation),
                "item_rows": len(pack.items),
                "change_rows": len(pack.change),
            },
        )
    return pack


def register_workshop_export(
    exports: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add ``voix admin export workshop`` (the output file works as for the scores)."""

    def command(arguments: argparse.Namespace, context: AdminContext) -> int:
        promised = context.settings().minimum_group_size
        k = promised if arguments.min_group is None else arguments.min_group
        if k < promised:
            raise UsageError(
                f"--min-group {k} is below {promised}, the group size the youth were promised in the "
                f"consent notice (VOIX_MINIMUM_GROUP_SIZE): use {promised} or more"
            )
        check_minimum_group_size(k)
        export_format = format_from_out(arguments.format, arguments.out, FORMAT_OF_EXTENSION)
        with context.connection() as connection:
            if arguments.organisation is not None:
                level, group_id = "organisation", find_organisation(connection, arguments.organisation).id
            elif arguments.structure is not None:
                level, group_id = "structure", find_structure(connection, arguments.structure).id
            else:
                level, group_id = "sector", None
            levels = LEVELS[:1] if arguments.sector else LEVELS
            side = context.settings().minimum_youth_per_side
            request = WorkshopRequest(level, group_id, levels, k, minimum_youth_per_side=side)
            described = f"export workshop --format {export_format} --min-group {k}" + (
                " --sector" if arguments.sector else f" ({level} {group_id})" if group_id else ""
            )
            with context.open_out(arguments.out, True, f"workshop.{export_format}") as stream:
                export_workshop(
                    connection,
                    request,
                    export_format,
                    context.clock(),
                    stream,
                    described,
                    context.settings().zone,
                )
        print(f"workshop pack ({export_format}) written to {arguments.out}.", file=sys.stderr)
        return 0

    parser = add_command(
        exports,
        "workshop",
        "Export the workshop pack (participation, item statistics, reliability, change T0→T1) "
        "of the sector, an organisation or a structure, with small groups masked.",
        command,
        context,
        with_json=False,
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--organisation", metavar="O", help="the pack of this organisation (id or name)")
    scope.add_argument("--structure", metavar="S", help="the pack of this structure (id or name)")
    scope.add_argument("--sector", action="store_true", help="the sector as a whole, without its groups")
    parser.add_argument("--format", choices=FORMATS, help="output format (default: --out's extension)")
    parser.add_argument("--out", type=Path, required=True, metavar="PATH", help="the file to write")
    parser.add_argument(
        "--min-group",
        type=int,
        metavar="K",
        help="mask groups of fewer than K youth (default and lowest: VOIX_MINIMUM_GROUP_SIZE)",
    )
