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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy

from admin.disclosure import GroupCount, suppress
from admin.workshop_collection import WaveObservations, breakdown_questions
from admin.workshop_items import row_with_suppressed
from referentiel.aggregation import aggregate_summary
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

    def as_dict(self) -> dict[str, object]:
        """Return the row with the documented JSON keys, in order."""
        return row_with_suppressed(self)


def value_matrix(observations: WaveObservations, width: int) -> numpy.ndarray:
    """Each run's indicator values as rows of a matrix, NaN where missing."""
    if not observations.values:
        return numpy.empty((0, width))
    return numpy.array(observations.values, dtype=float)


def correlation_rows(
    referentiel: Referentiel,
    label: str,
    wave: str,
    values: numpy.ndarray,
    minimum_group_size: int,
) -> list[CorrelationRow]:
    """Pairwise Pearson correlations between the indicators of one version at one wave."""
    present = ~numpy.isnan(values)
    filled = numpy.where(present, values, 0.0)
    weights = present.astype(float)
    pairs = weights.T @ weights  # youth with both values
    sums = filled.T @ weights  # [i, j]: sum of i over the youth who have j too
    squares = (filled * filled).T @ weights
    products = filled.T @ filled
    ids = [indicator.id for indicator in referentiel.indicators]
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
    values: numpy.ndarray,
    contexts: Sequence[tuple[str, ...]],
    minimum_group_size: int,
) -> list[BreakdownRow]:
    """Every indicator broken down by each context question's answers, masked cell by cell."""
    rows = []
    answers = numpy.array(contexts, dtype=object).reshape(len(contexts), -1)
    for position, question in enumerate(breakdown_questions(referentiel)):
        masks = [answers[:, position] == json.dumps(option.id) for option in question.options]
        for column, indicator in enumerate(referentiel.indicators):
            present = ~numpy.isnan(values[:, column])
            cells = [values[mask & present, column] for mask in masks]
            groups = [GroupCount("group", None, int(present.sum()))]
            groups += [
                GroupCount(option.id, "group", len(cell))
                for option, cell in zip(question.options, cells, strict=True)
            ]
            reasons = suppress(groups, minimum_group_size)
            for option, cell in zip(question.options, cells, strict=True):
                reason = reasons[option.id]
                figures: tuple[float | None, float | None, float | None] = (None, None, None)
                if reason is None:
                    figures = _published(referentiel, indicator.id, cell)
                name = option.label[referentiel.default_language]
                rows.append(
                    BreakdownRow(
                        label,
                        wave,
                        indicator.id,
                        question.id,
                        option.id,
                        name,
                        len(cell),
                        *figures,
                        indicator.unit,
                        reason,
                    )
                )
    return rows


def _published(
    referentiel: Referentiel, indicator_id: str, cell: numpy.ndarray
) -> tuple[float | None, float | None, float | None]:
    """Value and 95 % interval of one published cell, computed and rounded as the score export does."""
    distinct, counts = numpy.unique(cell, return_counts=True)
    summary = summarise_histogram(dict(zip(distinct.tolist(), counts.tolist(), strict=True)))
    result = aggregate_summary(referentiel.indicator(indicator_id), summary)
    digits = ROUNDING.get(result.unit, 1)
    return round(result.value, digits), round(result.ci_low, digits), round(result.ci_high, digits)
