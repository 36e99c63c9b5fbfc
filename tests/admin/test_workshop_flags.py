"""The pack's flags: written as published (a share once, with its unit), and raised on
reliability only where chance alone would rarely raise them (100 youth)."""

from collections import Counter

import numpy
import pytest

from admin.workshop_items import _item_row
from admin.workshop_options import GroupOptions
from admin.workshop_reliability import lowering_flags, reliability_rows
from referentiel.loading import find_referentiel


@pytest.mark.parametrize(("withheld", "share"), [({}, "(94,7 %)"), ({0: True}, "(> 80 %)")])
def test_a_flags_share_is_written_once_with_its_unit(withheld, share):
    # 18 of 19 answered « Oui »: flagged, with the share as published (its number, or its band
    # when the option is withheld), never « > 80 % % ».
    referentiel = find_referentiel("voix-mecs", 2)
    question = referentiel.question("who_to_tell")
    options = GroupOptions(20, 19, [("yes", "Oui", 18), ("no", "Non", 1)], withheld)
    row = _item_row(referentiel, ("voix-mecs/2", "T0"), question, (options, []), 0, None, 3)
    [one_option] = [found for found in row.flags if found.flag == "one_option"]
    assert one_option.reason == f"plus de 80 % des réponses dans une seule option : « Oui » {share}"


@pytest.mark.parametrize(("youth", "flagged"), [(400, True), (60, False)])
def test_reliability_flags_wait_for_a_hundred_youth(youth, flagged):
    # self_esteem's five items: four follow one trait, the fifth is noise. With 400 youth the
    # noise item lowers α and is flagged; with 60, chance alone would flag items of good scores
    # too often, so nothing is flagged, while α and its interval are still published.
    referentiel = find_referentiel("voix-mecs", 2)
    options = [f'"{option}"' for option in ("not_at_all", "mostly_no", "mostly_yes", "yes_totally")]
    generator = numpy.random.default_rng(3)
    trait = generator.normal(size=youth)
    values = numpy.clip(numpy.round(1.5 + trait[:, None] + 0.7 * generator.normal(size=(youth, 4))), 0, 3)
    noise = generator.integers(0, 4, size=(youth, 1))
    answers = numpy.hstack([values, noise]).astype(int)
    patterns = Counter(("self_esteem", tuple(options[value] for value in row)) for row in answers.tolist())
    [row] = [
        found
        for found in reliability_rows(referentiel, "voix-mecs/2", "T0", patterns, 10, generator)
        if found.indicator == "self_esteem"
    ]
    assert row.n == youth and row.alpha is not None and row.alpha_ci_low < row.alpha < row.alpha_ci_high
    assert [item["lowers_alpha"] for item in row.items] == [False, False, False, False, True]
    assert list(lowering_flags(row)) == (["self_opinion"] if flagged else [])
