"""Retention: youth enrolled before the cut-off are erased in one transaction, audited with counts only."""

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from referentiel.loading import current_referentiel
from storage.database import Database
from storage.pseudonymisation import Pseudonymiser
from storage.retention import purge_expired_youth, retention_cutoff
from storage.runs import create_run
from storage.youth_records import YouthRecord, enrol_youth, save_answer
from voix.errors import SettingsError
from voix.settings import load_settings

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
CUTOFF = datetime(2024, 11, 26, 10, 0, tzinfo=UTC)  # 24 months before NOW
TWENTY_FOUR_MONTHS_AND_A_DAY_AGO = datetime(2024, 11, 25, 10, 0, tzinfo=UTC)
TWENTY_THREE_MONTHS_AGO = datetime(2024, 12, 26, 10, 0, tzinfo=UTC)


async def enrol_with_answers(database: Database, user_id: int, enrolled_at: datetime) -> YouthRecord:
    """Enrol a youth through an invitation at ``enrolled_at``, with 3 answers and a pending reminder."""
    referentiel = current_referentiel()
    async with database.transaction() as transaction:
        youth = await enrol_youth(
            transaction, Pseudonymiser(bytes(range(32))), 1, user_id, user_id, "fr", enrolled_at
        )
        await transaction.execute(
            "INSERT INTO invitations (token_hash, structure_id, wave, created_at, expires_at, used_at, "
            "youth_id) VALUES (?, 1, 'T0', 'x', 'x', 'x', ?)",
            (f"token of {user_id}".encode(), youth.id),
        )
        run = await create_run(transaction, youth.id, "T0", referentiel, enrolled_at)
        for question in referentiel.questions[:3]:
            await save_answer(
                transaction, run.id, question.id, referentiel.id, str(referentiel.version), None, enrolled_at
            )
        await transaction.execute(
            "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, 'reminder', 'T0', 'd')",
            (youth.id,),
        )
    return youth


async def youth_ids_in(database: Database, table: str, column: str = "youth_id") -> list[int]:
    return [row[0] for row in await database.fetch_all(f"SELECT {column} FROM {table} ORDER BY 1")]


async def audit_entries(database: Database) -> list[tuple[str, str, dict[str, object]]]:
    rows = await database.fetch_all("SELECT actor, action, details FROM audit_log ORDER BY id")
    return [(row[0], row[1], json.loads(row[2])) for row in rows]


@pytest.mark.parametrize(
    ("now", "months", "expected"),
    [
        (NOW, 24, CUTOFF),
        (NOW, 1, datetime(2026, 10, 26, 10, 0, tzinfo=UTC)),
        (datetime(2026, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 8, 0, tzinfo=UTC)),
        (datetime(2029, 2, 28, 8, 0, tzinfo=UTC), 12, datetime(2028, 2, 28, 8, 0, tzinfo=UTC)),
        (datetime(2027, 1, 15, 8, 0, tzinfo=UTC), 13, datetime(2025, 12, 15, 8, 0, tzinfo=UTC)),
    ],
)
def test_the_cutoff_is_calendar_months_before_now(now: datetime, months: int, expected: datetime) -> None:
    assert retention_cutoff(now, months) == expected


async def test_a_youth_enrolled_24_months_and_a_day_ago_is_erased_and_one_of_23_months_kept(
    database: Database,
) -> None:
    expired = await enrol_with_answers(database, 7_100_000_001, TWENTY_FOUR_MONTHS_AND_A_DAY_AGO)
    kept = await enrol_with_answers(database, 7_100_000_002, TWENTY_THREE_MONTHS_AGO)

    purge = await purge_expired_youth(database, NOW, 24, "bot")

    assert (purge.youth_erased, purge.answers_removed, purge.enrolled_before) == (1, 3, CUTOFF)
    assert await youth_ids_in(database, "youth", "id") == [kept.id]
    for table in ("contacts", "runs", "scheduled_messages"):
        assert await youth_ids_in(database, table) == [kept.id], table
    remaining_answers = await database.fetch_all(
        "SELECT DISTINCT runs.youth_id FROM answers JOIN runs ON runs.id = answers.run_id"
    )
    assert [row[0] for row in remaining_answers] == [kept.id]
    assert (await database.fetch_one("SELECT COUNT(*) FROM answers"))[0] == 3  # type: ignore[index]
    # The invitation stays (it was used) but no longer points at anyone.
    invitations = await database.fetch_all("SELECT youth_id FROM invitations ORDER BY id")
    assert [row[0] for row in invitations] == [None, kept.id]
    assert expired.id != kept.id


async def test_a_youth_enrolled_exactly_at_the_cutoff_is_kept(database: Database) -> None:
    youth = await enrol_with_answers(database, 7_100_000_003, CUTOFF)
    purge = await purge_expired_youth(database, NOW, 24, "bot")
    assert (purge.youth_erased, purge.answers_removed) == (0, 0)
    assert await youth_ids_in(database, "youth", "id") == [youth.id]


