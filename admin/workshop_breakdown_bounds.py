"""The breakdowns' last check: what a reader bounds by every sum at once, and masking more.

The options' last check (``admin.disclosure.option_bounds``) follows one question's option
counts; a breakdown cell has its own n (every one published) and its own criterion (a masked
cell of fewer than k youth given back, a share's yes bounded more tightly than a band). So its
sums and its neighbours are reused here — every count's bounds narrowed along the tree and
into each group's total, a pinned cell's neighbours tried nearest first — with the same masking
loop (``option_bounds.mask_until_nothing_pinned``): ``mask_what_sums_recover`` for the cells'
sums (n × mean), ``mask_what_sums_narrow`` for a share's yes; ``recovered`` tells the other
rules of ``admin.workshop_breakdowns`` which cells the sums give back.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy

from admin.disclosure import FEW_ON_ONE_SIDE, Reasons
from admin.disclosure.option_bounds import (
    KnownCells,
    TreeSums,
    band_bounds,
    bounded_more_than_band,
    mask_until_nothing_pinned,
)


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


def recovered(
    sums: TreeSums, n: numpy.ndarray, total_reasons: Reasons, reasons: list[Reasons]
) -> numpy.ndarray:
    """The cells a reader knows exactly: published, or determined by all the sums at once."""
    low, high = _sum_bounds(n, total_reasons, reasons)
    exact = numpy.array([[reason is None for reason in row] for row in reasons], dtype=bool)
    low[:-1] = numpy.where(exact, n, low[:-1])
    high[:-1] = numpy.where(exact, n, high[:-1])
    low, high = sums.bounds(low, high)
    return numpy.asarray(low[:-1] == high[:-1])


def _sum_bounds(
    n: numpy.ndarray, total_reasons: Reasons, reasons: list[Reasons]
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """What a reader knows of every cell's sum (n × mean) before the sums, followed as if each
    were its n: a withheld one lies in 0 … 2 × n, so it comes out exact only where the sums
    themselves determine it; the last row is the groups' own values."""
    total = n.sum(axis=0)
    published = numpy.array([reason is None for reason in total_reasons])
    low = numpy.zeros((n.shape[0] + 1, n.shape[1]), dtype=numpy.int64)
    high = numpy.concatenate([2 * n, (2 * total)[None, :]])
    low[-1] = numpy.where(published, total, 0)
    high[-1] = numpy.where(published, total, 2 * total)
    return low, high


def mask_what_sums_recover(
    sums: TreeSums, k: int, n: numpy.ndarray, total_reasons: Reasons, reasons: list[Reasons]
) -> bool:
    """Mask more where all the sums at once give back a masked cell of fewer than ``k`` youth,
    or the youth of a published group outside the cells they give back (fewer than ``k``
    together). Every ``n`` is published, so what they give back is n × mean (``_sum_bounds``)."""
    small = (n > 0) & (n < k)
    published = numpy.array([reason is None for reason in total_reasons])

    def pinned_where(bounded_low: numpy.ndarray, bounded_high: numpy.ndarray) -> numpy.ndarray:
        unknown = bounded_low < bounded_high
        residuals = (n * unknown).sum(axis=0)
        few_left = published & (residuals > 0) & (residuals < k)
        return numpy.asarray(
            ((bounded_low == bounded_high) & small) | (unknown & (n > 0) & few_left[None, :])
        )

    exact = numpy.array([[reason is None for reason in row] for row in reasons], dtype=bool)
    state = BoundedCells(sums, n, _sum_bounds(n, total_reasons, reasons), exact, ~exact, pinned_where)
    return mask_until_nothing_pinned(state, reasons, n.tolist())


def mask_what_sums_narrow(
    sums: TreeSums,
    side: int,
    counts: tuple[numpy.ndarray, numpy.ndarray],
    total_reasons: Reasons,
    reasons: list[Reasons],
) -> bool:
    """Mask more where all the sums at once bound a withheld share's yes more tightly than a band."""
    n, yes = counts
    total, total_yes = n.sum(axis=0), yes.sum(axis=0)
    exact = numpy.array([[reason is None for reason in row] for row in reasons], dtype=bool)
    banded = numpy.array([[reason == FEW_ON_ONE_SIDE for reason in row] for row in reasons], dtype=bool)
    total_banded = numpy.array([reason == FEW_ON_ONE_SIDE for reason in total_reasons])
    total_published = numpy.array([reason is None for reason in total_reasons])
    cells_low, cells_high = band_bounds(banded, yes, n, side)
    total_low, total_high = band_bounds(total_banded[None, :], total_yes[None, :], total[None, :], side)
    low, high = numpy.concatenate([cells_low, total_low]), numpy.concatenate([cells_high, total_high])
    low[-1] = numpy.where(total_published, total_yes, low[-1])
    high[-1] = numpy.where(total_published, total_yes, high[-1])
    watched = ~exact & (banded | (total_published[None, :] & (n > 0)))

    def pinned_where(bounded_low: numpy.ndarray, bounded_high: numpy.ndarray) -> numpy.ndarray:
        return bounded_more_than_band(bounded_low, bounded_high, n, side)

    bands = Bands(banded, n, ~exact & total_published[None, :] & (n > 0))
    state = BoundedCells(sums, yes, (low, high), exact, watched, pinned_where, bands)
    return mask_until_nothing_pinned(state, reasons, yes.tolist())
