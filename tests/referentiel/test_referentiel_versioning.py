"""Versions side by side: unique versions, stable question meanings, declared comparability.

The v2 fixture (``fixtures/versions/voix-mecs-v2.yaml``, its header lists every change) renames
the question safe_night to safe_bedroom and the indicator adults_to_call to adults_count_mean,
retires helped_choose, risk_photos and no_school, and declares which indicators are comparable.
"""

import json
import random
from pathlib import Path

import pytest

from bench.synthetic_dataset import _answers
from referentiel.errors import ReferentielInvalid
from referentiel.loading import SHIPPED_DIRECTORY, find_referentiel, shipped_referentiels
from referentiel.models import Referentiel
from referentiel.scoring import score_youth
from referentiel.versioning import (
    carried_questions,
    comparable_indicators,
    comparable_pairs,
    indicator_fingerprint,
    readable_indicators,
)

V2_NAME = "voix-mecs-v2.yaml"


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(ReferentielInvalid) as raised:
        shipped_referentiels(directory)
    return [str(problem) for problem in raised.value.problems]


def edit_v2(directory: Path, old: str, new: str) -> Path:
    v2 = directory / V2_NAME
    text = v2.read_text("utf-8")
    assert text.count(old) == 1, old
    v2.write_text(text.replace(old, new), "utf-8")
    return v2


def test_versions_load_together_and_each_is_found(versions_directory: Path) -> None:
    loaded = shipped_referentiels(versions_directory)
    assert [referentiel.key for referentiel in loaded] == [("voix-mecs", 1), ("voix-mecs", 2)]
    assert find_referentiel("voix-mecs", 2, versions_directory).version == 2
    assert find_referentiel("voix-mecs", 1, versions_directory) == find_referentiel("voix-mecs", 1)


def test_declared_pairs_are_the_comparable_ones_renamed_included(versions_directory: Path) -> None:
    v1, v2 = shipped_referentiels(versions_directory)
    pairs = comparable_pairs(v1, v2)
    assert pairs["safety_score"] == "safety_score"  # its question safe_night was renamed safe_bedroom
    assert pairs["adults_count_mean"] == "adults_to_call"  # the indicator itself was renamed
    undeclared = sorted({indicator.id for indicator in v2.indicators} - set(pairs))
    assert undeclared == ["risk_awareness", "sport_hours_mean"]  # 4 items instead of 5; new
    assert comparable_pairs(v2, v1)["adults_to_call"] == "adults_count_mean"
    assert "adults_count_mean" not in comparable_indicators(v1, v2)  # the same-id view
    assert "safety_score" in comparable_indicators(v1, v2)


def test_an_earlier_run_reads_under_the_later_version_renamed_questions_included(
    versions_directory: Path,
) -> None:
    v1, v2 = shipped_referentiels(versions_directory)
    carried = carried_questions(v1, v2)
    assert carried["safe_night"] == "safe_bedroom"  # renamed, in the comparable safety_score
    assert carried["safe_home"] == "safe_home"
    assert "helped_choose" not in carried  # retired
    for before, after in ((v1, v2), (v1, find_referentiel("voix-mecs", 2))):  # and the shipped v2
        scored_alike(before, after)


def test_a_score_whose_items_are_reordered_carries_each_answer_to_its_own_question(tmp_path: Path) -> None:
    # Version 2 is version 1 with safety_score's two items in the other order, declared comparable
    # (the same meaning, so accepted): each answer stays with its question, not with the item in
    # its place, and the score reads the same.
    text = (SHIPPED_DIRECTORY / "voix-mecs-v1.yaml").read_text("utf-8")
    (tmp_path / "voix-mecs-v1.yaml").write_text(text, "utf-8")
    old = '    questions: [safe_home, safe_night]\n    title: {fr: "Score de sécurité"'
    assert text.count(old) == 1 and text.count("\nversion: 1\n") == 1
    later = text.replace("\nversion: 1\n", "\nversion: 2\n").replace(
        old,
        "    questions: [safe_night, safe_home]\n"
        "    comparable_with: [{version: 1, indicator: safety_score}]\n"
        '    title: {fr: "Score de sécurité"',
    )
    (tmp_path / "voix-mecs-v2.yaml").write_text(later, "utf-8")
    v1, v2 = shipped_referentiels(tmp_path)
    assert dict(comparable_pairs(v1, v2)) == {"safety_score": "safety_score"}
    carried = carried_questions(v1, v2)
    assert carried["safe_home"] == "safe_home" and carried["safe_night"] == "safe_night"
    assert set(carried.values()) == {question.id for question in v1.questions}  # one to one
    scored_alike(v1, v2)


