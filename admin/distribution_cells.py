"""A distribution's breakdown cells: what a reader bounds by its three sums at once, and masking more.

A distribution's options (« Par rapport à ton arrivée… » : beaucoup moins bien … beaucoup mieux)
are indicators of their own, and their cells by a context question add up three ways: one
option's cells along the tree, one option's cells of a group into the group's count of it (the
score export's), and one cell's options into its n. ``admin.workshop_breakdowns`` checks the
first two per option (``decide_cells``) and the third per cell (``options_together``); a reader
chains them. A reviewer's table (2026-11-30): among the 21 youth here 3 months to 1 year, four
options exact gave « pareil » = 3; the group's « pareil » = 4 then gave 1 among those here over
a year, a withheld cell. Here every count's bounds are narrowed by the three sums until they
move no more, and where a withheld cell is bounded more tightly than a band, neighbours are
masked with the options' masking loop (``option_bounds.mask_until_nothing_pinned``), in the
order of ``DistributionCells.neighbours``: the group's cells of the other answers, then the
cell's other options, then the same cell above, beside and below it.
"""

from collections.abc import Iterator, Sequence

import numpy

from admin.disclosure import FEW_ON_ONE_SIDE, Reasons
from admin.disclosure.option_bounds import (
    KnownCells,
    TreeSums,
    band_bounds,
    bounded_more_than_band,
    mask_until_nothing_pinned,
)


