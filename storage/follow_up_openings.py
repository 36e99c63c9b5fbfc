"""Opening a follow-up questionnaire (T1, exit) for youth of a structure: who may get it, and queueing it.

``voix admin followup open`` and the bot's ``/relancer`` both open here, with the one rule of
``storage.follow_ups`` (the bot's own offers use it too): a youth is eligible if they completed an
earlier wave, their latest questionnaire is finished, the bot can write to them, they have no run
of that wave, and no offer of it was sent or is due already; an offer queued for later
(the automatic one after T0) is brought forward to now. Opening only queues one offer per youth
and wave in ``scheduled_messages`` (a unique index keeps it one, even when two educators open
at the same moment); the running bot sends it (``storage.follow_ups``). The audit entry holds
counts only, never which youth.
"""

import json
import sqlite3
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.audit import record_audit_in
from storage.clock import timestamp
from storage.database import write_transaction
from storage.follow_ups import FOLLOW_UP_KIND, WHY_NOT_OFFERED, NotOffered


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

    The reason is the one rule of ``storage.follow_ups`` (``WHY_NOT_OFFERED``), plus "already
    offered" where an offer of that wave went out or is due; ``earlier`` are the waves before
    ``wave`` in the référentiel.
    """
    rows = connection.execute(
        f"SELECT youth.id, youth.code, {WHY_NOT_OFFERED}, offer.sent_at IS NOT NULL OR offer.due_at <= :now "
        "FROM youth LEFT JOIN scheduled_messages AS offer ON offer.youth_id = youth.id "
        f"AND offer.kind = '{FOLLOW_UP_KIND}' AND offer.wave = :wave "
        "WHERE youth.structure_id = :structure ORDER BY youth.code",
        {
            "wave": wave,
            "earlier_waves": json.dumps(list(earlier)),
            "now": timestamp(now),
            "structure": structure_id,
        },
    ).fetchall()
    return [
        Candidate(
            youth_id, code, reason if reason is not None else NotOffered.ALREADY_OFFERED if offered else None
        )
        for youth_id, code, reason, offered in rows
    ]


def queue_offers(
    connection: sqlite3.Connection,
    structure_id: int,
    wave: str,
    earlier: Collection[str],
    now: datetime,
    codes: Collection[str] | None = None,
) -> Opening:
    """Queue ``wave``'s offer, due now, for every eligible youth (or those of ``codes``), in the caller's
    transaction; an offer queued for later (the automatic one after T0) is brought forward."""
    skipped: Counter[str] = Counter()
    queued = 0
    for candidate in candidates(connection, structure_id, wave, earlier, now):
        if codes is not None and candidate.code not in codes:
            continue
        if candidate.reason is not None:
            skipped[str(candidate.reason)] += 1
            continue
        connection.execute(
            "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (youth_id, wave) WHERE kind = 'followup' DO UPDATE SET due_at = excluded.due_at",
            (candidate.youth_id, FOLLOW_UP_KIND, wave, timestamp(now)),
        )
        queued += 1
    return Opening(wave, queued, dict(sorted(skipped.items())))


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
    with write_transaction(connection):
        opening = queue_offers(connection, structure_id, wave, earlier, now, codes)
        details = {
            **audit_details,
            "structure_id": structure_id,
            "wave": wave,
            "queued": opening.queued,
            "skipped": opening.skipped,
        }
        record_audit_in(connection, actor, "follow-ups opened", now, details)
    return opening
