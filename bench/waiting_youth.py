"""Youth the bot is waiting for, written fast with direct SQL: enrolled, agreed, at their first question.

Each has a real contact row (the keyed hash of a Telegram user id and the encrypted chat id, as
enrolment writes them) and a T0 run whose state the engine reads; a share of them have their
first reminder queued. Used by the cold-start and dispatch benchmarks (tens of thousands of
youth) and by the scheduler's tests (a few hundred). Telegram user ids (= chat ids) are
``first_user_id``, ``first_user_id + 1``…
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from conversations.state import ConversationState, Phase
from referentiel.models import Referentiel
from storage.clock import timestamp
from storage.pseudonymisation import Pseudonymiser

ROWS_PER_BATCH = 5_000


@dataclass(frozen=True)
class WaitingYouth:
    """How many youth, where, since when, and when their first reminder is due (if they have one)."""

    count: int
    first_user_id: int
    enrolled_at: datetime
    reminder_due_at: datetime | None
    # One youth in ``reminder_every`` has a reminder queued (1: all, 2: half…).
    reminder_every: int = 1
    structure_id: int = 1


def add_waiting_youth(
    connection: sqlite3.Connection,
    pseudonymiser: Pseudonymiser,
    referentiel: Referentiel,
    shape: WaitingYouth,
) -> list[int]:
    """Write the youth, their contacts, runs and reminders in one transaction; return their user ids."""
    when = timestamp(shape.enrolled_at)
    state = ConversationState(phase=Phase.QUESTIONNAIRE, question_id=referentiel.questions[0].id).to_json()
    connection.execute("BEGIN")
    connection.execute(
        "INSERT OR IGNORE INTO organisations (id, name, created_at) VALUES (1, 'Organisation', ?)", (when,)
    )
    connection.execute(
        "INSERT OR IGNORE INTO structures (id, organisation_id, name, created_at) VALUES (?, 1, ?, ?)",
        (shape.structure_id, f"Structure {shape.structure_id}", when),
    )
    first_youth = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM youth").fetchone()[0]
    user_ids = list(range(shape.first_user_id, shape.first_user_id + shape.count))
    for start in range(0, shape.count, ROWS_PER_BATCH):
        batch = list(enumerate(user_ids[start : start + ROWS_PER_BATCH], start=first_youth + start))
        connection.executemany(
            "INSERT INTO youth (id, pseudonym, code, structure_id, status, notice_version, consented_at, "
            "enrolled_at) VALUES (?, ?, ?, ?, 'consented', 'bench', ?, ?)",
            ((youth, f"{youth:032x}", f"W{youth:07d}", shape.structure_id, when, when) for youth, _ in batch),
        )
        connection.executemany(
            "INSERT INTO contacts (youth_id, telegram_user_hash, encrypted_chat_id) VALUES (?, ?, ?)",
            (
                (youth, pseudonymiser.telegram_user_hash(user), pseudonymiser.encrypt_chat_id(user))
                for youth, user in batch
            ),
        )
        connection.executemany(
            "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, state, started_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (youth, referentiel.waves[0].id, referentiel.id, str(referentiel.version), state, when, when)
                for youth, _ in batch
            ),
        )
        if shape.reminder_due_at is not None:
            due = timestamp(shape.reminder_due_at)
            connection.executemany(
                "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) "
                "VALUES (?, 'reminder-1', ?, ?)",
                (
                    (youth, referentiel.waves[0].id, due)
                    for youth, _ in batch
                    if (youth - first_youth) % shape.reminder_every == 0
                ),
            )
    connection.execute("COMMIT")
    return user_ids
