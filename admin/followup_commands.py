"""``voix admin followup open``: ask a structure's youth for a follow-up questionnaire, without links.

Educators trigger follow-ups (T1, exit) here instead of handing out invitations. The command only
queues one offer per youth in ``scheduled_messages`` (kind ``followup``); the running bot sends
it (once, outside quiet hours, never to a blocked youth). Who is queued is the one follow-up rule
of ``storage.follow_ups`` (through ``storage.follow_up_openings``, which ``/relancer`` uses too) — the
bot applies the same rule when it sends: an earlier wave completed,
the latest questionnaire finished (completed, or declined at its notice), the bot allowed to
write, no run of that wave; an offer already queued for later (the automatic one, after T0) is
brought forward to now. It prints counts only — never which youth — and the audit entry holds
the same counts.
"""

import argparse
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from admin.commands import add_command
from admin.context import AUDIT_ACTOR, AdminContext
from admin.errors import UsageError
from admin.output import print_object
from referentiel.loading import current_referentiel
from storage.follow_up_openings import open_follow_ups as open_eligible
from storage.organisations import Structure, find_structure
from voix.parsers import group_parser

DEFAULT_FOLLOW_UP_WAVE = "T1"


@dataclass(frozen=True)
class FollowUpOpening:
    """What ``followup open`` did: how many youth were queued, and how many were not, by reason."""

    structure: str
    wave: str
    queued: int
    skipped: dict[str, int]


def earlier_waves(wave: str) -> list[str]:
    """Return the waves before a follow-up wave; refuse, naming the valid ones, any other wave.

    Read when a command runs, never when the parser is built: a damaged référentiel file must
    not stop ``voix --help`` or ``voix referentiel check``, which says what is wrong with it.
    """
    waves: list[str] = [item.id for item in current_referentiel().waves]
    if wave not in waves[1:]:
        raise UsageError(f"--wave must be one of {', '.join(waves[1:])}, not {wave}")
    return waves[: waves.index(wave)]


def open_follow_ups(
    connection: sqlite3.Connection, structure: Structure, wave: str, now: datetime
) -> FollowUpOpening:
    """Queue the follow-up offer of ``wave`` for every eligible youth of a structure, audited."""
    earlier = earlier_waves(wave)
    opening = open_eligible(connection, structure.id, wave, earlier, now, AUDIT_ACTOR, {})
    return FollowUpOpening(structure.name, wave, opening.queued, opening.skipped)


def register_follow_ups(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``followup`` command group."""
    followup = group_parser(subparsers, "followup", "Follow-up questionnaires (T1, exit), sent by the bot.")
    parser = add_command(
        followup,
        "open",
        "Queue a follow-up questionnaire for every youth of a structure who can answer it; "
        "the running bot sends it. Prints counts only.",
        open_command,
        context,
    )
    parser.add_argument("--structure", required=True, metavar="S", help="structure id or name")
    parser.add_argument(
        "--wave",
        default=DEFAULT_FOLLOW_UP_WAVE,
        help="the questionnaire to open: a wave after the first of the current référentiel, "
        f"such as T1 or exit (default {DEFAULT_FOLLOW_UP_WAVE})",
    )


def open_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Queue the offers and print how many youth were queued and why others were not."""
    earlier_waves(arguments.wave)  # a wrong wave is refused before the database is opened
    with context.connection() as connection:
        structure = find_structure(connection, arguments.structure)
        opening = open_follow_ups(connection, structure, arguments.wave, context.clock())
    skipped_total = sum(opening.skipped.values())
    if arguments.as_json:
        summary = {"structure": opening.structure, "wave": opening.wave, "queued": opening.queued}
        print_object({**summary, "skipped": skipped_total, "skipped_because": opening.skipped}, True)
        return 0
    reasons = {f"skipped ({reason})": count for reason, count in opening.skipped.items()}
    lines = {"structure": opening.structure, "wave": opening.wave, "queued": opening.queued}
    print_object({**lines, "skipped": skipped_total, **reasons}, False)
    return 0
