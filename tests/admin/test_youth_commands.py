"""``voix admin youth list``: where each youth is, in words that match what happened — never an answer."""

import json
from datetime import timedelta

import pytest

from conversations.navigation import progress
from conversations.state import ConversationState, Phase
from referentiel.loading import current_referentiel
from tests.admin.conftest import NOW

REFERENTIEL = current_referentiel()
FIRST, SECOND, THIRD = (question.id for question in REFERENTIEL.questions[:3])


def state(
    phase: Phase,
    question_id: str | None = None,
    resume: Phase | None = None,
    answered: int = 0,
    **given: str,
) -> str:
    answers = {question.id: None for question in REFERENTIEL.questions[:answered]}  # skipped: no value
    return ConversationState(phase, question_id, {**answers, **given}, (), resume).to_json()


@pytest.fixture
def structure(admin, connection):
    admin("org", "add", "ALEFPA")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    admin("structure", "add", "--org", "ALEFPA", "Foyer du Port")
    youth = [
        # id, code, structure, youth status, runs: (wave, run status, state)
        (1, "AAA-111", 1, "invited", [("T0", "in_progress", state(Phase.CONSENT))]),
        (2, "BBB-222", 1, "declined", [("T0", "in_progress", state(Phase.DECLINED))]),
        (3, "CCC-333", 1, "active", [("T0", "in_progress", state(Phase.QUESTIONNAIRE, THIRD, answered=2))]),
        (4, "DDD-444", 1, "active", [("T0", "paused", state(Phase.PAUSED, SECOND, Phase.QUESTIONNAIRE, 1))]),
        (
            5,
            "EEE-555",
            1,
            "completed",
            [
                ("T0", "completed", state(Phase.COMPLETED)),
                ("T1", "in_progress", state(Phase.CONFIRMING_STOP, FIRST, Phase.QUESTIONNAIRE)),
            ],
        ),
        (6, "FFF-666", 1, "completed", [("T0", "completed", state(Phase.COMPLETED))]),
        (7, "OTH-ERS", 2, "active", [("T0", "in_progress", state(Phase.QUESTIONNAIRE, FIRST))]),
    ]
    for youth_id, code, structure_id, status, runs in youth:
        add_youth(connection, youth_id, code, structure_id, status, runs)
    connection.execute(
        "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at, sent_at) VALUES "
        "(6, 'followup', 'T1', 'x', 'x'), (6, 'followup', 'exit', 'y', NULL)"
    )
    later = (NOW + timedelta(days=3)).isoformat()
    earlier = (NOW - timedelta(days=3)).isoformat()
    connection.execute(
        "INSERT INTO invitations "
        "(token_hash, structure_id, wave, created_at, expires_at, used_at, revoked_at) VALUES "
        "(x'01', 1, 'T0', 'x', ?, NULL, NULL), (x'02', 1, 'T0', 'x', ?, NULL, NULL), "
        "(x'03', 1, 'T0', 'x', ?, NULL, NULL), (x'04', 1, 'T0', 'x', ?, NULL, 'x'), "
        "(x'05', 2, 'T0', 'x', ?, NULL, NULL)",
        (later, later, earlier, later, later),
    )
    connection.execute(
        "INSERT INTO audit_log (at, actor, action, details) VALUES "
        "('x', 'youth', 'youth erased', '{\"structure_id\": 1}'), "
        "('x', 'bot', 'youth erased', '{\"structure_id\": 2}'), ('x', 'youth', 'youth erased', '{}')"
    )
    connection.commit()
    return "MECS Bellevue"


