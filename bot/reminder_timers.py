"""The JobQueue side of reminders: one timer per youth, firing when their reminder is due.

The schedule itself is in the database (``storage.reminders``); these timers are re-created from it
at start, so a restart loses nothing.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, JobQueue

from storage.clock import Clock
from storage.database import Database
from storage.reminders import PendingReminder, pending_reminders


def job_name(youth_id: int) -> str:
    """Return the name of a youth's reminder timer (one per youth)."""
    return f"reminder:{youth_id}"


@dataclass
class ReminderTimers:
    """The JobQueue side: one timer per youth, firing ``send(youth_id)`` when their reminder is due."""

    job_queue: JobQueue[Any]
    clock: Clock
    send: Callable[[int], Awaitable[None]] = field(repr=False)

    def schedule(self, reminder: PendingReminder) -> None:
        """(Re)start the youth's timer for this reminder; a timer already past due fires at once."""
        for job in self.job_queue.get_jobs_by_name(job_name(reminder.youth_id)):
            job.schedule_removal()
        delay = max(0.0, (reminder.due_at - self.clock()).total_seconds())
        self.job_queue.run_once(
            self._fire,
            when=delay,
            data=reminder.youth_id,
            name=job_name(reminder.youth_id),
            job_kwargs={"misfire_grace_time": None},
        )

    async def recreate(self, database: Database) -> int:
        """Start a timer for every pending reminder in the database; return how many."""
        pending = {reminder.youth_id: reminder for reminder in reversed(await pending_reminders(database))}
        for reminder in pending.values():
            self.schedule(reminder)
        return len(pending)

    async def _fire(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job = context.job
        if job is not None and isinstance(job.data, int):
            await self.send(job.data)
