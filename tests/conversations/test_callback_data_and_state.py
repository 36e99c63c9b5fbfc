"""Callback data fit Telegram's 64 bytes and parse back; states round-trip through JSON."""

import json

import pytest

from conversations import callback_data
from conversations.callback_data import Action, ButtonData
from conversations.errors import InvalidStateError
from conversations.state import ConversationState, Phase


def test_every_button_of_the_shipped_referentiel_fits_and_parses_back(referentiel):
    for question in referentiel.questions:
        data = [
            callback_data.skip(question.id),
            callback_data.back(question.id),
            callback_data.validate(question.id),
        ]
        for option in question.options:
            data += [
                callback_data.answer(question.id, option.id),
                callback_data.toggle(question.id, option.id),
            ]
        for datum in data:
            assert datum.isascii() and len(datum.encode()) <= callback_data.MAXIMUM_BYTES
            parsed = callback_data.parse(datum)
            assert parsed is not None and callback_data.build(parsed) == datum


def test_the_longest_possible_datum_is_well_under_64_bytes():
    longest = callback_data.toggle("q" * 20, "o" * 12)
    assert len(longest.encode()) == 35


@pytest.mark.parametrize(
    ("datum", "expected"),
    [
        ("c:yes", ButtonData(Action.CONSENT, value="yes")),
        ("x:no", ButtonData(Action.STOP, value="no")),
        ("r", ButtonData(Action.RESUME)),
        ("l:fr", ButtonData(Action.LANGUAGE, value="fr")),
        ("a:safe_home:mostly_no", ButtonData(Action.ANSWER, "safe_home", "mostly_no")),
        ("c:maybe", None),
        ("r:", None),
        ("a:safe_home:", None),
        ("a" * 65, None),
    ],
)
def test_parse(datum, expected):
    assert callback_data.parse(datum) == expected


def test_a_state_round_trips_through_json():
    state = ConversationState(
        phase=Phase.CONFIRMING_STOP,
        question_id="who_adults",
        answers={
            "time_here": "over_1y",
            "age": 15,
            "who": ("family", "friend"),
            "skipped": None,
            "wish": "é",
        },
        selection=("family",),
        resume_phase=Phase.QUESTIONNAIRE,
    )
    assert ConversationState.from_json(state.to_json()) == state
    assert '"é"' in state.to_json()  # readable in the database


def stored(**changes):
    fields = {
        "format": 1,
        "phase": "new",
        "question_id": None,
        "answers": {},
        "selection": [],
        "resume_phase": None,
    }
    return json.dumps({**fields, **changes})


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "{}",
        stored(format=2),
        stored(phase="flying"),
        stored(question_id=3),
        stored(answers={"a": True}),
        stored(answers={"a": [1]}),
        stored(selection=None),
    ],
)
def test_a_corrupt_state_is_an_error_not_a_guess(text):
    assert ConversationState.from_json(stored()) == ConversationState()
    with pytest.raises(InvalidStateError):
        ConversationState.from_json(text)
