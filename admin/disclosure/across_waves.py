"""The attribute rule across the waves of a yes/no share: who rose and fell beside T0 and T1.

For a yes/no share the change's mean and interval give how many paired youth rose (no → yes) and
fell (yes → no), and each paired youth said yes at T1 exactly when they said yes at T0 and did
not fall, or rose. So a reader bounds, with the exact T0 and T1 of a group and the changes around
it, the yes of its T0-only, T1-only and paired youth, and can narrow a band: ``AcrossWaves``
finds where, and ``DisclosureTree.decide_shares`` masks more until nothing moves. These are
deductions a reader can make, checked one by one; ``tests/admin/attribute_attack.py`` solves
for every set of youth exactly, and ``docs/export.md`` says what it still finds.
"""

from collections.abc import Sequence

from admin.disclosure.bands import band_range, narrower_than_band, narrows, share_band
from admin.disclosure.group_size import FEW_ON_ONE_SIDE, SECONDARY, Reasons
from admin.disclosure.tree_bounds import TreeBounds, YesNoShare


class AcrossWaves(TreeBounds):
    """The tree of groups with the deductions across the waves of a yes/no share."""

    # What one ``mask_across_waves`` already worked out, per group: its published parts, by
    # reasons list, and what its published change tells outside them, by counts. Each depends
    # only on the group's subtree, so a decision that moves forgets the group and those above it.
    _parts_memo: dict[int, dict[int, list[int]]]
    _told_memo: dict[int, dict[int, tuple[int, int]]]

    def _forget(self, index: int | None = None) -> None:
        """Forget what depended on a group whose decision moved (everything: None)."""
        if index is None:
            self._parts_memo, self._told_memo = {}, {}
        while index is not None:
            self._parts_memo.pop(index, None)
            self._told_memo.pop(index, None)
            index = self._parents[index]

    def _moved(self, index: int, share: YesNoShare) -> None:
        """A decision of the group moved: forget, and add up again, what depended on it."""
        self._forget(index)
        self._add_up_again(index, share)

    def moves_limits(self, share: YesNoShare) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Per group, the fewest and most of its pairs who rose, and who fell, that its levels leave.

        Who rose said no at T0 and yes at T1; who fell, yes then no: so a group's T0 and T1
        (exact or banded, its parts', its parent's less its other parts') bound how many could
        have, and a band on who improved, or a masked part, is no wider than that when
        ``decide_sides`` weighs the change (and who worsened and stayed beside it).
        """
        self._add_up(share, most=False)
        rose, fell = [], []
        for index in range(len(self._children)):
            first_low, first_high = self._paired_level(index, share.first, share)
            second_low, second_high = self._paired_level(index, share.second, share)
            # Who rose said no at T0 and yes at T1 (fell: the other way round). The levels only:
            # the changes' own cells are what ``decide_sides`` weighs.
            pairs = share.pairs[index]
            least, most = second_low - first_high, min(pairs - first_low, second_high)
            rose.append((max(0, least), max(0, most)))
            least, most = first_low - second_high, min(first_high, pairs - second_low)
            fell.append((max(0, least), max(0, most)))
        return rose, fell

    def mask_across_waves(self, share: YesNoShare) -> bool:
        """A yes/no share's exact T0 or T1 beside the numbers who rose and fell (in place).

        In a published T1 group's youth outside its published parts, the paired youth said yes
        at T1 at least as often as they rose, and at most as often as they did not fall: with
        the exact T1 total, that bounds the yes of its T1-only youth, and of its paired youth;
        T0 likewise with who fell; and the paired youth's yes at the other wave follow. Where T0,
        T1 and the change are all published, T0 − T1 + change gives the T0 yes of the T0-only
        youth less the T1 yes of the T1-only youth. Where such a bound leaves fewer than
        ``minimum_side`` on one side, more tightly than a band, the group's T1 is masked (T1
        pays), or, for T0, its change (T0 may already be published), or T0 itself when the change
        already is. Returns whether anything moved.
        """
        first, second, change = share.first.reasons, share.second.reasons, share.change
        minimum_side = share.minimum_side
        moved = False
        self._forget()
        self._add_up(share)
        for index in self._order:
            if share.pairs[index] == 0:
                continue
            for wave_reasons, wave_counts, yes, rising, falling, hide in (
                (second, share.second.counts, share.second.yes, share.rose, share.fell, second),
                (first, share.first.counts, share.first.yes, share.fell, share.rose, change),
            ):
                if wave_reasons[index] == FEW_ON_ONE_SIDE:
                    if self._band_pinned(index, wave_reasons is second, share):
                        wave_reasons[index], moved = SECONDARY, True
                        self._moved(index, share)
                        break
                    continue
                if wave_reasons[index] is not None:
                    continue
                parts = self._parts_of(index, wave_reasons)

                def region(values: Sequence[int], parts: list[int] = parts, index: int = index) -> int:
                    return values[index] - sum(values[part] for part in parts)

                known, pairs = region(yes), region(share.pairs)
                alone = region(wave_counts) - pairs
                # How many paired youth rose to this wave's yes (for T0: fell from it), and fell to
                # its no, as far as the published changes (the group's, its parts', above) tell.
                rising_low, rising_high = self._change_bounds(index, rising, pairs, wave_reasons, share)
                falling_low, falling_high = self._change_bounds(index, falling, pairs, wave_reasons, share)
                if pairs == share.pairs[index] and change[index] is not None:
                    # All the group's pairs: the nearest exact change above, less the most its
                    # other pairs could have changed (their changes and levels), bounds it too.
                    rising_low, falling_low = (
                        max(low, self._least_under_change(index, values, share))
                        for low, values in ((rising_low, rising), (falling_low, falling))
                    )
                least, most = rising_low, pairs - falling_low
                paired_low, paired_high = max(least, known - alone), min(most, known)
                # The other wave's yes of the same paired youth: this wave's, less who rose, plus who fell.
                other_low = max(falling_low, paired_low - rising_high + falling_low)
                other_high = min(pairs - rising_low, paired_high - rising_low + falling_high)
                bounds = [
                    (max(0, known - most), min(alone, known - least), alone),
                    (paired_low, paired_high, pairs),
                    (other_low, other_high, pairs),
                ]
                if wave_reasons is second and first[index] is None and change[index] is None:
                    # T0 − T1 + change of the region: the T0 yes of its T0-only youth less the T1
                    # yes of its T1-only youth (the paired youth cancel out).
                    difference = (
                        region(share.first.yes)
                        - region(share.second.yes)
                        + region(share.rose)
                        - region(share.fell)
                    )
                    first_only = region(share.first.counts) - pairs
                    bounds.append((max(0, difference), min(first_only, difference + alone), first_only))
                    bounds.append((max(0, -difference), min(alone, first_only - difference), alone))
                    # And per T0 region inside it: the T0-only yes of each, beside the T1-only no
                    # (with no T0-only youth, the bounds above already say all of it).
                    if not first_only:
                        pieces = []
                    elif self._children[index]:
                        pieces = self._first_only_pieces(index, share)
                    else:  # a structure: its own T0 region, with who rose and fell as bounded above
                        first_yes = share.first.yes[index]
                        pieces = [(first_only, max(0, first_yes - (pairs - rising_low)),
                                   min(first_only, first_yes - falling_low))]  # fmt: skip
                    pieces.append((alone, alone - bounds[0][1], alone - bounds[0][0]))
                    pinned = narrows(difference + alone, pieces, minimum_side)
                else:
                    pinned = False
                if pinned or any(
                    size > 0 and narrower_than_band(low, high, size, minimum_side)
                    for low, high, size in bounds
                ):
                    if parts:
                        # A published part joins the region (its wave masked): the group's own
                        # figures stay, which a workshop reads first (the sector's change was
                        # masked for an organisation's few one-wave youth).
                        part = max(parts, key=lambda part: (wave_counts[part] - share.pairs[part], -part))
                        wave_reasons[part], moved = SECONDARY, True
                        self._moved(part, share)
                        break
                    # The group's change, if published; else (its parts' changes tell) the level.
                    target = hide if hide[index] is None else wave_reasons
                    target[index], moved = SECONDARY, True
                    self._moved(index, share)
                    break
            if change[index] == FEW_ON_ONE_SIDE and self._change_band_pinned(index, share):
                change[index], moved = SECONDARY, True
                self._moved(index, share)
        return moved

    def _first_only_pieces(self, index: int, share: YesNoShare) -> list[tuple[int, int, int]]:
        """The T0-only youth of each T0 region inside a group's T1 region: (size, fewest yes, most).

        T0 − T1 + change of a T1 region is the T0 yes of its T0-only youth less the T1 yes of its
        T1-only youth; its T0 regions (the group's own, and those of its parts published at T0
        but not at T1) each bound their T0-only youth's yes by their exact T0 total less what
        their paired youth can hold, as who rose and fell tell.
        """
        first, second = share.first, share.second
        pieces = []
        pending = [index]
        while pending:
            group = pending.pop()
            if first.reasons[group] is None:
                parts = self._parts_of(group, first.reasons)
                known, pairs, n = (
                    values[group] - sum(values[part] for part in parts)
                    for values in (first.yes, share.pairs, first.counts)
                )
                fell_low, _ = self._change_bounds(group, share.fell, pairs, first.reasons, share)
                rose_low, _ = self._change_bounds(group, share.rose, pairs, first.reasons, share)
                alone = n - pairs
                if alone > 0:  # its paired youth said yes at T0 at least as often as they fell
                    pieces.append((alone, max(0, known - (pairs - rose_low)), min(alone, known - fell_low)))
            pending.extend(child for child in self._children[group] if second.reasons[child] is not None)
        return pieces

    def _band_pinned(self, index: int, at_second: bool, share: YesNoShare) -> bool:
        """Whether the change and the other wave narrow a group's band (then it is withdrawn).

        The group's paired youth said yes at this wave at least as often as they came to yes
        (rose, for T1; fell, for T0) and at most as often as they did not leave it, and as often
        as at the other wave plus who came less who left; a band says only "fewer than
        ``minimum_side``", so nothing may show that one of them did: e.g. a sector's T0
        "< 10 %" beside its change showing one youth fell from yes.
        """
        wave, other = (share.second, share.first) if at_second else (share.first, share.second)
        n, pairs, yes, side = wave.counts[index], share.pairs[index], wave.yes[index], share.minimum_side
        if share_band(n, yes, side) is None:
            return False  # masked without a band: nothing to narrow
        coming_values, leaving_values = (share.rose, share.fell) if at_second else (share.fell, share.rose)
        coming = self._group_change_bounds(index, coming_values, share, above=True)
        leaving = self._group_change_bounds(index, leaving_values, share, above=True)
        other_low, other_high = self._paired_level(index, other, share)
        low = max(coming[0], other_low + coming[0] - leaving[1])
        high = min(pairs - leaving[0], other_high + coming[1] - leaving[0]) + (n - pairs)
        band_low, band_high = band_range(n, yes, side)
        return narrower_than_band(max(band_low, low), min(band_high, high), n, side)

    def _least_under_change(self, index: int, values: Sequence[int], share: YesNoShare) -> int:
        """The fewest of a group's paired youth who rose (or fell) that the nearest exact change
        above leaves, less the most its other pairs could have."""
        ancestor = self._parents[index]
        while ancestor is not None and share.change[ancestor] is not None:
            ancestor = self._parents[ancestor]
        if ancestor is None:
            return 0
        return values[ancestor] - self._others_most(index, ancestor, values, share)

    def _change_band_pinned(self, index: int, share: YesNoShare) -> bool:
        """Whether the levels narrow a group's band on its share improved (then it is withdrawn).

        Under the nearest exact change above, the group's other paired youth rose at most as
        often as they said no at T0 and yes at T1 (fell: yes at T0, no at T1), which the levels
        bound; the exact total less that leaves the group at least so many: e.g. a sector's 5 who
        rose, its other structures' 15 pairs with 12 yes at T0, so at least 2 of a structure's 12
        with "< 10 %".
        """
        pairs, improved, side = share.pairs[index], share.improved, share.minimum_side
        if share_band(pairs, improved[index], side) is None:
            return False
        low = max(0, self._least_under_change(index, improved, share))
        if improved[index] < side:
            return narrower_than_band(low, side - 1, pairs, side)
        return narrower_than_band(max(low, pairs - side + 1), pairs, pairs, side)

    def _group_change_bounds(
        self, index: int, values: Sequence[int], share: YesNoShare, above: bool = False
    ) -> tuple[int, int]:
        """Fewest and most of all a group's paired youth a change counts: its own change (or band),
        else its parts' in turn; ``above``: and the nearest change (or band) above it, less what
        its other pairs could hold."""
        improved = (share.improved, values is share.improved, share.minimum_side)
        own = self._change_range(index, values, share.pairs, share.change, improved)
        if own is not None:
            return own
        low = high = 0
        if not self._children[index]:
            high = share.pairs[index]
        for child in self._children[index]:
            child_low, child_high = self._group_change_bounds(child, values, share)
            low, high = low + child_low, high + child_high
        ancestor = self._parents[index] if above else None
        while ancestor is not None:
            found = self._change_range(ancestor, values, share.pairs, share.change, improved)
            if found is not None:
                others = self._others_most(index, ancestor, values, share)
                return max(low, found[0] - others), min(high, found[1])
            ancestor = self._parents[ancestor]
        return low, high

    def _parts_of(self, index: int, reasons: Reasons) -> list[int]:
        """``_published_parts``, remembered until a decision under the group moves."""
        remembered = self._parts_memo.setdefault(index, {})
        found = remembered.get(id(reasons))
        if found is None:
            found = remembered[id(reasons)] = self._published_parts(index, reasons)
        return found

    def _told_above(
        self, ancestor: int, values: Sequence[int], all_pairs: Sequence[int], change: Reasons
    ) -> tuple[int, int]:
        """A published change's count and pairs outside its published change parts (remembered)."""
        remembered = self._told_memo.setdefault(ancestor, {})
        found = remembered.get(id(values))
        if found is None:
            parts = self._parts_of(ancestor, change)
            found = remembered[id(values)] = (
                values[ancestor] - sum(values[part] for part in parts),
                all_pairs[ancestor] - sum(all_pairs[part] for part in parts),
            )
        return found

    def _change_bounds(
        self, index: int, values: Sequence[int], pairs: int, wave_reasons: Reasons, share: YesNoShare
    ) -> tuple[int, int]:
        """Fewest and most of a group's ``pairs`` outside its published parts a change counts.

        ``values`` count, per group, paired youth who rose (or fell). Published changes tell: the
        group's own (less its published parts', as if a reader knew them: the safe side), else
        its masked parts' in turn, and the nearest published change above, whose pairs outside
        its published change parts hold these; and no group holds more than its levels leave.
        """
        low, high = self._change_bounds_below(index, values, wave_reasons, share)
        if share.change[index] is None:
            return low, high
        ancestor = self._parents[index]
        while ancestor is not None and share.change[ancestor] is not None:
            ancestor = self._parents[ancestor]
        if ancestor is not None:
            told, covered = self._told_above(ancestor, values, share.pairs, share.change)
            low, high = max(low, told - (covered - pairs)), min(high, told)
        return low, high

    def _change_bounds_below(
        self, index: int, values: Sequence[int], wave_reasons: Reasons, share: YesNoShare
    ) -> tuple[int, int]:
        """``_change_bounds`` from the group's own change or band, or else its masked parts'."""
        improved = (share.improved, values is share.improved, share.minimum_side)
        most = self._most[values is share.fell][0]
        own = self._change_range(index, values, share.pairs, share.change, improved)
        if own is not None:
            low, high = own
            for part in self._parts_of(index, wave_reasons):
                found = self._change_range(part, values, share.pairs, share.change, improved)
                part_low, part_high = found or (0, share.pairs[part])
                low, high = low - min(part_high, most[part]), high - part_low
            return max(0, low), min(high, most[index])
        if not self._children[index]:
            return 0, most[index]
        low = high = 0
        for child in self._children[index]:
            if wave_reasons[child] is not None:
                child_low, child_high = self._change_bounds_below(child, values, wave_reasons, share)
                low, high = low + child_low, high + child_high
        return low, min(high, most[index])
