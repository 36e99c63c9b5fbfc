"""Group values with primary suppression: per-youth values → one published number.

Public API:

* ``aggregate(referentiel, indicator_id, per_youth_values, minimum_group_size=10) -> Aggregate``
  — the value of one group at one wave;
* ``aggregate_change(referentiel, indicator_id, per_youth_changes, minimum_group_size=10)
  -> Aggregate`` — the mean paired change (T1 − T0) of one group;
* ``aggregate_share_improved(referentiel, indicator_id, per_youth_changes, minimum_group_size=10)
  -> Aggregate`` — the share of paired youth who improved, in percent: whose value went up, or
  down for an indicator that is ``better: lower`` (a share of youth with no school).

Values may be ``IndividualScore``, plain floats, or ``None`` (missing, left out of ``n``).

The same three from additive summaries (``referentiel.summaries``): ``aggregate_summary``,
``aggregate_change_summary`` and ``aggregate_share_improved_summary``. An export publishes a
structure, its organisation and the sector: it summarises each structure once and adds the
summaries up, instead of reading every value again at every level. Both paths give the same
``n`` and the same value (bit for bit); intervals agree to the last digits (the summary's
variance is exact, the values' is a two-pass sum), far below what is published.
Proportions get a Wilson interval, means and changes a Student t interval (95 %).

Primary suppression: a group with fewer than ``minimum_group_size`` values (paired values for
a change) is published with no value and no interval, only ``n`` and a reason. The size is 10
by default and can never be set below 5 (``GroupSizeTooSmall``). Secondary suppression (a
suppressed cell recoverable from totals) is the exports' job, in ``admin/``.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from referentiel.errors import GroupSizeTooSmall
from referentiel.models import Referentiel
from referentiel.scoring import FAVOURABLE, UNFAVOURABLE, IndividualScore
from referentiel.statistics import DEFAULT_CONFIDENCE, student_interval, wilson_interval
from referentiel.summaries import ValueSummary, summarise

# The one place these thresholds live (UK ONS / UK LLC use 10; CASD and INSEE 11 for people).
DEFAULT_MINIMUM_GROUP_SIZE = 10
MINIMUM_GROUP_SIZE_FLOOR = 5

CHANGE_UNITS = {"percent": "percentage_points", "score_0_100": "points", "count": "count"}


@dataclass(frozen=True)
class Aggregate:
    """One published cell: ``value`` and its interval are ``None`` when suppressed."""

    indicator_id: str
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    unit: str
    suppressed: bool
    reason: str | None
    confidence: float = DEFAULT_CONFIDENCE


def check_minimum_group_size(minimum_group_size: int) -> int:
    """Return the size if it is allowed; raise ``GroupSizeTooSmall`` below the floor."""
    if isinstance(minimum_group_size, bool) or not isinstance(minimum_group_size, int):
        raise GroupSizeTooSmall(f"the minimum group size must be a whole number, not {minimum_group_size!r}")
    if minimum_group_size < MINIMUM_GROUP_SIZE_FLOOR:
        raise GroupSizeTooSmall(
            f"the minimum group size is {minimum_group_size}, below the floor of "
            f"{MINIMUM_GROUP_SIZE_FLOOR}: smaller groups could identify a youth; use "
            f"{MINIMUM_GROUP_SIZE_FLOOR} or more (default {DEFAULT_MINIMUM_GROUP_SIZE})"
        )
    return minimum_group_size


def present_values(values: Iterable[IndividualScore | float | None]) -> list[float]:
    """Return the non-missing values as floats."""
    return [
        value.value if isinstance(value, IndividualScore) else float(value)
        for value in values
        if value is not None
    ]


def aggregate(
    referentiel: Referentiel,
    indicator_id: str,
    per_youth_values: Iterable[IndividualScore | float | None],
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> Aggregate:
    """Return the group value of one indicator at one wave, suppressed if the group is small."""
    summary = summarise(present_values(per_youth_values))
    return aggregate_summary(referentiel, indicator_id, summary, minimum_group_size)


def aggregate_change(
    referentiel: Referentiel,
    indicator_id: str,
    per_youth_changes: Iterable[float | None],
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> Aggregate:
    """Return the mean paired change of one indicator, suppressed if too few youth are paired."""
    summary = summarise(present_values(per_youth_changes))
    return aggregate_change_summary(referentiel, indicator_id, summary, minimum_group_size)


def aggregate_share_improved(
    referentiel: Referentiel,
    indicator_id: str,
    per_youth_changes: Iterable[float | None],
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> Aggregate:
    """Return the share of paired youth who improved, with a Wilson interval.

    Improved is a change > 0, or < 0 for an indicator that is better lower. A youth whose value
    stayed the same did not improve. Suppressed if too few youth are paired.
    """
    summary = summarise(present_values(per_youth_changes))
    return aggregate_share_improved_summary(referentiel, indicator_id, summary, minimum_group_size)


def aggregate_summary(
    referentiel: Referentiel,
    indicator_id: str,
    summary: ValueSummary,
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> Aggregate:
    """Return what ``aggregate`` returns for the values ``summary`` was made from."""
    check_minimum_group_size(minimum_group_size)
    indicator = referentiel.indicator(indicator_id)
    n = summary.n
    if n < minimum_group_size:
        return _suppressed(indicator_id, n, indicator.unit, minimum_group_size, "answers")
    if indicator.unit == "percent":
        if summary.favourable + summary.unfavourable != n:
            raise ValueError(f"{indicator_id} values must be {FAVOURABLE:g} or {UNFAVOURABLE:g}")
        low, high = wilson_interval(summary.favourable, n)
        return Aggregate(
            indicator_id, n, 100 * summary.favourable / n, 100 * low, 100 * high, "percent", False, None
        )
    mean, low, high = student_interval(summary.mean(), summary.variance(), n)
    return Aggregate(indicator_id, n, mean, low, high, indicator.unit, False, None)


def aggregate_change_summary(
    referentiel: Referentiel,
    indicator_id: str,
    summary: ValueSummary,
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> Aggregate:
    """Return what ``aggregate_change`` returns for the changes ``summary`` was made from."""
    check_minimum_group_size(minimum_group_size)
    unit = CHANGE_UNITS[referentiel.indicator(indicator_id).unit]
    n = summary.n
    if n < minimum_group_size:
        return _suppressed(indicator_id, n, unit, minimum_group_size, "paired answers")
    mean, low, high = student_interval(summary.mean(), summary.variance(), n)
    return Aggregate(indicator_id, n, mean, low, high, unit, False, None)


def aggregate_share_improved_summary(
    referentiel: Referentiel,
    indicator_id: str,
    summary: ValueSummary,
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> Aggregate:
    """Return what ``aggregate_share_improved`` returns for the changes ``summary`` was made from."""
    check_minimum_group_size(minimum_group_size)
    indicator = referentiel.indicator(indicator_id)
    n = summary.n
    if n < minimum_group_size:
        return _suppressed(indicator_id, n, "percent", minimum_group_size, "paired answers")
    improved = summary.positive if indicator.better == "higher" else summary.negative
    low, high = wilson_interval(improved, n)
    return Aggregate(indicator_id, n, 100 * improved / n, 100 * low, 100 * high, "percent", False, None)


def _suppressed(indicator_id: str, n: int, unit: str, minimum: int, what: str) -> Aggregate:
    reason = f"fewer than {minimum} {what} (n={n}): not published, to protect anonymity"
    return Aggregate(indicator_id, n, None, None, None, unit, True, reason)
