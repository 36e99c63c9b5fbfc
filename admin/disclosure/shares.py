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
from dataclasses import dataclass, field

import numpy

from admin.disclosure.across_waves import AcrossWaves
from admin.disclosure.bands import band_range, merged_pieces_safe, options_safe, pieces_safe, pieces_totals
from admin.disclosure.group_size import FEW_ON_ONE_SIDE, SECONDARY, Reasons, WaveDecisions, withheld_more
from admin.disclosure.option_bounds import bounded_more_than_band, mask_what_bounds_give_away
from admin.disclosure.share_sums import withdraw_pinned
from admin.disclosure.tree_bounds import ShareCounts, ShareSides, YesNoShare

# Per group, the fewest and most a count can be, as a reader bounds it without its own cell.
Limits = list[tuple[int, int]]


@dataclass
class SidesMemo:
    """What ``decide_sides`` worked out for one share's counts (``key``): its decisions, and per
    group the yes known and the pieces it left. A later call on the same counts whose
    reasons differ from these decisions in a few groups works out again only the groups above
    them: a group's known and pieces depend on its subtree alone, and ``decide_sides`` leaves its
    own decisions as they are (the breakdowns decide each answer's cells again and again as the
    other rules mask a few more)."""

    key: object = None
    result: Reasons | None = None
    known: list[int] = field(default_factory=list)
    pieces: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)


