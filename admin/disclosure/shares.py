"""The attribute rule: no published share lets a reader who knows a group deduce a youth's answer.

A published 0 % or 100 % tells whoever knows a group's members what each of them answered. A
share with fewer than ``minimum_side`` youth (3 by default, ``VOIX_MINIMUM_YOUTH_PER_SIDE``) on
one side gets a band instead of its number (``share_band``), and the groups that would give the
number back are masked too: by subtraction between levels (``decide_sides``), between the
options of one question (``decide_options``), and between T0, T1 and the change of a yes/no
share (``decide_shares``). Built on the group-size rule (``admin.disclosure.group_size``), whose
decisions it only adds to: masking more never lets a reader learn more.
"""

from collections.abc import Sequence
from typing import NamedTuple

from admin.disclosure.bands import narrower_than_band, options_safe, pieces_safe
from admin.disclosure.group_size import FEW_ON_ONE_SIDE, SECONDARY, GroupSizeTree, Reasons, WaveDecisions


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


class DisclosureTree(GroupSizeTree):
    """The tree of groups with both rules: group sizes (``GroupSizeTree``) and shares (here)."""

    # Published parts already found during one ``_across_waves``, by (reasons list, group).
    _parts_memo: dict[tuple[int, int], list[int]]

    def decide_sides(
        self,
        counts: Sequence[int],
        yes: Sequence[int],
        reasons: Sequence[str | None],
        minimum_side: int,
    ) -> Reasons:
        """Attribute disclosure of one wave of a share: where may its exact percentage be published?

        ``yes`` counts, per group, the youth the share is about (favourable, improved); ``reasons``
        are the group-size decisions. A published group with fewer than ``minimum_side`` youth on
        one side gets a band instead of its number (``FEW_ON_ONE_SIDE``). Then, children first,
        a published group's youth outside its published parts — whose yes a reader gets by
        subtraction — must have ``minimum_side`` on each side, and that exact total must not
        narrow what the reader knows of any piece of them (a band, or a masked group's youth)
        to fewer than ``minimum_side`` on one side; otherwise a published part is masked too,
        one that settles it first, or else the group itself (its youth join its parent's).
        """
        result: Reasons = list(reasons)
        for index, n in enumerate(counts):
            if result[index] is None and n > 0 and min(yes[index], n - yes[index]) < minimum_side:
                result[index] = FEW_ON_ONE_SIDE
        # Per group: the yes a reader knows exactly among its youth outside its published parts,
        # and those youth as pieces (size, fewest yes, most yes) as the reader bounds them.
        known = list(yes)
        pieces: list[list[tuple[int, int, int]]] = [[] for _ in counts]
        for index in self._order:
            for child in self._children[index]:
                if result[child] is None:
                    known[index] -= yes[child]
                else:
                    known[index] -= 0 if result[child] == FEW_ON_ONE_SIDE else yes[child] - known[child]
                    added = self._hidden_pieces(child, counts, yes, result, pieces, minimum_side)
                    pieces[index].extend(added)
            if not self._children[index]:
                pieces[index] = [(counts[index], 0, counts[index])] if counts[index] else []
                continue  # a published structure is its own region: the first check settled it
            if result[index] is not None:
                continue
            while not pieces_safe(known[index], pieces[index], minimum_side):
                parts = self._published_parts(index, result)
                if not parts:
                    result[index] = SECONDARY
                    break

                def preference(part: int, index: int = index) -> tuple[bool, bool, int, str]:
                    merged = pieces[index] + pieces[part]
                    return (
                        not pieces_safe(known[index] + known[part], merged, minimum_side),
                        not pieces[part],
                        counts[part],
                        self._labels[part],
                    )

                part = min(parts, key=preference)
                result[part] = SECONDARY
                known[index] += known[part]
                pieces[index] = pieces[index] + pieces[part]
        return result

    def decide_options(
        self,
        counts: Sequence[int],
        chosen: Sequence[Sequence[int]],
        reasons: list[Reasons],
        minimum_side: int,
    ) -> None:
        """Within each group, the options of one question together: mask more where needed (in place).

        ``chosen[option][group]`` counts the youth who chose an option; ``reasons[option]`` are
        that option's decisions (``decide_sides``). A group's options add up to its n, so the
        options it publishes exactly give away how many chose the others together: that number
        must be 0 or leave ``minimum_side`` on each side, and it must not narrow a band (or a
        masked option) to fewer than ``minimum_side`` on one side. Otherwise the group's exact
        option closest to a withheld one in the list (the neighbour a reader would merge it
        with) is masked too, and so on.
        """
        for index, n in enumerate(counts):
            while n > 0:
                withheld = [option for option, option_reasons in enumerate(reasons) if option_reasons[index]]
                if not withheld:
                    break
                known = n - sum(
                    chosen[option][index] for option in range(len(reasons)) if option not in withheld
                )
                ranges = [self._option_range(n, chosen[option][index], reasons[option][index], minimum_side)
                          for option in withheld]  # fmt: skip
                if options_safe(n, known, ranges, minimum_side):
                    break
                exact = [option for option in range(len(reasons)) if option not in withheld]
                if not exact:
                    break
                option = min(
                    exact, key=lambda option: (min(abs(option - other) for other in withheld), option)
                )
                reasons[option][index] = SECONDARY

    @staticmethod
    def _option_range(n: int, chosen: int, reason: str | None, minimum_side: int) -> tuple[int, int]:
        """What a reader knows of a withheld option's count without the others: its band, or 0…n."""
        if reason != FEW_ON_ONE_SIDE:
            return (0, n)
        return (0, minimum_side - 1) if chosen < minimum_side else (n - minimum_side + 1, n)

    def _hidden_pieces(
        self,
        child: int,
        counts: Sequence[int],
        yes: Sequence[int],
        result: Reasons,
        pieces: list[list[tuple[int, int, int]]],
        minimum_side: int,
    ) -> list[tuple[int, int, int]]:
        """What a hidden or banded part adds to its parent's youth outside published parts."""
        n = counts[child]
        if result[child] != FEW_ON_ONE_SIDE or n == 0:
            return pieces[child]
        if yes[child] < minimum_side:
            return [(n, 0, minimum_side - 1)]
        return [(n, n - minimum_side + 1, n)]

    def decide_shares(
        self,
        decisions: WaveDecisions,
        counts: ShareCounts,
        sides: ShareSides,
        minimum_side: int,
    ) -> WaveDecisions:
        """Add attribute disclosure to one indicator's decisions (see ``decide_sides``) for its shares.

        ``sides.first``/``sides.second``: the T0/T1 levels of a share (None for a score);
        ``sides.improved``: the change's share improved (None without a change). For a yes/no
        share, the mean change and its interval give the numbers who rose and who fell, so the
        mean change shares the share improved's decision; and the three waves of a group hold
        T1 = T0 + change for its paired youth, so hiding one of the three where the other two
        stay would give it back: a hidden T0 or change hides the group's T1, a hidden T1 hides its
        change (T0 may already be published); then the bounds who rose and fell put on each
        wave's youth (``_across_waves``), until nothing moves.
        """
        first, second, change = decisions.first, decisions.second, decisions.change
        improved = None
        if sides.improved is not None and not sides.coupled:
            improved = self.decide_sides(counts.pairs, sides.improved, change, minimum_side)
        while True:
            if sides.first is not None:
                first = self.decide_sides(counts.first, sides.first, first, minimum_side)
            if sides.second is not None:
                second = self.decide_sides(counts.second, sides.second, second, minimum_side)
            if sides.improved is not None and sides.coupled:
                change = self.decide_sides(counts.pairs, sides.improved, change, minimum_side)
            if not sides.coupled:
                return WaveDecisions(first, second, change, improved)
            moved = False
            for index, paired in enumerate(counts.pairs):
                if paired == 0:
                    continue
                hidden_first = first[index] is not None and decisions.first[index] is None
                hidden_second = second[index] is not None and decisions.second[index] is None
                hidden_change = change[index] is not None and decisions.change[index] is None
                if (hidden_first or hidden_change) and second[index] is None:
                    second[index], moved = SECONDARY, True
                if hidden_second and first[index] is None and change[index] is None:
                    change[index], moved = SECONDARY, True
            moved |= self._across_waves(counts, sides, first, second, change, minimum_side)
            if not moved:
                return WaveDecisions(first, second, change, None)

    def _across_waves(
        self,
        counts: ShareCounts,
        sides: ShareSides,
        first: Reasons,
        second: Reasons,
        change: Reasons,
        minimum_side: int,
    ) -> bool:
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
        assert sides.first is not None and sides.second is not None and sides.rose is not None
        assert sides.fell is not None
        moved = False
        self._parts_memo = {}
        for index in self._order:
            if counts.pairs[index] == 0:
                continue
            for wave_reasons, wave_counts, yes, rising, falling, hide in (
                (second, counts.second, sides.second, sides.rose, sides.fell, second),
                (first, counts.first, sides.first, sides.fell, sides.rose, change),
            ):
                if wave_reasons[index] is not None:
                    continue
                parts = self._parts_of(index, wave_reasons)

                def region(values: Sequence[int], parts: list[int] = parts, index: int = index) -> int:
                    return values[index] - sum(values[part] for part in parts)

                known, pairs = region(yes), region(counts.pairs)
                alone = region(wave_counts) - pairs
                # How many paired youth rose to this wave's yes (for T0: fell from it), and fell to
                # its no, as far as the published changes (the group's, its parts', above) tell.
                assert sides.improved is not None
                rising_low, rising_high = self._change_bounds(
                    index, rising, pairs, counts.pairs, wave_reasons, change,
                    (sides.improved, rising is sides.improved, minimum_side),
                )  # fmt: skip
                falling_low, falling_high = self._change_bounds(
                    index, falling, pairs, counts.pairs, wave_reasons, change,
                    (sides.improved, falling is sides.improved, minimum_side),
                )  # fmt: skip
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
                        region(sides.first) - region(sides.second) + region(sides.rose) - region(sides.fell)
                    )
                    first_only = region(counts.first) - pairs
                    bounds.append((max(0, difference), min(first_only, difference + alone), first_only))
                    bounds.append((max(0, -difference), min(alone, first_only - difference), alone))
                if any(
                    size > 0 and narrower_than_band(low, high, size, minimum_side)
                    for low, high, size in bounds
                ):
                    # The group's change, if published; else (its parts' changes tell) the level.
                    target = hide if hide[index] is None else wave_reasons
                    target[index], moved = SECONDARY, True
                    self._parts_memo.clear()
                    break
        return moved

    def _parts_of(self, index: int, reasons: Reasons) -> list[int]:
        """``_published_parts``, remembered while ``_across_waves`` changes nothing."""
        key = (id(reasons), index)
        found = self._parts_memo.get(key)
        if found is None:
            found = self._parts_memo[key] = self._published_parts(index, reasons)
        return found

    def _change_bounds(
        self,
        index: int,
        values: Sequence[int],
        pairs: int,
        all_pairs: Sequence[int],
        wave_reasons: Reasons,
        change: Reasons,
        improved: tuple[Sequence[int], bool, int] | None = None,
    ) -> tuple[int, int]:
        """Fewest and most of a group's ``pairs`` outside its published parts a change counts.

        ``values`` count, per group, paired youth who rose (or fell). Published changes tell: the
        group's own (less its published parts', as if a reader knew them: the safe side), else
        its masked parts' in turn, and the nearest published change above, whose pairs outside
        its published change parts hold these.
        """
        low, high = self._change_bounds_below(index, values, all_pairs, wave_reasons, change, improved)
        if change[index] is None:
            return low, high
        ancestor = self._parents[index]
        while ancestor is not None and change[ancestor] is not None:
            ancestor = self._parents[ancestor]
        if ancestor is not None:
            parts = self._parts_of(ancestor, change)
            told = values[ancestor] - sum(values[part] for part in parts)
            covered = all_pairs[ancestor] - sum(all_pairs[part] for part in parts)
            low, high = max(low, told - (covered - pairs)), min(high, told)
        return low, high

    def _change_bounds_below(
        self,
        index: int,
        values: Sequence[int],
        all_pairs: Sequence[int],
        wave_reasons: Reasons,
        change: Reasons,
        improved: tuple[Sequence[int], bool, int] | None = None,
    ) -> tuple[int, int]:
        """``_change_bounds`` from the group's own change or band, or else its masked parts'."""
        own = self._change_range(index, values, all_pairs, change, improved)
        if own is not None:
            low, high = own
            for part in self._parts_of(index, wave_reasons):
                part_low, part_high = self._change_range(part, values, all_pairs, change, improved) or (
                    0,
                    all_pairs[part],
                )
                low, high = low - part_high, high - part_low
            return max(0, low), high
        if not self._children[index]:
            return 0, all_pairs[index]
        low = high = 0
        for child in self._children[index]:
            if wave_reasons[child] is not None:
                child_low, child_high = self._change_bounds_below(
                    child, values, all_pairs, wave_reasons, change, improved
                )
                low, high = low + child_low, high + child_high
        return low, high

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