def test_a_later_indicator_reads_an_earlier_run_only_with_all_its_questions_asked_alike() -> None:
    v1, v2 = find_referentiel("voix-mecs", 1), find_referentiel("voix-mecs", 2)
    readable = readable_indicators(v1, v2)
    assert set(comparable_pairs(v1, v2)) <= readable
    # who_helps is new in version 2; autonomous_4_of_5 has two new items: a run of version 1
    # would give them a value from some of their questions only.
    assert {"adult_outside", "autonomous_4_of_5"}.isdisjoint(readable)


def scored_alike(before: Referentiel, after: Referentiel) -> None:
    """Runs answered under ``before`` and read as ``after`` reads them (``carried_questions``):
    the engine scores each comparable pair alike under both."""
    carried, pairs = carried_questions(before, after), comparable_pairs(before, after)
    assert pairs
    generator = random.Random(8)
    values = 0
    for _ in range(200):
        answers = {}
        for question, text in _answers(before, generator, generator.random()):
            if text is not None:
                value = json.loads(text)
                answers[question] = tuple(value) if isinstance(value, list) else value
        later = {carried[old]: value for old, value in answers.items() if old in carried}
        earlier_scores, later_scores = score_youth(before, answers), score_youth(after, later)
        for new, old in pairs.items():
            earlier, later_score = earlier_scores[old], later_scores[new]
            assert (earlier and earlier.value) == (later_score and later_score.value), (new, answers)
            values += earlier is not None
    assert values > 200 * len(pairs) / 2  # most runs answered most of them


def test_within_one_version_every_indicator_pairs_with_itself(v1: Referentiel) -> None:
    assert dict(comparable_pairs(v1, v1)) == {indicator.id: indicator.id for indicator in v1.indicators}


def test_different_referentiels_are_never_comparable(v1: Referentiel) -> None:
    other = v1.model_copy(update={"id": "another"})
    assert comparable_indicators(v1, other) == []
    assert dict(comparable_pairs(v1, other)) == {}


def test_the_fingerprint_still_tells_a_reworded_question(versions_directory: Path) -> None:
    v1, v2 = shipped_referentiels(versions_directory)
    assert indicator_fingerprint(v1, "feel_safe") == indicator_fingerprint(v2, "feel_safe")
    assert indicator_fingerprint(v1, "safety_score") != indicator_fingerprint(v2, "safety_score")


def test_declaring_comparable_a_question_that_changed_meaning_is_refused(versions_directory: Path) -> None:
    v2 = edit_v2(
        versions_directory,
        "  - id: safe_bedroom\n    dimension: securite\n    type: scale\n",
        "  - id: safe_bedroom\n    dimension: securite\n    type: scale\n    reverse: true\n",
    )
    assert problems_of(versions_directory) == [
        f"{v2}:403: indicators.safety_score.comparable_with.0.indicator: not comparable with "
        "'safety_score' of version 1: question 'safe_bedroom' does not mean what 'safe_night' meant "
        "(its reverse changed); remove this declaration (the change T0→T1 across versions is then "
        "not computed)"
    ]


def test_declaring_comparable_an_indicator_with_other_items_is_refused(versions_directory: Path) -> None:
    v2 = edit_v2(
        versions_directory,
        "  - id: risk_awareness\n",
        "  - id: risk_awareness\n    comparable_with: [{version: 1, indicator: risk_awareness}]\n",
    )
    [problem] = problems_of(versions_directory)
    assert problem == (
        f"{v2}:456: indicators.risk_awareness.comparable_with.0.indicator: not comparable with "
        "'risk_awareness' of version 1: it uses 4 questions, and 'risk_awareness' 5; remove this "
        "declaration (the change T0→T1 across versions is then not computed)"
    )


def test_a_declaration_must_name_an_existing_earlier_indicator(versions_directory: Path) -> None:
    v2 = edit_v2(
        versions_directory,
        "comparable_with: [{version: 1, indicator: feel_safe}]",
        "comparable_with: [{version: 1, indicator: feels_safe}]",
    )
    assert problems_of(versions_directory) == [
        f"{v2}:391: indicators.feel_safe.comparable_with.0.indicator: version 1 has no indicator 'feels_safe'"
    ]


def test_a_declaration_must_name_an_earlier_version(versions_directory: Path) -> None:
    v2 = edit_v2(
        versions_directory,
        "comparable_with: [{version: 1, indicator: feel_safe}]",
        "comparable_with: [{version: 1, indicator: feel_safe}, {version: 2, indicator: feel_safe}]",
    )
    assert problems_of(versions_directory) == [
        f"{v2}:391: indicators.feel_safe.comparable_with.1.version: "
        "version 2 is not earlier than this file's (2)",
    ]


