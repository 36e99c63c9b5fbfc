"""Golden tables for the direction of a change: who counts as *improved* between T0 and T1.

``no_school`` is the share of youth with no school or training, a context figure whose
"favourable" answer is "Rien pour l'instant". A youth who goes from the lycée to nothing has
gone the wrong way: the paired change must not count them as improved (issue 10, bug 1).
"""

import pytest

from referentiel.aggregation import (
    aggregate_change,
    aggregate_share_improved,
    aggregate_share_improved_summary,
)
from referentiel.loading import find_referentiel
from referentiel.scoring import paired_change
from referentiel.summaries import summarise

#   school_now at T0   at T1        no_school change   improved?
SCHOOL_TABLE = [
    ("lycee", "nothing"),  # 0 → 100: +100, left school for nothing: worse
    ("college", "nothing"),  # +100, worse
    ("apprentice", "nothing"),  # +100, worse
    ("nothing", "apprentice"),  # 100 → 0: −100, back in training: improved
    ("nothing", "nothing"),  # 0, the same
    ("vocational", "vocational"),  # 0, the same
    ("lycee", None),  # T1 skipped: not paired
]


def _changes(version: int) -> list[float | None]:
    referentiel = find_referentiel("voix-mecs", version)
    return [
        paired_change(referentiel, {"school_now": first}, {"school_now": second})["no_school"]
        for first, second in SCHOOL_TABLE
    ]


@pytest.mark.parametrize("version", [1, 2])
def test_leaving_school_for_nothing_is_not_an_improvement(version: int) -> None:
    referentiel = find_referentiel("voix-mecs", version)
    changes = _changes(version)
    # The mean change stays what happened to the share: +100 ×3, −100, 0, 0 over 6 pairs.
    mean = aggregate_change(referentiel, "no_school", changes)
    assert (mean.n, round(mean.value or 0, 4), mean.unit) == (6, round(200 / 6, 4), "percentage_points")
    # Improved: the 1 youth who went from nothing back to training, of 6 paired (not the 3 who left).
    improved = aggregate_share_improved(referentiel, "no_school", changes)
    assert (improved.n, round(improved.value or 0, 4)) == (6, round(100 / 6, 4))
    by_summary = aggregate_share_improved_summary(
        referentiel.indicator("no_school"), summarise([change for change in changes if change is not None])
    )
    assert by_summary.value == improved.value


@pytest.mark.parametrize("version", [1, 2])
def test_ten_youth_going_from_lycee_to_nothing_give_no_improvement(version: int) -> None:
    referentiel = find_referentiel("voix-mecs", version)
    changes = [
        paired_change(referentiel, {"school_now": "lycee"}, {"school_now": "nothing"})["no_school"]
        for _ in range(10)
    ]
    improved = aggregate_share_improved(referentiel, "no_school", changes)
    assert (improved.n, improved.value) == (10, 0.0)


def test_an_indicator_where_higher_is_better_still_counts_rises() -> None:
    referentiel = find_referentiel("voix-mecs", 1)
    changes = [100.0, 100.0, 0.0, -100.0, 0.0]
    improved = aggregate_share_improved(referentiel, "feel_safe", changes)
    assert improved.value == 40.0
