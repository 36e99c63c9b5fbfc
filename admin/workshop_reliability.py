"""Reliability of the multi-item scores: Cronbach's α with a bootstrap interval, item–rest correlations,
α if an item is dropped; and the flags a workshop reads from them.

α is computed on the youth who answered every item of the score (complete cases), each item
at its option's value, reverse items flipped (lowest + highest − value), with the textbook
formula α = k / (k − 1) × (1 − Σ item variances / variance of the sum).

**Why the bootstrap is written here.** ``scipy.stats.bootstrap`` resamples the youth
themselves: for 100,000 youth and 2,000 resamples that is 2 × 10⁸ rows copied per score. The
items of a score take a handful of values, so the youth fall into a few hundred distinct
answer patterns; drawing how many times each pattern appears (multinomially, with the
observed shares) *is* drawing youth with replacement, and every resample's α follows from
the weighted sums of the patterns. Same distribution, at the cost of the patterns; the
percentile interval is then the one ``scipy.stats.bootstrap(method="percentile")`` gives
(``tests/admin`` compares the two). The generator is injected: the same data and seed give
the same interval.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy
from numpy.typing import NDArray

from admin.disclosure import GroupCount, suppress
from admin.workshop_collection import ABSENT, multi_item_scores
from admin.workshop_items import Flag, flag, french_number
from referentiel.models import Indicator, Referentiel

LOW_ALPHA = 0.6
# Dropping an item is flagged where α would rise by this much at least (as published, to 3 decimals).
ALPHA_GAIN = 0.01
# The flags (α < 0.6, an item that lowers α) are raised from this many youth: below it, on a good
# scale (5 items, α 0.70), chance alone flagged an item in 24 % of the scores at 50 youth and 55 to
# 83 % at 10 to 25, « α < 0,6 » in 10 to 31 %; at 100 youth, 5 and 6 % (a reviewer's simulation
# with these functions). α and its interval are published from k youth as before.
FLAG_MINIMUM_YOUTH = 100
RESAMPLES = 2_000
RESAMPLES_AT_ONCE = 250
CONFIDENCE = 0.95
Matrix = NDArray[numpy.float64]


@dataclass
class ReliabilityRow:
    """One multi-item score at one wave; figures None when fewer than k youth answered every item."""

    referentiel_version: str
    wave: str
    indicator: str
    questions: tuple[str, ...]
    n: int
    alpha: float | None = None
    alpha_ci_low: float | None = None
    alpha_ci_high: float | None = None
    items: list[dict[str, object]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the row with the documented JSON keys, in order."""
        return {
            "referentiel_version": self.referentiel_version,
            "wave": self.wave,
            "indicator": self.indicator,
            "questions": list(self.questions),
            "n": self.n,
            "alpha": self.alpha,
            "alpha_ci_low": self.alpha_ci_low,
            "alpha_ci_high": self.alpha_ci_high,
            "resamples": RESAMPLES if self.alpha is not None else None,
            "items": self.items,
            "flags": [found.as_dict() for found in self.flags],
            "suppressed": self.reason is not None,
            "reason": self.reason,
        }


def cronbach_alpha(items: Matrix, weights: Matrix) -> float:
    """α of the rows of ``items`` (one column per item), row i counted ``weights[i]`` times."""
    return float(_alphas(covariances(items, weights[numpy.newaxis, :]))[0])


def covariances(items: Matrix, weights: Matrix) -> Matrix:
    """The item covariance matrix for each row of ``weights`` (how many times each pattern is drawn)."""
    totals = weights.sum(axis=1)
    means = weights @ items / totals[:, numpy.newaxis]
    products = (items[:, :, numpy.newaxis] * items[:, numpy.newaxis, :]).reshape(len(items), -1)
    second = (weights @ products / totals[:, numpy.newaxis]).reshape(len(weights), items.shape[1], -1)
    unbiased = (totals / (totals - 1))[:, numpy.newaxis, numpy.newaxis]
    found: Matrix = (second - means[:, :, numpy.newaxis] * means[:, numpy.newaxis, :]) * unbiased
    return found


def _alphas(covariance: Matrix) -> Matrix:
    """α of each covariance matrix of a stack."""
    count = covariance.shape[-1]
    item_variances = numpy.trace(covariance, axis1=-2, axis2=-1)
    total_variance = covariance.sum(axis=(-2, -1))
    with numpy.errstate(divide="ignore", invalid="ignore"):
        found: Matrix = count / (count - 1) * (1 - item_variances / total_variance)
    return found


def alpha_interval(
    items: Matrix, weights: Matrix, generator: numpy.random.Generator, resamples: int = RESAMPLES
) -> tuple[float, float]:
    """Percentile bootstrap interval of α, resampling youth through their answer patterns."""
    total = int(weights.sum())
    found = []
    # A few hundred resamples at a time: 2,000 × 2,187 patterns drawn at once held 70 MB. The
    # generator draws resample after resample, so the draws are those of one call.
    for start in range(0, resamples, RESAMPLES_AT_ONCE):
        size = min(RESAMPLES_AT_ONCE, resamples - start)
        drawn = generator.multinomial(total, weights / total, size=size).astype(float)
        found.append(_alphas(covariances(items, drawn)))
    alphas = numpy.concatenate(found)
    alphas = alphas[numpy.isfinite(alphas)]
    tail = (1 - CONFIDENCE) / 2
    low, high = numpy.quantile(alphas, [tail, 1 - tail])
    return float(low), float(high)


