"""What a reader bounds of each group of a yes/no share from its levels and changes, up the tree.

Per group: the youth with yes at T0 and at T1 that its own cell tells (exact, or a band), else
its parts' added up, and also its parent's less its other parts' (a masked structure whose
organisation and other structures are published is known); and the most of its paired youth
who rose or fell, from its own change (or band), what its levels leave and its parts'. Worked
out children first once per round of ``AcrossWaves.mask_across_waves`` and again up the tree
when a decision moves: the arithmetic its deductions read.
"""

from collections.abc import Sequence
from typing import NamedTuple

from admin.disclosure.bands import band_range, share_band
from admin.disclosure.group_size import FEW_ON_ONE_SIDE, GroupSizeTree, Reasons


class ShareCounts(NamedTuple):
    """Each group's n at T0, at T1 and in pairs, for one indicator."""

    first: Sequence[int]
    second: Sequence[int]
    pairs: Sequence[int]


class ShareSides(NamedTuple):
    """Each group's youth the share counts (favourable, improved), per wave (None: no share there).

    ``coupled``: a yes/no share, whose mean change gives its share improved away; then
    ``rose`` and ``fell`` count the paired youth whose answer went from no to yes, and back.
    """

    first: Sequence[int] | None
    second: Sequence[int] | None
    improved: Sequence[int] | None
    coupled: bool = False
    rose: Sequence[int] | None = None
    fell: Sequence[int] | None = None
    # Of a yes/no share's pairs, who said yes at T0: never published, but with the others the
    # group's true counts, which the last check never needs to try (``share_sums``).
    paired_first: Sequence[int] | None = None

    @property
    def improved_by_rising(self) -> bool:
        """Whether who improved are who rose (no → yes); else who fell (lower is better)."""
        return self.improved is self.rose


class WaveOfShare(NamedTuple):
    """One wave of a yes/no share as decided so far: its decisions, n and yes per group."""

    reasons: Reasons
    counts: Sequence[int]
    yes: Sequence[int]


class YesNoShare(NamedTuple):
    """A yes/no share's waves as decided so far: what the deductions across waves read."""

    first: WaveOfShare
    second: WaveOfShare
    pairs: Sequence[int]
    change: Reasons
    rose: Sequence[int]
    fell: Sequence[int]
    improved: Sequence[int]
    minimum_side: int
    paired_first: Sequence[int] | None = None

    @classmethod
    def of(
        cls,
        counts: ShareCounts,
        sides: ShareSides,
        decided: tuple[Reasons, Reasons, Reasons],
        minimum_side: int,
    ) -> "YesNoShare":
        """From each group's counts and sides, and the T0, T1 and change decisions so far."""
        assert sides.first is not None and sides.second is not None and sides.rose is not None
        assert sides.fell is not None and sides.improved is not None
        first, second, change = decided
        return cls(
            WaveOfShare(first, counts.first, sides.first), WaveOfShare(second, counts.second, sides.second),
            counts.pairs, change, sides.rose, sides.fell, sides.improved, minimum_side, sides.paired_first,
        )  # fmt: skip


