"""The database schema as numbered migrations, applied in order at start and recorded.

Each migration runs in one transaction and is recorded in ``schema_migrations``; a database
created at any earlier version upgrades by applying the ones it lacks. Never edit a released
migration: add a new one.

Privacy rules the schema encodes: a youth is a random ``pseudonym`` and a short human ``code``;
the Telegram user id exists only as a keyed hash and the chat id only encrypted, both in
``contacts``; answers reference the youth, never a Telegram id; no name of a youth anywhere.
"""

import sqlite3
from dataclasses import dataclass

from storage.errors import NewerDatabaseError, StorageError
from storage.run_answers import ANSWER_APPENDED, ANSWERS_GATHERED


@dataclass(frozen=True)
class Migration:
    """One schema change: its number, a name that says what it does, and its SQL.

    ``rebuilds_tables`` marks SQLite's documented way to change a constraint: create the new
    table, copy, drop, rename. It runs with foreign keys off (a dropped table would otherwise
    cascade to the rows that point at it) and checks them all before committing. Since migration
    10, a rebuild of ``runs`` or ``answers`` must drop the triggers that keep a run's answers
    beside it first (``storage.run_answers.RUN_ANSWERS_TRIGGERS``: the rename fails on them, or a
    dropped ``answers`` takes them along) and create them again after.
    """

    version: int
    name: str
    sql: str
    rebuilds_tables: bool = False


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema",
        """
        CREATE TABLE organisations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE structures (
            id INTEGER PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'MECS',
            created_at TEXT NOT NULL,
            UNIQUE (organisation_id, name)
        );
        CREATE TABLE staff (
            id INTEGER PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            structure_id INTEGER REFERENCES structures(id),
            role TEXT NOT NULL CHECK (role IN ('educator', 'coordinator')),
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE youth (
            id INTEGER PRIMARY KEY,
            pseudonym TEXT NOT NULL UNIQUE,
            code TEXT NOT NULL UNIQUE,
            structure_id INTEGER NOT NULL REFERENCES structures(id),
            locale TEXT NOT NULL DEFAULT 'fr',
            status TEXT NOT NULL DEFAULT 'invited'
                CHECK (status IN ('invited', 'consented', 'declined', 'active', 'completed')),
            notice_version TEXT,
            consented_at TEXT,
            enrolled_at TEXT NOT NULL
        );
        CREATE TABLE contacts (
            youth_id INTEGER PRIMARY KEY REFERENCES youth(id) ON DELETE CASCADE,
            telegram_user_hash BLOB NOT NULL UNIQUE,
            encrypted_chat_id BLOB NOT NULL,
            blocked_at TEXT
        );
        CREATE TABLE invitations (
            id INTEGER PRIMARY KEY,
            token_hash BLOB NOT NULL UNIQUE,
            structure_id INTEGER NOT NULL REFERENCES structures(id),
            wave TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            revoked_at TEXT,
            youth_id INTEGER REFERENCES youth(id) ON DELETE SET NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            youth_id INTEGER NOT NULL REFERENCES youth(id) ON DELETE CASCADE,
            wave TEXT NOT NULL,
            referentiel_id TEXT NOT NULL,
            referentiel_version TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'in_progress'
                CHECK (status IN ('in_progress', 'paused', 'completed')),
            state TEXT NOT NULL DEFAULT '{}',
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            completed_at TEXT,
            UNIQUE (youth_id, wave)
        );
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            referentiel_id TEXT NOT NULL,
            referentiel_version TEXT NOT NULL,
            value TEXT,
            answered_at TEXT NOT NULL,
            UNIQUE (run_id, question_id)
        );
        CREATE INDEX answers_by_question ON answers (referentiel_id, referentiel_version, question_id);
        CREATE TABLE scheduled_messages (
            id INTEGER PRIMARY KEY,
            youth_id INTEGER NOT NULL REFERENCES youth(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            wave TEXT,
            due_at TEXT NOT NULL,
            sent_at TEXT,
            UNIQUE (youth_id, kind, wave, due_at)
        );
        CREATE TABLE processed_updates (
            update_id INTEGER PRIMARY KEY,
            processed_at TEXT NOT NULL
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE key_check (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            fingerprint BLOB NOT NULL
        );
        """,
    ),
    Migration(
        2,
        "remember the question message of a run and find due reminders fast",
        """
        ALTER TABLE runs ADD COLUMN question_message_id INTEGER;
        CREATE INDEX scheduled_messages_pending ON scheduled_messages (sent_at, due_at);
        """,
    ),
    Migration(
        3,
        "at most one follow-up offer per youth and wave",
        """
        CREATE UNIQUE INDEX scheduled_follow_ups_once ON scheduled_messages (youth_id, wave)
            WHERE kind = 'followup';
        """,
    ),
    Migration(
        4,
        "staff: educators and coordinators invited by a single-use link, bound to a Telegram account",
        # Migration 1's staff table was never written: it is replaced. A staff member exists from
        # the invitation (token hash, scope); opening the link binds the keyed hash of the Telegram
        # account. The display name is optional, given by the staff member with their agreement.
        """
        DROP TABLE staff;
        CREATE TABLE staff (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('educator', 'coordinator')),
            scope TEXT NOT NULL CHECK (scope IN ('structures', 'organisation', 'sector')),
            organisation_id INTEGER REFERENCES organisations(id),
            token_hash BLOB NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            bound_at TEXT,
            revoked_at TEXT,
            telegram_user_hash BLOB UNIQUE,
            display_name TEXT,
            locale TEXT,
            awaiting TEXT,
            CHECK ((role = 'educator' AND scope = 'structures' AND organisation_id IS NULL)
                OR (role = 'coordinator' AND scope = 'organisation' AND organisation_id IS NOT NULL)
                OR (role = 'coordinator' AND scope = 'sector' AND organisation_id IS NULL))
        );
        CREATE TABLE staff_structures (
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            structure_id INTEGER NOT NULL REFERENCES structures(id),
            PRIMARY KEY (staff_id, structure_id)
        );
        """,
    ),
    Migration(
        5,
        "each questionnaire remembers the structure the youth was in when it started",
        # A youth may move (``voix admin youth transfer``); their answers keep counting where
        # they were given. Rows written without it (older code, tests) fall back to the youth's.
        """
        ALTER TABLE runs ADD COLUMN structure_id INTEGER REFERENCES structures(id);
        UPDATE runs SET structure_id = (SELECT structure_id FROM youth WHERE youth.id = runs.youth_id);
        """,
    ),
    Migration(
        6,
        "a run may be declined: its youth said no to that questionnaire's notice",
        """
        CREATE TABLE runs_with_declined (
            id INTEGER PRIMARY KEY,
            youth_id INTEGER NOT NULL REFERENCES youth(id) ON DELETE CASCADE,
            wave TEXT NOT NULL,
            referentiel_id TEXT NOT NULL,
            referentiel_version TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'in_progress'
                CHECK (status IN ('in_progress', 'paused', 'completed', 'declined')),
            state TEXT NOT NULL DEFAULT '{}',
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            completed_at TEXT,
            question_message_id INTEGER,
            structure_id INTEGER REFERENCES structures(id),
            UNIQUE (youth_id, wave)
        );
        INSERT INTO runs_with_declined (id, youth_id, wave, referentiel_id, referentiel_version, status,
            state, started_at, updated_at, completed_at, question_message_id, structure_id)
            SELECT id, youth_id, wave, referentiel_id, referentiel_version, status, state, started_at,
                updated_at, completed_at, question_message_id, structure_id FROM runs;
        UPDATE runs_with_declined SET status = 'declined'
            WHERE status = 'in_progress' AND id = (
                SELECT MAX(latest.id) FROM runs_with_declined AS latest
                WHERE latest.youth_id = runs_with_declined.youth_id)
            AND youth_id IN (SELECT id FROM youth WHERE status = 'declined');
        DROP TABLE runs;
        ALTER TABLE runs_with_declined RENAME TO runs
        """,
        rebuilds_tables=True,
    ),
    Migration(
        7,
        "one scheduler: due messages claimed with a lease, and a row for each periodic task",
        """
        ALTER TABLE scheduled_messages ADD COLUMN claimed_at TEXT;
        ALTER TABLE scheduled_messages ADD COLUMN claimed_by TEXT;
        ALTER TABLE scheduled_messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE scheduled_tasks (
            name TEXT PRIMARY KEY,
            due_at TEXT NOT NULL,
            claimed_at TEXT,
            claimed_by TEXT,
            attempts INTEGER NOT NULL DEFAULT 0
        )
        """,
    ),
    Migration(
        8,
        "a staff keyboard answers once: the messages whose buttons a staff member pressed",
        """
        CREATE TABLE staff_used_keyboards (
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            message_id INTEGER NOT NULL,
            used_at TEXT NOT NULL,
            PRIMARY KEY (staff_id, message_id)
        )
        """,
    ),
    Migration(
        9,
        "a staff request is known until its reply is sent: one a crash interrupted is told so, "
        "and its unseen invitations are withdrawn",
        """
        CREATE TABLE staff_replies_pending (
            update_id INTEGER PRIMARY KEY,
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            started_at TEXT NOT NULL
        );
        ALTER TABLE invitations ADD COLUMN staff_update_id INTEGER
        """,
    ),
    Migration(
        10,
        "a run keeps its answers side by side, kept in step by triggers: exports read one row per run",
        f"""
        ALTER TABLE runs ADD COLUMN answer_questions TEXT;
        ALTER TABLE runs ADD COLUMN answer_texts TEXT;
        ALTER TABLE runs ADD COLUMN answer_times TEXT;
        UPDATE runs SET {ANSWERS_GATHERED};
        CREATE TRIGGER runs_answers_after_insert AFTER INSERT ON answers BEGIN
            UPDATE runs SET {ANSWER_APPENDED} WHERE id = NEW.run_id;
        END;
        CREATE TRIGGER runs_answers_after_update AFTER UPDATE ON answers BEGIN
            UPDATE runs SET {ANSWERS_GATHERED} WHERE id IN (OLD.run_id, NEW.run_id);
        END;
        CREATE TRIGGER runs_answers_after_delete AFTER DELETE ON answers BEGIN
            UPDATE runs SET {ANSWERS_GATHERED} WHERE id = OLD.run_id;
        END
        """,
    ),
    Migration(
        11,
        "an invitation withdrawn before anyone saw it says so, whoever withdrew it (a staff reply "
        "that never arrived, QR cards that could not be written): the funnel does not count it",
        """
        ALTER TABLE invitations ADD COLUMN withdrawn_unseen INTEGER NOT NULL DEFAULT 0;
        UPDATE invitations SET withdrawn_unseen = 1
            WHERE revoked_at IS NOT NULL AND (staff_update_id IS NOT NULL OR id IN (
                SELECT withdrawn.value
                FROM audit_log, json_each(audit_log.details, '$.invitation_ids') AS withdrawn
                WHERE audit_log.action = 'invitations revoked' AND json_valid(audit_log.details)
                AND json_extract(audit_log.details, '$.reason') = 'QR cards not written'))
        """,
    ),
)

