"""Reminders: a gentle nudge to a youth who left a questionnaire unfinished, never at night.

The database is the schedule (``scheduled_messages``); the bot's timers (``bot.reminder_timers``)
only say when to look, so a restart loses nothing. A reminder is claimed
by setting ``sent_at`` in the same transaction as the engine step that writes it, so it is sent at
most once even if two timers fire. Rules:

* after each thing the youth does in an unfinished questionnaire, their pending reminders are
  replaced by one due ``delays[0]`` later; after a reminder is sent, the next one (if any) is due
  ``delays[1]`` later; then nothing until the youth comes back;
* nothing between 21:00 and 09:00 local time: a reminder due then moves to 09:00;
* completion, decline, withdrawal (erasure cascades) or a block delete pending reminders, and a
  reminder due for a youth in such a state is dropped when it fires;
* reminders only ever read and delete rows of their own kinds (``IS_REMINDER``): a follow-up offer
  queued in the same table survives the youth's activity and completion.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conversations.state import Phase
from storage.clock import timestamp
from storage.database import Database, Transaction

REMINDER_KIND = "reminder-{number}"
# Other scheduled messages (follow-up offers, ``storage.follow_ups``) share the table: never touch them.
IS_REMINDER = "kind LIKE 'reminder-%'"
# Phases where the youth agreed and has questions left. Never before consent: not answering the
# notice is a way of saying no, and the engine has nothing to say to a reminder there.
PHASES_WORTH_A_REMINDER = frozenset({Phase.QUESTIONNAIRE, Phase.PAUSED})


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders are due: the delays after activity, and the quiet hours in local time."""

    zone: ZoneInfo
    delays: tuple[timedelta, ...] = (timedelta(days=1), timedelta(days=3))
    quiet_from: time = time(21, 0)
    quiet_until: time = time(9, 0)

    def outside_quiet_hours(self, moment: datetime) -> datetime:
        """Return ``moment``, or the end of the quiet hours it falls in."""
        local = moment.astimezone(self.zone)
        if self.quiet_until <= local.time() < self.quiet_from:
            return moment
        day = local.date() if local.time() < self.quiet_until else local.date() + timedelta(days=1)
        return datetime.combine(day, self.quiet_until, tzinfo=self.zone)

    def is_quiet(self, moment: datetime) -> bool:
        """Tell whether no reminder may be sent at ``moment``."""
        return self.outside_quiet_hours(moment) != moment


@dataclass(frozen=True)
class PendingReminder:
    """A reminder not sent yet."""

    id: int
    youth_id: int
    number: int
    wave: str | None
    due_at: datetime


async def plan_after_activity(
    transaction: Transaction, youth_id: int, wave: str, phase: Phase, policy: ReminderPolicy, now: datetime
) -> PendingReminder | None:
    """Replace the youth's pending reminders by the first one, if their questionnaire is unfinished."""
    await cancel_reminders(transaction, youth_id)
    if phase not in PHASES_WORTH_A_REMINDER or not policy.delays:
        return None
    return await _insert(transaction, youth_id, 1, wave, policy.outside_quiet_hours(now + policy.delays[0]))


async def plan_next_after(
    transaction: Transaction, sent: PendingReminder, policy: ReminderPolicy, now: datetime
) -> PendingReminder | None:
    """Plan the reminder that follows one just sent, if the policy has one."""
    if sent.number >= len(policy.delays):
        return None
    due = policy.outside_quiet_hours(now + policy.delays[sent.number])
    return await _insert(transaction, sent.youth_id, sent.number + 1, sent.wave, due)


async def cancel_reminders(transaction: Transaction, youth_id: int) -> None:
    """Delete the youth's reminders not sent yet."""
    await transaction.execute(
        f"DELETE FROM scheduled_messages WHERE youth_id = ? AND sent_at IS NULL AND {IS_REMINDER}",
        (youth_id,),
    )


async def claim_due_reminder(
    transaction: Transaction, youth_id: int, now: datetime
) -> PendingReminder | None:
    """Mark the youth's earliest due reminder sent and return it; None if there is none."""
    row = await transaction.fetch_one(
        "SELECT id, youth_id, kind, wave, due_at FROM scheduled_messages "
        f"WHERE youth_id = ? AND sent_at IS NULL AND due_at <= ? AND {IS_REMINDER} ORDER BY due_at LIMIT 1",
        (youth_id, timestamp(now)),
    )
    if row is None:
        return None
    await transaction.execute(
        "UPDATE scheduled_messages SET sent_at = ? WHERE id = ?", (timestamp(now), row[0])
    )
    return _reminder(row)


async def postpone_if_quiet(
    transaction: Transaction, youth_id: int, policy: ReminderPolicy, now: datetime
) -> PendingReminder | None:
    """Move the youth's due reminders out of the quiet hours; return the moved one, if any."""
    if not policy.is_quiet(now):
        return None
    due = policy.outside_quiet_hours(now)
    await transaction.execute(
        "UPDATE scheduled_messages SET due_at = ? "
        f"WHERE youth_id = ? AND sent_at IS NULL AND due_at <= ? AND {IS_REMINDER}",
        (timestamp(due), youth_id, timestamp(now)),
    )
    row = await transaction.fetch_one(
        "SELECT id, youth_id, kind, wave, due_at FROM scheduled_messages "
        f"WHERE youth_id = ? AND sent_at IS NULL AND {IS_REMINDER} ORDER BY due_at LIMIT 1",
        (youth_id,),
    )
    return _reminder(row) if row else None


async def pending_reminders(database: Database) -> list[PendingReminder]:
    """Return every reminder not sent yet, earliest first. Read-only."""
    rows = await database.fetch_all(
        "SELECT id, youth_id, kind, wave, due_at FROM scheduled_messages "
        f"WHERE sent_at IS NULL AND {IS_REMINDER} ORDER BY due_at"
    )
    return [_reminder(row) for row in rows]


async def _insert(
    transaction: Transaction, youth_id: int, number: int, wave: str | None, due: datetime
) -> PendingReminder:
    kind = REMINDER_KIND.format(number=number)
    reminder_id = await transaction.execute(
        "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (youth_id, kind, wave, timestamp(due)),
    )
    row = await transaction.fetch_one(
        "SELECT id FROM scheduled_messages WHERE youth_id = ? AND kind = ? AND wave IS ? AND due_at = ?",
        (youth_id, kind, wave, timestamp(due)),
    )
    return PendingReminder(row[0] if row else reminder_id, youth_id, number, wave, due)


def _reminder(row: Any) -> PendingReminder:
    number = int(str(row[2]).rsplit("-", 1)[-1])
    return PendingReminder(row[0], row[1], number, row[3], datetime.fromisoformat(row[4]))
