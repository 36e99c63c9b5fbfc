"""The shipped v1: the rules its content promises (not its wording, which reviewers read)."""

from referentiel.models import Referentiel
from referentiel.timing import estimated_seconds

CHANGE_QUESTIONS = {
    "safety_change",
    "school_change",
    "health_change",
    "confidence_change",
    "people_change",
    "autonomy_change",
}


def test_six_dimensions_in_the_seed_order(v1: Referentiel) -> None:
    assert [dimension.id for dimension in v1.dimensions] == [
        "securite",
        "formation",
        "sante",
        "estime",
        "liens",
        "autonomie",
    ]
    for dimension in v1.dimensions:
        assert v1.questions_of(dimension.id), dimension.id
        assert [i for i in v1.indicators if i.dimension == dimension.id], dimension.id


def test_between_25_and_35_questions_in_french_and_english(v1: Referentiel) -> None:
    assert 25 <= len(v1.questions) <= 35
    assert v1.languages == ("fr", "en")
    for question in v1.questions:
        assert set(question.text) == {"fr", "en"}
        for option in question.options:
            assert set(option.label) == {"fr", "en"}


def test_ids_fit_in_telegram_callback_data(v1: Referentiel) -> None:
    for question in v1.questions:
        assert len(question.id) <= 20
        for option in question.options:
            assert len(option.id) <= 12
            assert len(f"{question.id}:{option.id}".encode()) <= 64
            assert all(len(label) <= 30 for label in option.label.values())


def test_one_context_question_and_no_free_text(v1: Referentiel) -> None:
    context = [question.id for question in v1.questions if question.dimension is None]
    assert context == ["time_here"]
    assert v1.questions[0].id == "time_here"
    assert all(question.type != "short_text" for question in v1.questions)


def test_perceived_change_is_asked_only_after_three_months(v1: Referentiel) -> None:
    change_scale = {question.id for question in v1.questions if question.scale == "change"}
    assert change_scale == CHANGE_QUESTIONS
    for question_id in CHANGE_QUESTIONS:
        condition = v1.question(question_id).condition
        assert condition is not None
        assert condition.question == "time_here"
        assert set(condition.any_of) == {"3_to_12m", "over_1y"}


def test_scales_follow_the_brief(v1: Referentiel) -> None:
    assert list(v1.scales) == ["agreement", "change", "know_how", "yes_no"]
    assert len(v1.scales["agreement"]) == 4  # no neutral midpoint
    assert [option.id for option in v1.scales["know_how"]] == ["not_yet", "with_help", "alone"]


def test_health_asks_about_awareness_never_consumption(v1: Referentiel) -> None:
    for question in v1.questions_of("sante"):
        text = question.text["en"].lower()
        assert "do you drink" not in text and "do you smoke" not in text and "how often" not in text


def test_self_esteem_has_positive_and_reverse_items(v1: Referentiel) -> None:
    items = [v1.question(question_id) for question_id in v1.indicator("self_esteem").questions]
    assert {question.reverse for question in items} == {True, False}


def test_feeling_unsafe_or_alone_shows_help(v1: Referentiel) -> None:
    triggers = {trigger.question: set(trigger.any_of) for trigger in v1.safeguarding}
    assert triggers["safe_home"] == {"mostly_no", "not_at_all"}
    assert triggers["safe_night"] == {"mostly_no", "not_at_all"}
    assert triggers["adults_count"] == {"none"}


def test_waves_and_follow_up_delay(v1: Referentiel) -> None:
    assert [wave.id for wave in v1.waves] == ["T0", "T1", "exit"]
    assert v1.wave("T1").default_delay_days == 180


def test_answering_takes_about_five_minutes(v1: Referentiel) -> None:
    shortest, longest = estimated_seconds(v1)
    assert (shortest, longest) == (249, 339)
    assert longest <= 6 * 60
