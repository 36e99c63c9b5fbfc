"""Loading: shipped files, and every problem of a broken file reported at its line."""

from pathlib import Path

import pytest

from referentiel.errors import ReferentielInvalid, ReferentielNotFound
from referentiel.loading import (
    current_referentiel,
    find_referentiel,
    load_referentiel,
    parse_referentiel,
    shipped_referentiels,
)
from referentiel.models import Referentiel

FIXTURES = Path(__file__).parent / "fixtures"


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ReferentielInvalid) as raised:
        load_referentiel(path)
    assert raised.value.exit_code == 2
    return [str(problem) for problem in raised.value.problems]


def test_shipped_versions_load_and_the_current_one_is_the_latest() -> None:
    shipped = shipped_referentiels()
    assert [referentiel.key for referentiel in shipped] == [("voix-mecs", 1), ("voix-mecs", 2)]
    assert current_referentiel() is shipped[-1]
    assert find_referentiel("voix-mecs", 1) is shipped[0]
    assert find_referentiel("voix-mecs", 2) is shipped[1]


def test_an_unknown_version_says_which_release_to_install() -> None:
    with pytest.raises(ReferentielNotFound) as raised:
        find_referentiel("voix-mecs", 9)
    assert raised.value.exit_code == 2
    assert raised.value.message == (
        "référentiel 'voix-mecs' version 9 is not shipped with this Voix; "
        "install the Voix release that shipped it"
    )


def test_every_cross_reference_problem_is_listed_at_its_line() -> None:
    file = str(FIXTURES / "broken.yaml")
    assert problems_of(FIXTURES / "broken.yaml") == [
        f"{file}:13: waves.T1: T1 needs default_delay_days (e.g. 180)",
        f"{file}:17: dimensions.securite.title: missing the 'en' translation",
        f"{file}:25: questions.safe_home.condition.question: "
        "'time_here' is not a question asked before 'safe_home'",
        f"{file}:33: questions.time_here.options.skip.id: option id 'skip' is reserved for skipping",
        f"{file}:35: questions.night.dimension: unknown dimension 'sleep'",
        f"{file}:37: questions.night.scale: unknown scale 'agree'",
        f"{file}:38: questions.night.reverse: only scale questions can be reversed, and this one is yes_no",
        f"{file}:46: indicators.feel_safe.favourable.0: 'safe_home' has no option 'mostly_yes'",
        f"{file}:50: safeguarding.0.question: unknown question 'safe_hom'",
    ]


def test_every_shape_problem_is_listed_at_its_line() -> None:
    file = str(FIXTURES / "broken_shape.yaml")
    assert problems_of(FIXTURES / "broken_shape.yaml") == [
        f"{file}:2: id: 'Broken Shape' must match ^[a-z][a-z0-9_-]*$ (lowercase ASCII, digits, _)",
        f"{file}:3: version: Input should be greater than or equal to 1",
        f"{file}:7: waves.T2.id: Input should be 'T0', 'T1' or 'exit'",
        f"{file}:15: questions.safe_home_where_i_live_now.id: String should have at most 20 characters",
        f"{file}:17: questions.safe_home_where_i_live_now.type: Input should be 'scale', 'yes_no', "
        "'single_choice', 'multiple_choice', 'number' or 'short_text'",
        f"{file}:19: questions.time_here.text: required field is missing",
        f"{file}:22: questions.time_here.txt: unknown field (check its spelling and indentation)",
        f"{file}:24: questions.time_here.options.Under-3-months.id: String should have at most 12 characters",
        f"{file}:25: questions.time_here.options.long.label.fr: String should have at most 30 characters",
    ]


def test_a_duplicate_key_is_a_problem_not_a_silent_overwrite() -> None:
    file = FIXTURES / "problems" / "duplicate_key.yaml"
    assert problems_of(file) == [f"{file}:5: title: duplicate key (the first value would be silently lost)"]


def test_a_yaml_syntax_error_points_at_its_line() -> None:
    file = FIXTURES / "problems" / "syntax_error.yaml"
    assert problems_of(file) == [f"{file}:5: invalid YAML: expected ',' or '}}', but got '<scalar>'"]


def test_shape_and_reference_problems_are_reported_in_the_same_run() -> None:
    text = (FIXTURES / "problems" / "_valid.yaml").read_text("utf-8")
    text = text.replace("version: 1", "version: 0").replace("questions: [safe_home]", "questions: [safe_hom]")
    text = text.replace("    type: yes_no\n", "    type: yes_no\n    revers: true\n")
    with pytest.raises(ReferentielInvalid) as raised:
        parse_referentiel(text, "draft.yaml")
    assert [str(problem) for problem in raised.value.problems] == [
        "draft.yaml:3: version: Input should be greater than or equal to 1",
        "draft.yaml:26: questions.who_to_tell.revers: unknown field (check its spelling and indentation)",
        "draft.yaml:36: indicators.feel_safe.questions.0: unknown question 'safe_hom'",
    ]


def test_an_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    [problem] = problems_of(missing)
    assert problem.startswith(f"{missing}: cannot read:")


def test_a_file_that_is_not_a_mapping_is_a_problem() -> None:
    with pytest.raises(ReferentielInvalid) as raised:
        parse_referentiel("- just\n- a list\n", "list.yaml")
    assert [str(problem) for problem in raised.value.problems] == [
        "list.yaml:1: the file must be a mapping (id:, version:, …)"
    ]


def test_yes_and_no_stay_option_ids_rather_than_booleans(v1: object) -> None:
    text = (Path(__file__).parents[2] / "referentiel/data/voix-mecs-v1.yaml").read_text("utf-8")
    unquoted = text.replace('"yes"', "yes").replace('"no"', "no")
    assert unquoted != text
    referentiel = parse_referentiel(unquoted, "unquoted.yaml")
    assert referentiel.question("who_to_tell").option_ids == ("yes", "no")
    assert referentiel == v1


def test_the_error_message_says_how_many_problems_and_what_to_do() -> None:
    with pytest.raises(ReferentielInvalid) as raised:
        load_referentiel(FIXTURES / "broken.yaml")
    assert raised.value.message == (
        f"9 problems in {FIXTURES / 'broken.yaml'}; "
        "run `voix referentiel check` to list them, fix the file and run it again"
    )


def test_referentiels_and_their_parts_can_key_caches(v1: object) -> None:
    assert isinstance(v1, Referentiel)
    assert {v1: "cached"}[find_referentiel("voix-mecs", 1)] == "cached"
    assert len({v1.question("safe_home"), v1.question("safe_home")}) == 1
