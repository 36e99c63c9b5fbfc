"""Additive summaries of per-youth values: what a group value needs, without the values.

A ``ValueSummary`` holds n, the exact sum and the exact sum of squares of some values, and how
many are 100 (favourable), 0 (unfavourable) and above 0 (improved, for changes). Summaries of
disjoint groups add up (``combine``) into the summary of their union, so an export summarises
each structure once and gets organisations and the sector by addition.

Sums are kept exact, as integers in units of 2**-1074 (every finite float is a whole multiple
of it), so the order of addition does not matter and the mean is the correctly rounded exact
sum divided by n, as ``math.fsum(values) / n`` is: the same float, bit for bit. The variance is
exact before its one rounding. Pure: no I/O.
"""

import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from referentiel.scoring import FAVOURABLE, UNFAVOURABLE

# Every finite float is a whole multiple of 2**-1074, the smallest subnormal.
EXACT_SCALE = 1074


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


def summarise(values: Iterable[float]) -> ValueSummary:
    """Return the summary of some finite float values."""
    return summarise_histogram(Counter(values))


def summarise_histogram(histogram: Mapping[float, int]) -> ValueSummary:
    """Return the summary of values given as {value: how many times it occurs}.

    Per-youth values take few distinct values (a scale has a handful of options), so callers
    that see many values count them as they go, and each distinct value is converted once here.
    """
    n = total = total_of_squares = positive = 0
    for value, count in histogram.items():
        scaled, squared = _exact(value)
        n += count
        total += count * scaled
        total_of_squares += count * squared
        if value > 0:
            positive += count
    return ValueSummary(
        n, total, total_of_squares, histogram.get(FAVOURABLE, 0), histogram.get(UNFAVOURABLE, 0), positive
    )


def combine(summaries: Iterable[ValueSummary]) -> ValueSummary:
    """Return the summary of the union of disjoint groups: every field added up."""
    return ValueSummary(*(sum(field) for field in zip(EMPTY, *summaries, strict=True)))


@functools.lru_cache(maxsize=65_536)
def _exact(value: float) -> tuple[int, int]:
    """Return value × 2**1074 and value² × 2**2148, both exact integers."""
    if not math.isfinite(value):
        raise ValueError(f"cannot summarise a value that is not finite: {value!r}")
    numerator, denominator = value.as_integer_ratio()
    scaled = numerator << (EXACT_SCALE - (denominator.bit_length() - 1))
    return scaled, scaled * scaled
