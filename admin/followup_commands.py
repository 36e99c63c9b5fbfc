"""``voix admin followup open``: ask a structure's youth for a follow-up questionnaire, without links.

Educators trigger follow-ups (T1, exit) here instead of handing out invitations. The command only
queues one offer per youth in ``scheduled_messages`` (kind ``followup``); the running bot sends
it (``storage.follow_ups``: once, outside quiet hours, never to a blocked youth). A youth is queued if
they completed an earlier wave, their latest questionnaire is finished, the bot can write to them
and they have no run of that wave; an offer already queued for later (the automatic one, after
T0) is brought forward to now. It prints counts only — never which youth — and the audit entry
holds the same counts.
"""

import argparse
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from admin.commands import add_command
from admin.context import AdminContext, record_admin_audit, write_transaction
from admin.errors import UsageError
from admin.organisations import Structure, find_structure
from admin.output import print_object
from referentiel.loading import current_referentiel
from storage.clock import timestamp
from storage.follow_ups import FOLLOW_UP_KIND
from voix.parsers import group_parser

DEFAULT_FOLLOW_UP_WAVE = "T1"


class Skipped:
    """Why a youth was not queued (the reasons ``followup open`` counts)."""

    ALREADY_STARTED = "already started"
    ALREADY_OFFERED = "already offered"
    NO_EARLIER_WAVE_COMPLETED = "no earlier wave completed"
    QUESTIONNAIRE_IN_PROGRESS = "questionnaire in progress"
    BOT_BLOCKED = "bot blocked"


@dataclass(frozen=True)
class FollowUpOpening:
    """What ``followup open`` did: how many youth were queued, and how many were not, by reason."""

    structure: str
    wave: str
    queued: int
    skipped: dict[str, int]


def follow_up_waves() -> tuple[str, ...]:
    """Return the waves a follow-up can be opened for: every wave after the first of the référentiel."""
    return tuple(wave.id for wave in current_referentiel().waves[1:])


def open_follow_ups(
    connection: sqlite3.Connection, structure: Structure, wave: str, now: datetime
) -> FollowUpOpening:
    """Queue the follow-up offer of ``wave`` for every eligible youth of a structure, audited."""
    waves = [item.id for item in current_referentiel().waves]
    if wave not in waves[1:]:
        raise UsageError(f"--wave must be one of {', '.join(waves[1:])}, not {wave}")
    earlier: set[str] = set(waves[: waves.index(wave)])
    skipped: Counter[str] = Counter()
    queued = 0
    with write_transaction(connection):
        for youth_id, blocked in connection.execute(
            "SELECT youth.id, contacts.blocked_at IS NOT NULL OR contacts.youth_id IS NULL FROM youth "
            "LEFT JOIN contacts ON contacts.youth_id = youth.id "
            "WHERE youth.structure_id = ? ORDER BY youth.id",
            (structure.id,),
        ).fetchall():
            reason = _reason_to_skip(connection, youth_id, bool(blocked), wave, earlier, now)
            if reason is not None:
                skipped[reason] += 1
                continue
            connection.execute(
                "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (youth_id, wave) WHERE kind = 'followup' DO UPDATE SET due_at = excluded.due_at",
                (youth_id, FOLLOW_UP_KIND, wave, timestamp(now)),
            )
            queued += 1
        details = {"structure_id": structure.id, "wave": wave, "queued": queued, "skipped": dict(skipped)}
        record_admin_audit(connection, "follow-ups opened", now, details)
    return FollowUpOpening(structure.name, wave, queued, dict(sorted(skipped.items())))


def _reason_to_skip(
    connection: sqlite3.Connection, youth_id: int, blocked: bool, wave: str, earlier: set[str], now: datetime
) -> str | None:
    runs = connection.execute(
        "SELECT wave, status FROM runs WHERE youth_id = ? ORDER BY id", (youth_id,)
    ).fetchall()
    if any(run_wave == wave for run_wave, _ in runs):
        return Skipped.ALREADY_STARTED
    if not any(run_wave in earlier and status == "completed" for run_wave, status in runs):
        return Skipped.NO_EARLIER_WAVE_COMPLETED
    if runs[-1][1] != "completed":
        return Skipped.QUESTIONNAIRE_IN_PROGRESS
    if blocked:
        return Skipped.BOT_BLOCKED
    offer = connection.execute(
        "SELECT sent_at, due_at FROM scheduled_messages WHERE youth_id = ? AND kind = ? AND wave = ?",
        (youth_id, FOLLOW_UP_KIND, wave),
    ).fetchone()
    if offer is not None and (offer[0] is not None or offer[1] <= timestamp(now)):
        return Skipped.ALREADY_OFFERED
    return None


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
        choices=follow_up_waves(),
        default=DEFAULT_FOLLOW_UP_WAVE,
        help=f"the questionnaire to open (default {DEFAULT_FOLLOW_UP_WAVE})",
    )


def open_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Queue the offers and print how many youth were queued and why others were not."""
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