def item_rest_correlations(items: Matrix, weights: Matrix) -> list[float]:
    """For each item, its correlation with the sum of the other items."""
    covariance = covariances(items, weights[numpy.newaxis, :])[0]
    found = []
    for index in range(covariance.shape[0]):
        others = [other for other in range(covariance.shape[0]) if other != index]
        with_rest = covariance[index, others].sum()
        rest_variance = covariance[numpy.ix_(others, others)].sum()
        found.append(float(with_rest / numpy.sqrt(covariance[index, index] * rest_variance)))
    return found


def alphas_if_dropped(items: Matrix, weights: Matrix) -> list[float | None]:
    """For each item, α of the score without it (None where only one item would be left)."""
    count = items.shape[1]
    if count < 3:
        return [None] * count
    return [cronbach_alpha(numpy.delete(items, index, axis=1), weights) for index in range(count)]


def reliability_rows(
    referentiel: Referentiel,
    label: str,
    wave: str,
    patterns: Counter[tuple[str, tuple[str, ...]]],
    minimum_group_size: int,
    generator: numpy.random.Generator,
) -> list[ReliabilityRow]:
    """α and its companions for every multi-item score of one version at one wave."""
    rows = []
    # In a fixed order, so that the bootstrap draws the same resamples however the pass was split;
    # sorted once for every score (sorting the whole counter per score took half a second).
    patterns_of: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for (indicator_id, texts), count in sorted(patterns.items()):
        patterns_of.setdefault(indicator_id, []).append((texts, count))
    for indicator in multi_item_scores(referentiel):
        items, weights = complete_cases(referentiel, indicator, patterns_of.get(indicator.id, []))
        n = int(weights.sum())
        row = ReliabilityRow(label, wave, indicator.id, indicator.questions, n)
        row.reason = suppress([GroupCount("group", None, n)], minimum_group_size)["group"]
        rows.append(row)
        if row.reason is not None:
            continue
        alpha = cronbach_alpha(items, weights)
        if not numpy.isfinite(alpha):  # every youth answered alike: no variance to speak of
            row.reason = "no_variance"
            continue
        row.alpha = round(alpha, 3)
        low, high = alpha_interval(items, weights, generator)
        row.alpha_ci_low, row.alpha_ci_high = round(low, 3), round(high, 3)
        if n >= FLAG_MINIMUM_YOUTH and alpha < LOW_ALPHA:
            row.flags.append(flag("low_alpha", alpha=french_number(f"{row.alpha:.3f}")))
        for question_id, rest, without in zip(
            indicator.questions,
            item_rest_correlations(items, weights),
            alphas_if_dropped(items, weights),
            strict=True,
        ):
            # A gain the published figures show, and one worth a look: "from 0,167 to 0,167" is none.
            lowers = without is not None and round(round(without, 3) - row.alpha, 3) >= ALPHA_GAIN
            row.items.append(
                {
                    "question": question_id,
                    "item_rest_correlation": round(rest, 3),
                    "alpha_if_dropped": None if without is None else round(without, 3),
                    "lowers_alpha": lowers,
                }
            )
    return rows


def lowering_flags(row: ReliabilityRow) -> dict[str, Flag]:
    """The items of a score that lower its α, each with the flag its item row gets: none under
    ``FLAG_MINIMUM_YOUTH`` (the row's ``lowers_alpha`` still says what its figures say)."""
    if row.n < FLAG_MINIMUM_YOUTH:
        return {}
    return {
        str(item["question"]): flag(
            "lowers_alpha",
            indicator=row.indicator,
            # Three decimals, as the tables write α: « de 0,303 à 0,330 », not « à 0,33 ».
            alpha=french_number(f"{row.alpha:.3f}"),
            without=french_number(f"{item['alpha_if_dropped']:.3f}"),
        )
        for item in row.items
        if item["lowers_alpha"]
    }


def complete_cases(
    referentiel: Referentiel, indicator: Indicator, patterns: list[tuple[tuple[str, ...], int]]
) -> tuple[Matrix, Matrix]:
    """The distinct answer patterns of the youth who answered every item, as values, and their counts.

    ``patterns`` are the score's own (its items' texts, how many runs), in sorted order.
    """
    questions = [referentiel.question(question_id) for question_id in indicator.questions]
    values = []
    for question in questions:
        scale = {option.id: option.value for option in question.options if option.value is not None}
        lowest, highest = min(scale.values()), max(scale.values())
        values.append(
            {
                f'"{option_id}"': float(lowest + highest - value if question.reverse else value)
                for option_id, value in scale.items()
            }
        )
    rows, weights = [], []
    for texts, count in patterns:
        if "" in texts or ABSENT in texts:
            continue
        row = [value_of.get(text) for value_of, text in zip(values, texts, strict=True)]
        if None not in row:
            rows.append(row)
            weights.append(count)
    width = len(questions)
    return numpy.array(rows, dtype=float).reshape(-1, width), numpy.array(weights, dtype=float)
