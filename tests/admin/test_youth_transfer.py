"""``voix admin youth transfer``: same pseudonym and history; each questionnaire counts where it started."""

import json
import sqlite3


def seed(connection: sqlite3.Connection, admin) -> None:
    admin("org", "add", "ALEFPA")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    admin("structure", "add", "--org", "ALEFPA", "Foyer du Port")
    connection.execute(
        "INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at) VALUES "
        "(1, 'pseudonym-1', 'K7M-3QF', 1, 'active', 'x')"
    )
    connection.execute(
        "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, status, started_at, "
        "updated_at, structure_id) VALUES (1, 'T0', 'voix-mecs', '1', 'completed', 'x', 'x', 1), "
        "(1, 'T1', 'voix-mecs', '1', 'in_progress', 'x', 'x', 1)"
    )
    connection.commit()


def test_transfer_moves_the_youth_and_keeps_pseudonym_history_and_where_answers_count(admin, connection):
    seed(connection, admin)
    result = admin("youth", "transfer", "k7m-3qf", "--to", "Foyer du Port")
    assert result.exit_code == 0
    assert result.out == (
        "code: K7M-3QF\n"
        "from: MECS Bellevue\n"
        "to: Foyer du Port\n"
        "questionnaire_in_progress: yes\n"
        "The questionnaire under way keeps counting for MECS Bellevue, where it was started; "
        "the next ones count for Foyer du Port.\n"
    )
    assert connection.execute("SELECT pseudonym, structure_id FROM youth").fetchall() == [("pseudonym-1", 2)]
    assert connection.execute("SELECT wave, structure_id FROM runs ORDER BY id").fetchall() == [
        ("T0", 1),
        ("T1", 1),
    ]
    [(actor, details)] = connection.execute(
        "SELECT actor, details FROM audit_log WHERE action = 'youth transferred'"
    ).fetchall()
    assert (actor, json.loads(details)) == ("admin-cli", {"from_structure_id": 1, "to_structure_id": 2})
    assert "K7M" not in details
    # The educators of the new structure see the youth; those of the old one no longer do.
    assert "K7M-3QF" in admin("youth", "list", "--structure", "Foyer du Port").out
    assert "K7M-3QF" not in admin("youth", "list", "--structure", "MECS Bellevue").out


def test_transfer_refuses_an_unknown_code_or_structure_and_the_same_structure(admin, connection):
    seed(connection, admin)
    unknown = admin("youth", "transfer", "ZZZ-999", "--to", "2")
    assert (unknown.exit_code, unknown.err) == (
        2,
        "voix: no youth with code 'ZZZ-999': see `voix admin youth list`\n",
    )
    nowhere = admin("youth", "transfer", "K7M-3QF", "--to", "Nulle part")
    assert nowhere.exit_code == 2 and "no structure 'Nulle part'" in nowhere.err
    same = admin("youth", "transfer", "K7M-3QF", "--to", "MECS Bellevue", "--json")
    assert (same.exit_code, same.err) == (2, "voix: K7M-3QF is already in MECS Bellevue: nothing to do\n")
    assert connection.execute("SELECT structure_id FROM youth").fetchall() == [(1,)]
    assert connection.execute(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'youth transferred'"
    ).fetchone() == (0,)


def test_each_questionnaire_counts_for_the_structure_where_it_was_started(admin, dataset, connection):
    def counts() -> dict[tuple[str, int | None, str], int]:
        rows = json.loads(admin("export", "scores", "--format", "json").out)["rows"]
        first = rows[0]["indicator"]
        return {
            (row["level"], row["group_id"], row["wave"]): row["n"]
            for row in rows
            if row["indicator"] == first and row["unit"] != "percent_improved"
        }

    before = counts()
    # A youth of structure 1 who answered T0 only moves to structure 2, then answers T1 there.
    youth_id, code = connection.execute(
        "SELECT youth.id, code FROM youth WHERE structure_id = 1 AND "
        "(SELECT COUNT(*) FROM runs WHERE youth_id = youth.id) = 1 ORDER BY youth.id LIMIT 1"
    ).fetchone()
    assert admin("youth", "transfer", code, "--to", "2").exit_code == 0
    t0_run = connection.execute("SELECT id FROM runs WHERE youth_id = ?", (youth_id,)).fetchone()[0]
    connection.execute(
        "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, status, started_at, "
        "updated_at, structure_id) SELECT youth_id, 'T1', referentiel_id, referentiel_version, "
        "'completed', started_at, updated_at, 2 FROM runs WHERE id = ?",
        (t0_run,),
    )
    connection.execute(
        "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, answered_at) "
        "SELECT last_insert_rowid(), question_id, referentiel_id, referentiel_version, value, answered_at "
        "FROM answers WHERE run_id = ?",
        (t0_run,),
    )
    connection.commit()
    after = counts()
    assert after[("structure", 1, "T0")] == before[("structure", 1, "T0")]
    assert after[("structure", 2, "T1")] == before[("structure", 2, "T1")] + 1
    assert after[("structure", 1, "T1")] == before[("structure", 1, "T1")]
    # Answered in two structures: no change counted anywhere, so T0, T1 and change stay consistent.
    assert after[("structure", 2, "change")] == before[("structure", 2, "change")]
    assert after[("sector", None, "change")] == before[("sector", None, "change")]
    assert after[("sector", None, "T1")] == before[("sector", None, "T1")] + 1


def test_moved_on_the_questionnaire_under_way_is_named_where_it_began(admin, connection):
    # A reviewer's find: moved back to where its questionnaire began, the youth was told it
    # « keeps counting for » the structure it was leaving.
    seed(connection, admin)
    admin("structure", "add", "--org", "ALEFPA", "Villa Sud")
    assert admin("youth", "transfer", "K7M-3QF", "--to", "Foyer du Port").exit_code == 0
    onwards = admin("youth", "transfer", "K7M-3QF", "--to", "Villa Sud")
    assert onwards.exit_code == 0
    assert onwards.out.endswith(
        "The questionnaire under way keeps counting for MECS Bellevue, where it was started; "
        "the next ones count for Villa Sud.\n"
    )
    # Back where it began: everything counts there, nothing to warn of.
    back = admin("youth", "transfer", "K7M-3QF", "--to", "MECS Bellevue")
    assert back.exit_code == 0 and "under way" not in back.out


def test_a_declined_questionnaire_is_not_under_way(admin, connection):
    seed(connection, admin)
    connection.execute("UPDATE runs SET status = 'declined' WHERE wave = 'T1'")
    connection.commit()
    moved = admin("youth", "transfer", "K7M-3QF", "--to", "Foyer du Port")
    assert moved.exit_code == 0
    assert "questionnaire_in_progress: no" in moved.out and "under way" not in moved.out
