"""``voix admin youth list``: codes and whether each wave was answered — never an answer."""

import json

import pytest


@pytest.fixture
def structure(admin, connection):
    admin("org", "add", "ALEFPA")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    admin("structure", "add", "--org", "ALEFPA", "Foyer du Port")
    for youth_id, code, structure_id, status in [
        (1, "K7M-3QF", 1, "completed"),
        (2, "ABC-234", 1, "active"),
        (3, "ZZZ-999", 1, "invited"),
        (4, "OTH-ERS", 2, "active"),
    ]:
        connection.execute(
            "INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at) "
            "VALUES (?, ?, ?, ?, ?, 'x')",
            (youth_id, f"pseudonym-{youth_id}", code, structure_id, status),
        )
    for youth_id, wave, status in [(1, "T0", "completed"), (1, "T1", "paused"), (2, "T0", "in_progress")]:
        run_id = connection.execute(
            "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, status, "
            "started_at, updated_at) VALUES (?, ?, 'voix-mecs', '1', ?, 'x', 'x')",
            (youth_id, wave, status),
        ).lastrowid
        connection.execute(
            "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
            "answered_at) VALUES (?, 'safe_home', 'voix-mecs', '1', '\"strongly_disagree\"', 'x')",
            (run_id,),
        )
    connection.commit()
    return "MECS Bellevue"


def test_youth_list_shows_codes_and_progress_only(admin, structure):
    result = admin("youth", "list", "--structure", structure)
    assert result.out == (
        "code     status     T0           T1\n"
        "ABC-234  active     in progress  not started\n"
        "K7M-3QF  completed  completed    in progress\n"
        "ZZZ-999  invited    not started  not started\n"
    )
    assert "disagree" not in result.out
    assert json.loads(admin("youth", "list", "--structure", "2", "--json").out) == [
        {"code": "OTH-ERS", "status": "active", "T0": "not started", "T1": "not started"}
    ]


def test_an_empty_structure_lists_nobody(admin, structure):
    admin("structure", "add", "--org", "ALEFPA", "Vide")
    assert admin("youth", "list", "--structure", "Vide").out == "code  status  T0  T1\n"
