"""A distribution indicator: one share per option, published as proportions, never paired."""

from pathlib import Path

import pytest

from referentiel.aggregation import aggregate
from referentiel.errors import ReferentielInvalid
from referentiel.loading import parse_referentiel
from referentiel.scoring import paired_change, score_youth

VALID = (Path(__file__).parent / "fixtures" / "problems" / "_valid.yaml").read_text("utf-8")
DISTRIBUTION = """
  - id: safe_shares
    dimension: securite
    kind: distribution
    unit: percent
    questions: [safe_home]
    title: {fr: "Sécurité", en: "Safety"}
    description: {fr: "Part de chaque réponse.", en: "Share of each answer."}
"""


def with_indicator(text: str) -> str:
    return VALID.replace("safeguarding:", text.lstrip("\n") + "safeguarding:")


def problems(text: str) -> list[str]:
    with pytest.raises(ReferentielInvalid) as raised:
        parse_referentiel(text, "draft.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_a_distribution_is_published_as_one_share_per_option() -> None:
    referentiel = parse_referentiel(with_indicator(DISTRIBUTION), "draft.yaml")
    assert [indicator.id for indicator in referentiel.declared_indicators] == ["feel_safe", "safe_shares"]
    parts = [indicator for indicator in referentiel.indicators if indicator.distribution_of == "safe_shares"]
    assert [part.id for part in parts] == ["safe_shares_yes_totally", "safe_shares_not_at_all"]
    assert [part.kind for part in parts] == ["proportion", "proportion"]
    assert parts[0].title == {"fr": "Sécurité : Oui", "en": "Safety: Yes"}
    assert not any(part.paired for part in parts) and referentiel.indicator("feel_safe").paired


def test_the_shares_add_up_to_100_and_have_no_change() -> None:
    referentiel = parse_referentiel(with_indicator(DISTRIBUTION), "draft.yaml")
    #   safe_home: 3 × yes, 2 × no, 1 skipped → 60 % / 40 % of 5 answers
    answers = ["yes_totally", "yes_totally", "not_at_all", "yes_totally", "not_at_all", None]
    scores = [score_youth(referentiel, {"safe_home": answer}) for answer in answers]
    shares = [
        aggregate(referentiel, part, [score[part] for score in scores])
        for part in ("safe_shares_yes_totally", "safe_shares_not_at_all")
    ]
    assert [(share.n, share.value) for share in shares] == [(5, 60.0), (5, 40.0)]
    change = paired_change(referentiel, {"safe_home": "not_at_all"}, {"safe_home": "yes_totally"})
    assert change["feel_safe"] == 100.0
    assert change["safe_shares_yes_totally"] is None and change["safe_shares_not_at_all"] is None


def test_a_distribution_needs_one_single_answer_question_and_no_pairing() -> None:
    wrong = DISTRIBUTION.replace("[safe_home]", "[safe_home, who_to_tell]").replace(
        "    title:", "    comparable_with: [{version: 1, indicator: feel_safe}]\n    title:"
    )
    found = problems(with_indicator(wrong))
    assert any("a distribution indicator uses exactly 1 question" in line for line in found), found
    assert any("not earlier than this file's" in line for line in found), found


def test_a_distribution_declared_comparable_is_refused() -> None:
    declared = "    comparable_with: [{version: 1, indicator: x}]\n    title:"
    text = with_indicator(DISTRIBUTION.replace("    title:", declared))
    text = text.replace("version: 1\n", "version: 2\n", 1)
    assert any("never paired T0→T1: no comparable_with" in line for line in problems(text))


def test_the_id_of_a_share_must_be_free_and_distribution_of_is_not_written() -> None:
    taken = with_indicator(DISTRIBUTION.replace("id: safe_shares", "id: feel")).replace(
        "id: feel_safe", "id: feel_not_at_all"
    )
    taken = taken.replace("- id: feel\n", "- id: feel\n", 1)
    found = problems(taken)
    assert any("would be 'feel_not_at_all', an id already used" in line for line in found), found
    written = with_indicator(DISTRIBUTION.replace("    title:", "    distribution_of: feel_safe\n    title:"))
    assert any("distribution_of is set by Voix, not written" in line for line in problems(written))
