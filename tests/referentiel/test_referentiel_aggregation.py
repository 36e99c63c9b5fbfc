"""Group values and primary suppression: never below 5, 10 by default."""

import pytest

from referentiel.aggregation import (
    DEFAULT_MINIMUM_GROUP_SIZE,
    MINIMUM_GROUP_SIZE_FLOOR,
    Aggregate,
    aggregate,
    aggregate_change,
)
from referentiel.errors import GroupSizeTooSmall
from referentiel.models import Referentiel
from referentiel.scoring import score_youth


def test_thresholds() -> None:
    assert (DEFAULT_MINIMUM_GROUP_SIZE, MINIMUM_GROUP_SIZE_FLOOR) == (10, 5)


def test_a_group_of_nine_is_suppressed_with_its_reason(v1: Referentiel) -> None:
    assert aggregate(v1, "feel_safe", [100.0] * 9 + [None] * 5) == Aggregate(
        indicator_id="feel_safe",
        n=9,
        value=None,
        ci_low=None,
        ci_high=None,
        unit="percent",
        suppressed=True,
        reason="fewer than 10 answers (n=9): not published, to protect anonymity",
    )


def test_a_proportion_gets_a_wilson_interval_in_percent(v1: Referentiel) -> None:
    result = aggregate(v1, "feel_safe", [100.0] * 7 + [0.0] * 3 + [None])
    assert (result.n, result.value, result.unit, result.suppressed) == (10, 70.0, "percent", False)
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
    assert result.ci_high is not None and result.ci_high > 70


def test_the_minimum_group_size_can_be_raised_or_lowered_to_five(v1: Referentiel) -> None:
    assert aggregate(v1, "feel_safe", [100.0] * 10, minimum_group_size=11).suppressed
    assert not aggregate(v1, "feel_safe", [100.0] * 5, minimum_group_size=5).suppressed


@pytest.mark.parametrize("size", [4, 0, -1])
def test_a_minimum_group_size_below_five_is_refused(v1: Referentiel, size: int) -> None:
    with pytest.raises(GroupSizeTooSmall) as raised:
        aggregate(v1, "feel_safe", [100.0] * 50, minimum_group_size=size)
    assert raised.value.exit_code == 2
    assert raised.value.message == (
        f"the minimum group size is {size}, below the floor of 5: smaller groups could "
        "identify a youth; use 5 or more (default 10)"
    )


def test_a_proportion_refuses_values_other_than_0_and_100(v1: Referentiel) -> None:
    with pytest.raises(ValueError, match="must be 100 or 0"):
        aggregate(v1, "feel_safe", [50.0] * 10)


def test_change_is_suppressed_on_paired_n(v1: Referentiel) -> None:
    suppressed = aggregate_change(v1, "self_esteem", [5.0] * 9 + [None] * 20)
    assert suppressed.suppressed and suppressed.n == 9
    assert suppressed.reason == ("fewer than 10 paired answers (n=9): not published, to protect anonymity")
    published = aggregate_change(v1, "feel_safe", [100.0, 0.0, 0.0, -100.0, 0.0] * 2)
    assert (published.value, published.unit, published.n) == (0.0, "percentage_points", 10)
    assert aggregate_change(v1, "self_esteem", [10.0] * 10).unit == "points"
