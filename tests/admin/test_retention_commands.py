"""``voix admin retention purge``: erase youth past the retention period and print counts only."""

import json

import pytest

from admin.context import AdminContext
from voix.settings import load_settings

EXPIRED = "2024-11-25T10:00:00+00:00"  # 24 months and a day before the tests' clock (2026-11-26 10:00)
RECENT = "2024-12-26T10:00:00+00:00"  # 23 months before


@pytest.fixture
def youth(admin, connection):
    """Two youth enrolled 24 months and a day ago (2 and 1 answers), one 23 months ago (1 answer)."""
    admin("org", "add", "ALEFPA")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    for youth_id, enrolled_at, answered in [(1, EXPIRED, 2), (2, EXPIRED, 1), (3, RECENT, 1)]:
        connection.execute(
            "INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at) "
            "VALUES (?, ?, ?, 1, 'completed', ?)",
            (youth_id, f"pseudonym-{youth_id}", f"COD-00{youth_id}", enrolled_at),
        )
        connection.execute(
            "INSERT INTO contacts (youth_id, telegram_user_hash, encrypted_chat_id) VALUES (?, ?, x'00')",
            (youth_id, f"hash-{youth_id}".encode()),
        )
        run_id = connection.execute(
            "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, status, "
            "started_at, updated_at) VALUES (?, 'T0', 'voix-mecs', '1', 'completed', 'x', 'x')",
            (youth_id,),
        ).lastrowid
        for question in ("safe_home", "adults")[:answered]:
            connection.execute(
                "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
                "answered_at) VALUES (?, ?, 'voix-mecs', '1', '\"agree\"', 'x')",
                (run_id, question),
            )
    connection.commit()


def remaining(connection) -> dict[str, list[int]]:
    return {
        "youth": [row[0] for row in connection.execute("SELECT id FROM youth ORDER BY id")],
        "contacts": [row[0] for row in connection.execute("SELECT youth_id FROM contacts ORDER BY 1")],
        "answers": [
            row[0]
            for row in connection.execute(
                "SELECT runs.youth_id FROM answers JOIN runs ON runs.id = answers.run_id ORDER BY 1"
            )
        ],
    }


def purge_entries(connection) -> list[tuple[str, dict[str, object]]]:
    rows = connection.execute("SELECT actor, details FROM audit_log WHERE action = 'retention purge'")
    return [(actor, json.loads(details)) for actor, details in rows]


def test_purge_erases_the_expired_youth_and_prints_counts_only(admin, youth, connection):
    result = admin("retention", "purge")
    assert (result.exit_code, result.err) == (0, "")
    assert result.out == (
        "retention months: 24\n"
        "enrolled before: 2024-11-26T10:00:00+00:00\n"
        "youth erased: 2\n"
        "answers removed: 3\n"
    )
    assert remaining(connection) == {"youth": [3], "contacts": [3], "answers": [3]}
    assert purge_entries(connection) == [
        (
            "admin-cli",
            {"answers_removed": 3, "enrolled_before": "2024-11-26T10:00:00+00:00", "youth_erased": 2},
        )
    ]
    # Run again: nobody left to erase, nothing written.
    assert admin("retention", "purge").out.endswith("youth erased: 0\nanswers removed: 0\n")
    assert len(purge_entries(connection)) == 1


def test_dry_run_prints_what_would_go_and_changes_nothing(admin, youth, connection):
    before = remaining(connection)
    result = admin("retention", "purge", "--dry-run")
    assert (result.exit_code, result.err) == (0, "")
    assert result.out == (
        "retention months: 24\n"
        "enrolled before: 2024-11-26T10:00:00+00:00\n"
        "youth to erase: 2\n"
        "answers to remove: 3\n"
        "dry run: nothing was erased\n"
    )
    assert (
        remaining(connection)
        == before
        == {"youth": [1, 2, 3], "contacts": [1, 2, 3], "answers": [1, 1, 2, 3]}
    )
    assert purge_entries(connection) == []


def test_json_in_both_modes(admin, youth, connection):
    assert json.loads(admin("retention", "purge", "--dry-run", "--json").out) == {
        "retention_months": 24,
        "enrolled_before": "2024-11-26T10:00:00+00:00",
        "youth_to_erase": 2,
        "answers_to_remove": 3,
        "dry_run": True,
    }
    assert json.loads(admin("retention", "purge", "--json").out) == {
        "retention_months": 24,
        "enrolled_before": "2024-11-26T10:00:00+00:00",
        "youth_erased": 2,
        "answers_removed": 3,
        "dry_run": False,
    }
    assert remaining(connection)["youth"] == [3]


def test_a_shorter_retention_setting_moves_the_cutoff(admin_with, youth, database_path, clock, connection):
    settings = load_settings(db=database_path, retention_months=12, _env_file=None)
    result = admin_with(AdminContext(settings=lambda: settings, clock=clock))("retention", "purge")
    assert result.out == (
        "retention months: 12\n"
        "enrolled before: 2025-11-26T10:00:00+00:00\n"
        "youth erased: 3\n"
        "answers removed: 4\n"
    )
    assert remaining(connection) == {"youth": [], "contacts": [], "answers": []}


def test_the_group_alone_prints_its_help(admin):
    result = admin("retention")
    assert result.exit_code == 2
    assert "youth are erased VOIX_RETENTION_MONTHS after enrolment" in result.out
    assert "purge" in result.out
