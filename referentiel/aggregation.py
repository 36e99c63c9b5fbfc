"""Group values: per-youth values (or their additive summaries) → one number and its interval.

Public API:

* ``aggregate(referentiel, indicator_id, per_youth_values) -> Aggregate`` — the value of one
  group at one wave;
* ``aggregate_change(referentiel, indicator_id, per_youth_changes) -> Aggregate`` — the mean
  paired change (T1 − T0) of one group;
* ``aggregate_share_improved(referentiel, indicator_id, per_youth_changes) -> Aggregate`` — the
  share of paired youth who improved, in percent: whose value went up, or down for an indicator
  that is ``better: lower`` (a share of youth with no school).

Values may be ``IndividualScore``, plain floats, or ``None`` (missing, left out of ``n``).

The same three from additive summaries (``referentiel.summaries``), for an ``Indicator``:
``aggregate_summary``, ``aggregate_change_summary`` and ``aggregate_share_improved_summary``.
An export publishes a structure, its organisation and the sector: it summarises each structure
once and adds the summaries up, instead of reading every value again at every level (and it has
the indicator at hand: looking it up for each of 80,000 values would cost a tenth of a second).
Both paths give the same
``n`` and the same value (bit for bit); intervals agree to the last digits (the summary's
variance is exact, the values' is a two-pass sum), far below what is published. The value-based
three are the reference the tests hold the export's path to.
Proportions get a Wilson interval, means and changes a Student t interval (95 %).

Aggregation computes; it does not decide what may be published. Which groups are masked (fewer
than k youth, and the groups that would let a masked one be recomputed) is decided by the
exports' disclosure rule, ``admin.disclosure``, before any value is computed. A value needs at
least one youth, a mean's interval at least two.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from referentiel.models import Indicator, Referentiel
from referentiel.scoring import FAVOURABLE, UNFAVOURABLE, IndividualScore
from referentiel.statistics import DEFAULT_CONFIDENCE, student_interval, wilson_interval
from referentiel.summaries import ValueSummary, summarise

# The one place these thresholds live (UK ONS / UK LLC use 10; CASD and INSEE 11 for people): the
# disclosure rule (admin.disclosure), the settings and the consent notice read them here.
DEFAULT_MINIMUM_GROUP_SIZE = 10
MINIMUM_GROUP_SIZE_FLOOR = 5
# A share with fewer youth than this on one side (0 %, 100 %, 1 of 12) is published as a band.
DEFAULT_MINIMUM_YOUTH_PER_SIDE = 3

CHANGE_UNITS = {"percent": "percentage_points", "score_0_100": "points", "count": "count"}
# What a level of each unit, and a change of a score or a share, can be: a Student interval is cut
# at these ends, where a small group near one of them would otherwise reach past it (« 90,0
# [74,9 ; 105,1] » on a score out of 100). A count's change (unit ``count`` too) has no end.
LEVEL_BOUNDS = {"score_0_100": (0.0, 100.0), "count": (0.0, math.inf)}
CHANGE_BOUNDS = {"points": (-100.0, 100.0), "percentage_points": (-100.0, 100.0)}


@dataclass(frozen=True)
class Aggregate:
    """One group's value of one indicator, with its 95 % interval."""

    indicator_id: str
    n: int
    value: float
    ci_low: float
    ci_high: float
    unit: str
    confidence: float = DEFAULT_CONFIDENCE


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
) -> Aggregate:
    """Return the group value of one indicator at one wave."""
    summary = summarise(present_values(per_youth_values))
    return aggregate_summary(referentiel.indicator(indicator_id), summary)


def aggregate_change(
    referentiel: Referentiel,
    indicator_id: str,
    per_youth_changes: Iterable[float | None],
) -> Aggregate:
    """Return the mean paired change of one indicator."""
    summary = summarise(present_values(per_youth_changes))
    return aggregate_change_summary(referentiel.indicator(indicator_id), summary)


def aggregate_share_improved(
    referentiel: Referentiel,
    indicator_id: str,
    per_youth_changes: Iterable[float | None],
) -> Aggregate:
    """Return the share of paired youth who improved, with a Wilson interval.

    Improved is a change > 0, or < 0 for an indicator that is better lower. A youth whose value
    stayed the same did not improve.
    """
    summary = summarise(present_values(per_youth_changes))
    return aggregate_share_improved_summary(referentiel.indicator(indicator_id), summary)


def change_unit(indicator: Indicator) -> str:
    """The unit of an indicator's mean change: points for scores, percentage points for shares."""
    return CHANGE_UNITS[indicator.unit]


def aggregate_summary(indicator: Indicator, summary: ValueSummary) -> Aggregate:
    """Return what ``aggregate`` returns for the values ``summary`` was made from."""
    n = summary.n
    if indicator.unit == "percent":
        if summary.favourable + summary.unfavourable != n:
            raise ValueError(f"{indicator.id} values must be {FAVOURABLE:g} or {UNFAVOURABLE:g}")
        low, high = wilson_interval(summary.favourable, n)
        return Aggregate(indicator.id, n, 100 * summary.favourable / n, 100 * low, 100 * high, "percent")
    mean, low, high = student_interval(summary.mean(), summary.variance(), n)
    return Aggregate(indicator.id, n, mean, *_within(LEVEL_BOUNDS, indicator.unit, low, high), indicator.unit)


def aggregate_change_summary(indicator: Indicator, summary: ValueSummary) -> Aggregate:
    """Return what ``aggregate_change`` returns for the changes ``summary`` was made from."""
    mean, low, high = student_interval(summary.mean(), summary.variance(), summary.n)
    unit = change_unit(indicator)
    return Aggregate(indicator.id, summary.n, mean, *_within(CHANGE_BOUNDS, unit, low, high), unit)


def _within(
    bounds: dict[str, tuple[float, float]], unit: str, low: float, high: float
) -> tuple[float, float]:
    """An interval cut at the ends ``bounds`` give ``unit`` (none where it has none)."""
    least, most = bounds.get(unit, (-math.inf, math.inf))
    return max(low, least), min(high, most)


def aggregate_share_improved_summary(indicator: Indicator, summary: ValueSummary) -> Aggregate:
    """Return what ``aggregate_share_improved`` returns for the changes ``summary`` was made from."""
    n = summary.n
    improved = summary.positive if indicator.better == "higher" else summary.negative
    low, high = wilson_interval(improved, n)
    return Aggregate(indicator.id, n, 100 * improved / n, 100 * low, 100 * high, "percent")
