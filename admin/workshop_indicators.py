"""Indicators side by side: correlations between them, and breakdowns by the context questions.

* **Correlations** — Pearson's r between two indicators over the youth of the pack's group who
  have a value for both (pairwise), per wave and version, with that ``n``; published where
  ``n`` ≥ k. Two indicators with r near 1 say the same thing; near 0, unrelated things.
* **Breakdowns** — each indicator's group value (with its 95 % interval, computed as the score
  export does, ``referentiel.aggregation``) among the youth who gave each answer to a context
  question the référentiel collects (``time_here``; the age band from version 2 on), per wave.
  The cells of one breakdown are the parts of the group: the score export's rule decides which
  are published (``admin.disclosure.suppress`` on the group and its cells), so a small cell is
  masked, and a second one with it wherever it could be recomputed from the group's value.
"""

import json
from collections import Counter
from dataclasses import dataclass

import numpy

from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, DisclosureTree, GroupCount, share_band, suppress
from admin.workshop_collection import breakdown_questions
from admin.workshop_indicator_sums import IndicatorSums
from admin.workshop_items import row_with_suppressed
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE, aggregate_summary
from referentiel.models import Referentiel
from referentiel.summaries import summarise_histogram

ROUNDING = {"count": 2}


@dataclass(frozen=True)
class CorrelationRow:
    """Pearson's r of two indicators at one wave; None if fewer than k youth have both."""

    referentiel_version: str
    wave: str
    indicator: str
    other_indicator: str
    n: int
    r: float | None
    reason: str | None

    def as_dict(self) -> dict[str, object]:
        """Return the row with the documented JSON keys, in order."""
        return row_with_suppressed(self)


@dataclass(frozen=True)
class BreakdownRow:
    """One indicator among the youth who gave one answer to a context question, at one wave."""

    referentiel_version: str
    wave: str
    indicator: str
    question: str
    option: str
    option_label: str
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    unit: str
    reason: str | None
    band: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the row with the documented JSON keys, in order."""
        return row_with_suppressed(self)


def correlation_rows(
    referentiel: Referentiel,
    label: str,
    wave: str,
    added: IndicatorSums,
    minimum_group_size: int,
) -> list[CorrelationRow]:
    """Pairwise Pearson correlations between the indicators of one version at one wave."""
    ids = [indicator.id for indicator in referentiel.indicators]
    # [i, j]: youth with both values; sum of i, of i² over them; sum of i × j.
    pairs, sums, squares, products = _matrices(added, len(ids))
    rows = []
    for first in range(len(ids)):
        for second in range(first + 1, len(ids)):
            n = int(pairs[first, second])
            reason = suppress([GroupCount("group", None, n)], minimum_group_size)["group"]
            r = None
            if reason is None:
                sum_x, sum_y = sums[first, second], sums[second, first]
                covariance = products[first, second] - sum_x * sum_y / n
                spread = (squares[first, second] - sum_x**2 / n) * (squares[second, first] - sum_y**2 / n)
                if spread > 0:
                    r = round(float(covariance / numpy.sqrt(spread)), 3)
                else:
                    reason = "no_variance"
            rows.append(CorrelationRow(label, wave, ids[first], ids[second], n, r, reason))
    return rows


def breakdown_rows(
    referentiel: Referentiel,
    label: str,
    wave: str,
    added: IndicatorSums,
    minimum_group_size: int,
    minimum_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
) -> list[BreakdownRow]:
    """Every indicator broken down by each context question's answers, masked cell by cell.

    The cells of a question are parts of the pack's group (whose own value the score export
    publishes); a share's cells also follow the attribute rule (``admin.disclosure.shares``):
    a band where fewer than ``minimum_side`` youth of a cell stand on one side, and more cells
    masked where the group less the published cells would pin one.
    """
    rows = []
    pairs, sums = _matrices(added, len(referentiel.indicators))[:2]
    histograms = added.histograms()
    empty: Counter[float] = Counter()
    for position, question in enumerate(breakdown_questions(referentiel)):
        tree = DisclosureTree([("group", None), *((option.id, "group") for option in question.options)])
        for column, indicator in enumerate(referentiel.indicators):
            cells = [
                histograms.get((position, json.dumps(option.id), column), empty)
                for option in question.options
            ]
            counts = [int(pairs[column, column]), *(cell.total() for cell in cells)]
            reasons = tree.decide(counts, minimum_group_size)
            if indicator.unit == "percent":
                yes = [round(float(sums[column, column]) / 100), *(cell.get(100.0, 0) for cell in cells)]
                reasons = tree.decide_sides(counts, yes, reasons, minimum_side)
                if reasons[0] is not None:  # the group's value is published anyway: no cell then
                    reasons = [reason or SECONDARY for reason in reasons]
            for option, cell, reason in zip(question.options, cells, reasons[1:], strict=True):
                figures: tuple[float | None, float | None, float | None] = (None, None, None)
                if reason is None:
                    figures = _published(referentiel, indicator.id, cell)
                band = None
                if reason == FEW_ON_ONE_SIDE:
                    band = share_band(cell.total(), cell.get(100.0, 0), minimum_side)
                name = option.label[referentiel.default_language]
                rows.append(
                    BreakdownRow(
                        label,
                        wave,
                        indicator.id,
                        question.id,
                        option.id,
                        name,
                        cell.total(),
                        *figures,
                        indicator.unit,
                        reason,
                        band,
                    )
                )
    return rows


def _matrices(added: IndicatorSums, width: int) -> tuple[numpy.ndarray, ...]:
    """The correlations' four sums (zeros when no run was added)."""
    added.flush()
    if added.pairs is None or added.sums is None or added.squares is None or added.products is None:
        return tuple(numpy.zeros((width, width)) for _ in range(4))
    return added.pairs, added.sums, added.squares, added.products


def _published(
    referentiel: Referentiel, indicator_id: str, cell: Counter[float]
) -> tuple[float | None, float | None, float | None]:
    """Value and 95 % interval of one published cell, computed and rounded as the score export does."""
    summary = summarise_histogram(dict(sorted(cell.items())))
    result = aggregate_summary(referentiel.indicator(indicator_id), summary)
    digits = ROUNDING.get(result.unit, 1)
    return round(result.value, digits), round(result.ci_low, digits), round(result.ci_high, digits)