async def test_a_shorter_retention_erases_earlier(database: Database) -> None:
    await enrol_with_answers(database, 7_100_000_004, TWENTY_THREE_MONTHS_AGO)
    purge = await purge_expired_youth(database, NOW, 12, "bot")
    assert (purge.youth_erased, purge.answers_removed) == (1, 3)
    assert await youth_ids_in(database, "youth", "id") == []


async def test_the_audit_entry_holds_counts_and_the_cutoff_only(database: Database) -> None:
    expired = await enrol_with_answers(database, 7_100_000_005, TWENTY_FOUR_MONTHS_AND_A_DAY_AGO)
    await purge_expired_youth(database, NOW, 24, "bot")
    entries = await audit_entries(database)
    # Each erasure is audited (without identity) under the purge's actor; the purge adds one summary.
    assert entries[-2:] == [
        ("bot", "youth erased", {"structure_id": 1, "wave": "T0"}),
        (
            "bot",
            "retention purge",
            {"answers_removed": 3, "enrolled_before": "2024-11-26T10:00:00+00:00", "youth_erased": 1},
        ),
    ]
    audit_text = json.dumps(await database.fetch_all("SELECT * FROM audit_log"), default=str)
    assert expired.pseudonym not in audit_text and expired.code not in audit_text


async def test_a_dry_run_counts_the_same_and_changes_nothing(database: Database) -> None:
    await enrol_with_answers(database, 7_100_000_006, TWENTY_FOUR_MONTHS_AND_A_DAY_AGO)
    before = await audit_entries(database)
    purge = await purge_expired_youth(database, NOW, 24, "admin-cli", dry_run=True)
    assert (purge.youth_erased, purge.answers_removed, purge.dry_run) == (1, 3, True)
    assert len(await youth_ids_in(database, "youth", "id")) == 1
    assert (await database.fetch_one("SELECT COUNT(*) FROM answers"))[0] == 3  # type: ignore[index]
    assert await audit_entries(database) == before


async def test_a_purge_with_nobody_expired_writes_nothing(database: Database) -> None:
    await enrol_with_answers(database, 7_100_000_007, TWENTY_THREE_MONTHS_AGO)
    before = await audit_entries(database)
    purge = await purge_expired_youth(database, NOW, 24, "bot")
    assert (purge.youth_erased, purge.answers_removed) == (0, 0)
    assert await audit_entries(database) == before


async def test_a_failure_midway_erases_nobody(database: Database) -> None:
    first = await enrol_with_answers(database, 7_100_000_008, TWENTY_FOUR_MONTHS_AND_A_DAY_AGO)
    second = await enrol_with_answers(database, 7_100_000_009, TWENTY_FOUR_MONTHS_AND_A_DAY_AGO)
    async with database.transaction() as transaction:
        await transaction.execute(
            f"CREATE TRIGGER refuse_second BEFORE DELETE ON youth WHEN old.id = {second.id} "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    with pytest.raises(sqlite3.IntegrityError):
        await purge_expired_youth(database, NOW, 24, "bot")
    assert await youth_ids_in(database, "youth", "id") == [first.id, second.id]
    assert (await database.fetch_one("SELECT COUNT(*) FROM answers"))[0] == 6  # type: ignore[index]
    assert [entry[1] for entry in await audit_entries(database)].count("retention purge") == 0


async def test_after_the_purge_the_database_files_no_longer_hold_the_pseudonym(
    database: Database, tmp_path: Path
) -> None:
    expired = await enrol_with_answers(database, 7_100_000_010, TWENTY_FOUR_MONTHS_AND_A_DAY_AGO)
    secrets = (expired.pseudonym.encode(), expired.code.encode())
    assert all(secret in database_bytes(tmp_path) for secret in secrets)  # the check can see them

    await purge_expired_youth(database, NOW, 24, "bot")

    # Still open, as in the running bot: neither the file nor its write-ahead log keeps a copy.
    assert (tmp_path / "voix.db-wal").exists()
    content = database_bytes(tmp_path)
    assert [secret for secret in secrets if secret in content] == []


def database_bytes(directory: Path) -> bytes:
    """Every byte of the database file and its write-ahead log and index, if any."""
    return b"".join(path.read_bytes() for path in sorted(directory.glob("voix.db*")))


def test_retention_defaults_to_the_24_months_the_notice_promises() -> None:
    assert load_settings(_env_file=None).retention_months == 24
    assert load_settings(retention_months=1, _env_file=None).retention_months == 1


@pytest.mark.parametrize("months", [0, 25, -3])
def test_a_retention_outside_1_to_24_months_names_the_variable(months: int) -> None:
    with pytest.raises(SettingsError, match=r"^VOIX_RETENTION_MONTHS is invalid: .*expected 1 to 24 months"):
        load_settings(retention_months=months, _env_file=None)
