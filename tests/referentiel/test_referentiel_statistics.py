"""Intervals without scipy, checked against published tables and by round trips."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referentiel import statistics
from referentiel.statistics import (
    mean_interval,
    normal_quantile,
    student_t_cdf,
    student_t_quantile,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("degrees_of_freedom", "expected"),
    [
        (1, 12.706204736),
        (2, 4.302652730),
        (4, 2.776445105),
        (9, 2.262157163),
        (30, 2.042272456),
        (100, 1.983971519),
        (1000, 1.962339081),
    ],
)
def test_t_quantile_matches_tables(degrees_of_freedom: int, expected: float) -> None:
    assert student_t_quantile(0.975, degrees_of_freedom) == pytest.approx(expected, abs=1e-8)


def test_t_quantile_for_other_levels() -> None:
    assert student_t_quantile(0.95, 10) == pytest.approx(1.812461123, abs=1e-8)
    assert student_t_quantile(0.005, 5) == pytest.approx(-4.032142984, abs=1e-8)
    assert student_t_quantile(0.5, 7) == pytest.approx(0.0, abs=1e-10)


def test_normal_quantile() -> None:
    assert normal_quantile(0.975) == pytest.approx(1.959963984540054, abs=1e-10)
    assert normal_quantile(0.5) == pytest.approx(0.0, abs=1e-12)


@given(
    p=st.floats(min_value=0.001, max_value=0.999),
    degrees_of_freedom=st.integers(min_value=1, max_value=5000),
)
def test_t_quantile_inverts_the_distribution_function(p: float, degrees_of_freedom: int) -> None:
    assert student_t_cdf(student_t_quantile(p, degrees_of_freedom), degrees_of_freedom) == (
        pytest.approx(p, abs=1e-9)
    )


def _bisection_quantile(p: float, degrees_of_freedom: float) -> float:
    """The former implementation: bisection on the same distribution function."""
    return statistics._invert(lambda t: student_t_cdf(t, degrees_of_freedom), p)


# Every degree of freedom up to 300 (where the Cornish–Fisher start is poorest), then a sparse sweep.
DENSE_DEGREES_OF_FREEDOM = [*range(1, 301), *range(307, 100_001, 997), 100_000]


@pytest.mark.parametrize("p", [0.975, 0.025, 0.995, 0.95, 0.6])
def test_newton_quantile_agrees_with_bisection_on_a_dense_table(p: float) -> None:
    for degrees_of_freedom in DENSE_DEGREES_OF_FREEDOM:
        expected = _bisection_quantile(p, degrees_of_freedom)
        found = student_t_quantile(p, degrees_of_freedom)
        assert abs(found - expected) <= 1e-9 * max(1.0, abs(expected)), (p, degrees_of_freedom)


@given(
    p=st.floats(min_value=1e-4, max_value=1 - 1e-4),
    degrees_of_freedom=st.one_of(
        st.integers(min_value=1, max_value=100_000), st.floats(min_value=0.3, max_value=50.0)
    ),
)
def test_newton_quantile_agrees_with_bisection(p: float, degrees_of_freedom: float) -> None:
    expected = _bisection_quantile(p, degrees_of_freedom)
    assert student_t_quantile(p, degrees_of_freedom) == pytest.approx(
        expected, abs=1e-9 * max(1, abs(expected))
    )


def test_invalid_probabilities_are_refused() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        student_t_quantile(1.0, 3)
    with pytest.raises(ValueError, match="degrees of freedom"):
        student_t_quantile(0.5, 0)


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(5, 10)
    assert (low, high) == (pytest.approx(0.2365931, abs=1e-6), pytest.approx(0.7634069, abs=1e-6))
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.2775328, abs=1e-6))
    assert wilson_interval(10, 10) == (pytest.approx(0.7224672, abs=1e-6), 1.0)


@given(n=st.integers(min_value=1, max_value=10_000), data=st.data())
def test_wilson_interval_contains_the_proportion(n: int, data: st.DataObject) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson_interval(successes, n)
    assert 0 <= low <= successes / n <= high <= 1


def test_mean_interval() -> None:
    mean, low, high = mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    half_width = 2.776445105 * math.sqrt(2.5 / 5)
    assert mean == 3
    assert (low, high) == (pytest.approx(3 - half_width), pytest.approx(3 + half_width))
    assert mean_interval([7.0, 7.0]) == (7.0, 7.0, 7.0)
    with pytest.raises(ValueError, match="at least 2 values"):
        mean_interval([1.0])
