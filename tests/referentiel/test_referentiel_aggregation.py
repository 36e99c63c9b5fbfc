"""Group values: a Wilson interval for proportions, Student t for means and changes.

Aggregation computes the value of any group it is given; which groups may be published is the
disclosure rule's decision (``admin.disclosure``, tested in ``tests/admin``).
"""

import pytest

from referentiel.aggregation import (
    DEFAULT_MINIMUM_GROUP_SIZE,
    MINIMUM_GROUP_SIZE_FLOOR,
    aggregate,
    aggregate_change,
)
from referentiel.models import Referentiel
from referentiel.scoring import score_youth


def test_thresholds() -> None:
    assert (DEFAULT_MINIMUM_GROUP_SIZE, MINIMUM_GROUP_SIZE_FLOOR) == (10, 5)


def test_a_proportion_gets_a_wilson_interval_in_percent(v1: Referentiel) -> None:
    result = aggregate(v1, "feel_safe", [100.0] * 7 + [0.0] * 3 + [None])
    assert (result.n, result.value, result.unit) == (10, 70.0, "percent")
    assert result.ci_low == pytest.approx(39.677, abs=1e-3)
    assert result.ci_high == pytest.approx(89.221, abs=1e-3)


def test_individual_scores_are_accepted_as_they_come(v1: Referentiel) -> None:
    answers = [{"safe_home": "mostly_yes"}] * 6 + [{"safe_home": "not_at_all"}] * 4 + [{}] * 3
    values = [score_youth(v1, youth)["feel_safe"] for youth in answers]
    assert aggregate(v1, "feel_safe", values).value == 60.0


def test_a_score_gets_a_t_interval(v1: Referentiel) -> None:
    result = aggregate(v1, "self_esteem", [50.0, 60.0, 70.0, 80.0, 90.0] * 2)
    assert (result.n, result.value, result.unit) == (10, 70.0, "score_0_100")
    standard_error = (2000 / 9 / 10) ** 0.5  # squared deviations sum to 2000
    assert result.ci_low == pytest.approx(70 - 2.262157163 * standard_error)
    assert result.ci_high > 70


def test_aggregation_masks_nothing_it_is_given(v1: Referentiel) -> None:
    # Nine youth: below the default group size, still computed; the exports never ask for it.
    assert aggregate(v1, "feel_safe", [100.0] * 9 + [None] * 5).value == 100.0
    assert aggregate_change(v1, "self_esteem", [5.0] * 9 + [None] * 20).n == 9


def test_a_value_of_nobody_or_an_interval_of_one_youth_is_refused(v1: Referentiel) -> None:
    with pytest.raises(ValueError, match="n > 0"):
        aggregate(v1, "feel_safe", [None, None])
    with pytest.raises(ValueError, match="at least 2 values"):
        aggregate(v1, "self_esteem", [50.0])


def test_a_proportion_refuses_values_other_than_0_and_100(v1: Referentiel) -> None:
    with pytest.raises(ValueError, match="must be 100 or 0"):
        aggregate(v1, "feel_safe", [50.0] * 10)


def test_a_change_has_the_unit_of_a_difference(v1: Referentiel) -> None:
    published = aggregate_change(v1, "feel_safe", [100.0, 0.0, 0.0, -100.0, 0.0] * 2)
    assert (published.value, published.unit, published.n) == (0.0, "percentage_points", 10)
    assert aggregate_change(v1, "self_esteem", [10.0] * 10).unit == "points"
