"""Questionnaire runs: one per youth and wave, holding the conversation state the engine resumes from.

The run row is the source of truth for progress: its ``state`` (the engine's JSON) is written in
the same transaction as the answers it implies, so a restart resumes exactly where the youth was.
``processed_updates`` holds the ids of the updates already applied: claiming one inside that same
transaction makes a redelivered update change nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from conversations.state import ConversationState, Phase
from referentiel.models import Referentiel
from storage.clock import timestamp
from storage.database import Database, Transaction
from storage.errors import StorageError

# Telegram keeps undelivered updates at most 24 hours; older ids can never come back.
PROCESSED_UPDATES_KEPT = timedelta(days=2)


class RunStatus(StrEnum):
    """Where a questionnaire stands, as staff and the follow-up rule see it (``runs.status``)."""

    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    COMPLETED = "completed"
    DECLINED = "declined"  # the youth said no to this questionnaire's notice


# The status each phase gives its run. The phases missing here keep the run's status: a stop
# waiting for confirmation, an offer after a finished questionnaire, a run closed by the next one.
_STATUS_OF_PHASE = {
    Phase.NEW: RunStatus.IN_PROGRESS,
    Phase.CONSENT: RunStatus.IN_PROGRESS,
    Phase.QUESTIONNAIRE: RunStatus.IN_PROGRESS,
    Phase.PAUSED: RunStatus.PAUSED,
    Phase.COMPLETED: RunStatus.COMPLETED,
    Phase.DECLINED: RunStatus.DECLINED,
}
_RUN_COLUMNS = "id, youth_id, wave, referentiel_id, referentiel_version, status, state, question_message_id"


@dataclass(frozen=True)
class Run:
    """One youth's questionnaire for one wave, with the state to resume from."""

    id: int
    youth_id: int
    wave: str
    referentiel_id: str
    referentiel_version: int
    status: str
    state: ConversationState
    question_message_id: int | None


async def create_run(
    transaction: Transaction, youth_id: int, wave: str, referentiel: Referentiel, now: datetime
) -> Run:
    """Start the run of a youth for a wave under the référentiel version new runs use.

    The run remembers the youth's structure now: its answers count there, even if the youth moves.
    """
    state = ConversationState.new()
    run_id = await transaction.execute(
        "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, state, started_at, "
        "updated_at, structure_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT structure_id FROM youth WHERE id = ?))",
        (
            youth_id,
            wave,
            referentiel.id,
            str(referentiel.version),
            state.to_json(),
            timestamp(now),
            timestamp(now),
            youth_id,
        ),
    )
    return Run(
        run_id, youth_id, wave, referentiel.id, referentiel.version, RunStatus.IN_PROGRESS, state, None
    )


async def current_run(transaction: Transaction, youth_id: int) -> Run | None:
    """Return the youth's latest run (the one the conversation is about), or None."""
    row = await transaction.fetch_one(
        f"SELECT {_RUN_COLUMNS} FROM runs WHERE youth_id = ? ORDER BY id DESC LIMIT 1", (youth_id,)
    )
    if row is None:
        return None
    return Run(
        id=row[0],
        youth_id=row[1],
        wave=row[2],
        referentiel_id=row[3],
        referentiel_version=int(row[4]),
        status=row[5],
        state=ConversationState.from_json(row[6]),
        question_message_id=row[7],
    )


async def save_state(transaction: Transaction, run: Run, state: ConversationState, now: datetime) -> None:
    """Store the new conversation state and the run status its phase gives (or keeps, see above).

    So a completed questionnaire stays completed while a stop waits for confirmation, until the
    youth actually erases it, and while a later one is offered.
    """
    status = _STATUS_OF_PHASE.get(state.phase)
    completed_at = timestamp(now) if status is RunStatus.COMPLETED else None
    await transaction.execute(
        "UPDATE runs SET state = ?, status = COALESCE(?, status), updated_at = ?, "
        "completed_at = COALESCE(completed_at, ?) WHERE id = ?",
        (state.to_json(), status, timestamp(now), completed_at, run.id),
    )


async def finished_at(transaction: Transaction, run: Run) -> datetime:
    """Return when the run was completed, or last changed (a "no" to its notice): the youth's last answers."""
    row = await transaction.fetch_one(
        "SELECT COALESCE(completed_at, updated_at) FROM runs WHERE id = ?", (run.id,)
    )
    if row is None:
        raise StorageError(f"Run {run.id} vanished during its own transaction")
    return datetime.fromisoformat(row[0])


async def remember_question_message(database: Database, run_id: int, message_id: int) -> None:
    """Keep the id of the message holding the current question, to edit it after the answer."""
    async with database.transaction() as transaction:
        await transaction.execute(
            "UPDATE runs SET question_message_id = ? WHERE id = ?", (message_id, run_id)
        )


async def claim_update(transaction: Transaction, update_id: int, now: datetime) -> bool:
    """Record an update as processed; False if it already was (a redelivery: change nothing)."""
    await transaction.execute(
        "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (update_id, timestamp(now)),
    )
    return await _changed(transaction)


async def forget_old_updates(database: Database, now: datetime) -> None:
    """Drop processed update ids Telegram can no longer redeliver."""
    async with database.transaction() as transaction:
        await transaction.execute(
            "DELETE FROM processed_updates WHERE processed_at < ?", (timestamp(now - PROCESSED_UPDATES_KEPT),)
        )


async def _changed(transaction: Transaction) -> bool:
    row = await transaction.fetch_one("SELECT changes()")
    return bool(row and row[0])
