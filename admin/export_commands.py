"""``voix admin export scores``: indicator scores per structure, organisation and sector, masked."""

import argparse
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import IO, Any

from admin.answers_export import register_answers_export
from admin.commands import add_command, add_scope_arguments, listed_extensions
from admin.context import AUDIT_ACTOR, AdminContext, write_transaction
from admin.disclosure import check_minimum_group_size
from admin.errors import UsageError
from admin.export_formats import ExportHeader, write_csv, write_csv_readme, write_json, write_xlsx
from admin.export_html import write_html
from admin.score_table import LEVELS, WAVES, ScoreTable, build_score_table
from admin.workshop_command import register_workshop_export
from referentiel.aggregation import DEFAULT_MINIMUM_GROUP_SIZE, DEFAULT_MINIMUM_YOUTH_PER_SIDE
from storage.audit import record_audit_in
from storage.clock import timestamp
from storage.organisations import find_organisation, find_structure
from voix.parsers import group_parser

FORMATS = ("csv", "xlsx", "json", "html")
FORMAT_OF_EXTENSION = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".html": "html", ".htm": "html"}
BINARY_FORMATS = ("xlsx",)
# --by names the finest level shown; coarser levels come with it, for comparison.
LEVELS_BY = {"structure": LEVELS, "organisation": LEVELS[:2], "sector": LEVELS[:1]}
WAVE_CHOICES = {"T0": ("T0",), "T1": ("T1",), "change": ("change",), "all": WAVES}


@dataclass(frozen=True)
class ExportRequest:
    """What to export: levels, waves, scope (structure ids, None = everything), k, format."""

    levels: Sequence[str] = LEVELS
    waves: Sequence[str] = WAVES
    structure_scope: Sequence[int] | None = None
    scope_description: str = "tout"
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE
    format: str = "csv"
    decimal: str = ","
    time_zone: tzinfo = UTC
    minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE


def export_scores(
    connection: sqlite3.Connection,
    request: ExportRequest,
    now: datetime,
    stream: IO[Any],
    command: str,
    readme: IO[str] | None = None,
    actor: str = AUDIT_ACTOR,
    audit_details: Mapping[str, Any] | None = None,
    audit_first: bool = False,
) -> ScoreTable:
    """Compute the table, write it in the requested format to ``stream``, and audit the export.

    ``readme`` receives a CSV's Lisez-moi (what the file is, how it is written, the rule).
    ``actor`` and ``audit_details`` say who asked when it is not the administrator (a
    coordinator's ``/resultats`` in the bot: ``staff`` and their id). The audit entry is written
    once the table is written, before a file is put in place or a document sent; ``audit_first``
    (standard output, whose every line is out as soon as written): before writing, so that no
    export is read unaudited.
    """
    check_minimum_group_size(request.minimum_group_size)
    table = build_score_table(
        connection,
        request.minimum_group_size,
        request.levels,
        request.waves,
        request.structure_scope,
        minimum_youth_per_side=request.minimum_youth_per_side,
    )
    header = ExportHeader(
        timestamp(now), command, request.levels, request.waves, request.scope_description, request.time_zone
    )
    audit = partial(_audit, connection, request, now, command, actor, audit_details, len(table.rows))
    if audit_first:
        audit()
    if request.format == "xlsx":
        write_xlsx(table, header, stream)
    elif request.format == "json":
        write_json(table, header, stream)
    elif request.format == "html":
        write_html(table, header, stream)
    else:
        write_csv(table, stream, request.decimal)
        if readme is not None:
            write_csv_readme(table, header, readme, request.decimal)
    if not audit_first:
        audit()
    return table


def _audit(
    connection: sqlite3.Connection,
    request: ExportRequest,
    now: datetime,
    command: str,
    actor: str,
    audit_details: Mapping[str, Any] | None,
    rows: int,
) -> None:
    with write_transaction(connection):
        record_audit_in(
            connection,
            actor,
            "scores exported",
            now,
            {
                **(audit_details or {}),
                "command": command,
                "format": request.format,
                "levels": list(request.levels),
                "waves": list(request.waves),
                "scope": request.scope_description,
                "rows": rows,
                "minimum_group_size": request.minimum_group_size,
            },
        )


