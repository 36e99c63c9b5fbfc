"""Summaries made once per distinct values (``ValueCounts.summaries(known)``) are the ones made per column."""

import random

import pytest

from referentiel.summaries import COUNTING_BATCH, ValueCounts

VALUES = [None, 0.0, -0.0, 100.0, 50.0, 100 / 3, 200 / 3, 12.5, -25.0]


def rows(runs: int, width: int, seed: int) -> list[list[float | None]]:
    generator = random.Random(seed)
    return [[generator.choice(VALUES) for _ in range(width)] for _ in range(runs)]


@pytest.mark.parametrize("runs", [0, 1, 7, COUNTING_BATCH - 1, COUNTING_BATCH, 2 * COUNTING_BATCH + 3])
@pytest.mark.parametrize("paired", [False, True])
def test_known_summaries_are_the_summaries_of_each_column(runs: int, paired: bool) -> None:
    afters, befores = rows(runs, 5, 1), rows(runs, 5, 2)
    plain, shared, known = ValueCounts(5, paired), ValueCounts(5, paired), {}
    for after, before in zip(afters, befores, strict=True):
        plain.add(after, before if paired else None)
        shared.add(after, before if paired else None)
    assert shared.summaries(known) == plain.summaries()
    assert shared.summaries(known) == plain.summaries()  # asking twice gives the same


def test_columns_with_the_same_values_share_one_summary_in_any_order() -> None:
    known: dict[object, object] = {}
    first, second = ValueCounts(2), ValueCounts(2)
    for row in ([50.0, 100.0], [0.0, None], [100.0, 50.0]):
        first.add(row)
    for row in ([100.0, 50.0], [None, 50.0], [0.0, 100.0], [50.0, None]):
        second.add(row)
    one, other = first.summaries(known), second.summaries(known)
    assert one[0] is other[0] and one[0].n == 3
    assert one[1] is not other[1] and (one[1].n, other[1].n) == (2, 3)
