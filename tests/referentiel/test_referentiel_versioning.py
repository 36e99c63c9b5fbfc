"""Versions side by side: unique versions, stable question meanings, comparable indicators."""

from pathlib import Path

import pytest

from referentiel.errors import ReferentielInvalid
from referentiel.loading import find_referentiel, shipped_referentiels
from referentiel.models import Referentiel
from referentiel.versioning import comparable_indicators, indicator_fingerprint


def test_versions_load_together_and_each_is_found(versions_directory: Path) -> None:
    loaded = shipped_referentiels(versions_directory)
    assert [referentiel.key for referentiel in loaded] == [("voix-mecs", 1), ("voix-mecs", 2)]
    assert find_referentiel("voix-mecs", 2, versions_directory).version == 2
    assert find_referentiel("voix-mecs", 1, versions_directory) == find_referentiel("voix-mecs", 1)


def test_rewording_changes_only_the_fingerprints_that_use_the_question(
    versions_directory: Path,
) -> None:
    v1, v2 = shipped_referentiels(versions_directory)
    comparable = comparable_indicators(v1, v2)
    v2_ids = [indicator.id for indicator in v2.indicators]
    assert sorted(set(v2_ids) - set(comparable)) == ["safety_score", "sport_hours_mean"]
    assert indicator_fingerprint(v1, "feel_safe") == indicator_fingerprint(v2, "feel_safe")
    assert indicator_fingerprint(v1, "safety_score") != indicator_fingerprint(v2, "safety_score")


def test_different_referentiels_are_never_comparable(v1: Referentiel) -> None:
    other = v1.model_copy(update={"id": "another"})
    assert comparable_indicators(v1, other) == []


def test_changing_the_options_of_a_question_id_is_refused(versions_directory: Path) -> None:
    v2 = versions_directory / "voix-mecs-v2.yaml"
    text = v2.read_text("utf-8").replace("{id: three_plus, value: 3,", "{id: three_plus, value: 4,")
    v2.write_text(text, "utf-8")
    with pytest.raises(ReferentielInvalid) as raised:
        shipped_referentiels(versions_directory)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{v2}: questions.adults_count: changes the answers of 'adults_count' from version 1: "
        "give the changed question a new id"
    ]


def test_two_files_with_the_same_version_are_refused(versions_directory: Path) -> None:
    copy = versions_directory / "voix-mecs-v1-copy.yaml"
    copy.write_text((versions_directory / "voix-mecs-v1.yaml").read_text("utf-8"), "utf-8")
    with pytest.raises(ReferentielInvalid) as raised:
        shipped_referentiels(versions_directory)
    [problem] = raised.value.problems
    assert problem.path == "version"
    assert str(problem).endswith(": give this file the next version number")


def test_a_broken_file_among_versions_reports_its_problems(versions_directory: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    (versions_directory / "zz-broken.yaml").write_text(
        (fixtures / "duplicate_key.yaml").read_text("utf-8"), "utf-8"
    )
    with pytest.raises(ReferentielInvalid) as raised:
        shipped_referentiels(versions_directory)
    assert [problem.line for problem in raised.value.problems] == [4]
