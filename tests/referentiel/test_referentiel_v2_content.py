"""The shipped v2: what the methodological review asked for (issue 10), as rules on its content."""

import re

from referentiel.answers import Answers
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel
from referentiel.scoring import paired_change, score_youth

CHANGE_QUESTIONS = {
    "safety_since",
    "school_since",
    "health_since",
    "esteem_since",
    "support_since",
    "autonomy_since",
}
DISTRIBUTIONS = {
    "felt_safety_change",
    "felt_school_change",
    "felt_health_change",
    "felt_esteem_change",
    "felt_support_change",
    "felt_autonomy_change",
}


def test_it_is_the_current_version_and_keeps_the_six_dimensions(v2: Referentiel) -> None:
    assert v2.key == ("voix-mecs", 2)
    v1 = find_referentiel("voix-mecs", 1)
    assert [dimension.id for dimension in v2.dimensions] == [dimension.id for dimension in v1.dimensions]
    assert v2.dimension("estime").title == {"fr": "Estime de soi", "en": "Self-esteem"}


def test_the_change_scale_is_balanced_with_a_middle(v2: Referentiel) -> None:
    options = v2.scales["change"]
    ids = [option.id for option in options]
    assert ids == ["much_worse", "bit_worse", "same", "bit_better", "much_better"]
    values = [option.value or 0 for option in options]
    middle = values[2]
    assert values == sorted(values)
    assert [middle - values[0], middle - values[1]] == [values[4] - middle, values[3] - middle]  # symmetric


def test_change_items_are_anchored_short_and_do_not_repeat_their_options(v2: Referentiel) -> None:
    change_scale = {question.id for question in v2.questions if question.scale == "change"}
    assert change_scale == CHANGE_QUESTIONS
    for question_id in CHANGE_QUESTIONS:
        question = v2.question(question_id)
        assert question.text["fr"].startswith("Depuis que tu es arrivé·e ici, ")
        assert question.text["en"].startswith("Since you arrived here, ")
        assert not re.search(r"mieux|pareil|worse|better|same", question.text["fr"] + question.text["en"])
        assert len(question.text["fr"]) <= 75, question.text["fr"]
        assert question.condition is not None and set(question.condition.any_of) == {"3_to_12m", "over_1y"}


def test_perceived_change_is_a_distribution_never_paired(v2: Referentiel) -> None:
    by_question = {indicator.questions[0]: indicator for indicator in v2.declared_indicators}
    for question_id in CHANGE_QUESTIONS:
        assert by_question[question_id].kind == "distribution"
    assert {i.id for i in v2.declared_indicators if i.kind == "distribution"} == DISTRIBUTIONS
    youth: Answers = {"time_here": "over_1y", "safety_since": "much_better"}
    changes = paired_change(v2, youth, youth | {"safety_since": "much_worse"})
    shares = [i.id for i in v2.indicators if i.distribution_of == "felt_safety_change"]
    assert len(shares) == 5 and all(changes[share] is None for share in shares)
    scored = score_youth(v2, youth)
    assert [scored[share].value for share in shares] == [0.0, 0.0, 0.0, 0.0, 100.0]  # type: ignore[union-attr]


def test_health_measures_knowing_what_to_do_never_consumption(v2: Referentiel) -> None:
    items = set(v2.indicator("risk_know_how").questions)
    assert {"notice_risk", "consent", "intimate_images", "online_meeting", "running_away"} <= items
    for question in v2.questions_of("sante"):
        assert question.scale in ("know_what_to_do", "yes_no", "change"), question.id
        text = question.text["fr"].lower()
        assert not re.search(r"tu bois|tu fumes|tu consommes|combien de fois|souvent", text), question.id
    retired = {"risk_photos", "risk_tobacco", "risk_alcohol", "risk_cannabis"}
    assert not retired & {question.id for question in v2.questions}


def test_school_opinion_is_asked_to_every_youth_and_nothing_is_left_unused(v2: Referentiel) -> None:
    assert v2.question("opinion_counts").condition is None
    assert v2.indicator("opinion_counted").questions == ("opinion_counts",)
    used = {question_id for indicator in v2.indicators for question_id in indicator.questions}
    conditions = {question.condition.question for question in v2.questions if question.condition}
    for question in v2.questions:
        assert question.id in used | conditions | set(v2.breakdowns), f"{question.id} feeds nothing"
    assert "like_learning" not in {question.id for question in v2.questions}


def test_self_esteem_is_five_positive_one_idea_items(v2: Referentiel) -> None:
    items = [v2.question(question_id) for question_id in v2.indicator("self_esteem").questions]
    assert len(items) == 5 and not any(question.reverse for question in items)
    for question in items:
        assert "souvent" not in question.text["fr"].lower() and " ou " not in question.text["fr"]


def test_people_to_count_on_has_no_near_duplicates_and_a_fuller_who_list(v2: Referentiel) -> None:
    assert len([i for i in v2.declared_indicators if i.dimension == "liens"]) == 4
    assert "trusted_adult" not in {question.id for question in v2.questions}
    who = v2.question("who_helps")
    assert {"referent_ase", "health_staff", "former_educ", "other"} <= set(who.option_ids)
    outside = set(v2.indicator("adult_outside").favourable)
    assert "other" not in outside and "educator" not in outside and "referent_ase" in outside


def test_independence_says_ability_and_asks_opportunity_apart(v2: Referentiel) -> None:
    tasks = v2.indicator("autonomy_score").questions
    assert all(v2.question(task).scale == "know_how" for task in tasks)
    assert "chances_to_do" not in tasks
    assert v2.indicator("gets_to_practise").questions == ("chances_to_do",)
    assert "capacité" in v2.indicator("autonomy_score").description["fr"]


def test_an_age_band_with_buttons_next_to_time_here_and_both_are_breakdowns(v2: Referentiel) -> None:
    assert [question.id for question in v2.questions[:2]] == ["time_here", "age_band"]
    assert v2.question("age_band").type == "single_choice"
    assert v2.breakdowns == ("age_band", "time_here")


def test_facts_are_yes_no_and_english_labels_are_natural(v2: Referentiel) -> None:
    for question_id in ("who_to_tell", "helped_choose", "health_talk"):
        assert v2.question(question_id).type == "yes_no"
    labels = {option.label["en"] for options in v2.scales.values() for option in options}
    assert "Yes, totally" not in labels


def test_comparable_indicators_are_those_whose_answers_kept_their_meaning(v2: Referentiel) -> None:
    declared = {
        indicator.id: [(earlier.version, earlier.indicator) for earlier in indicator.comparable_with]
        for indicator in v2.declared_indicators
        if indicator.comparable_with
    }
    kept = [
        "feel_safe",
        "safety_score",
        "knows_who_to_tell",
        "helped_to_choose",
        "no_school",
        "knows_health_contact",
        "has_adult_to_call",
        "has_friend",
    ]
    assert declared == {indicator_id: [(1, indicator_id)] for indicator_id in kept}
