"""Indicators side by side: correlations between them, and breakdowns by the context questions.

* **Correlations** — Pearson's r between two indicators over the youth of the pack's group who
  have a value for both (pairwise), per wave and version, with that ``n``; published where
  ``n`` ≥ k. Two indicators with r near 1 say the same thing; near 0, unrelated things.
* **Breakdowns** — each indicator's group value (with its 95 % interval, computed as the score
  export does, ``referentiel.aggregation``) among the youth who gave each answer to a context
  question the référentiel collects (``time_here``; the age band from version 2 on), per wave.
  Which cells are published is decided once on the whole tree (``admin.workshop_breakdowns``),
  so that no pack's cells come back from another's: a small cell is masked, a share's cell with
  fewer than 3 youth on one side banded, and more masked wherever a subtraction would give one
  back, within the group or across the groups of the tree.
"""

import json
from collections import Counter
from dataclasses import dataclass

import numpy

from admin.context_questions import (
    asked_after_answers,
    breakdown_questions,
    counting_conditions,
    not_broken_down_by,
)
from admin.disclosure import (
    FEW_ON_ONE_SIDE,
    SECONDARY,
    SMALL_GROUP,
    GroupCount,
    Reasons,
    share_band,
    suppress,
)
from admin.workshop_indicator_sums import IndicatorSums
from admin.workshop_items import row_with_suppressed
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE, aggregate_summary
from referentiel.models import Referentiel
from referentiel.summaries import summarise_histogram

ROUNDING = {"count": 2}
# A breakdown cell of an answer after which the indicator's questions are never asked.
NOT_ASKED = "not_asked"


@dataclass(frozen=True)
class CorrelationRow:
    """Pearson's r of two indicators at one wave; None if fewer than k youth have both."""

    referentiel_version: str
    wave: str
    indicator: str
    other_indicator: str
    n: int | None
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
    n: int | None
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
    minimum_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
) -> list[CorrelationRow]:
    """Pairwise Pearson correlations between the indicators of one version at one wave.

    Two shares' r, with their n and sums, gives back how many youth are in each of the four
    cells of their cross-table (« pas en sécurité » and « aucun adulte à appeler »): r is
    withheld where a cell holds fewer than ``minimum_side`` youth, as a share's number is. A
    share's r with a score gives back the score's mean among the youth on each side of the share:
    withheld where a side holds fewer than k. A pair with an indicator whose n counts some
    earlier answers (``counting_conditions``) shows neither n nor r. Only the sector's pack has
    correlations (``workshop_pack``): between two levels their tables would subtract."""
    ids = [indicator.id for indicator in referentiel.indicators]
    # Indicators worth 0 or 100 per youth: their sums count youth.
    shares = [indicator.kind in ("proportion", "count_at_least") for indicator in referentiel.indicators]
    counting = counting_conditions(referentiel)
    # [i, j]: youth with both values; sum of i, of i² over them; sum of i × j.
    pairs, sums, squares, products = _matrices(added, len(ids))
    rows = []
    for first in range(len(ids)):
        for second in range(first + 1, len(ids)):
            if ids[first] in counting or ids[second] in counting:
                rows.append(CorrelationRow(label, wave, ids[first], ids[second], None, None, SECONDARY))
                continue
            n = int(pairs[first, second])
            reason = suppress([GroupCount("group", None, n)], minimum_group_size)["group"]
            if reason is None and shares[first] and shares[second]:
                # Shares are 0 or 100 per youth: the sums count the « oui » of each, and of both.
                both = round(products[first, second] / 10_000)
                only_first = round(sums[first, second] / 100) - both
                only_second = round(sums[second, first] / 100) - both
                if min(both, only_first, only_second, n - both - only_first - only_second) < minimum_side:
                    reason = FEW_ON_ONE_SIDE
            elif reason is None and (shares[first] or shares[second]):
                share = first if shares[first] else second
                other = second if share == first else first
                yes = round(sums[share, other] / 100)
                if min(yes, n - yes) < minimum_group_size:
                    reason = SMALL_GROUP
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
    decided: dict[tuple[int, int], Reasons],
    minimum_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
) -> list[BreakdownRow]:
    """Every indicator broken down by each context question's answers, as decided on the tree.

    ``decided``: (question position, indicator column) → a reason per option, for the pack's
    group (``admin.workshop_breakdowns``: the same cells in every pack); a share's banded cell
    shows its band."""
    rows = []
    histograms = added.histograms()
    empty: Counter[float] = Counter()
    for position, question in enumerate(breakdown_questions(referentiel)):
        counting = not_broken_down_by(referentiel, question.id)
        for column, indicator in enumerate(referentiel.indicators):
            reasons = decided[(position, column)]
            asked = asked_after_answers(referentiel, indicator, question.id)
            for option, reason in zip(question.options, reasons, strict=True):
                cell = histograms.get((position, json.dumps(option.id), column), empty)
                # Its n in a cell would count some earlier answers: the cell is withheld, n too.
                counts_answers = indicator.id in counting
                if counts_answers:
                    reason = SECONDARY
                elif asked is not None and option.id not in asked:
                    reason = NOT_ASKED  # « Par rapport à ton arrivée… » after « Moins de 3 mois »
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
                        # A withheld cell shows no n: it would count youth of an answer to
                        # the context question the questions' part may withhold.
                        None if counts_answers or reason not in (None, FEW_ON_ONE_SIDE) else cell.total(),
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
