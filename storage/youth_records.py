"""Youth, their Telegram contact and their answers: enrolment, lookup, answers and erasure.

A youth row holds only a random pseudonym, a short code, the structure and progress; the contact
row holds the keyed hash of the Telegram user id and the encrypted chat id. Erasing a youth deletes
the youth row, and the foreign keys cascade to contact, runs, answers and scheduled messages.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.audit import record_audit
from storage.clock import timestamp
from storage.database import Database, Transaction
from storage.pseudonymisation import Pseudonymiser
from storage.reminders import cancel_reminders


@dataclass(frozen=True)
class YouthRecord:
    """What the bot knows of a youth: no name, no Telegram id."""

    id: int
    pseudonym: str
    code: str
    structure_id: int
    locale: str
    status: str


_YOUTH_COLUMNS = "youth.id, pseudonym, code, structure_id, locale, status"


async def find_youth_by_telegram_user(
    database: Database, pseudonymiser: Pseudonymiser, telegram_user_id: int
) -> YouthRecord | None:
    """Return the enrolled youth behind a Telegram user, or None. Read-only."""
    row = await database.fetch_one(
        f"SELECT {_YOUTH_COLUMNS} FROM youth JOIN contacts ON contacts.youth_id = youth.id "
        "WHERE contacts.telegram_user_hash = ?",
        (pseudonymiser.telegram_user_hash(telegram_user_id),),
    )
    return YouthRecord(*row) if row else None


async def enrol_youth(
    transaction: Transaction,
    pseudonymiser: Pseudonymiser,
    structure_id: int,
    telegram_user_id: int,
    chat_id: int,
    locale: str,
    now: datetime,
) -> YouthRecord:
    """Create a youth with a fresh pseudonym and code, and its contact row."""
    pseudonym = pseudonymiser.new_pseudonym()
    code = await _unused_code(transaction, pseudonymiser)
    youth_id = await transaction.execute(
        "INSERT INTO youth (pseudonym, code, structure_id, locale, enrolled_at) VALUES (?, ?, ?, ?, ?)",
        (pseudonym, code, structure_id, locale, timestamp(now)),
    )
    await transaction.execute(
        "INSERT INTO contacts (youth_id, telegram_user_hash, encrypted_chat_id) VALUES (?, ?, ?)",
        (
            youth_id,
            pseudonymiser.telegram_user_hash(telegram_user_id),
            pseudonymiser.encrypt_chat_id(chat_id),
        ),
    )
    await record_audit(transaction, "youth", "youth enrolled", now, {"structure_id": structure_id})
    return YouthRecord(youth_id, pseudonym, code, structure_id, locale, "invited")


async def chat_id_of(database: Database, pseudonymiser: Pseudonymiser, youth_id: int) -> int | None:
    """Return the chat id to write to a youth, or None if they withdrew or blocked the bot."""
    row = await database.fetch_one(
        "SELECT encrypted_chat_id FROM contacts WHERE youth_id = ? AND blocked_at IS NULL",
        (youth_id,),
    )
    return pseudonymiser.decrypt_chat_id(bytes(row[0])) if row else None


async def save_answer(
    transaction: Transaction,
    run_id: int,
    question_id: str,
    referentiel_id: str,
    referentiel_version: str,
    value: Any,
    now: datetime,
) -> None:
    """Store one answer (``None`` = preferred not to answer); answering again replaces it."""
    await transaction.execute(
        "INSERT INTO answers "
        "(run_id, question_id, referentiel_id, referentiel_version, value, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (run_id, question_id) DO UPDATE SET value = excluded.value, "
        "answered_at = excluded.answered_at",
        (
            run_id,
            question_id,
            referentiel_id,
            referentiel_version,
            None if value is None else json.dumps(value, ensure_ascii=False),
            timestamp(now),
        ),
    )


def decode_answer(stored: str | None) -> Any:
    """Turn a stored answer back into its value (``None`` = preferred not to answer)."""
    if stored is None:
        return None
    value = json.loads(stored)
    return tuple(value) if isinstance(value, list) else value


async def erase_youth(transaction: Transaction, youth_id: int, now: datetime, actor: str = "youth") -> None:
    """Delete a youth with their contact, runs, answers and scheduled messages; audit without identity.

    ``actor`` says who asked: the youth (``/stop``), or the retention purge for its period.
    """
    row = await transaction.fetch_one("SELECT structure_id FROM youth WHERE id = ?", (youth_id,))
    if row is None:
        return
    latest = await transaction.fetch_one(
        "SELECT wave FROM runs WHERE youth_id = ? ORDER BY id DESC LIMIT 1", (youth_id,)
    )
    await transaction.execute("UPDATE invitations SET youth_id = NULL WHERE youth_id = ?", (youth_id,))
    await transaction.execute("DELETE FROM youth WHERE id = ?", (youth_id,))
    # The structure only, so educators see how many left their structure's list; never who. The
    # wave they were in tells the workshop pack's participation funnel at which wave youth stop.
    details: dict[str, object] = {"structure_id": row[0]}
    if latest is not None:
        details["wave"] = latest[0]
    await record_audit(transaction, actor, "youth erased", now, details)


async def _unused_code(transaction: Transaction, pseudonymiser: Pseudonymiser) -> str:
    while True:
        code = pseudonymiser.new_code()
        if await transaction.fetch_one("SELECT 1 FROM youth WHERE code = ?", (code,)) is None:
            return code


async def mark_contact_blocked(transaction: Transaction, youth_id: int, now: datetime) -> None:
    """Record that the youth blocked the bot: no message (nor reminder) until they write again."""
    await transaction.execute(
        "UPDATE contacts SET blocked_at = COALESCE(blocked_at, ?) WHERE youth_id = ?",
        (timestamp(now), youth_id),
    )
    await cancel_reminders(transaction, youth_id)


async def mark_contact_reachable(transaction: Transaction, youth_id: int) -> None:
    """Record that the youth can be written to again (they unblocked the bot or wrote to it)."""
    await transaction.execute(
        "UPDATE contacts SET blocked_at = NULL WHERE youth_id = ? AND blocked_at IS NOT NULL", (youth_id,)
    )