# Numbers may leave gaps (ranges are shared out between parallel changes): the latest is the highest.
LATEST_VERSION = max(migration.version for migration in MIGRATIONS)


def current_version(connection: sqlite3.Connection) -> int:
    """Return the highest applied migration number (0 for a new database). Read-only."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = connection.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def apply_migrations(connection: sqlite3.Connection, up_to: int = LATEST_VERSION, now: str = "") -> list[int]:
    """Apply every missing migration up to ``up_to``, each in its own transaction; return those applied."""
    applied: list[int] = []
    version = current_version(connection)
    if version > LATEST_VERSION:
        raise NewerDatabaseError(
            f"The database is at schema version {version}, newer than this Voix ({LATEST_VERSION}): "
            "upgrade Voix before opening it."
        )
    done = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
    # By the set applied, not the highest number: a lower-numbered migration merged later still runs.
    for migration in sorted(MIGRATIONS, key=lambda migration: migration.version):
        if migration.version in done or migration.version > up_to:
            continue
        _apply(connection, migration, now or _utc_now())
        applied.append(migration.version)
    return applied


def _apply(connection: sqlite3.Connection, migration: Migration, now: str) -> None:
    """Apply one migration in one transaction and record it; roll back and explain on failure."""
    foreign_keys = connection.execute("PRAGMA foreign_keys").fetchone()[0]
    if migration.rebuilds_tables:
        connection.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction
    try:
        connection.execute("BEGIN IMMEDIATE")
        for statement in _statements(migration.sql):
            connection.execute(statement)
        broken = connection.execute("PRAGMA foreign_key_check").fetchone()
        if broken is not None:
            raise sqlite3.IntegrityError(f"a row of {broken[0]} points at a missing {broken[2]}")
        connection.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            (migration.version, migration.name, now),
        )
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        connection.execute("ROLLBACK")
        raise StorageError(
            f"Migration {migration.version} ({migration.name}) failed: {error}. "
            "The database was left at the previous version."
        ) from error
    finally:
        connection.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (migrations hold no semicolons inside literals; a
    trigger's body, whose statements end with one, stays whole)."""
    statements: list[str] = []
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip().removesuffix(";").strip())
    return [statement for statement in statements if statement]


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
