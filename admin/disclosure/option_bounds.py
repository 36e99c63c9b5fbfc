"""The last check on a question's options: what a reader bounds by every sum at once, and masking more.

``decide_sides`` and ``decide_options`` each check one direction; a reader chains bounds: a
band ("fewer than 3") caps a count, a parent's count caps each of its parts', a group's answers
cap each of its options, and bounds carried from group to group along these sums may pin a
banded count that no single subtraction gives back (two banded organisations whose sum the
sector gives away: 2 and 2 of 4). Here every count's bounds are narrowed by every sum (each
option's counts add up the tree; a single answer's options add up to the group's answers)
until they move no more, with numpy, a whole level at a time. Where a withheld option (of any
group with answers, published or masked) is then bounded more tightly than a band
(``narrower_than_band``), a banded one loses its band first (a band is the least a reader can
lose; masking published neighbours one by one cost hundreds of counts for one band on the
68,000-youth bench, and kept fewer exact counts overall: organisations 83,617 → 84,155,
structures 307,965 → 313,323). Then more
published counts are masked: each such option (one per group a round) tries its neighbours in
turn — the group's other options, nearest first, then the same option above, beside and below
it, then their other options — all tried at once and put back where they freed nothing; after
``TRIED`` tries the first stays masked. Neighbours whose count one sum of exact counts would
give back (``KnownCells.given_by_one_sum``) come last: masking them hides nothing, and trying
them first had the loop mask an organisation's siblings one a round, 200–300 counts a question,
for nothing (organisations' masked counts on the bench 2,608 → 341, structures' published
313,323 → 318,190). Each round withdraws a band, keeps a mask or tries a new one, so it ends.
"""

from collections.abc import Iterator, Sequence
from itertools import islice

import numpy

from admin.disclosure.bands import distance
from admin.disclosure.group_size import FEW_ON_ONE_SIDE, SECONDARY, Reasons

# Neighbours tried per pinned count before masking the nearest one anyway.
TRIED = 6


class TreeSums:
    """The sums a reader has of one question: the tree's, and (rows) options into answers."""

    def __init__(self, parts: Sequence[Sequence[int]]) -> None:
        size = len(parts)
        self.parent = numpy.full(size, -1)
        for index, group_parts in enumerate(parts):
            for part in group_parts:
                self.parent[part] = index
        self.parts = parts
        self.with_parts = numpy.array(
            [index for index, group_parts in enumerate(parts) if group_parts], dtype=int
        )
        # The parts one parent after another (the order of ``with_parts``), where each parent's start.
        self.children = numpy.array([part for index in self.with_parts for part in parts[index]], dtype=int)
        lengths = [len(parts[index]) for index in self.with_parts]
        self.starts = numpy.cumsum([0, *lengths[:-1]]).astype(int)
        self.lengths = numpy.array(lengths, dtype=int)
        # In export order the parts follow their parents': columns read as views, not copies.
        self.above_columns, self.part_columns = _columns(self.with_parts), _columns(self.children)

    def add_up(self, low: numpy.ndarray, high: numpy.ndarray) -> None:
        """One pass of the tree's sums (in place; rows: any counts, columns: groups): a group's
        bounds within its parts' added up, each part's within its parent's less the others'."""
        if not len(self.children):
            return
        above, children = self.above_columns, self.part_columns
        below_low = numpy.add.reduceat(low[:, children], self.starts, axis=1)
        below_high = numpy.add.reduceat(high[:, children], self.starts, axis=1)
        low[:, above] = numpy.maximum(low[:, above], below_low)
        high[:, above] = numpy.minimum(high[:, above], below_high)
        # Each part: its parent's bounds less the other parts' (spread over the parts).
        spread_low = numpy.repeat(below_low, self.lengths, axis=1)
        spread_high = numpy.repeat(below_high, self.lengths, axis=1)
        parent_low = numpy.repeat(low[:, above], self.lengths, axis=1)
        parent_high = numpy.repeat(high[:, above], self.lengths, axis=1)
        part_low, part_high = low[:, children], high[:, children]
        low[:, children] = numpy.maximum(part_low, parent_low - (spread_high - part_high))
        high[:, children] = numpy.minimum(part_high, parent_high - (spread_low - part_low))

    def bounds(self, low: numpy.ndarray, high: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Narrow (rows: options then answers; columns: groups) by every sum until nothing moves."""
        options = low.shape[0] - 1
        for _ in range(1000):
            before_low, before_high = low.copy(), high.copy()
            self.add_up(low, high)
            total_low, total_high = low[:options].sum(axis=0), high[:options].sum(axis=0)
            low[options] = numpy.maximum(low[options], total_low)
            high[options] = numpy.minimum(high[options], total_high)
            low[:options] = numpy.maximum(low[:options], low[options] - (total_high - high[:options]))
            high[:options] = numpy.minimum(high[:options], high[options] - (total_low - low[:options]))
            if numpy.array_equal(low, before_low) and numpy.array_equal(high, before_high):
                break
        return low, high


def _columns(indexes: numpy.ndarray) -> numpy.ndarray | slice:
    """Columns as a slice where they follow one another, else as they are."""
    if len(indexes) and numpy.array_equal(indexes, numpy.arange(indexes[0], indexes[0] + len(indexes))):
        return slice(int(indexes[0]), int(indexes[0]) + len(indexes))
    return indexes


def mask_what_bounds_give_away(
    parts: Sequence[Sequence[int]],
    counts: tuple[Sequence[int], Sequence[int]],
    chosen: Sequence[Sequence[int]],
    group_reasons: Reasons,
    reasons: list[Reasons],
    limits: tuple[int, float | None],
    masked_first: Sequence[int] = (),
) -> bool:
    """Mask published option counts (in place) until no withheld one is pinned; True if any was.

    ``parts``: each group's parts (groups numbered parents before their parts, as exports list
    them); ``counts``: every group's youth asked the question (always published) and its answers;
    ``limits``: ``minimum_side``, and the share above which a published group's most chosen
    option is flagged (a flag says it is above, withheld or not), or None where none is;
    ``masked_first``: a group's options tried before its others, in that order."""
    shown, n = counts
    state = KnownCells(TreeSums(parts), shown, n, chosen, group_reasons, reasons, limits)
    state.masked_first = tuple(masked_first)
    return mask_until_nothing_pinned(state, reasons, chosen)


