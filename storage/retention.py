"""Retention: a youth's contact and answers are erased once the retention period after enrolment ends.

The consent notice promises "kept 2 years at most; after that, only group results remain", so
every youth enrolled more than ``VOIX_RETENTION_MONTHS`` (at most 24) months ago is erased — youth
row, contact, runs, answers, scheduled messages; their invitations are unbound — with
``erase_youth``, all in one transaction. The audit entry and the log line hold counts and the
cut-off, never who. The running bot purges at start and then daily; ``voix admin retention
purge`` does the same on demand.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

from storage.audit import record_audit
from storage.clock import timestamp
from storage.database import Database
from storage.youth_records import erase_youth

RETENTION_ACTION = "retention purge"
# The actor of the bot's own purges in the audit log (the admin CLI's is ``admin-cli``).
BOT_ACTOR = "bot"


@dataclass(frozen=True)
class RetentionPurge:
    """What a purge erased (or, in a dry run, would erase): counts and the cut-off, never who."""

    enrolled_before: datetime
    youth_erased: int
    answers_removed: int
    dry_run: bool


def retention_cutoff(now: datetime, retention_months: int) -> datetime:
    """Return the moment ``retention_months`` calendar months before ``now`` (31 March − 1 = 28 February)."""
    moment = now.astimezone(UTC)
    year, month_index = divmod(moment.year * 12 + moment.month - 1 - retention_months, 12)
    day = min(moment.day, calendar.monthrange(year, month_index + 1)[1])
    return moment.replace(year=year, month=month_index + 1, day=day)


async def purge_expired_youth(
    database: Database, now: datetime, retention_months: int, actor: str, *, dry_run: bool = False
) -> RetentionPurge:
    """Erase every youth enrolled before the cut-off in one transaction, so the notice's promise holds.

    An entry ``retention purge`` with the counts and the cut-off is audited when someone was
    erased; a dry run counts the same youth and changes nothing.
    """
    cutoff = retention_cutoff(now, retention_months)
    async with database.transaction() as transaction:
        expired = [
            int(row[0])
            for row in await transaction.fetch_all(
                "SELECT id FROM youth WHERE enrolled_at < ? ORDER BY id", (timestamp(cutoff),)
            )
        ]
        answers_row = await transaction.fetch_one(
            "SELECT COUNT(*) FROM answers JOIN runs ON runs.id = answers.run_id "
            "JOIN youth ON youth.id = runs.youth_id WHERE youth.enrolled_at < ?",
            (timestamp(cutoff),),
        )
        purge = RetentionPurge(cutoff, len(expired), int(answers_row[0]) if answers_row else 0, dry_run)
        if dry_run or not expired:
            return purge
        for youth_id in expired:
            await erase_youth(transaction, youth_id, now, actor)
        details = {
            "youth_erased": purge.youth_erased,
            "answers_removed": purge.answers_removed,
            "enrolled_before": timestamp(cutoff),
        }
        await record_audit(transaction, actor, RETENTION_ACTION, now, details)
    await database.truncate_write_ahead_log()
    return purge
