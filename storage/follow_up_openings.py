"""Opening a follow-up questionnaire (T1, exit) for youth of a structure: who may get it, and queueing it.

The one rule for ``voix admin followup open`` and the bot's ``/relancer``. A youth is eligible if
they completed an earlier wave, their latest questionnaire is finished, the bot can write to them,
they have no run of that wave and no offer of it sent or due already; an offer queued for later
(the automatic one after T0) is brought forward to now. Opening only queues one offer per youth
and wave in ``scheduled_messages`` (a unique index keeps it one, even when two educators open
at the same moment); the running bot sends it (``storage.follow_ups``). The audit entry holds
counts only, never which youth.
"""

import sqlite3
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conversations.context import N_
from storage.audit import record_audit_in
from storage.clock import timestamp
from storage.database import write_transaction
from storage.follow_ups import FOLLOW_UP_KIND


class Skipped:
    """Why a youth was not queued (the reasons openings count; msgids, the bot translates them)."""

    ALREADY_STARTED = N_("already started")
    ALREADY_OFFERED = N_("already offered")
    NO_EARLIER_WAVE_COMPLETED = N_("no earlier wave completed")
    QUESTIONNAIRE_IN_PROGRESS = N_("questionnaire in progress")
    BOT_BLOCKED = N_("bot blocked")


@dataclass(frozen=True)
class Candidate:
    """A youth of the structure, and why they cannot get the follow-up now (None: they can)."""

    youth_id: int
    code: str
    reason: str | None


@dataclass(frozen=True)
class Opening:
    """What an opening did: how many youth were queued, and how many were not, by reason."""

    wave: str
    queued: int
    skipped: dict[str, int]


def candidates(
    connection: sqlite3.Connection, structure_id: int, wave: str, earlier: Collection[str], now: datetime
) -> list[Candidate]:
    """Every youth of a structure with the reason they cannot get ``wave`` now, by code. Read-only.

    ``earlier`` are the waves before ``wave`` in the référentiel: one of them must be completed.
    """
    rows = connection.execute(
        "SELECT youth.id, youth.code, contacts.blocked_at IS NOT NULL OR contacts.youth_id IS NULL "
        "FROM youth LEFT JOIN contacts ON contacts.youth_id = youth.id "
        "WHERE youth.structure_id = ? ORDER BY youth.code",
        (structure_id,),
    ).fetchall()
    return [
        Candidate(youth_id, code, _reason_to_skip(connection, youth_id, bool(blocked), wave, earlier, now))
        for youth_id, code, blocked in rows
    ]


def open_follow_ups(
    connection: sqlite3.Connection,
    structure_id: int,
    wave: str,
    earlier: Collection[str],
    now: datetime,
    actor: str,
    audit_details: Mapping[str, Any],
    codes: Collection[str] | None = None,
) -> Opening:
    """Queue ``wave``'s offer for every eligible youth of a structure (or those of ``codes``), audited.

    Eligibility is decided again inside the write transaction, so a second opening at the same
    moment finds the first one's offers and skips them as already offered.
    """
    skipped: Counter[str] = Counter()
    queued = 0
    with write_transaction(connection):
        for candidate in candidates(connection, structure_id, wave, earlier, now):
            if codes is not None and candidate.code not in codes:
                continue
            if candidate.reason is not None:
                skipped[candidate.reason] += 1
                continue
            connection.execute(
                "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (youth_id, wave) WHERE kind = 'followup' DO UPDATE SET due_at = excluded.due_at",
                (candidate.youth_id, FOLLOW_UP_KIND, wave, timestamp(now)),
            )
            queued += 1
        details = {
            **audit_details,
            "structure_id": structure_id,
            "wave": wave,
            "queued": queued,
            "skipped": dict(skipped),
        }
        record_audit_in(connection, actor, "follow-ups opened", now, details)
    return Opening(wave, queued, dict(sorted(skipped.items())))


def _reason_to_skip(
    connection: sqlite3.Connection,
    youth_id: int,
    blocked: bool,
    wave: str,
    earlier: Collection[str],
    now: datetime,
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
