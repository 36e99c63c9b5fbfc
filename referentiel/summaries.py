"""Additive summaries of per-youth values: what a group value needs, without the values.

A ``ValueSummary`` holds n, the exact sum and the exact sum of squares of some values, and how
many are 100 (favourable), 0 (unfavourable), above 0 and below 0 (for changes: rises and falls,
improvements or not depending on the indicator's ``better``). Summaries of
disjoint groups add up (``combine``) into the summary of their union, so an export summarises
each structure once and gets organisations and the sector by addition.

Sums are kept exact, as integers in units of 2**-1074 (every finite float is a whole multiple
of it), so the order of addition does not matter and the mean is the correctly rounded exact
sum divided by n, as ``math.fsum(values) / n`` is: the same float, bit for bit. The variance is
exact before its one rounding. ``ValueCounts`` counts rows of values (one per youth) cheaply
before they are summarised. Pure: no I/O.
"""

import functools
import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from referentiel.scoring import FAVOURABLE, UNFAVOURABLE

# Every finite float is a whole multiple of 2**-1074, the smallest subnormal.
EXACT_SCALE = 1074
# Rows of values kept by ``ValueCounts`` before they are counted.
COUNTING_BATCH = 256


class ValueSummary(NamedTuple):
    """n, exact sums (scaled by 2**1074 and 2**2148) and counts of some values.

    A tuple, so ``combine`` adds many of them field by field at C speed; do not use ``+``,
    which concatenates tuples.
    """

    n: int = 0
    total: int = 0
    total_of_squares: int = 0
    favourable: int = 0
    unfavourable: int = 0
    positive: int = 0
    negative: int = 0
    # Of a change's pairs, those whose earlier value was favourable (a yes/no share's paired
    # youth who said yes at T0: the disclosure checks' true count, never published as such).
    earlier_favourable: int = 0

    def mean(self) -> float:
        """Return the mean, correctly rounded from the exact sum (as ``math.fsum(values) / n``)."""
        if self.n == 0:
            raise ValueError("the mean of no values is undefined")
        return (self.total / (1 << EXACT_SCALE)) / self.n

    def variance(self) -> float:
        """Return the sample variance (divided by n − 1), exact before its one rounding."""
        if self.n < 2:
            raise ValueError("a variance needs at least 2 values")
        numerator = self.n * self.total_of_squares - self.total * self.total
        return numerator / ((self.n * (self.n - 1)) << (2 * EXACT_SCALE))


EMPTY = ValueSummary()
# Summaries already made, by their values (sorted) or their histogram (as a frozenset of items).
KnownSummaries = dict[object, ValueSummary]
_IS_VALUE = functools.partial(operator.is_not, None)  # filters out missing values at C speed


def summarise(values: Iterable[float]) -> ValueSummary:
    """Return the summary of some finite float values."""
    return summarise_histogram(Counter(values))


def summarise_histogram(histogram: Mapping[float, int]) -> ValueSummary:
    """Return the summary of values given as {value: how many times it occurs}.

    Per-youth values take few distinct values (a scale has a handful of options), so callers
    that see many values count them as they go, and each distinct value is converted once here.
    """
    n = total = total_of_squares = positive = negative = 0
    for value, count in histogram.items():
        scaled, squared = _exact(value)
        n += count
        total += count * scaled
        total_of_squares += count * squared
        if value > 0:
            positive += count
        elif value < 0:
            negative += count
    favourable, unfavourable = histogram.get(FAVOURABLE, 0), histogram.get(UNFAVOURABLE, 0)
    return ValueSummary(n, total, total_of_squares, favourable, unfavourable, positive, negative)


def combine(summaries: Iterable[ValueSummary]) -> ValueSummary:
    """Return the summary of the union of disjoint groups: every field added up."""
    return ValueSummary(*(sum(field) for field in zip(EMPTY, *summaries, strict=True)))