class DisclosureTree(AcrossWaves):
    """The tree of groups with both rules: group sizes (``GroupSizeTree``) and shares (here)."""

    def decide_sides(
        self,
        counts: Sequence[int],
        yes: Sequence[int],
        reasons: Sequence[str | None],
        minimum_side: int,
        limits: Sequence[tuple[int, int]] | None = None,
        memo: SidesMemo | None = None,
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
        ``limits``: per group, what else a reader knows of its ``yes`` (fewest, most), from
        the other waves (``AcrossWaves.moves_limits``). ``memo``: what the last call with the
        same counts, yes, ``minimum_side`` and limits worked out (``SidesMemo``).
        """
        result: Reasons = list(reasons)
        for index, n in enumerate(counts):
            if result[index] is None and n > 0 and min(yes[index], n - yes[index]) < minimum_side:
                result[index] = FEW_ON_ONE_SIDE
        # Per group: the yes a reader knows exactly among its youth outside its published parts,
        # and those youth as pieces (size, fewest yes, most yes) as the reader bounds them. A
        # structure's are its own youth (its yes is known where it is published): made only when
        # needed (most of the tree's groups are structures, and most calls mask none of them).
        known = list(yes)
        pieces: dict[int, list[tuple[int, int, int]]] = {}
        unchanged: set[int] = set()
        if memo is not None:
            key = (tuple(counts), tuple(yes), minimum_side, None if limits is None else tuple(limits))
            if memo.key == key and memo.result is not None:
                known, pieces = list(memo.known), dict(memo.pieces)
                unchanged = self._unchanged_groups(result, memo.result)
            memo.key = key

        def pieces_of(index: int) -> list[tuple[int, int, int]]:
            found = pieces.get(index)
            if found is None:
                n = counts[index]
                low, high = (0, n) if limits is None else limits[index]
                found = pieces[index] = [(n, max(0, low), min(n, high))] if n else []
            return found

        children = self._children
        totals: dict[int, tuple[int, int, int, int]] = {}  # per part, ``pieces_totals`` of its pieces
        for index in self._parents_order:
            if index in unchanged:
                continue  # its known and pieces as the memo has them
            known[index] = yes[index]
            own = pieces[index] = []
            for child in children[index]:
                reason = result[child]
                if reason is None:
                    known[index] -= yes[child]
                elif reason == FEW_ON_ONE_SIDE and counts[child]:
                    own.extend(self._band_piece(child, counts, yes, minimum_side, limits))
                else:
                    known[index] -= yes[child] - known[child]
                    own.extend(pieces_of(child))
            if result[index] is not None:
                continue
            while not pieces_safe(known[index], pieces[index], minimum_side):
                parts = self._published_parts(index, result)
                if not parts:
                    result[index] = SECONDARY
                    break
                own_totals = pieces_totals(pieces[index])

                def preference(
                    part: int, index: int = index, own_totals: tuple[int, int, int, int] = own_totals
                ) -> tuple[bool, bool, int, str]:
                    found = pieces_of(part)
                    part_totals = totals.get(part)
                    if part_totals is None:  # a part's pieces are settled (children first)
                        part_totals = totals[part] = pieces_totals(found)
                    # (The group's pieces with each part's, their totals added: a sector's pieces
                    # gone through once, not once per organisation.)
                    merged_safe = merged_pieces_safe(
                        known[index] + known[part],
                        (pieces[index], found),
                        (own_totals, part_totals),
                        minimum_side,
                    )
                    return (not merged_safe, not found, counts[part], self._labels[part])

                part = min(parts, key=preference)
                result[part] = SECONDARY
                known[index] += known[part]
                pieces[index] = pieces[index] + pieces_of(part)
        if memo is not None:
            # The structures' pieces too: they depend on the counts alone.
            memo.result, memo.known, memo.pieces = list(result), known, pieces
        return result

    def _unchanged_groups(self, reasons: Reasons, before: Reasons) -> set[int]:
        """The groups with parts none of whose subtree's reasons differ from ``before``."""
        touched: set[int] = set()
        for index, (now, then) in enumerate(zip(reasons, before, strict=True)):
            group: int | None = index
            while now != then and group is not None and group not in touched:
                touched.add(group)
                group = self._parents[group]
        return {index for index in self._parents_order if index not in touched}

    def decide_options(
        self,
        counts: Sequence[int],
        chosen: Sequence[Sequence[int]],
        reasons: list[Reasons],
        minimum_side: int,
        masked_first: Sequence[int] = (),
    ) -> None:
        """Within each group, the options of one question together: mask more where needed (in place).

        ``chosen[option][group]`` counts the youth who chose an option; ``reasons[option]`` are
        that option's decisions (``decide_sides``). A group's options add up to its n, so the
        options it publishes exactly give away how many chose the others together: that number
        must be 0 or leave ``minimum_side`` on each side, and it must not narrow a band (or a
        masked option) to fewer than ``minimum_side`` on one side. Otherwise the group's exact
        option closest to a withheld one in the list (the neighbour a reader would merge it
        with) is masked too, and so on; ``masked_first``: options masked before any other, in
        that order (the funnel's stage the workshop needs least).
        """
        rank = {option: place for place, option in enumerate(masked_first)}
        for index in _options_not_safe(counts, chosen, reasons, minimum_side):
            n = counts[index]
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
                    exact,
                    key=lambda option: (
                        rank.get(option, len(rank)),
                        min(abs(option - other) for other in withheld),
                        option,
                    ),
                )
                reasons[option][index] = SECONDARY

    def settle_options(
        self,
        parts: Sequence[Sequence[int]],
        counts: tuple[Sequence[int], Sequence[int]],
        chosen: Sequence[Sequence[int]],
        reasons: tuple[Reasons, list[Reasons]],
        limits: tuple[int, float | None],
        masked_first: Sequence[int] = (),
    ) -> None:
        """A single answer's options, within each group (``decide_options``), then the last check
        of every sum at once (``option_bounds.mask_what_bounds_give_away``), until nothing moves
        (in place): a count withheld within a group may come back from the level above.

        ``counts``: every group's youth shown the question and its answers; ``reasons``: the
        groups' own decisions and the options' (``reasons[option][group]``, changed here);
        ``limits``: ``minimum_side`` and the share above which a most chosen option is flagged
        (None: none is)."""
        group_reasons, option_reasons = reasons
        while True:
            self.decide_options(counts[1], chosen, option_reasons, limits[0], masked_first)
            if not mask_what_bounds_give_away(
                parts, counts, chosen, group_reasons, option_reasons, limits, masked_first
            ):
                return

    def _other_moves(
        self,
        pairs: Sequence[int],
        sides: ShareSides,
        decided: tuple[Reasons, Limits, Limits],
        minimum_side: int,
        memos: tuple[SidesMemo, SidesMemo],
    ) -> Reasons:
        """A yes/no share's mean change and its interval give who rose *and* who fell, so who
        stayed too: beside who improved (decided by the caller), who worsened and who stayed are
        each a share of the pairs under the same rule (« 1 youth of 27 lost their adult outside »
        is an answer given away). Where one of them withholds a group, its reason is
        ``secondary``: the band a row shows is of who improved, which may not be few.

        ``decided``: the change's decisions so far, and what the levels leave of who rose and who
        fell (``moves_limits``). A group whose row shows a band of who improved tells no band of
        who worsened or stayed: for those it is withheld, its count bounded by the band and the
        levels (``_moves_limits``). Weighed as a band of its own, it had every organisation's
        change masked, and the sector's, where most structures hold few who improved (on the
        68,000-youth bench: no_school's and autonomous_4_of_5's change and T1 above the
        structures)."""
        change = decided[0]
        assert sides.rose is not None and sides.fell is not None and sides.improved is not None
        worsened = sides.fell if sides.improved_by_rising else sides.rose
        stayed = [n - rose - fell for n, rose, fell in zip(pairs, sides.rose, sides.fell, strict=True)]
        limits = self._moves_limits(pairs, sides, decided, minimum_side)
        for moved, memo, moved_limits in zip((worsened, stayed), memos, limits, strict=True):
            hidden = [SECONDARY if reason == FEW_ON_ONE_SIDE else reason for reason in change]
            change = withheld_more(
                change, self.decide_sides(pairs, moved, hidden, minimum_side, moved_limits, memo=memo)
            )
        return change

    @staticmethod
    def _moves_limits(
        pairs: Sequence[int], sides: ShareSides, decided: tuple[Reasons, Limits, Limits], minimum_side: int
    ) -> tuple[Limits, Limits]:
        """Per group, the fewest and most of its pairs who worsened and who stayed, as its levels
        and the band of who improved its row may show leave."""
        assert sides.improved is not None
        change, rose, fell = decided
        worsened = fell if sides.improved_by_rising else rose
        found: tuple[Limits, Limits] = ([], [])
        for index, n in enumerate(pairs):
            # A band of who improved: the others (who worsened, who stayed) are at most n less its least.
            most = n
            if change[index] == FEW_ON_ONE_SIDE:
                most = n - band_range(n, sides.improved[index], minimum_side)[0]
            (rose_low, rose_high), (fell_low, fell_high) = rose[index], fell[index]
            low, high = worsened[index]
            found[0].append((min(low, most), min(high, most)))
            stayed_low = max(0, n - rose_high - fell_high)
            found[1].append((min(stayed_low, most), max(0, min(most, n - rose_low - fell_low))))
        return found

    @staticmethod
    def _option_range(n: int, chosen: int, reason: str | None, minimum_side: int) -> tuple[int, int]:
        """What a reader knows of a withheld option's count without the others: its band, or 0…n."""
        if reason != FEW_ON_ONE_SIDE:
            return (0, n)
        return band_range(n, chosen, minimum_side)

    @staticmethod
    def _band_piece(
        child: int,
        counts: Sequence[int],
        yes: Sequence[int],
        minimum_side: int,
        limits: Sequence[tuple[int, int]] | None,
    ) -> list[tuple[int, int, int]]:
        """What a banded part adds to its parent's youth outside published parts: its youth,
        bounded by its band (and by ``limits``)."""
        n = counts[child]
        low, high = (0, n) if limits is None else limits[child]
        band_low, band_high = band_range(n, yes[child], minimum_side)
        return [(n, max(band_low, low), min(band_high, high))]

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
        wave's youth (``mask_across_waves``), until nothing moves; then every sum and identity at
        once (``share_sums.withdraw_pinned``), and again if it withdrew a cell.
        """
        first, second, change = decisions.first, decisions.second, decisions.change
        improved = None
        if sides.improved is not None and not sides.coupled:
            improved = self.decide_sides(counts.pairs, sides.improved, change, minimum_side)
        # Each round decides the waves again on the same counts, with a few more cells masked.
        first_memo, second_memo, change_memo = SidesMemo(), SidesMemo(), SidesMemo()
        moves_memos = (SidesMemo(), SidesMemo())
        while True:
            if sides.first is not None:
                first = self.decide_sides(counts.first, sides.first, first, minimum_side, memo=first_memo)
            if sides.second is not None:
                second = self.decide_sides(
                    counts.second, sides.second, second, minimum_side, memo=second_memo
                )
            if sides.improved is not None and sides.coupled:
                rose, fell = self.moves_limits(
                    YesNoShare.of(counts, sides, (first, second, change), minimum_side)
                )
                limits = rose if sides.improved_by_rising else fell
                change = self.decide_sides(
                    counts.pairs, sides.improved, change, minimum_side, limits, memo=change_memo
                )
                change = self._other_moves(
                    counts.pairs, sides, (change, rose, fell), minimum_side, moves_memos
                )
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
            share = YesNoShare.of(counts, sides, (first, second, change), minimum_side)
            moved |= self.mask_across_waves(share)
            # Then every sum and identity at once (``share_sums``): what the deductions above,
            # one by one, do not chain.
            if not moved and not withdraw_pinned(self._parents, share):
                return WaveDecisions(first, second, change, None)


def _options_not_safe(
    counts: Sequence[int], chosen: Sequence[Sequence[int]], reasons: list[Reasons], minimum_side: int
) -> list[int]:
    """The groups whose options ``decide_options`` must look at: its first check (``options_safe``
    of the withheld options) for every group at once, with numpy. Most groups of a tree are
    structures with options withheld and safe: tried one by one, they were most of its time."""
    if not reasons or not counts:
        return []
    n = numpy.asarray(counts, dtype=numpy.int64)
    counted = numpy.asarray(chosen, dtype=numpy.int64).reshape(len(reasons), len(counts))
    withheld = numpy.array([[reason is not None for reason in row] for row in reasons], dtype=bool)
    banded = numpy.array([[reason == FEW_ON_ONE_SIDE for reason in row] for row in reasons], dtype=bool)
    known = n - numpy.where(withheld, 0, counted).sum(axis=0)
    few = counted < minimum_side
    # What a reader knows of each withheld option without the others (``_option_range``).
    low = numpy.where(banded & ~few, n - minimum_side + 1, 0)
    high = numpy.where(banded & few, minimum_side - 1, n)
    lowest = numpy.where(withheld, low, 0).sum(axis=0)
    highest = numpy.where(withheld, high, 0).sum(axis=0)
    bounded_low = numpy.maximum(low, known - (highest - high))
    bounded_high = numpy.minimum(high, known - (lowest - low))
    narrowed = withheld & ((bounded_low > low) | (bounded_high < high))
    narrowed &= bounded_more_than_band(bounded_low, bounded_high, n[None, :], minimum_side)
    unsafe = ((known > 0) & (known < minimum_side)) | narrowed.any(axis=0)
    return [int(index) for index in numpy.flatnonzero((n > 0) & withheld.any(axis=0) & unsafe)]