class DistributionCells(KnownCells):
    """What a reader knows of a distribution's cells (rows: each answer's options in turn, ``answer
    × options + option``; columns: groups): exact ones, bands, and the sums' totals — every cell's n
    (taken as known: every published cell shows it) and each option's count per group where the
    export publishes it (``totals``: its reasons per option). Masked, tried and put back as the
    options' state is; only what is known and what a sum gives differ."""

    def __init__(
        self,
        sums: TreeSums,
        n: numpy.ndarray,
        yes: Sequence[numpy.ndarray],
        decided: Sequence[Sequence[Reasons]],
        totals: Sequence[Reasons],
        side: int,
    ) -> None:
        self.sums, self.minimum_side = sums, side
        self.options, (self.answers, size) = len(yes), n.shape
        self.n = n.astype(numpy.int64)
        # Each cell's yes by answer, option and group.
        cube = numpy.stack([option_yes.astype(numpy.int64) for option_yes in yes], axis=1)
        self.counts = cube.reshape(-1, size)
        self.sizes = numpy.repeat(self.n, self.options, axis=0)
        reasons = [
            decided[option][answer] for answer in range(self.answers) for option in range(self.options)
        ]
        self.exact = numpy.array([[reason is None for reason in row] for row in reasons], dtype=bool)
        self.banded = numpy.array(
            [[reason == FEW_ON_ONE_SIDE for reason in row] for row in reasons], dtype=bool
        )
        self.unknown_low, self.unknown_high = band_bounds(self.banded, self.counts, self.sizes, side)
        total = self.n.sum(axis=0)
        total_yes = cube.sum(axis=0)
        total_banded = numpy.array(
            [[reason == FEW_ON_ONE_SIDE for reason in row] for row in totals], dtype=bool
        )
        self.total_low, self.total_high = band_bounds(total_banded, total_yes, total[None, :], side)
        published = numpy.array([[reason is None for reason in row] for row in totals], dtype=bool)
        self.total_low = numpy.where(published, total_yes, self.total_low)
        self.total_high = numpy.where(published, total_yes, self.total_high)
        self.total_known = published
        self.watched = ~self.exact & (self.sizes > 0)
        self.empty = self.sizes == 0  # known: no youth
        self.parts = [numpy.asarray(group_parts, dtype=numpy.intp) for group_parts in sums.parts]
        self.masked_first = ()

    def withdraw(self, option: int, group: int) -> None:
        """A band masked without its band: the reader knows only its n and what the sums give."""
        self.banded[option, group] = False
        self.unknown_low[option, group] = 0
        self.unknown_high[option, group] = self.sizes[option, group]
        self.watched[option, group] = self.sizes[option, group] > 0

    def neighbours(
        self, option: int, group: int, reasons: list[Reasons], chosen: Sequence[Sequence[int]]
    ) -> Iterator[tuple[int, int]]:
        """Published counts around a pinned cell, tried in turn: the group's cells of its other
        answers (where a reader finds the count the group's total less it gives: four exact
        options gave « pareil » = 3 there), then its own cell's other options, then the same
        cell above, beside and below it, each fewest first; those one sum would give back anyway
        last. Not farther: a sector's hundreds of organisations, each tried with every cell, had
        cost half a minute at 68,000 youth."""
        answer, which = divmod(option, self.options)
        cell = [answer * self.options + other for other in range(self.options) if other != which]
        same_option = [other * self.options + which for other in range(self.answers) if other != answer]
        rest = [
            row
            for row in range(self.answers * self.options)
            if row != option and row not in cell + same_option
        ]
        parent = int(self.sums.parent[group])
        around = ([parent] if parent >= 0 else []) + [
            part for part in (self.sums.parts[parent] if parent >= 0 else []) if part != group
        ]
        around += list(self.sums.parts[group])
        found = [
            *sorted(((row, group) for row in same_option + rest), key=lambda found: chosen[found[0]][group]),
            *sorted(((row, group) for row in cell), key=lambda found: chosen[found[0]][group]),
            *sorted(((option, other) for other in around), key=lambda found: chosen[option][found[1]]),
        ]
        given = []
        for row, column in found:
            if reasons[row][column] is not None:
                continue
            if self.given_by_one_sum(row, column):
                given.append((row, column))
            else:
                yield row, column
        yield from given

    def given_by_one_sum(self, option: int, group: int) -> bool:
        """Whether a published count, masked, would still be given by one sum of known ones: along
        the tree, by its cell's n less its other options, or by its option's count in the group
        less its other cells (cells of no youth count as known)."""
        known = self.exact[option] | self.empty[option]
        parts = self.parts[group]
        if len(parts) and known[parts].all():
            return True
        parent = int(self.sums.parent[group])
        if parent >= 0 and known[parent] and known[self.parts[parent]].all():
            return True
        answer, which = divmod(option, self.options)
        here = self.exact[:, group] | self.empty[:, group]
        if here[answer * self.options : (answer + 1) * self.options].sum() >= self.options - 1:
            return True
        return bool(self.total_known[which, group] and here[which :: self.options].sum() >= self.answers - 1)

    def pinned_where(self, low: numpy.ndarray, high: numpy.ndarray) -> numpy.ndarray:
        return bounded_more_than_band(low, high, self.sizes, self.minimum_side)

    def pinned(self) -> list[tuple[int, int]]:
        """The watched cells the three sums pin, in group order."""
        low = numpy.where(self.exact, self.counts, self.unknown_low)
        high = numpy.where(self.exact, self.counts, self.unknown_high)
        low, high = self.bounds(low, high)
        found = numpy.argwhere(self.watched & self.pinned_where(low, high))
        return [(int(row), int(group)) for row, group in found[numpy.argsort(found[:, 1], kind="stable")]]

    def bounds(self, low: numpy.ndarray, high: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Narrow every cell's bounds by the three sums until nothing moves."""
        shape = (self.answers, self.options, low.shape[1])
        cells = self.n[:, None, :]
        total_low, total_high = self.total_low.copy(), self.total_high.copy()
        for _ in range(1000):
            before = (low.copy(), high.copy(), total_low.copy(), total_high.copy())
            stacked_low, stacked_high = (
                numpy.concatenate([low, total_low]),
                numpy.concatenate([high, total_high]),
            )
            self.sums.add_up(stacked_low, stacked_high)
            rows = low.shape[0]
            low, high = stacked_low[:rows].reshape(shape), stacked_high[:rows].reshape(shape)
            total_low, total_high = stacked_low[rows:], stacked_high[rows:]
            # One option's cells of a group add up to its count there.
            sum_low, sum_high = low.sum(axis=0), high.sum(axis=0)
            total_low, total_high = numpy.maximum(total_low, sum_low), numpy.minimum(total_high, sum_high)
            low, high = (
                numpy.maximum(low, total_low[None] - (sum_high[None] - high)),
                numpy.minimum(high, total_high[None] - (sum_low[None] - low)),
            )
            # One cell's options add up to its n.
            sum_low, sum_high = low.sum(axis=1, keepdims=True), high.sum(axis=1, keepdims=True)
            low, high = (
                numpy.maximum(low, cells - (sum_high - high)),
                numpy.minimum(high, cells - (sum_low - low)),
            )
            low, high = low.reshape(rows, -1), high.reshape(rows, -1)
            now = (low, high, total_low, total_high)
            if all(numpy.array_equal(after, earlier) for after, earlier in zip(now, before, strict=True)):
                break
        return low, high


def mask_what_tables_pin(
    sums: TreeSums,
    side: int,
    counts: tuple[numpy.ndarray, Sequence[numpy.ndarray]],
    totals: Sequence[Reasons],
    decided: list[list[Reasons]],
) -> bool:
    """Mask more of a distribution's cells (``decided[option][answer][group]``, in place) until the
    three sums pin none withheld; True if any was. ``counts``: the cells' n and each option's yes
    (rows: answers, then ``other``); ``totals``: per option, the export's reasons on its count
    per group."""
    n, yes = counts
    state = DistributionCells(sums, n, yes, decided, totals, side)
    rows = [decided[option][answer] for answer in range(state.answers) for option in range(state.options)]
    return mask_until_nothing_pinned(state, rows, state.counts.tolist())
