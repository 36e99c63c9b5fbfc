"""Reminders: a gentle nudge to a youth who left a questionnaire unfinished, never at night.

The database is the schedule (``scheduled_messages``): the bot's one scheduler
(``bot.scheduler``, claims in ``storage.schedule``) sends what is due, so a restart loses
nothing, and a reminder is marked sent in the same transaction as the engine step that words it,
so it goes out at most once even with two bots running. Rules:

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
from zoneinfo import ZoneInfo

from conversations.state import Phase
from storage.clock import timestamp
from storage.database import Transaction

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


def reminder_number(kind: str) -> int | None:
    """Return which reminder a scheduled message is (1, 2…), or None if it is not a reminder."""
    prefix, _, number = kind.partition("-")
    return int(number) if prefix == "reminder" and number.isdigit() else None


async def plan_after_activity(
    transaction: Transaction, youth_id: int, wave: str, phase: Phase, policy: ReminderPolicy, now: datetime
) -> None:
    """Replace the youth's pending reminders by the first one, if their questionnaire is unfinished."""
    await cancel_reminders(transaction, youth_id)
    if phase in PHASES_WORTH_A_REMINDER and policy.delays:
        await _insert(transaction, youth_id, 1, wave, policy.outside_quiet_hours(now + policy.delays[0]))


async def plan_next_after(
    transaction: Transaction,
    youth_id: int,
    number: int,
    wave: str | None,
    policy: ReminderPolicy,
    now: datetime,
) -> None:
    """Plan the reminder that follows reminder ``number``, just sent, if the policy has one."""
    if number < len(policy.delays):
        due = policy.outside_quiet_hours(now + policy.delays[number])
        await _insert(transaction, youth_id, number + 1, wave, due)


async def cancel_reminders(transaction: Transaction, youth_id: int) -> None:
    """Delete the youth's reminders not sent yet (also one claimed by the scheduler: it is then skipped)."""
    await transaction.execute(
        f"DELETE FROM scheduled_messages WHERE youth_id = ? AND sent_at IS NULL AND {IS_REMINDER}",
        (youth_id,),
    )


async def _insert(
    transaction: Transaction, youth_id: int, number: int, wave: str | None, due: datetime
) -> None:
    await transaction.execute(
        "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (youth_id, REMINDER_KIND.format(number=number), wave, timestamp(due)),
    )
