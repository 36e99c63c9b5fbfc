"""Summaries combine exactly: combined parts give what all values give, and the two-pass interval."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referentiel.aggregation import (
    Aggregate,
    aggregate,
    aggregate_change,
    aggregate_change_summary,
    aggregate_share_improved,
    aggregate_share_improved_summary,
    aggregate_summary,
)
from referentiel.loading import find_referentiel
from referentiel.statistics import mean_interval
from referentiel.summaries import COUNTING_BATCH, EMPTY, ValueCounts, ValueSummary, combine, summarise

V1 = find_referentiel("voix-mecs", 1)
SCORE = st.floats(min_value=0, max_value=100, allow_nan=False)
CHANGE = st.floats(min_value=-100, max_value=100, allow_nan=False)
BINARY = st.sampled_from([0.0, 100.0])
GROUPS = st.integers(min_value=1, max_value=6)


def assert_same(from_values: Aggregate, from_summary: Aggregate) -> None:
    """Everything equal, bit for bit, except the interval bounds: equal to 1e-12."""
    assert (from_values.indicator_id, from_values.n, from_values.value, from_values.unit) == (
        from_summary.indicator_id,
        from_summary.n,
        from_summary.value,
        from_summary.unit,
    )
    for exact, summarised in (
        (from_values.ci_low, from_summary.ci_low),
        (from_values.ci_high, from_summary.ci_high),
    ):
        assert math.isclose(exact, summarised, rel_tol=1e-12, abs_tol=1e-12)


def split(values: list[float], parts: int) -> list[list[float]]:
    """Cut values into disjoint groups, as structures of an organisation."""
    return [values[index::parts] for index in range(parts)]


@given(values=st.lists(SCORE, min_size=2, max_size=60), parts=GROUPS)
def test_a_score_from_combined_summaries_equals_the_score_from_values(values, parts) -> None:
    summary = combine(summarise(group) for group in split(values, parts))
    assert_same(
        aggregate(V1, "safety_score", values), aggregate_summary(V1.indicator("safety_score"), summary)
    )


@given(values=st.lists(BINARY, min_size=1, max_size=60), parts=GROUPS)
def test_a_percentage_from_combined_summaries_equals_the_percentage_from_values(values, parts) -> None:
    summary = combine(summarise(group) for group in split(values, parts))
    assert_same(aggregate(V1, "feel_safe", values), aggregate_summary(V1.indicator("feel_safe"), summary))


@given(
    values=st.lists(st.integers(min_value=0, max_value=20).map(float), min_size=2, max_size=60), parts=GROUPS
)
def test_a_count_from_combined_summaries_equals_the_count_from_values(values, parts) -> None:
    summary = combine(summarise(group) for group in split(values, parts))
    assert_same(
        aggregate(V1, "adults_to_call", values), aggregate_summary(V1.indicator("adults_to_call"), summary)
    )


@given(
    changes=st.lists(CHANGE, min_size=2, max_size=60),
    parts=GROUPS,
    indicator=st.sampled_from(["feel_safe", "self_esteem"]),
)
def test_changes_from_combined_summaries_equal_changes_from_values(changes, parts, indicator) -> None:
    summary = combine(summarise(group) for group in split(changes, parts))
    assert_same(
        aggregate_change(V1, indicator, changes), aggregate_change_summary(V1.indicator(indicator), summary)
    )
    assert_same(
        aggregate_share_improved(V1, indicator, changes),
        aggregate_share_improved_summary(V1.indicator(indicator), summary),
    )


@given(values=st.lists(SCORE, min_size=5, max_size=80))
def test_the_summarised_interval_is_the_two_pass_student_interval(values) -> None:
    published = aggregate(V1, "safety_score", values)
    mean, low, high = mean_interval(values)
    assert published.value == pytest.approx(mean, rel=1e-12, abs=1e-12)
    # Cut at the score's ends, 0 and 100, which the Student interval of a small group may pass.
    assert published.ci_low == pytest.approx(max(low, 0.0), rel=1e-9, abs=1e-9)
    assert published.ci_high == pytest.approx(min(high, 100.0), rel=1e-9, abs=1e-9)


def test_an_interval_never_reaches_past_what_its_unit_can_be() -> None:
    # 8 youth at 100 and 2 at 50: Student's interval is [74,9 ; 105,1] on a score out of 100.
    published = aggregate(V1, "safety_score", [100.0] * 8 + [50.0] * 2)
    assert (round(published.value, 1), round(published.ci_low, 1), published.ci_high) == (90.0, 74.9, 100.0)
    change = aggregate_change(V1, "safety_score", [-100.0] * 8 + [-50.0] * 2)
    assert (change.ci_low, round(change.ci_high, 1)) == (-100.0, -74.9)
    # A count's change has no end: it had been cut at 0 as the count itself is, the value outside
    # its own interval (a reviewer's find: −0,5 [0,0 ; 0,5]).
    fewer = aggregate_change(V1, "adults_to_call", [-1.0] * 5 + [0.0] * 5)
    assert fewer.unit == "count" and fewer.ci_low < fewer.value == -0.5 < fewer.ci_high < 0.5


@given(values=st.lists(SCORE, min_size=1, max_size=80))
def test_the_mean_is_math_fsum_divided_by_n_bit_for_bit(values) -> None:
    assert summarise(values).mean() == math.fsum(values) / len(values)


def test_a_summary_counts_what_the_values_hold() -> None:
    summary = summarise([100.0, 0.0, 100.0, -0.0, 50.0, -50.0])
    counts = (summary.n, summary.favourable, summary.unfavourable, summary.positive, summary.negative)
    assert counts == (6, 2, 2, 3, 1)
    assert summary.mean() == 200 / 6
    assert combine([]) == EMPTY and combine([summary]) == summary


def test_a_percentage_summary_refuses_values_other_than_0_and_100() -> None:
    with pytest.raises(ValueError, match="must be 100 or 0"):
        aggregate_summary(V1.indicator("feel_safe"), summarise([100.0] * 9 + [50.0]))


def test_summaries_refuse_values_that_are_not_finite() -> None:
    with pytest.raises(ValueError, match="not finite"):
        summarise([1.0, math.inf])


def test_an_empty_summary_has_no_mean() -> None:
    with pytest.raises(ValueError):
        ValueSummary().mean()
    with pytest.raises(ValueError):
        summarise([3.0]).variance()


@pytest.mark.parametrize("runs", [1, COUNTING_BATCH - 1, COUNTING_BATCH, 2 * COUNTING_BATCH + 3])
def test_counts_batched_or_not_give_the_summaries_of_the_values(runs: int) -> None:
    plain, paired = ValueCounts(2), ValueCounts(2, paired=True)
    befores = [(float(run % 5), None if run % 7 == 0 else 50.0) for run in range(runs)]
    afters = [(float(run % 3), 100.0 if run % 2 else None) for run in range(runs)]
    for before, after in zip(befores, afters, strict=True):
        plain.add(after)
        paired.add(after, before)
    assert plain.summaries() == [
        summarise([after[column] for after in afters if after[column] is not None]) for column in (0, 1)
    ]
    assert paired.summaries() == [
        summarise(
            [
                after[column] - before[column]
                for before, after in zip(befores, afters, strict=True)
                if before[column] is not None and after[column] is not None
            ]
        )
        for column in (0, 1)
    ]


@pytest.mark.parametrize("runs", [1, 7, COUNTING_BATCH + 3])
@pytest.mark.parametrize("known", [False, True])
def test_a_change_counts_its_pairs_that_began_favourable(runs: int, known: bool) -> None:
    # Yes (100) or no (0) at both waves, or missing at one: the pairs that said yes first are
    # the disclosure checks' true count of them (never published); a level has none.
    befores = [[(100.0, 0.0, None)[run % 3]] for run in range(runs)]
    afters = [[(0.0, 100.0, 100.0, None)[run % 4]] for run in range(runs)]
    paired = ValueCounts(1, paired=True)
    for before, after in zip(befores, afters, strict=True):
        paired.add(after, before)
    [summary] = paired.summaries({} if known else None)
    began_yes = sum(
        1 for [before], [after] in zip(befores, afters, strict=True) if before == 100.0 and after is not None
    )
    changes = [
        after - before
        for [before], [after] in zip(befores, afters, strict=True)
        if before is not None and after is not None
    ]
    assert summary == summarise(changes)._replace(earlier_favourable=began_yes)
    assert began_yes > 0
    plain = ValueCounts(1)
    for after in afters:
        plain.add(after)
    assert plain.summaries({} if known else None)[0].earlier_favourable == 0


def test_paired_counts_need_the_earlier_values_and_only_they_do() -> None:
    with pytest.raises(ValueError, match="paired counts"):
        ValueCounts(1, paired=True).add([1.0])
    with pytest.raises(ValueError, match="paired counts"):
        ValueCounts(1).add([1.0], [2.0])
