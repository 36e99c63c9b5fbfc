"""The last check on a yes/no share across its waves: every sum and identity at once, to a fixed point.

``AcrossWaves`` checks a reader's deductions one at a time; a reader chains them. E.g. a sector's
exact T0 and change give its paired youth's T1 yes (T0 − who fell + who rose), less at most all
its T0-only youth; its structures' bands cap the T1 yes of all but one organisation's, whose
"< 10 %" then holds at least one, and the T0-only youth of one structure four or five of five
(adversarial seed 302). Here, per group, eight counts — the yes of its T0-only youth at T0, of its
T1-only youth at T1, of its paired youth at each wave, who rose, who fell, and each wave's total —
are bounded by every published cell (exact, or a band), the identities between them (a wave's
total is its T0-only or T1-only yes plus its paired yes; T1 = T0 − fell + rose for the paired
youth, who fell said yes at T0 and who rose no) and the tree's sums of each, until nothing moves,
with numpy; also who changed and the net fall (fell − rose), whose sums keep what bounding one
count at a time loses: fell = (changed + net fall) / 2 (seed 789: "18 or 19 of these 20 fell").
Where a count a reader cares about is then bounded more tightly than a band, published cells are
withdrawn one by one until none is: of the ``TRIED`` nearest, the first that frees every count,
else the one that frees the most; ``decide_shares`` then decides again (a withdrawn cell may hide
others) and checks again.
"""

from collections.abc import Sequence

import numpy

from admin.disclosure.bands import share_band
from admin.disclosure.group_size import FEW_ON_ONE_SIDE, SECONDARY, Reasons
from admin.disclosure.option_bounds import TreeSums, bounded_more_than_band
from admin.disclosure.share_probes import narrow, probed_pinned
from admin.disclosure.tree_bounds import YesNoShare

# The counts of a group, in this order: T0-only youth's yes, T1-only youth's yes, paired youth's
# yes at T0 and at T1, who rose, who fell, each wave's total yes and who changed (rose or fell:
# its pairs less it stayed) — the counts a reader cares about, ``WATCHED``; then who fell less who
# rose, whose sums carry what no single count does (e.g. 2 × fell = changed + net fall, to the
# nearest whole).
FIRST_ONLY, SECOND_ONLY, PAIRED_FIRST, PAIRED_SECOND, ROSE, FELL, FIRST, SECOND, CHANGED, NET_FALL = range(10)
KINDS, WATCHED = 10, 9
# Published cells tried per round before the one that freed the most is withdrawn anyway.
TRIED = 12
# Narrowing passes at most (each moves some bound by one at least; they settle in a few).
PASSES = 1000
# The cells of a group a reader reads, in the order they are tried: the change, T1 (pays), T0.
CHANGE_CELL, SECOND_CELL, FIRST_CELL = range(3)
CELL_COUNTS = ((ROSE, FELL), (SECOND,), (FIRST,))


# Per group: T0 = T0-only + paired T0; T1 likewise; paired T1 = paired T0 − fell + rose; who
# fell said yes at T0 (yes, yes ≥ 0) and who rose no (no, no ≥ 0); who changed and the net fall,
# and each change from them. Each: its terms (count, coefficient), and whether it is at most the
# group's pairs (else exactly 0).
IDENTITIES = (
    (((FIRST, 1), (FIRST_ONLY, -1), (PAIRED_FIRST, -1)), False),
    (((SECOND, 1), (SECOND_ONLY, -1), (PAIRED_SECOND, -1)), False),
    (((PAIRED_SECOND, 1), (PAIRED_FIRST, -1), (FELL, 1), (ROSE, -1)), False),
    (((PAIRED_FIRST, 1), (FELL, -1)), True),
    (((PAIRED_FIRST, 1), (ROSE, 1)), True),
    (((CHANGED, 1), (ROSE, -1), (FELL, -1)), False),
    (((NET_FALL, 1), (FELL, -1), (ROSE, 1)), False),
    (((NET_FALL, 1), (PAIRED_FIRST, -1), (PAIRED_SECOND, 1)), False),
    (((FELL, 2), (CHANGED, -1), (NET_FALL, -1)), False),
    (((ROSE, 2), (CHANGED, -1), (NET_FALL, 1)), False),
)


