"""The answer-value contract: what each question type accepts, conditions, safeguarding."""

from pathlib import Path

import pytest

from referentiel.answers import (
    breakdown_groups,
    is_hidden_by_condition,
    is_question_shown,
    shown_questions,
    validate_answer,
)
from referentiel.loading import find_referentiel, load_referentiel
from referentiel.models import Referentiel
from referentiel.safeguarding import matching_trigger

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def v2() -> Referentiel:
    return load_referentiel(FIXTURES / "versions" / "voix-mecs-v2.yaml")


@pytest.mark.parametrize(
    ("question_id", "value", "accepted"),
    [
        ("safe_home", "mostly_yes", True),
        ("safe_home", "yes", False),
        ("safe_home", ["mostly_yes"], False),
        ("safe_home", None, True),  # skipped: always allowed
        ("who_to_tell", "no", True),
        ("who_to_tell", True, False),
        ("time_here", "over_1y", True),
        ("time_here", 2, False),
        ("who_adults", ["family", "club"], True),
        ("who_adults", ("educator",), True),
        ("who_adults", "family", False),
        ("who_adults", [], False),
        ("who_adults", ["family", "family"], False),
        ("who_adults", ["family", "stranger"], False),
    ],
)
def test_choice_answers(v1: Referentiel, question_id: str, value: object, accepted: bool) -> None:
    assert validate_answer(v1.question(question_id), value) is accepted  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(0, True), (30, True), (31, False), (-1, False), ("3", False), (True, False), (2.5, False)],
)
def test_number_answers_stay_within_bounds(v2: Referentiel, value: object, accepted: bool) -> None:
    assert validate_answer(v2.question("sport_hours"), value) is accepted  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "accepted"), [("Merci", True), ("   ", False), ("x" * 501, False), (["a"], False)]
)
def test_short_text_answers(v2: Referentiel, value: object, accepted: bool) -> None:
    assert validate_answer(v2.question("comment"), value) is accepted  # type: ignore[arg-type]


def test_an_exclusive_option_cannot_be_combined(v1: Referentiel) -> None:
    who = v1.question("who_adults")
    nobody = who.options[0].model_copy(update={"id": "nobody", "exclusive": True})
    question = who.model_copy(update={"options": (*who.options, nobody)})
    assert validate_answer(question, ["nobody"])
    assert not validate_answer(question, ["nobody", "family"])


def test_perceived_change_is_shown_only_after_three_months(v1: Referentiel) -> None:
    change = v1.question("safety_change")
    assert is_question_shown(change, {"time_here": "3_to_12m"})
    assert not is_question_shown(change, {"time_here": "under_3m"})
    assert not is_question_shown(change, {"time_here": None})  # skipped: not asked
    assert not is_question_shown(change, {})


def test_hidden_by_an_answer_differs_from_unknown(v1: Referentiel) -> None:
    who = v1.question("who_adults")
    assert is_hidden_by_condition(who, {"adults_count": "none"})
    assert not is_hidden_by_condition(who, {"adults_count": None})
    assert not is_hidden_by_condition(who, {"adults_count": "two"})
    assert not is_hidden_by_condition(v1.question("safe_home"), {})


def test_a_short_stay_skips_every_perceived_change_question(v1: Referentiel) -> None:
    answers = {"time_here": "under_3m", "school_now": "lycee", "adults_count": "two"}
    asked = {question.id for question in shown_questions(v1, answers)}
    assert {question.id for question in v1.questions} - asked == {
        "safety_change",
        "school_change",
        "health_change",
        "confidence_change",
        "people_change",
        "autonomy_change",
    }


@pytest.mark.parametrize(
    ("question_id", "value", "triggers"),
    [
        ("safe_home", "not_at_all", True),
        ("safe_home", "mostly_no", True),
        ("safe_home", "mostly_yes", False),
        ("safe_home", None, False),
        ("safe_night", "not_at_all", True),
        ("adults_count", "none", True),
        ("adults_count", "one", False),
        ("who_to_tell", "no", True),
        ("trusted_adult", "not_at_all", True),
        ("self_like", "not_at_all", False),
        ("unknown_question", "not_at_all", False),
    ],
)
def test_safeguarding_triggers(v1: Referentiel, question_id: str, value: object, triggers: bool) -> None:
    assert (matching_trigger(v1, question_id, value) is not None) is triggers  # type: ignore[arg-type]


def test_breakdown_groups_are_the_answers_to_the_context_questions() -> None:
    v2 = find_referentiel("voix-mecs", 2)
    answers = {"time_here": "over_1y", "age_band": "15_16", "safe_home": "yes_totally"}
    assert breakdown_groups(v2, answers) == {"age_band": "15_16", "time_here": "over_1y"}
    assert breakdown_groups(v2, {"time_here": None}) == {"age_band": None, "time_here": None}
    assert breakdown_groups(find_referentiel("voix-mecs", 1), answers) == {}  # v1 declares none