def register_exports(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``export`` command group."""
    exports = group_parser(subparsers, "export", "Exports for coordinators, with small groups masked.")
    parser = add_command(
        exports,
        "scores",
        "Export indicator scores per group, wave and indicator (CSV for Excel, XLSX, JSON, HTML report).",
        export_scores_command,
        context,
        with_json=False,
    )
    parser.add_argument(
        "--by", choices=tuple(LEVELS_BY), default="structure", help="finest level shown (default structure)"
    )
    parser.add_argument(
        "--wave", choices=tuple(WAVE_CHOICES), default="all", help="wave, or change T0→T1 (default all)"
    )
    add_scope_arguments(parser)
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (default: --out's extension, otherwise csv)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="write to this file; a CSV gets its Lisez-moi next to it (default or -: standard output)",
    )
    parser.add_argument(
        "--min-group",
        type=whole_number,
        metavar="K",
        help="mask groups of fewer than K youth (default and lowest: VOIX_MINIMUM_GROUP_SIZE, "
        f"{DEFAULT_MINIMUM_GROUP_SIZE} unless set, since the youth were told it)",
    )
    parser.add_argument(
        "--decimal",
        choices=(",", "."),
        default=",",
        metavar="MARK",
        help="CSV decimal mark: , or . (default ,)",
    )
    register_answers_export(exports, context, resolve_scope)
    register_workshop_export(exports, context)


def export_scores_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Export the scores to a file or standard output."""
    # The settings refuse a size below the floor, so the promised size is the lowest allowed.
    promised = context.settings().minimum_group_size
    if arguments.min_group is None:
        arguments.min_group = promised
    if arguments.min_group < promised:
        raise UsageError(
            f"--min-group {arguments.min_group} is below {promised}, the group size the youth were "
            f"promised in the consent notice (VOIX_MINIMUM_GROUP_SIZE): use {promised} or more"
        )
    check_minimum_group_size(arguments.min_group)
    if arguments.out == Path("-"):  # the usual spelling of standard output
        arguments.out = None
    arguments.format = chosen_format(arguments.format, arguments.out)
    if arguments.format in BINARY_FORMATS and arguments.out is None and sys.stdout.isatty():
        raise UsageError(
            f"{arguments.format.upper()} is a binary file, not for a terminal: give --out PATH "
            f"(e.g. --out scores.{arguments.format})"
        )
    command = "export scores " + " ".join(_described_options(arguments))
    with context.connection() as connection:
        scope, description = resolve_scope(connection, arguments.structure, arguments.organisation)
        request = ExportRequest(
            LEVELS_BY[arguments.by],
            WAVE_CHOICES[arguments.wave],
            scope,
            description,
            arguments.min_group,
            arguments.format,
            arguments.decimal,
            context.settings().zone,
            context.settings().minimum_youth_per_side,
        )
        if arguments.out is not None and arguments.format == "csv":
            with (
                context.open_out(arguments.out, binary=False) as stream,
                context.open_out(
                    csv_readme_path(arguments.out), binary=False, beside="the Lisez-moi"
                ) as readme,
            ):
                table = export_scores(connection, request, context.clock(), stream, command.strip(), readme)
        elif arguments.out is not None:
            with context.open_out(arguments.out, binary=arguments.format in BINARY_FORMATS) as stream:
                table = export_scores(connection, request, context.clock(), stream, command.strip())
        else:
            standard = sys.stdout.buffer if arguments.format in BINARY_FORMATS else sys.stdout
            table = export_scores(
                connection, request, context.clock(), standard, command.strip(), audit_first=True
            )
    if not table.referentiels:
        print(
            "voix: no T0 or T1 answer is kept (none given yet, or all erased: at the youth's request "
            "or after the retention period): the export holds no result (its header only)",
            file=sys.stderr,
        )
    if arguments.out is not None:
        print(
            f"scores ({arguments.format}, {len(table.rows)} rows) written to {arguments.out}.",
            file=sys.stderr,
        )
    return 0


def whole_number(text: str) -> int:
    """Parse a whole number for argparse; the command itself says which are allowed."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None


def chosen_format(requested: str | None, out: Path | None) -> str:
    """Return the format: ``--format``, else the one ``--out``'s extension names, else CSV (a name
    without extension, or standard output).

    A ``--format`` that another format's extension contradicts is refused: a file named .xlsx
    holding CSV opens as a damaged workbook. So is, without ``--format``, an extension that names
    no format Voix writes: ``rapport.pdf`` holding CSV would not open (a reviewer's find).
    """
    named = FORMAT_OF_EXTENSION.get(out.suffix.lower()) if out is not None else None
    if requested is None:
        if named is None and out is not None and out.suffix and out != Path("-"):
            raise UsageError(
                f"--out {out}: Voix writes {listed_extensions(FORMAT_OF_EXTENSION)} files; name the "
                "file so, or give --format"
            )
        return named or "csv"
    if named is not None and named != requested:
        assert out is not None
        raise UsageError(
            f"--format {requested} contradicts --out {out}, a name for {named.upper()}: leave out "
            f"--format, or name the file {out.with_suffix('.' + requested).name}"
        )
    return requested


def csv_readme_path(out: Path) -> Path:
    """Where a CSV's Lisez-moi goes: next to it, ``scores.csv`` → ``scores.lisez-moi.txt``."""
    return out.with_name(out.stem + ".lisez-moi.txt")


def resolve_scope(
    connection: sqlite3.Connection, structures: Sequence[str], organisations: Sequence[str]
) -> tuple[list[int] | None, str]:
    """Resolve --structure and --organisation to structure ids and a description without names."""
    if not structures and not organisations:
        return None, "tout"
    structure_ids = {find_structure(connection, reference).id for reference in structures}
    organisation_ids = {find_organisation(connection, reference).id for reference in organisations}
    for organisation_id in organisation_ids:
        structure_ids.update(
            row[0]
            for row in connection.execute(
                "SELECT id FROM structures WHERE organisation_id = ?", (organisation_id,)
            )
        )
    parts = []
    if organisation_ids:
        parts.append(_numbered("organisation", sorted(organisation_ids)))
    if structures:
        parts.append(
            _numbered(
                "structure", sorted(find_structure(connection, reference).id for reference in structures)
            )
        )
    return sorted(structure_ids), " ; ".join(parts)


def _numbered(level: str, ids: Sequence[int]) -> str:
    """« organisation n° 2 », « structures n° 4, 7 »: ids, never read as a count (« organisations 2 »)."""
    return f"{level}{'s' if len(ids) > 1 else ''} n° {', '.join(str(number) for number in ids)}"


def _described_options(arguments: argparse.Namespace) -> list[str]:
    """The options of the command as typed, without any name (scope is recorded as ids)."""
    return [
        f"--by {arguments.by}",
        f"--wave {arguments.wave}",
        f"--format {arguments.format}",
        f"--min-group {arguments.min_group}",
        *([f"--decimal {arguments.decimal}"] if arguments.format == "csv" else []),
    ]
