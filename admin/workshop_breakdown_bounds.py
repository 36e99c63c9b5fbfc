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
from dataclasses import dataclass

import numpy

from admin.disclosure.option_bounds import KnownCells, TreeSums


@dataclass(frozen=True)
class Bands:
    """The banded cells of a share, which the loop may withdraw: their n (what a reader then
    knows of one: 0 … n) and whether one is still watched without its band."""

    banded: numpy.ndarray
    sizes: numpy.ndarray
    watched_without: numpy.ndarray


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
        bands: Bands | None = None,
    ) -> None:
        self.sums, self.counts = sums, counts
        self.unknown_low, self.unknown_high = unknown
        self.exact, self.watched, self._pinned_where = exact, watched, pinned_where
        self.bands = bands
        self.banded = numpy.zeros(exact.shape, dtype=bool) if bands is None else bands.banded.copy()

    def withdraw(self, row: int, group: int) -> None:
        """A band masked without its band: the reader knows only its n and what the sums give."""
        assert self.bands is not None
        self.banded[row, group] = False
        self.unknown_low[row, group] = 0
        self.unknown_high[row, group] = self.bands.sizes[row, group]
        self.watched[row, group] = self.bands.watched_without[row, group]

    def pinned_where(self, low: numpy.ndarray, high: numpy.ndarray) -> numpy.ndarray:
        """The breakdowns' criterion, given by ``admin.workshop_breakdowns``."""
        return self._pinned_where(low, high)