class TreeBounds(GroupSizeTree):
    """The tree of groups with what its levels and changes bound, per group."""

    # Per group, for the whole ``mask_across_waves``: at T0 and T1, the fewest and most youth
    # with yes its level tells, and its parts' added up; the most who rose and fell, and its
    # parts' added up (``_add_up``).
    _levels: list[tuple[list[int], list[int], list[int], list[int]]]
    _most: list[tuple[list[int], list[int]]]

    def _others_most(self, index: int, ancestor: int, values: Sequence[int], share: YesNoShare) -> int:
        """The most paired youth of ``ancestor`` outside the group who rose (or fell, with
        ``values`` who fell): those who said no at T0 and yes at T1 (yes, then no), as the levels
        of the ancestor less the group's, and of the groups beside the way up, bound them."""
        others = share.pairs[ancestor] - share.pairs[index]
        (first_low, first_high), (second_low, second_high) = (
            self._others_level(index, ancestor, wave, share) for wave in (share.first, share.second)
        )
        beside = 0
        child = index
        while child != ancestor:
            parent = self._parents[child]
            assert parent is not None
            beside += self._parts_most_changed(parent, values, share) - self._most_changed(
                child, values, share
            )
            child = parent
        if values is share.rose:
            return max(0, min(others, others - first_low, second_high, beside))
        return max(0, min(others, first_high, others - second_low, beside))

    def _most_changed(self, index: int, values: Sequence[int], share: YesNoShare) -> int:
        """The most of a group's paired youth who rose (or fell, with ``values`` who fell): its
        own change or band, what its levels leave (no at T0 and yes at T1; yes, then no), and its
        parts' together."""
        return self._most[values is share.fell][0][index]

    def _parts_most_changed(self, index: int, values: Sequence[int], share: YesNoShare) -> int:
        """``_most_changed`` of a group's parts added up."""
        return self._most[values is share.fell][1][index]

    def _others_level(
        self, index: int, ancestor: int, wave: WaveOfShare, share: YesNoShare
    ) -> tuple[int, int]:
        """Fewest and most paired youth of ``ancestor`` outside the group with yes at a wave."""
        low, high, parts_low, parts_high = self._levels[wave is share.second]
        beside_low = beside_high = 0
        child = index
        while child != ancestor:
            parent = self._parents[child]
            assert parent is not None
            beside_low += parts_low[parent] - low[child]
            beside_high += parts_high[parent] - high[child]
            child = parent
        yes_low = max(low[ancestor] - high[index], beside_low)
        yes_high = min(high[ancestor] - low[index], beside_high)
        pairs = share.pairs[ancestor] - share.pairs[index]
        alone = wave.counts[ancestor] - wave.counts[index] - pairs
        return max(0, yes_low - alone), min(pairs, yes_high)

    def _paired_level(self, index: int, wave: WaveOfShare, share: YesNoShare) -> tuple[int, int]:
        """Fewest and most of a group's paired youth who said yes at a wave: its yes at the wave
        (``_levels``) less what its one-wave-only youth could hold."""
        low, high, _, _ = self._levels[wave is share.second]
        pairs = share.pairs[index]
        return max(0, low[index] - (wave.counts[index] - pairs)), min(pairs, high[index])

    def _add_up(self, share: YesNoShare, most: bool = True) -> None:
        """Work out ``_levels`` and (``most``) ``_most`` for every group: the levels children
        first, then parents first what a group's parent less its other parts leaves (a masked
        structure whose organisation and other structures are published is known), then who
        changed."""
        size = len(self._children)
        self._levels = [tuple([0] * size for _ in range(4)) for _ in range(2)]  # type: ignore[misc]
        self._most = [([0] * size, [0] * size) for _ in range(2)]
        for index in self._order:
            self._add_up_levels(index, share)
        for low, high, parts_low, parts_high in self._levels:
            for index in reversed(self._order):
                parent = self._parents[index]
                if parent is not None:
                    low[index], high[index] = (
                        max(low[index], low[parent] - (parts_high[parent] - high[index])),
                        min(high[index], high[parent] - (parts_low[parent] - low[index])),
                    )
        if most:
            for index in self._order:
                self._add_up_most(index, share)

    def _add_up_again(self, index: int | None, share: YesNoShare) -> None:
        """A decision of the group moved: work out it and those above it again (until the next
        round, the others keep what their parents left them: more than a reader now knows,
        which can only mask more)."""
        while index is not None:
            self._add_up_levels(index, share)
            self._add_up_most(index, share)
            index = self._parents[index]

    def _add_up_levels(self, index: int, share: YesNoShare) -> None:
        children, side = self._children[index], share.minimum_side
        for wave, (low, high, parts_low, parts_high) in zip(
            (share.first, share.second), self._levels, strict=True
        ):
            parts_low[index] = sum(low[child] for child in children)
            parts_high[index] = sum(high[child] for child in children)
            n, yes = wave.counts[index], wave.yes[index]
            if wave.reasons[index] is None:
                low[index], high[index] = yes, yes
            elif wave.reasons[index] == FEW_ON_ONE_SIDE and share_band(n, yes, side):
                low[index], high[index] = band_range(n, yes, side)
            elif not children:
                low[index], high[index] = 0, n
            else:
                low[index], high[index] = parts_low[index], parts_high[index]

    def _add_up_most(self, index: int, share: YesNoShare) -> None:
        children, pairs, side = self._children[index], share.pairs[index], share.minimum_side
        first_low, first_high = self._paired_level(index, share.first, share)
        second_low, second_high = self._paired_level(index, share.second, share)
        for values, (most, parts_most) in zip((share.rose, share.fell), self._most, strict=True):
            parts_most[index] = sum(most[child] for child in children)
            improved = (share.improved, values is share.improved, side)
            own = self._change_range(index, values, share.pairs, share.change, improved)
            found = pairs if own is None else own[1]
            if values is share.rose:
                found = min(found, pairs - first_low, second_high)
            else:
                found = min(found, first_high, pairs - second_low)
            if children:
                found = min(found, parts_most[index])
            most[index] = max(0, found)

    @staticmethod
    def _change_range(
        index: int,
        values: Sequence[int],
        all_pairs: Sequence[int],
        change: Reasons,
        improved: tuple[Sequence[int], bool, int] | None,
    ) -> tuple[int, int] | None:
        """What a group's published change (or its band) says of ``values``: None if nothing.

        ``improved``: the counts the share improved is about, whether ``values`` are those
        counts, and the band's threshold.
        """
        if change[index] is None:
            return values[index], values[index]
        if change[index] != FEW_ON_ONE_SIDE or improved is None:
            return None
        counts, same, minimum_side = improved
        pairs, few = all_pairs[index], counts[index] < minimum_side
        if same:
            return (0, minimum_side - 1) if few else (pairs - minimum_side + 1, pairs)
        return (0, pairs) if few else (0, minimum_side - 1)  # the other way: at most the rest
