"""Safeguarding as data: each trigger's advice fits the answer, with the help resources of its topic."""

from pathlib import Path

import pytest

from referentiel.errors import ReferentielInvalid
from referentiel.loading import parse_referentiel
from referentiel.models import Referentiel
from referentiel.safeguarding import matching_trigger, resources_for, triggered_questions

VALID = (Path(__file__).parent / "fixtures" / "problems" / "_valid.yaml").read_text("utf-8")
RESOURCES = """help_resources:
  - id: allo_119
    always: true
    name: {fr: "119", en: "119"}
    description: {fr: "gratuit", en: "free"}
"""


def resource_names(referentiel: Referentiel, question_id: str, value: str) -> list[str]:
    return [
        resource.id
        for resource in resources_for(referentiel, matching_trigger(referentiel, question_id, value))
    ]


def test_the_advice_fits_the_answer_and_never_sends_a_youth_with_no_adult_to_one(v2: Referentiel) -> None:
    no_adult = matching_trigger(v2, "adults_count", "none")
    assert no_adult is not None and no_adult.advice is not None
    for text in no_adult.advice.values():
        assert "confiance" not in text and "trust" not in text
    assert resource_names(v2, "adults_count", "none") == ["fil_sante_jeunes", "allo_119", "emergency_112"]
    images = matching_trigger(v2, "intimate_images", "dont_know")
    assert images is not None and images.advice is not None
    assert "jamais la faute" in images.advice["fr"]  # no blame on a youth whose image was shared


@pytest.mark.parametrize(
    ("question_id", "value", "topic"),
    [
        ("online_bullying", "dont_know", "cyber_3018"),
        ("intimate_images", "dont_know", "cyber_3018"),
        ("health_talk", "no", "fil_sante_jeunes"),
        ("substance_help", "dont_know", "fil_sante_jeunes"),
        ("safe_home", "not_at_all", "allo_119"),
    ],
)
def test_topic_resources_come_first_then_119_and_112(
    v2: Referentiel, question_id: str, value: str, topic: str
) -> None:
    names = resource_names(v2, question_id, value)
    assert names[0] == topic and names[-2:] == ["allo_119", "emergency_112"]


def test_every_v2_trigger_has_its_advice_and_reminder_in_both_languages(v2: Referentiel) -> None:
    assert {resource.id for resource in v2.help_resources} == {
        "allo_119",
        "cyber_3018",
        "fil_sante_jeunes",
        "emergency_112",
    }
    assert "0 800 235 236" in v2.help_resources[2].name["fr"]
    for trigger in v2.safeguarding:
        assert trigger.advice is not None and set(trigger.advice) == {"fr", "en"}
        assert trigger.reminder is not None and set(trigger.reminder) == {"fr", "en"}
        assert len(trigger.reminder["fr"]) < len(trigger.advice["fr"]) + 40  # one short line


def test_a_reassuring_answer_matches_nothing_and_the_end_block_lists_every_resource(v2: Referentiel) -> None:
    assert matching_trigger(v2, "safe_home", "yes_totally") is None
    assert matching_trigger(v2, "time_here", "under_3m") is None
    assert resources_for(v2, None) == v2.help_resources


def test_triggers_can_be_recomputed_from_stored_answers(v2: Referentiel) -> None:
    answers = {"safe_home": "mostly_yes", "who_to_tell": "no", "adults_count": "none", "friend": None}
    assert triggered_questions(v2, answers) == {"who_to_tell", "adults_count"}


def test_v1_keeps_its_triggers_without_resources(v1: Referentiel) -> None:
    assert v1.help_resources == () and all(trigger.advice is None for trigger in v1.safeguarding)
    assert resources_for(v1, matching_trigger(v1, "safe_home", "not_at_all")) == ()


def problems(text: str) -> list[str]:
    with pytest.raises(ReferentielInvalid) as raised:
        parse_referentiel(text, "draft.yaml")
    return [str(problem).split(": ", 1)[1] for problem in raised.value.problems]


def test_a_trigger_names_known_resources_and_carries_its_texts() -> None:
    text = VALID.replace(
        "  - {question: safe_home, any_of: [not_at_all]}",
        "  - {question: safe_home, any_of: [not_at_all], resources: [cyber_3018]}",
    )
    found = problems(text + RESOURCES)
    assert "safeguarding.0.resources.0: unknown help resource 'cyber_3018'" in found
    assert "safeguarding.0: with help_resources, each trigger needs its advice and reminder" in found


def test_one_resource_at_least_is_always_shown() -> None:
    found = problems(VALID + RESOURCES.replace("    always: true\n", ""))
    assert "help_resources: mark at least one resource `always: true` (119, 112)" in found