class ValueCounts:
    """Counts of many rows of values, one counter per column, summarised at the end.

    An export has a row of values per youth and per wave (a column per indicator; None where
    missing). Each row is kept whole, and every ``COUNTING_BATCH`` rows they are transposed and
    counted by ``Counter.update``, which counts at C speed: per row, the Python work is one
    append. ``paired`` counts (earlier value, later value) pairs instead, turned into changes
    (later − earlier, where both exist) once at the end rather than once per youth.
    """

    __slots__ = ("_counters", "_paired", "_pending", "_pending_before", "_width")

    def __init__(self, width: int, paired: bool = False) -> None:
        self._paired = paired
        self._width = width
        self._pending: list[Sequence[float | None]] = []
        self._pending_before: list[Sequence[float | None]] = []
        # Made by the first count: most columns are counted once, and an export has hundreds of
        # thousands of them, so making each counter from its values halves the calls.
        self._counters: list[Counter[Any]] | None = None

    def add(self, values: Sequence[float | None], before: Sequence[float | None] | None = None) -> None:
        """Count one row of values (with ``paired``, the same youth's earlier row as ``before``)."""
        if self._paired != (before is not None):
            raise ValueError("paired counts need the earlier values, and only they do")
        self._pending.append(values)
        if before is not None:
            self._pending_before.append(before)
        if len(self._pending) >= COUNTING_BATCH:
            self._count_pending()

    def summaries(self, known: KnownSummaries | None = None) -> list[ValueSummary]:
        """Return one summary per column of the values (or changes) counted, missing ones left out.

        ``known``, if given, holds the summaries already made, by their values, and receives the
        new ones: an export's many small groups repeat the same values far more often than not,
        so it makes each summary once and keeps one object for all the groups that share it.
        """
        if known is not None and self._counters is None and self._pending:
            return self._summaries_of_pending(known)  # one batch or less: nothing counted yet
        self._count_pending()
        if self._counters is None:
            return [EMPTY] * self._width
        if self._paired:
            histograms: Sequence[Mapping[float, int]] = [_changes(counter) for counter in self._counters]
            earlier = [_earlier_favourable(counter) for counter in self._counters]
        else:
            for counter in self._counters:
                counter.pop(None, None)
            histograms, earlier = self._counters, [0] * self._width
        if known is None:
            return [
                _with_earlier(summarise_histogram(histogram), favourable)
                for histogram, favourable in zip(histograms, earlier, strict=True)
            ]
        return [
            _known_summary(
                known,
                frozenset(histogram.items()),
                functools.partial(summarise_histogram, histogram),
                favourable,
            )
            for histogram, favourable in zip(histograms, earlier, strict=True)
        ]

    def _summaries_of_pending(self, known: KnownSummaries) -> list[ValueSummary]:
        """Summarise the rows kept, none counted yet: each column is looked up by its values
        sorted (at C speed), and counted only when its summary is new."""
        columns: Iterable[tuple[list[float], int]]
        if self._paired:
            columns = map(
                _changes_of_pairs,
                zip(*self._pending_before, strict=True),
                zip(*self._pending, strict=True),
            )
        else:
            columns = ((list(filter(_IS_VALUE, values)), 0) for values in zip(*self._pending, strict=True))
        summaries = []
        for values, favourable in columns:
            key = tuple(sorted(values))
            summaries.append(_known_summary(known, key, functools.partial(summarise, key), favourable))
        return summaries

    def _count_pending(self) -> None:
        """Count the rows kept so far, one column at a time (nothing to do if none is kept)."""
        if not self._pending:
            return
        columns: Iterable[Iterable[Any]] = zip(*self._pending, strict=True)
        if self._paired:
            columns = (
                zip(befores, afters, strict=True)
                for befores, afters in zip(zip(*self._pending_before, strict=True), columns, strict=True)
            )
        if self._counters is None:
            self._counters = [Counter(values) for values in columns]
        else:
            for counter, values in zip(self._counters, columns, strict=True):
                counter.update(values)
        self._pending.clear()
        self._pending_before.clear()


def _changes_of_pairs(
    befores: Sequence[float | None], afters: Sequence[float | None]
) -> tuple[list[float], int]:
    """Return later − earlier for each pair of values where both exist, and how many of those
    pairs began favourable."""
    changes, favourable = [], 0
    for before, after in zip(befores, afters, strict=True):
        if before is not None and after is not None:
            changes.append(after - before)
            favourable += before == FAVOURABLE
    return changes, favourable


def _earlier_favourable(pairs: Mapping[tuple[float | None, float | None], int]) -> int:
    """How many counted pairs of values are complete and began favourable."""
    return sum(
        count for (first, second), count in pairs.items() if first == FAVOURABLE and second is not None
    )


def _known_summary(
    known: KnownSummaries, key: object, summarised: Callable[[], ValueSummary], earlier_favourable: int
) -> ValueSummary:
    """The summary of some values (``key``; ``summarised`` makes it, called only when new) whose
    pairs that began favourable are ``earlier_favourable``, made once: changes alike but for those
    pairs share the summary's exact sums (large integers), only the small tuple differs."""
    summary = known.get(key)
    if summary is None:
        summary = known[key] = summarised()
    if not earlier_favourable:
        return summary
    variant_key = (key, earlier_favourable)
    variant = known.get(variant_key)
    if variant is None:
        variant = known[variant_key] = _with_earlier(summary, earlier_favourable)
    return variant


def _with_earlier(summary: ValueSummary, earlier_favourable: int) -> ValueSummary:
    """The summary of some changes with the count of their pairs that began favourable."""
    return summary._replace(earlier_favourable=earlier_favourable) if earlier_favourable else summary


def _changes(pairs: Mapping[tuple[float | None, float | None], int]) -> dict[float, int]:
    """Return {later − earlier: count} from counted pairs of values, leaving out incomplete pairs."""
    changes: dict[float, int] = {}
    for (first, second), count in pairs.items():
        if first is not None and second is not None:
            change = second - first
            changes[change] = changes.get(change, 0) + count
    return changes


@functools.lru_cache(maxsize=65_536)
def _exact(value: float) -> tuple[int, int]:
    """Return value × 2**1074 and value² × 2**2148, both exact integers."""
    if not math.isfinite(value):
        raise ValueError(f"cannot summarise a value that is not finite: {value!r}")
    numerator, denominator = value.as_integer_ratio()
    scaled = numerator << (EXACT_SCALE - (denominator.bit_length() - 1))
    return scaled, scaled * scaled
