"""Scoring one youth: golden cases, rejected answers, paired change within and across versions."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from referentiel.loading import find_referentiel, load_referentiel
from referentiel.models import Referentiel
from referentiel.scoring import AnswerRejected, IndividualScore, paired_change, score_youth

FIXTURES = Path(__file__).parent / "fixtures"

GOLDEN = yaml.safe_load((FIXTURES / "scoring_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[case["name"] for case in GOLDEN["cases"]])
def test_golden_scoring_cases(case: dict[str, Any]) -> None:
    referentiel = find_referentiel(GOLDEN["referentiel"]["id"], GOLDEN["referentiel"]["version"])
    scores = score_youth(referentiel, case["answers"])
    assert set(scores) == {indicator.id for indicator in referentiel.indicators}
    values = {
        indicator_id: round(score.value, 4) if score is not None else None
        for indicator_id, score in scores.items()
    }
    expected = {indicator_id: None for indicator_id in scores} | case["expected"]
    assert values == pytest.approx(expected, abs=1e-4)


def test_a_score_records_how_many_items_were_answered(v1: Referentiel) -> None:
    answers = {"self_like": "yes_totally", "self_qualities": "yes_totally"}
    answers |= {"self_do_well": "yes_totally", "self_failing": "not_at_all"}
    assert score_youth(v1, answers)["self_esteem"] == IndividualScore(
        "self_esteem", 100.0, answered=4, expected=5
    )


def test_an_answer_the_question_does_not_accept_is_rejected(v1: Referentiel) -> None:
    with pytest.raises(AnswerRejected) as raised:
        score_youth(v1, {"safe_home": "perhaps"})
    assert raised.value.message == ("answer 'perhaps' to 'safe_home' is not accepted by voix-mecs version 1")


def test_answers_to_questions_outside_the_referentiel_are_ignored(v1: Referentiel) -> None:
    assert score_youth(v1, {"structure_extra": "anything"}) == score_youth(v1, {})


def test_paired_change_is_after_minus_before(v1: Referentiel) -> None:
    before = {"safe_home": "mostly_no", "safe_night": "mostly_no", "adults_count": "one"}
    after = {"safe_home": "yes_totally", "safe_night": "mostly_yes", "adults_count": "none"}
    changes = paired_change(v1, before, after)
    assert changes["feel_safe"] == 100
    assert changes["safety_score"] == pytest.approx(100 * (5 / 6 - 1 / 3))
    assert changes["adults_to_call"] == -1
    assert changes["has_friend"] is None  # missing at both waves


def test_change_is_missing_when_one_wave_is_missing(v1: Referentiel) -> None:
    changes = paired_change(v1, {"friend": "mostly_yes"}, {"friend": None})
    assert changes["has_friend"] is None


def test_both_versions_score_their_own_answers_and_change_follows_the_declarations(v1: Referentiel) -> None:
    v2 = load_referentiel(FIXTURES / "versions" / "voix-mecs-v2.yaml")
    # T0 under v1 (safe_night, helped_choose, risk_photos exist); T1 under v2 (safe_bedroom).
    before = {"safe_home": "mostly_no", "safe_night": "mostly_no", "adults_count": "one"}
    before |= {"helped_choose": "yes", "risk_alcohol": "mostly_yes", "risk_tobacco": "mostly_yes"}
    before |= {"risk_cannabis": "mostly_yes", "risk_photos": "mostly_yes", "risk_harassment": "mostly_yes"}
    after = {"safe_home": "yes_totally", "safe_bedroom": "yes_totally", "adults_count": "two"}
    after |= {"risk_alcohol": "yes_totally", "risk_tobacco": "yes_totally", "risk_cannabis": "yes_totally"}
    after |= {"risk_harassment": "yes_totally", "sport_hours": 4, "comment": "Merci"}
    scored_before, scored_after = score_youth(v1, before), score_youth(v2, after)
    #   indicator (v2 id)    T0 under v1          T1 under v2   change
    #   safety_score         (1/3 + 1/3)/2 = 33.3  100          66.7  (renamed question, declared)
    #   adults_count_mean    adults_to_call = 1    2            1     (renamed indicator, declared)
    #   risk_awareness       2/3 → 66.7            100          None  (4 items now: not declared)
    #   sport_hours_mean     —                     4            None  (new)
    assert scored_before["safety_score"] is not None and scored_after["safety_score"] is not None
    assert round(scored_before["safety_score"].value, 4) == 33.3333
    assert scored_after["safety_score"].value == 100
    assert scored_before["helped_to_choose"] is not None  # retired in v2, still scored under v1
    assert "helped_to_choose" not in scored_after
    changes = paired_change(v1, before, after, after_referentiel=v2)
    assert changes["feel_safe"] == 100
    assert changes["safety_score"] == pytest.approx(100 - 100 / 3)
    assert changes["adults_count_mean"] == 1
    assert changes["risk_awareness"] is None
    assert changes["sport_hours_mean"] is None
    assert "no_school" not in changes and "helped_to_choose" not in changes  # retired in v2


def test_free_text_is_never_scored() -> None:
    v2 = load_referentiel(FIXTURES / "versions" / "voix-mecs-v2.yaml")
    with_text = score_youth(v2, {"comment": "Je suis bien ici"})
    assert with_text == score_youth(v2, {})
    scored = {question for indicator in v2.indicators for question in indicator.questions}
    assert "comment" not in scored


def test_a_number_question_feeds_a_mean() -> None:
    v2 = load_referentiel(FIXTURES / "versions" / "voix-mecs-v2.yaml")
    assert score_youth(v2, {"sport_hours": 0})["sport_hours_mean"] == IndividualScore(
        "sport_hours_mean", 0.0, answered=1, expected=1
    )
