"""Apply the engine's effects to the database, inside the caller's transaction.

Each effect is idempotent (an answer is an upsert on its question, statuses are set, not toggled),
so applying the outputs of one step exactly once per update id is enough to never duplicate
anything. Statuses follow the youth: ``invited`` → ``consented`` → ``active`` (first answer) →
``completed``, or ``declined`` (and back to ``invited`` when a follow-up questionnaire starts).
Completing the first wave also queues the later waves' follow-up offers (``storage.follow_ups``).
``StartFollowUp`` is not applied here: it opens and steps a new run (``bot.steps``).
"""

from datetime import datetime

from conversations.outputs import (
    ChangeLocale,
    CompleteRun,
    DiscardAnswer,
    Effect,
    EraseYouth,
    RecordConsent,
    RecordDeclined,
    SaveAnswer,
)
from referentiel.models import Referentiel
from storage.audit import record_audit
from storage.clock import timestamp
from storage.database import Transaction
from storage.follow_ups import schedule_after_completion
from storage.reminders import cancel_reminders
from storage.runs import Run
from storage.youth_records import erase_youth, save_answer


async def apply_effects(
    transaction: Transaction, run: Run, effects: tuple[Effect, ...], now: datetime, referentiel: Referentiel
) -> bool:
    """Apply every effect in order; return False once the youth is erased (nothing more to store).

    ``referentiel`` is the run's own version: its waves say which follow-ups completion queues.
    """
    for effect in effects:
        if isinstance(effect, EraseYouth):
            await erase_youth(transaction, run.youth_id, now)
            return False
        await _apply(transaction, run, effect, now)
        if isinstance(effect, CompleteRun):
            await schedule_after_completion(transaction, run, referentiel, now)
    return True


async def _apply(transaction: Transaction, run: Run, effect: Effect, now: datetime) -> None:
    youth_id = run.youth_id
    if isinstance(effect, SaveAnswer):
        await save_answer(
            transaction,
            run.id,
            effect.question_id,
            run.referentiel_id,
            str(run.referentiel_version),
            effect.value,
            now,
        )
        await _set_status(transaction, youth_id, "active", when_in=("consented",))
    elif isinstance(effect, DiscardAnswer):
        await transaction.execute(
            "DELETE FROM answers WHERE run_id = ? AND question_id = ?", (run.id, effect.question_id)
        )
    elif isinstance(effect, RecordConsent):
        await transaction.execute(
            "UPDATE youth SET status = 'consented', notice_version = ?, consented_at = ? WHERE id = ?",
            (effect.notice_version, timestamp(now), youth_id),
        )
        await record_audit(
            transaction, "youth", "consent given", now, {"notice_version": effect.notice_version}
        )
    elif isinstance(effect, RecordDeclined):
        await _set_status(transaction, youth_id, "declined")
        await cancel_reminders(transaction, youth_id)
        await record_audit(transaction, "youth", "consent declined", now)
    elif isinstance(effect, ChangeLocale):
        await transaction.execute("UPDATE youth SET locale = ? WHERE id = ?", (effect.locale, youth_id))
    elif isinstance(effect, CompleteRun):
        # The run's own status follows its phase (``storage.runs.save_state``, same transaction).
        await _set_status(transaction, youth_id, "completed")
        await cancel_reminders(transaction, youth_id)


async def _set_status(
    transaction: Transaction, youth_id: int, status: str, when_in: tuple[str, ...] | None = None
) -> None:
    if when_in is None:
        await transaction.execute("UPDATE youth SET status = ? WHERE id = ?", (status, youth_id))
        return
    placeholders = ", ".join("?" for _ in when_in)
    await transaction.execute(
        f"UPDATE youth SET status = ? WHERE id = ? AND status IN ({placeholders})",
        (status, youth_id, *when_in),
    )
