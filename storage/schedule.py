"""The schedule of everything that waits: due messages and periodic tasks, claimed before they run.

Reminders and follow-up offers are rows of ``scheduled_messages``; periodic tasks (the retention
purge) are rows of ``scheduled_tasks``. The bot's one scheduler (``bot.scheduler``) polls them:

1. **claim**, in one transaction: due rows that nobody holds, or whose holder's lease ran out (it
   crashed), get ``claimed_by`` (the scheduler's id), ``claimed_at`` and one more ``attempts``.
   A follow-up offer is claimed only while the follow-up rule allows it (``storage.follow_ups``);
   the others stay queued until it does;
2. **take**, in the transaction of the engine step that words the message: ``sent_at`` is set only
   if the row is still held by this scheduler and not sent. So each message is worded and sent at
   most once, across restarts, crashes and two bots on one database; it is sent after that commit;
3. a row claimed ``MAXIMUM_ATTEMPTS`` times and never taken (its step failed each time) is given
   up, so one broken row cannot hold the queue forever.

In quiet hours nothing is claimed: the due messages move to the end of the night.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from referentiel.models import Referentiel
from storage.clock import timestamp
from storage.database import Database, Transaction
from storage.follow_ups import FOLLOW_UP_KIND, WHY_NOT_OFFERED, rule_parameters
from storage.reminders import IS_REMINDER, ReminderPolicy

# How long a claim holds a row: then another scheduler (or this one, restarted) may claim it.
LEASE = timedelta(seconds=30)
MAXIMUM_ATTEMPTS = 3
RETENTION_TASK = "retention purge"

# A row nobody holds now (``:expired`` is the moment before which a claim has lapsed).
_FREE = (
    "message.sent_at IS NULL AND message.due_at <= :now AND message.attempts < :attempts "
    "AND (message.claimed_at IS NULL OR message.claimed_at <= :expired)"
)
_COLUMNS = "message.id, message.youth_id, message.kind, message.wave, message.due_at"


@dataclass(frozen=True)
class DueMessage:
    """A reminder or an offer claimed for sending: to whom, which kind (``reminder-2``…), which wave."""

    id: int
    youth_id: int
    kind: str
    wave: str | None


async def claim_due_messages(
    transaction: Transaction,
    claimant: str,
    referentiel: Referentiel,
    policy: ReminderPolicy,
    now: datetime,
    limit: int,
    lease: timedelta = LEASE,
) -> list[DueMessage]:
    """Claim up to ``limit`` due messages, earliest first; in quiet hours, move them to the morning."""
    if policy.is_quiet(now):
        await transaction.execute(
            "UPDATE scheduled_messages SET due_at = ?, claimed_at = NULL, claimed_by = NULL "
            "WHERE sent_at IS NULL AND due_at <= ?",
            (timestamp(policy.outside_quiet_hours(now)), timestamp(now)),
        )
        return []
    parameters: dict[str, Any] = {
        "now": timestamp(now),
        "expired": timestamp(now - lease),
        "attempts": MAXIMUM_ATTEMPTS,
        "limit": limit,
    }
    rows = await transaction.fetch_all(
        f"SELECT {_COLUMNS} FROM scheduled_messages AS message WHERE {_FREE} AND message.{IS_REMINDER} "
        "ORDER BY message.due_at, message.id LIMIT :limit",
        parameters,
    )
    for wave in referentiel.waves[1:]:
        rows += await transaction.fetch_all(
            f"SELECT {_COLUMNS} FROM scheduled_messages AS message JOIN youth ON youth.id = message.youth_id "
            f"WHERE {_FREE} AND message.kind = '{FOLLOW_UP_KIND}' AND message.wave = :wave "
            f"AND {WHY_NOT_OFFERED} IS NULL ORDER BY message.due_at, message.id LIMIT :limit",
            {**parameters, **rule_parameters(referentiel, wave.id)},
        )
    chosen = sorted(rows, key=lambda row: (row[4], row[0]))[:limit]
    for row in chosen:
        await transaction.execute(
            "UPDATE scheduled_messages SET claimed_at = ?, claimed_by = ?, attempts = attempts + 1 "
            "WHERE id = ?",
            (timestamp(now), claimant, row[0]),
        )
    return [DueMessage(row[0], row[1], row[2], row[3]) for row in chosen]


async def take(transaction: Transaction, message: DueMessage, claimant: str, now: datetime) -> bool:
    """Mark a claimed message sent, in the step that words it; False if it is no longer ours to send.

    (Another scheduler took it after our lease ran out, or the youth's activity replaced it.)
    """
    changed = await transaction.execute(
        "UPDATE scheduled_messages SET sent_at = ? WHERE id = ? AND claimed_by = ? AND sent_at IS NULL",
        (timestamp(now), message.id, claimant),
    )
    return changed == 1


async def release(transaction: Transaction, message: DueMessage, claimant: str) -> None:
    """Give a claimed message back without counting the attempt (it cannot go now; it stays queued)."""
    await transaction.execute(
        "UPDATE scheduled_messages SET claimed_at = NULL, claimed_by = NULL, attempts = attempts - 1 "
        "WHERE id = ? AND claimed_by = ? AND sent_at IS NULL",
        (message.id, claimant),
    )


async def release_all(database: Database, claimant: str) -> None:
    """Give back every message this scheduler holds and has not sent (it is stopping)."""
    async with database.transaction() as transaction:
        await transaction.execute(
            "UPDATE scheduled_messages SET claimed_at = NULL, claimed_by = NULL, attempts = attempts - 1 "
            "WHERE claimed_by = ? AND sent_at IS NULL",
            (claimant,),
        )


async def give_up_exhausted(transaction: Transaction, now: datetime, lease: timedelta = LEASE) -> int:
    """Delete the messages claimed ``MAXIMUM_ATTEMPTS`` times and never sent; return how many."""
    return await transaction.execute(
        "DELETE FROM scheduled_messages WHERE sent_at IS NULL AND attempts >= ? AND claimed_at <= ?",
        (MAXIMUM_ATTEMPTS, timestamp(now - lease)),
    )


async def plan_task(transaction: Transaction, name: str, due: datetime) -> None:
    """Make task ``name`` due at ``due`` at the latest (an earlier due time is kept)."""
    await transaction.execute(
        "INSERT INTO scheduled_tasks (name, due_at) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)",
        (name, timestamp(due)),
    )


async def claim_task(
    transaction: Transaction, name: str, claimant: str, now: datetime, lease: timedelta = LEASE
) -> bool:
    """Claim task ``name`` if it is due and nobody holds it; True if this scheduler is to run it."""
    changed = await transaction.execute(
        "UPDATE scheduled_tasks SET claimed_at = ?, claimed_by = ?, attempts = attempts + 1 "
        "WHERE name = ? AND due_at <= ? AND (claimed_at IS NULL OR claimed_at <= ?)",
        (timestamp(now), claimant, name, timestamp(now), timestamp(now - lease)),
    )
    return changed == 1


async def finish_task(transaction: Transaction, name: str, claimant: str, next_due: datetime) -> None:
    """Record that task ``name`` ran: free it, due again at ``next_due``."""
    await transaction.execute(
        "UPDATE scheduled_tasks SET due_at = ?, claimed_at = NULL, claimed_by = NULL, attempts = 0 "
        "WHERE name = ? AND claimed_by = ?",
        (timestamp(next_due), name, claimant),
    )