def test_changing_the_options_of_a_question_id_is_refused(versions_directory: Path) -> None:
    v2 = edit_v2(versions_directory, "{id: three_plus, value: 3,", "{id: three_plus, value: 4,")
    problems = problems_of(versions_directory)
    assert problems[0] == (
        f"{v2}:295: questions.adults_count: changes the answers of 'adults_count' from version 1: "
        "give the changed question a new id"
    )
    # and the declarations of the indicators that use it, or are conditioned on it, are refused too
    refused = [problem.split(": ")[1] for problem in problems[1:]]
    assert refused == [
        "indicators.adults_count_mean.comparable_with.0.indicator",
        "indicators.has_adult_to_call.comparable_with.0.indicator",
        "indicators.adult_outside.comparable_with.0.indicator",
    ]


def test_two_files_with_the_same_version_are_refused(versions_directory: Path) -> None:
    copy = versions_directory / "voix-mecs-v1-copy.yaml"
    copy.write_text((versions_directory / "voix-mecs-v1.yaml").read_text("utf-8"), "utf-8")
    [problem] = problems_of(versions_directory)
    assert problem.endswith(
        ": version: voix-mecs version 1 is loaded twice: give this file the next version number"
    )


def test_a_broken_file_among_versions_reports_its_problems(versions_directory: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "problems"
    (versions_directory / "zz-broken.yaml").write_text(
        (fixtures / "duplicate_key.yaml").read_text("utf-8"), "utf-8"
    )
    assert [problem.split(":")[1] for problem in problems_of(versions_directory)] == ["5"]


V1_TEXT = (SHIPPED_DIRECTORY / "voix-mecs-v1.yaml").read_text("utf-8")
FRIEND = "  - id: friend\n    dimension: liens\n    type: scale\n    scale: agreement\n"
ASKED_IF_TRUSTED = "    condition: {question: trusted_adult, any_of: [yes_totally, mostly_yes]}\n"


def versions_with(directory: Path, edits: list[tuple[str, str]], earlier: str = V1_TEXT) -> Path:
    """Version 1 (as given) and a version 2 that is version 1 with ``edits``, side by side."""
    (directory / "voix-mecs-v1.yaml").write_text(earlier, "utf-8")
    later = earlier.replace("\nversion: 1\n", "\nversion: 2\n")
    for old, new in edits:
        assert later.count(old) == 1, old
        later = later.replace(old, new)
    (directory / V2_NAME).write_text(later, "utf-8")
    return directory


def declared(indicator_questions: str, indicator: str) -> tuple[str, str]:
    """An edit declaring the indicator that reads these questions comparable with version 1's."""
    return (
        indicator_questions,
        f"{indicator_questions}    comparable_with: [{{version: 1, indicator: {indicator}}}]\n",
    )


@pytest.mark.parametrize(
    ("edits", "earlier", "expected"),
    [
        pytest.param(  # feel_safe reads safe_night in place of safe_home, still asked
            [("    questions: [safe_home]\n    favourable: [yes_totally, mostly_yes]\n",
              "    questions: [safe_night]\n    favourable: [yes_totally, mostly_yes]\n"
              "    comparable_with: [{version: 1, indicator: feel_safe}]\n")],
            V1_TEXT,
            "question 'safe_night' takes the place of 'safe_home', which version 2 still asks",
            id="another-question-still-asked",
        ),
        pytest.param(
            [("    questions: [safe_home, safe_night]\n", "    questions: [safe_home, safe_bedroom]\n"
              "    comparable_with: [{version: 1, indicator: safety_score}]\n"),
             ("  - id: who_to_tell\n", "  - id: safe_bedroom\n    dimension: securite\n    type: scale\n"
              "    scale: agreement\n    text: {fr: \"Dans ta chambre ?\", en: \"In your room?\"}\n"
              "  - id: who_to_tell\n")],
            V1_TEXT,
            "question 'safe_bedroom' takes the place of 'safe_night', which version 2 still asks",
            id="a-new-question-beside-the-old",
        ),
        pytest.param(  # friend asked under a condition on another question of the same answers
            [(FRIEND + ASKED_IF_TRUSTED,
              FRIEND + "    condition: {question: safe_home, any_of: [yes_totally, mostly_yes]}\n"),
             declared("    questions: [friend]\n", "has_friend")],
            V1_TEXT.replace(FRIEND, FRIEND + ASKED_IF_TRUSTED, 1),
            "question 'friend' is not shown to the same youth as 'friend' (condition)",
            id="condition-on-another-question",
        ),
        pytest.param(  # who_adults' condition question, adults_count, is itself asked to fewer youth
            [("  - id: adults_count\n    dimension: liens\n    type: single_choice\n",
              "  - id: adults_count\n    dimension: liens\n    type: single_choice\n" + ASKED_IF_TRUSTED),
             declared("    questions: [who_adults]\n", "adult_outside")],
            V1_TEXT,
            "question 'who_adults' is not shown to the same youth as 'who_adults' (condition)",
            id="condition-question-gains-a-condition",
        ),
    ],
)  # fmt: skip
def test_a_declaration_that_would_read_a_t0_otherwise_is_refused(tmp_path, edits, earlier, expected):
    found = problems_of(versions_with(tmp_path, edits, earlier))
    assert any(expected in problem and "not comparable with" in problem for problem in found), found


SAFE_HOME = (
    "  - id: safe_home\n    dimension: securite\n    type: scale\n    scale: agreement\n    text:\n"
    '      fr: "Tu te sens en sécurité là où tu vis ?"\n      en: "Do you feel safe where you live?"\n'
)
SAFE_NIGHT = (
    "  - id: safe_night\n    dimension: securite\n    type: scale\n    scale: agreement\n    text:\n"
    '      fr: "La nuit, tu te sens en sécurité là où tu dors ?"\n'
    '      en: "At night, do you feel safe where you sleep?"\n'
)
SAFE_HOME_TRIGGER = "  - {question: safe_home, any_of: [mostly_no, not_at_all]}\n"
SAFE_NIGHT_TRIGGER = "  - {question: safe_night, any_of: [mostly_no, not_at_all]}\n"
UNREADABLE = (
    "a run of version 1 cannot be read by it (two renamed questions take the place of one, or one of two)"
)


def asked(question_id: str) -> str:
    """A question of the agreement scale, as version 1 asks safe_home."""
    return SAFE_HOME.replace("id: safe_home", f"id: {question_id}")


def reads_instead(old_questions: str, new_questions: str, indicator: str) -> tuple[str, str]:
    """An edit making version 1's indicator read other questions, declared comparable with it."""
    return (
        f"    questions: [{old_questions}]\n",
        f"    questions: [{new_questions}]\n    comparable_with: [{{version: 1, indicator: {indicator}}}]\n",
    )


def unreadable_declarations(directory: Path) -> list[str]:
    return [problem for problem in problems_of(directory) if UNREADABLE in problem]


def test_one_question_renamed_into_two_is_read_by_neither_and_both_declarations_are_refused(tmp_path):
    # Version 2 asks safe_home as two new questions: safe_place for feel_safe and safe_here for
    # safety_score. A T0's answer to safe_home would be read as the answer to both.
    directory = versions_with(
        tmp_path,
        [
            (SAFE_HOME, asked("safe_place") + asked("safe_here")),
            reads_instead("safe_home", "safe_place", "feel_safe"),
            reads_instead("safe_home, safe_night", "safe_here, safe_night", "safety_score"),
            (SAFE_HOME_TRIGGER, SAFE_HOME_TRIGGER.replace("safe_home", "safe_place")),
        ],
    )
    found = unreadable_declarations(directory)
    assert len(found) == 2, found
    assert any("'feel_safe' of version 1" in problem for problem in found)
    assert any("'safety_score' of version 1" in problem for problem in found)


def test_two_questions_renamed_into_one_are_read_by_neither_and_both_declarations_are_refused(tmp_path):
    # Version 1 has an indicator on safe_night alone; version 2 asks safe_home and safe_night as
    # one question, safe_place, and declares both indicators reading it comparable: a T0 would
    # have two answers for it.
    night_alone = (
        "  - id: safe_at_night\n    dimension: securite\n    kind: proportion\n    unit: percent\n"
        "    questions: [safe_night]\n    favourable: [yes_totally, mostly_yes]\n"
        '    title: {fr: "Jeunes en sécurité la nuit", en: "Young people safe at night"}\n'
        '    description: {fr: "Part des jeunes en sécurité la nuit.", en: "Share safe at night."}\n'
    )
    safety_score = V1_TEXT[
        V1_TEXT.index("  - id: safety_score\n") : V1_TEXT.index("  - id: knows_who_to_tell\n")
    ]
    directory = versions_with(
        tmp_path,
        [
            (SAFE_HOME + SAFE_NIGHT, asked("safe_place")),
            (safety_score, ""),
            reads_instead("safe_home", "safe_place", "feel_safe"),
            reads_instead("safe_night", "safe_place", "safe_at_night"),
            (SAFE_HOME_TRIGGER + SAFE_NIGHT_TRIGGER, SAFE_HOME_TRIGGER.replace("safe_home", "safe_place")),
        ],
        earlier=V1_TEXT.replace(safety_score, safety_score + night_alone, 1),
    )
    found = unreadable_declarations(directory)
    assert len(found) == 2, found
    assert any("'feel_safe' of version 1" in problem for problem in found)
    assert any("'safe_at_night' of version 1" in problem for problem in found)
