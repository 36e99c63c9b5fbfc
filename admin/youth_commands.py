"""``voix admin youth list``: what an educator may know — who answered each wave, never what."""

import argparse
import sqlite3
from dataclasses import dataclass

from admin.commands import add_command
from admin.context import AdminContext
from admin.organisations import Structure, find_structure
from admin.output import print_rows
from voix.parsers import group_parser

WAVES_SHOWN = ("T0", "T1")
NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
COMPLETED = "completed"


@dataclass(frozen=True)
class YouthParticipation:
    """One youth as staff see them: a code, a status and, per wave, whether they answered."""

    code: str
    status: str
    waves: dict[str, str]


def youth_participation(connection: sqlite3.Connection, structure: Structure) -> list[YouthParticipation]:
    """Return each youth of a structure with their progress per wave; no answer is read. Read-only."""
    rows = connection.execute(
        "SELECT youth.id, youth.code, youth.status, runs.wave, runs.status FROM youth "
        "LEFT JOIN runs ON runs.youth_id = youth.id WHERE youth.structure_id = ? "
        "ORDER BY youth.code, runs.wave",
        (structure.id,),
    )
    found: dict[int, YouthParticipation] = {}
    for youth_id, code, status, wave, run_status in rows:
        participation = found.setdefault(
            youth_id, YouthParticipation(code, status, dict.fromkeys(WAVES_SHOWN, NOT_STARTED))
        )
        if wave is not None:
            participation.waves[wave] = COMPLETED if run_status == "completed" else IN_PROGRESS
    return list(found.values())


def register_youth(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``youth`` command group."""
    youth = group_parser(subparsers, "youth", "Youth enrolled in a structure (codes and progress only).")
    parser = add_command(
        youth,
        "list",
        "List the youth of a structure: code, status and whether each wave was answered, never the answers.",
        list_command,
        context,
    )
    parser.add_argument("--structure", required=True, metavar="S", help="structure id or name")


def list_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Print the youth of one structure with their progress per wave."""
    with context.connection() as connection:
        participation = youth_participation(connection, find_structure(connection, arguments.structure))
    rows = [{"code": item.code, "status": item.status, **item.waves} for item in participation]
    print_rows(rows, ("code", "status", *WAVES_SHOWN), arguments.as_json)
    return 0
