"""The breakdowns' last check: what a reader bounds by every sum at once, and masking more.

The options' last check (``admin.disclosure.option_bounds``) follows one question's option
counts; a breakdown cell has its own n (every one published) and its own criterion (a masked
cell of fewer than k youth given back, a share's yes bounded more tightly than a band). So its
sums and its neighbours are reused here — every count's bounds narrowed along the tree and
into each group's total, a pinned cell's neighbours tried nearest first — with the counts,
bounds and criterion given by ``admin.workshop_breakdowns``, and the same masking loop
(``option_bounds.mask_until_nothing_pinned``).
"""

from collections.abc import Callable

import numpy

from admin.disclosure.option_bounds import KnownCells, TreeSums


def bounded_more_than_band(
    low: numpy.ndarray, high: numpy.ndarray, sizes: numpy.ndarray, side: int
) -> numpy.ndarray:
    """``narrower_than_band`` for every cell at once."""
    band = numpy.minimum(side - 1, sizes)
    few_yes = (high <= side - 1) & ((low > 0) | (high < band))
    few_no = (sizes - low <= side - 1) & ((sizes - high > 0) | (sizes - low < band))
    return numpy.asarray(few_yes | few_no)


class BoundedCells(KnownCells):
    """What a reader knows of some counts (rows: cells, then their total; columns: groups) before
    the sums: exact ones, bounds of the others; ``watched``: the withheld ones he must not pin,
    ``pinned_where(low, high)``: which are pinned by the bounds the sums leave. Masked, tried
    and put back as the options' state is (its methods); only what is known and what counts as
    pinned differ."""

    def __init__(
        self,
        sums: TreeSums,
        counts: numpy.ndarray,
        unknown: tuple[numpy.ndarray, numpy.ndarray],
        exact: numpy.ndarray,
        watched: numpy.ndarray,
        pinned_where: Callable[[numpy.ndarray, numpy.ndarray], numpy.ndarray],
    ) -> None:
        self.sums, self.counts = sums, counts
        self.unknown_low, self.unknown_high = unknown
        self.exact, self.watched, self.pinned_where = exact, watched, pinned_where
        self.banded = numpy.zeros(exact.shape, dtype=bool)  # no band here is withdrawn by the loop

    def pinned(self) -> list[tuple[int, int]]:
        """The watched cells the sums pin, in group order."""
        rows = self.exact.shape[0]
        low, high = self.unknown_low.copy(), self.unknown_high.copy()
        low[:rows] = numpy.where(self.exact, self.counts, low[:rows])
        high[:rows] = numpy.where(self.exact, self.counts, high[:rows])
        low, high = self.sums.bounds(low, high)
        found = numpy.argwhere(self.watched & self.pinned_where(low[:rows], high[:rows]))
        return [(int(row), int(group)) for row, group in found[numpy.argsort(found[:, 1], kind="stable")]]