def add_youth(connection, youth_id, code, structure_id, status, runs):
    """A youth, their contact (youth 6 blocked the bot) and their runs, each with one answer."""
    connection.execute(
        "INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at) "
        "VALUES (?, ?, ?, ?, ?, 'x')",
        (youth_id, f"pseudonym-{youth_id}", code, structure_id, status),
    )
    connection.execute(
        "INSERT INTO contacts (youth_id, telegram_user_hash, encrypted_chat_id, blocked_at) "
        "VALUES (?, ?, x'00', ?)",
        (youth_id, bytes([youth_id]), "x" if youth_id == 6 else None),
    )
    for wave, run_status, stored_state in runs:
        run_id = connection.execute(
            "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, status, state, "
            "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'x')",
            (youth_id, wave, REFERENTIEL.id, str(REFERENTIEL.version), run_status, stored_state, wave),
        ).lastrowid
        connection.execute(
            "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
            "answered_at) VALUES (?, ?, ?, ?, '\"strongly_disagree\"', 'x')",
            (run_id, FIRST, REFERENTIEL.id, str(REFERENTIEL.version)),
        )


def test_youth_list_says_where_each_youth_is_never_what_they_answered(admin, structure):
    # How far: the share of the 30 questions every youth of version 2 is asked (8 more are asked
    # after some answers only) behind the current one: 2 behind THIRD, 1 behind SECOND.
    assert sum(question.condition is None for question in REFERENTIEL.questions) == 30
    result = admin("youth", "list", "--structure", structure)
    rows = [line.split("  ") for line in result.out.splitlines()]
    assert [[cell.strip() for cell in row if cell.strip()] for row in rows] == [
        ["code", "status", "T0", "T1", "exit", "bot"],
        ["AAA-111", "notice shown", "notice shown", "not started", "not started"],
        ["BBB-222", "declined", "declined", "not started", "not started"],
        ["CCC-333", "answering 6%", "answering 6%", "not started", "not started"],
        ["DDD-444", "paused 3%", "paused 3%", "not started", "not started"],
        ["EEE-555", "answering 0%", "completed", "answering 0%", "not started"],
        ["FFF-666", "completed", "completed", "offered", "offer queued", "blocked"],
        [],
        ["invited, link not opened: 2"],
        ["erased (at their request or by retention): 1"],
    ]
    assert "disagree" not in result.out and "in progress" not in result.out


def test_how_far_a_youth_is_tells_nothing_of_their_answers(admin, structure, connection):
    # Two youth at one point of the questionnaire: one has adults to call and is asked who helps
    # (a question asked after that answer only); the other has none and is asked the next one.
    # What each of them sees differs (24/31 and 24/30); what staff read must not.
    before = REFERENTIEL.questions.index(REFERENTIEL.question("who_helps"))
    after = REFERENTIEL.questions[before + 1].id
    some = state(Phase.QUESTIONNAIRE, "who_helps", answered=before, adults_count="one")
    none = state(Phase.QUESTIONNAIRE, after, answered=before, adults_count="none")
    assert progress(REFERENTIEL, ConversationState.from_json(some).answers, "who_helps") != progress(
        REFERENTIEL, ConversationState.from_json(none).answers, after
    )
    for youth_id, code, stored_state in ((8, "SOM-EEE", some), (9, "NON-EEE", none)):
        add_youth(connection, youth_id, code, 2, "active", [("T0", "in_progress", stored_state)])
    connection.commit()
    listed = json.loads(admin("youth", "list", "--structure", "2", "--json").out)["youth"]
    read = {item["code"]: item["T0"] for item in listed}
    assert read["SOM-EEE"] == read["NON-EEE"] == "answering 76%"  # 23 of the 30 behind


def test_youth_list_as_json_has_the_counts_and_the_other_structure_alone(admin, structure):
    listed = json.loads(admin("youth", "list", "--structure", "2", "--json").out)
    assert listed == {
        "youth": [
            {
                "code": "OTH-ERS",
                "status": "answering 0%",
                "T0": "answering 0%",
                "T1": "not started",
                "exit": "not started",
                "bot": "reachable",
            }
        ],
        "links_not_opened": 1,
        "erased": 1,
    }


def test_an_empty_structure_lists_nobody(admin, structure):
    admin("structure", "add", "--org", "ALEFPA", "Vide")
    assert admin("youth", "list", "--structure", "Vide").out == (
        "code  status  T0  T1  exit  bot\n"
        "\n"
        "invited, link not opened: 0\n"
        "erased (at their request or by retention): 0\n"
    )
