"""The database never holds a Telegram id, and erasing a youth removes everything about them."""

import json
import struct
from datetime import UTC, datetime

import pytest

from storage.database import Database
from storage.pseudonymisation import Pseudonymiser
from storage.youth_records import (
    chat_id_of,
    decode_answer,
    enrol_youth,
    erase_youth,
    find_youth_by_telegram_user,
    save_answer,
)

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
TELEGRAM_USER_ID = 7_123_456_789
CHAT_ID = 7_123_456_789  # private chats share the user's id, as on Telegram
OTHER_USER_ID = 5_550_001_234


def encodings(number: int) -> list[bytes]:
    """Every way an id could sit in a file: decimal text (ASCII and UTF-16) and 8-byte integers."""
    return [
        str(number).encode(),
        str(number).encode("utf-16-le"),
        struct.pack("<q", number),
        struct.pack(">q", number),
    ]


async def enrol_and_answer(database: Database, pseudonymiser: Pseudonymiser, user_id: int) -> int:
    async with database.transaction() as transaction:
        youth = await enrol_youth(transaction, pseudonymiser, 1, user_id, user_id, "fr", NOW)
        run_id = await transaction.execute(
            "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, started_at, updated_at) "
            "VALUES (?, 'T0', 'nexem-mecs', '1', ?, ?)",
            (youth.id, "t", "t"),
        )
        await save_answer(transaction, run_id, "safe_home", "nexem-mecs", "1", "agree", NOW)
        await save_answer(transaction, run_id, "adults", "nexem-mecs", "1", ("educator", "family"), NOW)
        await save_answer(transaction, run_id, "skipped_one", "nexem-mecs", "1", None, NOW)
        await transaction.execute(
            "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, 'reminder', 'T0', 'd')",
            (youth.id,),
        )
    return youth.id


async def test_raw_database_bytes_hold_no_telegram_id(database: Database, tmp_path) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    await enrol_and_answer(database, pseudonymiser, TELEGRAM_USER_ID)
    found = await find_youth_by_telegram_user(database, pseudonymiser, TELEGRAM_USER_ID)
    assert found is not None
    assert await chat_id_of(database, pseudonymiser, found.id) == CHAT_ID
    files = [path for path in tmp_path.iterdir() if path.name.startswith("voix.db")]
    assert any(path.name.endswith("-wal") for path in files)
    for path in files:
        content = path.read_bytes()
        for encoded in encodings(TELEGRAM_USER_ID):
            assert encoded not in content, f"{path.name} holds the Telegram id as {encoded!r}"


async def test_answers_round_trip_with_skips_as_none(database: Database) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    await enrol_and_answer(database, pseudonymiser, TELEGRAM_USER_ID)
    rows = await database.fetch_all("SELECT question_id, value FROM answers ORDER BY question_id")
    assert {row[0]: decode_answer(row[1]) for row in rows} == {
        "adults": ("educator", "family"),
        "safe_home": "agree",
        "skipped_one": None,
    }


async def test_answering_again_replaces_the_answer(database: Database) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    await enrol_and_answer(database, pseudonymiser, TELEGRAM_USER_ID)
    async with database.transaction() as transaction:
        await save_answer(transaction, 1, "safe_home", "nexem-mecs", "1", "disagree", NOW)
    rows = await database.fetch_all("SELECT value FROM answers WHERE question_id = 'safe_home'")
    assert [decode_answer(row[0]) for row in rows] == ["disagree"]


async def test_erasing_a_youth_removes_contact_answers_and_pending_work(database: Database) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    erased = await enrol_and_answer(database, pseudonymiser, TELEGRAM_USER_ID)
    kept = await enrol_and_answer(database, pseudonymiser, OTHER_USER_ID)
    async with database.transaction() as transaction:
        await erase_youth(transaction, erased, NOW)
    for table, column in [
        ("youth", "id"),
        ("contacts", "youth_id"),
        ("runs", "youth_id"),
        ("scheduled_messages", "youth_id"),
    ]:
        remaining = await database.fetch_all(f"SELECT {column} FROM {table}")
        assert [row[0] for row in remaining] == [kept], table
    answers = await database.fetch_all("SELECT COUNT(*) FROM answers")
    assert answers[0][0] == 3
    assert await find_youth_by_telegram_user(database, pseudonymiser, TELEGRAM_USER_ID) is None
    audit = await database.fetch_all("SELECT action, details FROM audit_log ORDER BY id")
    assert audit[-1][0] == "youth erased"
    # The structure and the wave the youth was in, never who.
    assert json.loads(audit[-1][1]) == {"structure_id": 1, "wave": "T0"}


async def test_failed_transaction_leaves_nothing_half_written(database: Database) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    with pytest.raises(RuntimeError):
        async with database.transaction() as transaction:
            await enrol_youth(transaction, pseudonymiser, 1, TELEGRAM_USER_ID, CHAT_ID, "fr", NOW)
            raise RuntimeError("crash between two writes")
    assert (await database.fetch_all("SELECT COUNT(*) FROM youth"))[0][0] == 0
    assert (await database.fetch_all("SELECT COUNT(*) FROM contacts"))[0][0] == 0
