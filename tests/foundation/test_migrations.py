"""Schema migrations: applied once, recorded, and every earlier version upgrades cleanly."""

import sqlite3

import pytest

from storage.database import migrate, open_sync_connection
from storage.errors import StorageError
from storage.migrations import LATEST_VERSION, MIGRATIONS, apply_migrations, current_version

EXPECTED_TABLES = {
    "organisations",
    "structures",
    "staff",
    "staff_structures",
    "youth",
    "contacts",
    "invitations",
    "runs",
    "answers",
    "scheduled_messages",
    "scheduled_tasks",
    "processed_updates",
    "audit_log",
    "key_check",
    "schema_migrations",
}


def tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def test_new_database_reaches_latest_version_with_every_table(tmp_path) -> None:
    path = tmp_path / "voix.db"
    migrate(path, create=True)
    connection = open_sync_connection(path, create=True)
    assert current_version(connection) == LATEST_VERSION
    assert tables(connection) >= EXPECTED_TABLES
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrating_twice_applies_nothing_the_second_time(tmp_path) -> None:
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    assert apply_migrations(connection) == [migration.version for migration in MIGRATIONS]
    assert apply_migrations(connection) == []


@pytest.mark.parametrize("earlier", [0, *(migration.version for migration in MIGRATIONS)])
def test_database_at_every_earlier_version_upgrades(tmp_path, earlier: int) -> None:
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection, up_to=earlier)
    assert current_version(connection) == earlier
    apply_migrations(connection)
    assert current_version(connection) == LATEST_VERSION
    assert tables(connection) >= EXPECTED_TABLES
    recorded = [row[0] for row in connection.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert recorded == [migration.version for migration in MIGRATIONS]


def test_database_from_a_newer_voix_is_refused(tmp_path) -> None:
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection)
    connection.execute(
        "INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01')", (LATEST_VERSION + 1,)
    )
    with pytest.raises(StorageError, match="newer than this Voix") as refused:
        apply_migrations(connection)
    assert refused.value.exit_code == 2  # the user's to act on: upgrade Voix


def test_a_database_another_program_holds_is_said_busy_not_unreadable(tmp_path) -> None:
    path = tmp_path / "voix.db"
    migrate(path, create=True)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")  # another program writing, for longer than the wait
    try:
        with pytest.raises(StorageError) as raised:
            open_sync_connection(path)
        assert raised.value.message == (
            f"the database {path} is busy with another program's change: run the command again in a moment"
        )
    finally:
        holder.close()


def test_unopenable_path_names_the_setting(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StorageError, match="check VOIX_DB"):
        open_sync_connection(blocker / "voix.db", create=True)


def test_runs_may_be_declined_after_migration_4_and_nothing_is_lost_by_the_rebuild(tmp_path) -> None:
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection, up_to=3)
    connection.executescript(
        """
        INSERT INTO organisations VALUES (1, 'Org', 'x');
        INSERT INTO structures VALUES (1, 1, 'MECS', 'MECS', 'x');
        INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at)
            VALUES (1, 'p1', 'C1', 1, 'declined', 'x'), (2, 'p2', 'C2', 1, 'active', 'x');
        INSERT INTO runs (id, youth_id, wave, referentiel_id, referentiel_version, status, started_at,
            updated_at, completed_at, question_message_id)
            VALUES (1, 1, 'T0', 'r', '1', 'completed', 'x', 'x', 'x', 5),
                   (2, 1, 'T1', 'r', '1', 'in_progress', 'x', 'x', NULL, 6),
                   (3, 2, 'T0', 'r', '1', 'in_progress', 'x', 'x', NULL, NULL);
        INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, answered_at)
            VALUES (1, 'q', 'r', '1', '"a"', 'x'), (3, 'q', 'r', '1', '"b"', 'x');
        """
    )
    apply_migrations(connection)
    runs = connection.execute("SELECT id, status, question_message_id FROM runs ORDER BY id").fetchall()
    # The T1 notice Youth 1 said no to is declined; their T0 and Youth 2's run keep their status.
    assert runs == [(1, "completed", 5), (2, "declined", 6), (3, "in_progress", None)]
    assert connection.execute("SELECT run_id FROM answers ORDER BY run_id").fetchall() == [(1,), (3,)]
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    connection.execute("DELETE FROM youth WHERE id = 2")  # the foreign keys still cascade
    assert connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1


def test_invitations_a_staff_reply_withdrew_unseen_are_marked_so_by_migration_11(tmp_path) -> None:
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection, up_to=10)
    connection.executescript(
        """
        INSERT INTO organisations VALUES (1, 'Org', 'x');
        INSERT INTO structures VALUES (1, 1, 'MECS', 'MECS', 'x');
        INSERT INTO invitations (token_hash, structure_id, wave, created_at, expires_at, revoked_at,
            staff_update_id)
            VALUES ('a', 1, 'T0', 'x', 'y', 'x', 41), ('b', 1, 'T0', 'x', 'y', 'x', NULL),
                   ('c', 1, 'T0', 'x', 'y', NULL, 42), ('d', 1, 'T0', 'x', 'y', 'x', NULL),
                   ('e', 1, 'T0', 'x', 'y', 'x', NULL);
        INSERT INTO audit_log (at, actor, action, details) VALUES
            ('x', 'admin', 'invitations revoked',
                '{"invitation_ids": [4, 5], "reason": "QR cards not written"}'),
            ('x', 'admin', 'invitation revoked', '{"invitation_id": 2}'),
            ('x', 'admin', 'invitations revoked', 'edited by hand');
        """
    )
    apply_migrations(connection)
    # Withdrawn by a reply that never arrived; revoked after it was handed out; on its way; two
    # whose QR cards the CLI could not write (its audit entry names them).
    assert connection.execute("SELECT withdrawn_unseen FROM invitations ORDER BY id").fetchall() == [
        (1,),
        (0,),
        (0,),
        (1,),
        (1,),
    ]