class ShareSums:
    """The identities and tree sums a reader has of one yes/no share: each group's counts, and
    each count of a group with parts their counts added up."""

    def __init__(self, parents: Sequence[int | None], pairs: Sequence[int]) -> None:
        self.size = len(parents)
        self.parents = list(parents)
        self.pairs = numpy.asarray(pairs, dtype=float)
        parts: list[list[int]] = [[] for _ in parents]
        for child, parent in enumerate(parents):
            if parent is not None:
                parts[parent].append(child)
        self.tree = TreeSums(parts)

    def bounds(self, low: numpy.ndarray, high: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Narrow every count's (fewest, most) by every identity and sum until nothing moves (in
        place; flat, count ``kind`` of group ``g`` at ``kind * size + g``)."""
        lows, highs = low.reshape(KINDS, self.size), high.reshape(KINDS, self.size)
        for _ in range(PASSES):
            before_low, before_high = low.copy(), high.copy()
            for terms, at_most_pairs in IDENTITIES:
                narrow(lows, highs, terms, self.pairs if at_most_pairs else 0.0)
            self.tree.add_up(lows, highs)
            if numpy.array_equal(before_low, low) and numpy.array_equal(before_high, high):
                break
            if (low > high).any():
                break  # counts the identities do not hold for: ``pinned`` reads nothing from them
        return low, high


class ShareCells:
    """One yes/no share's published cells as bounds on its counts, and the counts a reader cares about."""

    def __init__(self, sums: ShareSums, share: YesNoShare) -> None:
        self.sums, self.share = sums, share
        size = sums.size
        first_n, second_n = numpy.asarray(share.first.counts), numpy.asarray(share.second.counts)
        pairs = numpy.asarray(share.pairs)
        self.improved_kind = ROSE if share.improved is share.rose else FELL
        sizes = [
            first_n - pairs,
            second_n - pairs,
            pairs,
            pairs,
            pairs,
            pairs,
            first_n,
            second_n,
            pairs,
            pairs,
        ]
        self.sizes = numpy.concatenate(sizes).astype(float)
        self.least = numpy.zeros(KINDS * size)
        self.least[NET_FALL * size :] = -pairs  # more may have risen than fallen
        self._cells = [self._told(cell) for cell in (CHANGE_CELL, SECOND_CELL, FIRST_CELL)]
        self._told_low, self._told_high = self._told_bounds()

    def nearest(self, distance: numpy.ndarray, count: int) -> list[tuple[int, int]]:
        """The ``count`` published cells (group, cell) nearest, by ``distance`` per group: bands
        first, then the change, T1, T0."""
        size, keys = self.sums.size, []
        for cell, (exact, banded, _, _) in enumerate(self._cells):
            groups = numpy.flatnonzero(exact | banded)
            keys.append(((distance[groups] * 2 + ~banded[groups]) * 3 + cell) * size + groups)
        return [
            (int(key % size), int(key // size % 3)) for key in numpy.sort(numpy.concatenate(keys))[:count]
        ]

    def _told(self, cell: int) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """Per group, whether its cell is published exactly, or as a band, and what it tells of
        its count (fewest, most)."""
        share, side = self.share, self.share.minimum_side
        if cell == CHANGE_CELL:
            reasons, counts, values = share.change, share.pairs, share.improved
        else:
            wave = share.first if cell == FIRST_CELL else share.second
            reasons, counts, values = wave.reasons, wave.counts, wave.yes
        n, count = numpy.asarray(counts), numpy.asarray(values)
        exact = numpy.array([reason is None for reason in reasons]) & (n > 0)
        banded = numpy.zeros(len(n), dtype=bool)
        for group, reason in enumerate(reasons):
            if reason == FEW_ON_ONE_SIDE and n[group] > 0:
                banded[group] = share_band(int(n[group]), int(count[group]), side) is not None
        small = count < side
        low = numpy.where(exact, count, numpy.where(small, 0, n - side + 1))
        high = numpy.where(exact, count, numpy.where(small, side - 1, n))
        return exact, banded, low, high

    def bounds(self, withheld: tuple[int, int] | None = None) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Every count's (fewest, most) with every published cell but ``withheld`` (group, cell);
        count ``kind`` of group ``g`` at ``kind * size + g``."""
        low, high = self._told_low.copy(), self._told_high.copy()
        if withheld is not None:
            self._forget(low, high, *withheld)
        return self.sums.bounds(low, high)

    def withdraw(self, group: int, cell: int) -> None:
        """Mask a published cell (a band, or an exact share) from now on (in place)."""
        reasons: Reasons = (self.share.change, self.share.second.reasons, self.share.first.reasons)[cell]
        reasons[group] = SECONDARY
        exact, banded, _, _ = self._cells[cell]
        exact[group] = banded[group] = False
        self._forget(self._told_low, self._told_high, group, cell)

    def _forget(self, low: numpy.ndarray, high: numpy.ndarray, group: int, cell: int) -> None:
        """What a cell told of its counts: no more than their size."""
        for kind in CELL_COUNTS[cell]:
            place = kind * self.sums.size + group
            low[place], high[place] = self.least[place], self.sizes[place]

    def _told_bounds(self) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Every count's (fewest, most) as the published cells alone tell."""
        share, size = self.share, self.sums.size
        lows, highs = self.least.copy().reshape(KINDS, size), self.sizes.copy().reshape(KINDS, size)
        for kind, cell in ((FIRST, FIRST_CELL), (SECOND, SECOND_CELL), (self.improved_kind, CHANGE_CELL)):
            exact, banded, low, high = self._cells[cell]
            told = exact | banded
            lows[kind, told], highs[kind, told] = low[told], high[told]
        # An exact change: the mean and its interval give who rose and who fell (a band on the
        # share improved leaves the other unknown).
        exact = self._cells[CHANGE_CELL][0]
        for kind, changed in ((ROSE, share.rose), (FELL, share.fell)):
            lows[kind, exact] = highs[kind, exact] = numpy.asarray(changed)[exact]
        return lows.reshape(-1), highs.reshape(-1)

    def pinned(self, withheld: tuple[int, int] | None = None) -> numpy.ndarray:
        """The counts bounded more tightly than a band, with every published cell but ``withheld``."""
        low, high = self.bounds(withheld)
        sizes, side = self.sizes, self.share.minimum_side
        if (low > high).any():
            # Counts these identities do not hold for (more pairs than T0 youth, which the export
            # no longer counts: ``admin.carried_runs``): nothing is read from them.
            return numpy.zeros(len(low), dtype=bool)
        # Who rose, who fell, and who changed (so who stayed, among the same pairs) alike: « 1 of
        # 6 fell » and « nobody fell » give answers away as « 1 of 6 rose » does.
        pinned = bounded_more_than_band(low, high, sizes, side) & (sizes > 0)
        pinned[WATCHED * self.sums.size :] = False
        # A count on the small side of a band, tried at each end of its range (``share_probes``).
        near = ((high <= side - 1) | (sizes - low <= side - 1)) & (sizes > 0) & (low < high) & ~pinned
        near[WATCHED * self.sums.size :] = False
        if near.any():
            pinned |= probed_pinned(
                IDENTITIES,
                self.sums.parents,
                self.sums.pairs,
                (low, high),
                numpy.flatnonzero(near),
                (sizes, side),
                self.true_counts(low, high),
            )
        return pinned

    def true_counts(self, low: numpy.ndarray, high: numpy.ndarray) -> numpy.ndarray | None:
        """Every group's true counts (flat as ``bounds``), from what the export counted (with who
        said yes at T0 among the pairs), if they hold every bound (``low``, ``high``), identity
        and sum: then no reasoning can rule them out. None if unknown, or if any does not hold
        (counts the identities do not hold for: nothing is then taken from them)."""
        share = self.share
        if share.paired_first is None:
            return None
        first, second = numpy.asarray(share.first.yes), numpy.asarray(share.second.yes)
        rose, fell = numpy.asarray(share.rose), numpy.asarray(share.fell)
        paired_first = numpy.asarray(share.paired_first)
        paired_second = paired_first - fell + rose
        by_kind = {
            FIRST_ONLY: first - paired_first, SECOND_ONLY: second - paired_second,
            PAIRED_FIRST: paired_first, PAIRED_SECOND: paired_second, ROSE: rose, FELL: fell,
            FIRST: first, SECOND: second, CHANGED: rose + fell, NET_FALL: fell - rose,
        }  # fmt: skip
        counts = numpy.stack([by_kind[kind] for kind in range(KINDS)]).astype(float)
        holds = bool(((low <= counts.reshape(-1)) & (counts.reshape(-1) <= high)).all())
        for terms, at_most_pairs in IDENTITIES:
            total = sum(sign * counts[kind] for kind, sign in terms)
            holds &= bool(((total >= 0) & (total <= (self.sums.pairs if at_most_pairs else 0.0))).all())
        tree = self.sums.tree
        if len(tree.children):  # each group with parts their sum
            parts_added = numpy.add.reduceat(counts[:, tree.children], tree.starts, axis=1)
            holds &= bool((parts_added == counts[:, tree.with_parts]).all())
        return counts.reshape(-1) if holds else None


def withdraw_pinned(parents: Sequence[int | None], share: YesNoShare) -> bool:
    """Where a reader bounds a count of the share more tightly than a band, withdraw published
    cells (in place) until none is: each time, of the ``TRIED`` nearest the pinned groups (bands
    first, then the change, T1, T0), the first that frees them all, else the one that frees the
    most. Returns whether anything moved."""
    cells = ShareCells(ShareSums(parents, share.pairs), share)
    pinned = cells.pinned()
    if not pinned.any():
        return False
    edges = numpy.array([(child, parent) for child, parent in enumerate(parents) if parent is not None])
    while pinned.any():
        candidates = cells.nearest(_distances(len(parents), edges, numpy.flatnonzero(pinned)), TRIED)
        if not candidates:
            break
        best, left = candidates[0], pinned
        for group, cell in candidates:
            found = cells.pinned((group, cell))
            if found.sum() < left.sum() or (group, cell) == best:
                best, left = (group, cell), found
            if not found.any():
                break
        cells.withdraw(*best)
        pinned = left
    return True


def _distances(size: int, edges: numpy.ndarray, pinned: numpy.ndarray) -> numpy.ndarray:
    """Each group's number of steps along the tree (``edges``: part, parent) from the nearest
    group with a pinned count (``pinned``: their places among the counts)."""
    distance = numpy.full(size, size, dtype=numpy.int64)
    distance[numpy.unique(pinned % size)] = 0
    while len(edges):
        before = distance.copy()
        parts, parents = edges[:, 0], edges[:, 1]
        numpy.minimum.at(distance, parents, distance[parts] + 1)
        distance[parts] = numpy.minimum(distance[parts], distance[parents] + 1)
        if numpy.array_equal(before, distance):
            break
    return distance