def mask_until_nothing_pinned(
    state: "KnownCells", reasons: list[Reasons], counts: Sequence[Sequence[int]]
) -> bool:
    """Mask published cells (in place) until ``state`` finds no withheld one pinned; True if any was.

    ``counts`` order a pinned cell's neighbours (fewest first)."""
    moved = False
    tried: dict[tuple[int, int], int] = {}
    pinned = state.pinned()
    while pinned:
        # Each pinned cell (one per group a round) tries its next neighbour; all are tried at
        # once, and those that freed nothing are put back. Past the last one tried, the first stays.
        trials: dict[tuple[int, int], tuple[int, int]] = {}
        kept = False
        groups: set[int] = set()
        for option, group in pinned:
            if group in groups:
                continue
            groups.add(group)
            if state.banded[option, group]:
                state.withdraw(option, group)
                reasons[option][group] = SECONDARY
                kept = moved = True
                continue
            attempt = tried.get((option, group), 0)
            around = state.neighbours(option, group, reasons, counts)
            candidates = list(islice((cell for cell in around if not state.masked(*cell)), attempt + 1))
            if not candidates:
                # No published count left around it (every option of a small group banded, their
                # sum pinning each): a band is withdrawn instead, its own or its group's nearest.
                banded = state.banded_in(group)
                if banded:
                    row = min(banded, key=lambda row: (abs(row - option), row))
                    state.withdraw(row, group)
                    reasons[row][group] = SECONDARY
                    kept = moved = True
                continue
            tried[(option, group)] = attempt + 1
            if attempt < TRIED and attempt < len(candidates):
                trials[(option, group)] = candidates[attempt]
                state.mask(*candidates[attempt])
            else:
                row, cell = candidates[0]
                state.mask(row, cell)
                reasons[row][cell] = SECONDARY
                kept = moved = True
        if not trials and not kept:
            return moved  # nothing left to mask or withdraw around them (never seen)
        pinned = state.pinned()
        still = set(pinned)
        for found, (row, cell) in trials.items():
            if found in still:
                state.unmask(row, cell)
            else:
                reasons[row][cell] = SECONDARY
                moved = True
        if any(found in still for found in trials):
            pinned = state.pinned()
    return moved


class KnownCells:
    """What a reader knows before the sums: exact counts, bands, and how many at most elsewhere."""

    # A group's own rows tried before its others, in this order (then nearest first).
    masked_first: tuple[int, ...] = ()

    def __init__(
        self,
        sums: TreeSums,
        shown: Sequence[int],
        n: Sequence[int],
        chosen: Sequence[Sequence[int]],
        group_reasons: Reasons,
        reasons: list[Reasons],
        limits: tuple[int, float | None],
    ) -> None:
        minimum_side, flagged_above = limits
        self.sums, self.minimum_side = sums, minimum_side
        options, size = len(reasons), len(group_reasons)
        published = numpy.array([reason is None for reason in group_reasons])
        self.n = numpy.asarray(n, dtype=numpy.int64)
        self.counts = numpy.array(chosen, dtype=numpy.int64).reshape(options, size)
        most = numpy.where(published, self.n, numpy.asarray(shown, dtype=numpy.int64))
        self.unknown_low = numpy.zeros((options + 1, size), dtype=numpy.int64)
        self.unknown_high = numpy.repeat(most[None, :], options + 1, axis=0)
        self.unknown_low[options] = numpy.where(published, self.n, 0)
        self.unknown_high[options] = most
        exact = numpy.array([[reason is None for reason in row] for row in reasons], dtype=bool).reshape(
            options, size
        )
        banded = numpy.array(
            [[reason == FEW_ON_ONE_SIDE for reason in row] for row in reasons], dtype=bool
        ).reshape(options, size)
        few = self.counts < minimum_side
        self.unknown_high[:options] = numpy.where(banded & few, minimum_side - 1, self.unknown_high[:options])
        self.unknown_low[:options] = numpy.where(banded & ~few, self.n - minimum_side + 1, 0)
        self.most, self.banded, self.published = most, banded, published
        if flagged_above is not None and options:
            top = self.counts.argmax(axis=0)
            groups = numpy.arange(size)
            flagged = published & (self.counts[top, groups] > flagged_above * self.n)
            above = numpy.floor(flagged_above * self.n).astype(numpy.int64) + 1
            self.unknown_low[top[flagged], groups[flagged]] = numpy.maximum(
                self.unknown_low[top[flagged], groups[flagged]], above[flagged]
            )
        self.exact = exact
        # Withheld cells a reader must not pin: every one of a group with answers, its figures
        # published or not (a masked structure's « 0 under 3 months » had come back from its
        # organisation's count less its sibling's, itself given by the sibling's other options).
        self.watched = ~exact & (banded | (self.n > 0)[None, :])

    def neighbours(
        self, option: int, group: int, reasons: list[Reasons], chosen: Sequence[Sequence[int]]
    ) -> Iterator[tuple[int, int]]:
        """Published counts around a pinned one, in the order they are tried (``_neighbours``)."""
        return _neighbours(self, option, group, reasons, chosen)

    def banded_in(self, group: int) -> list[int]:
        """The options of a group still published as a band."""
        return [int(row) for row in numpy.flatnonzero(self.banded[:, group])]

    def withdraw(self, option: int, group: int) -> None:
        """A band masked without its band: the reader knows only what the sums give."""
        self.banded[option, group] = False
        self.unknown_low[option, group] = 0
        self.unknown_high[option, group] = self.most[group]
        self.watched[option, group] = self.n[group] > 0

    def mask(self, option: int, group: int) -> None:
        self.exact[option, group] = False
        self.watched[option, group] = True

    def masked(self, option: int, group: int) -> bool:
        return not self.exact[option, group]

    def given_by_one_sum(self, option: int, group: int) -> bool:
        """Whether a published count, masked, would still be given by one sum of exact ones: its parts', its
        parent's less its other parts', or its group's total (where known) less its other options'.
        Masking such a count hides nothing from a reader, so it cannot free a pinned one."""
        exact = self.exact[option]
        parts = self.sums.parts[group]
        if parts and exact[parts].all():
            return True
        parent = int(self.sums.parent[group])
        if parent >= 0 and exact[parent] and exact[self.sums.parts[parent]].all():
            return True  # its own count is exact too: its other parts are
        total_known = self.unknown_low[-1, group] == self.unknown_high[-1, group]
        return bool(total_known and self.exact[:, group].all())

    def unmask(self, option: int, group: int) -> None:
        self.exact[option, group] = True
        self.watched[option, group] = False

    def pinned_where(self, low: numpy.ndarray, high: numpy.ndarray) -> numpy.ndarray:
        """Which cells the bounds the sums leave pin: here, more tightly than a band."""
        return bounded_more_than_band(low, high, self.n[None, :], self.minimum_side)

    def sum_bounds(self) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Every count's bounds (rows: cells, then their total) once the sums have narrowed what
        the reader knows: exact counts, bands, the rest 0 … most."""
        rows = self.exact.shape[0]
        low, high = self.unknown_low.copy(), self.unknown_high.copy()
        low[:rows] = numpy.where(self.exact, self.counts, low[:rows])
        high[:rows] = numpy.where(self.exact, self.counts, high[:rows])
        return self.sums.bounds(low, high)

    def pinned(self) -> list[tuple[int, int]]:
        """The watched cells the sums pin (``pinned_where``), in group order."""
        rows = self.exact.shape[0]
        low, high = self.sum_bounds()
        found = numpy.argwhere(self.watched & self.pinned_where(low[:rows], high[:rows]))
        return [(int(row), int(group)) for row, group in found[numpy.argsort(found[:, 1], kind="stable")]]


def band_bounds(
    banded: numpy.ndarray, counts: numpy.ndarray, sizes: numpy.ndarray, side: int
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """What a reader knows of counts before any sum: a banded one's side of the band (fewer than
    ``side`` of its ``sizes``, or all but fewer), any other 0 … its size."""
    sizes = numpy.broadcast_to(sizes, counts.shape)
    few = counts < side
    low = numpy.where(banded & ~few, numpy.maximum(sizes - side + 1, 0), 0)
    high = numpy.where(banded & few, numpy.minimum(side - 1, sizes), sizes)
    return low.astype(numpy.int64), high.astype(numpy.int64)


def bounded_more_than_band(
    low: numpy.ndarray, high: numpy.ndarray, sizes: numpy.ndarray, side: int
) -> numpy.ndarray:
    """``narrower_than_band`` for every cell at once."""
    band = numpy.minimum(side - 1, sizes)
    few_yes = (high <= side - 1) & ((low > 0) | (high < band))
    few_no = (sizes - low <= side - 1) & ((sizes - high > 0) | (sizes - low < band))
    return numpy.asarray(few_yes | few_no)


def _neighbours(
    state: KnownCells, option: int, group: int, reasons: list[Reasons], chosen: Sequence[Sequence[int]]
) -> Iterator[tuple[int, int]]:
    """Published counts around a pinned one, in the order they are tried (see the module's note):
    those whose mask would hide something first, the nearest first; the farther ones sorted only
    when reached (an organisation has hundreds of siblings)."""
    sums = state.sums
    rank = {row: place for place, row in enumerate(state.masked_first)}
    withheld = [row for row, row_reasons in enumerate(reasons) if row_reasons[group] is not None]
    own = sorted(
        (row for row in range(len(reasons)) if reasons[row][group] is None),
        key=lambda row: (rank.get(row, len(rank)), distance(row, withheld), row),
    )
    parent = int(sums.parent[group])
    around = [parent] if parent >= 0 else []
    around += [part for part in (sums.parts[parent] if parent >= 0 else []) if part != group]
    around += sums.parts[group]
    same = sorted(
        (cell for cell in around if reasons[option][cell] is None), key=lambda cell: chosen[option][cell]
    )
    nearest = [(row, group) for row in own] + [(option, cell) for cell in same]
    yield from (cell for cell in nearest if not state.given_by_one_sum(*cell))
    farther = sorted(
        (
            (row, cell)
            for cell in around
            for row in range(len(reasons))
            if row != option and reasons[row][cell] is None
        ),
        key=lambda found: chosen[found[0]][found[1]],
    )
    yield from (cell for cell in farther if not state.given_by_one_sum(*cell))
    # Masking these hides nothing on its own: they are tried last.
    yield from (cell for cell in nearest if state.given_by_one_sum(*cell))
    yield from (cell for cell in farther if state.given_by_one_sum(*cell))
