"""Disclosure control for every export: which group values may be published, and why the others not.

This module alone decides what is masked; aggregation computes values, formats write rows. The
rule is applied to each indicator separately, on the whole tree of groups (sector →
organisations → structures), whatever part of it an export then shows, and for the three waves
together (T0, T1, and the change T1 − T0 of the youth who have a value at both):

1. **Primary suppression** — a group with fewer than ``k`` youth counted is masked
   (``k`` = 10 by default, never below 5).
2. **Secondary suppression, within a wave** — a published group's total is the sum of its parts
   (n, and n × value: counts of favourable answers, sums of scores). Subtracting the published
   parts from it recovers the *residual*: the youth of its masked parts taken together. That
   residual must be empty or hold at least ``k`` youth; otherwise the published part that adds
   the fewest youth to it is masked too, and so on (a part whose own residual is empty adds
   none, so it is masked only when nothing else is left, which brings its own parts in).
   Groups are processed children before parents, so masking a part never reopens a group
   already checked. T0 and the change are decided this way, each on its own.
3. **Across waves** (``DisclosureTree.decide_waves``) — T0 − T1 + change of a group is the T0 sum
   of its youth with a T0 value only minus the T1 sum of those with a T1 value only (a youth who
   left, or who skipped the question at one wave). So T0 and the change stay as decided, and T1
   pays: (a) a group's T1 is masked wherever its T0 or its change is masked (while it has youth
   there), so every T1 *region* — a published T1 group minus its published T1 parts — is made of
   whole T0 and change regions; (b) in each T1 region, the youth an attacker cannot avoid when
   he cancels the paired youth out — the T1-only youth, plus, per T0 region inside it, the fewer
   of its T0-only and its paired youth — must be 0 or at least ``k``; otherwise the region is
   merged with a published part's region that holds at least ``k`` such youth (that part's T1
   is masked), or, with none, the group's own T1 is masked and its region joins its parent's.
   An indicator nobody has at both waves (a perceived change, a distribution) has no change and
   no answer shared by T0 and T1: its T1 is decided alone.

Why it is safe, for one indicator: any combination of published cells is, structure by
structure, a T0 coefficient constant on T0 regions, a T1 one on T1 regions, a change one on
change regions. Where the T1 coefficient is 0, the combination involves every T0 youth where the
T0 coefficient is not 0 and every paired youth where the change one is not: 0 or ≥ k, as every
region of a wave holds. Where it is m ≠ 0, it involves all T1-only youth, and per T0 region either
its T0-only youth (paired youth cancelled, T0 and change coefficients −m) or its paired youth:
at least the count of (b), so ≥ k — or, where that count is 0, whole T0 regions: 0 or ≥ k. So no
combination involves between 1 and k − 1 youth. The sums of squares the
intervals give away are safe too (a paired youth's (T1 − T0)² has a cross term nothing else
cancels). ``tests/admin`` checks both by exact linear algebra on random trees and on synthetic
exports. The rule is computed on the full tree, so exports with different scopes, levels or
waves made with the same ``k`` publish the same cells and cannot be combined to unmask one.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from admin.errors import UsageError
from referentiel.aggregation import DEFAULT_MINIMUM_GROUP_SIZE, MINIMUM_GROUP_SIZE_FLOOR

SMALL_GROUP = "small_group"
SECONDARY = "secondary"
FEW_ON_ONE_SIDE = "few_on_one_side"

REASON_TEXTS = {
    SMALL_GROUP: "moins de {k} jeunes : valeur masquée pour protéger l'anonymat",
    SECONDARY: "masqué en plus, pour qu'un petit groupe masqué ne puisse pas être recalculé par différence",
    FEW_ON_ONE_SIDE: "moins de {side} jeunes d'un côté : une fourchette à la place du pourcentage",
}

Reasons = list[str | None]


@dataclass(frozen=True)
class GroupCount:
    """One group of the tree for one (wave, indicator): its key, its parent's key, its n."""

    key: Hashable
    parent: Hashable | None
    n: int


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


class WaveDecisions(NamedTuple):
    """The reasons of one indicator at T0, T1 and change, for each group (None: published).

    ``improved`` is the change's share of youth who improved, decided apart from the mean change
    where they reveal different things (a score's); ``None``: as ``change``.
    """

    first: Reasons
    second: Reasons
    change: Reasons
    improved: Reasons | None = None

    def improved_reasons(self) -> Reasons:
        """The reasons of the share improved: its own, or the mean change's."""
        return self.change if self.improved is None else self.improved

    def of_wave(self, wave: str) -> Reasons:
        """The reasons of a wave's level (``T0``, ``T1``) or mean change (``change``)."""
        return {"T0": self.first, "T1": self.second}.get(wave, self.change)


def check_minimum_group_size(minimum_group_size: int) -> int:
    """Return ``k`` if allowed; refuse a value below the floor with what to do instead."""
    if minimum_group_size < MINIMUM_GROUP_SIZE_FLOOR:
        raise UsageError(
            f"--min-group {minimum_group_size} is below the floor of {MINIMUM_GROUP_SIZE_FLOOR}: "
            f"smaller groups could identify a youth; use {MINIMUM_GROUP_SIZE_FLOOR} or more "
            f"(default {DEFAULT_MINIMUM_GROUP_SIZE})"
        )
    return minimum_group_size


def share_band(n: int, on_side: int, minimum_side: int) -> str | None:
    """The band published instead of a share with fewer than ``minimum_side`` youth on one side.

    ``on_side`` counts the youth the share is about (favourable, improved). The band is the same
    for 0, 1 … ``minimum_side`` − 1 youth on the small side, so it tells only that there are
    fewer than that: "< 10 %" or "> 90 %" for a group of 21 youth or more (with 3), wider for
    fewer ("< 30 %" for 10). None where the band would cover half the scale or more.
    """
    bound = 10 * (100 * (minimum_side - 1) // (10 * n)) + 10
    if bound >= 50:
        return None
    return f"< {bound} %" if on_side < minimum_side else f"> {100 - bound} %"


def suppress(groups: Iterable[GroupCount], minimum_group_size: int) -> dict[Hashable, str | None]:
    """Return, for every group of one wave, ``None`` if its value may be published, else the reason."""
    listed = list(groups)
    tree = DisclosureTree([(group.key, group.parent) for group in listed])
    reasons = tree.decide([group.n for group in listed], minimum_group_size)
    return dict(zip(tree.keys, reasons, strict=True))


def _pieces_safe(known: int, pieces: Sequence[tuple[int, int, int]], minimum_side: int) -> bool:
    """Whether an exact yes total over some pieces of youth gives none of them away.

    Each piece is (size, fewest yes, most yes) as the reader bounds it without the total. The
    total must leave ``minimum_side`` youth on each side, and bound no piece more tightly than a
    band would where it leaves fewer than ``minimum_side`` on one side.
    """
    size = sum(piece[0] for piece in pieces)
    if size == 0:
        return True
    return min(known, size - known) >= minimum_side and not _narrows(known, pieces, minimum_side)


def _distance(option: int, others: Sequence[int]) -> int:
    """How far an option is, in the question's list, from the nearest of some others."""
    return min(abs(option - other) for other in others)


def _options_safe(n: int, known: int, ranges: Sequence[tuple[int, int]], minimum_side: int) -> bool:
    """Whether ``known`` youth among a group's withheld options give none of those options away."""
    if 0 < known < minimum_side:
        return False
    return not _narrows(known, [(n, low, high) for low, high in ranges], minimum_side)


def _narrows(known: int, pieces: Sequence[tuple[int, int, int]], minimum_side: int) -> bool:
    """Whether an exact total of some pieces' counts bounds one of them more tightly than a band."""
    lowest = sum(piece[1] for piece in pieces)
    highest = sum(piece[2] for piece in pieces)
    for size, low, high in pieces:
        bounded_low = max(low, known - (highest - high))
        bounded_high = min(high, known - (lowest - low))
        narrowed = bounded_low > low or bounded_high < high
        if narrowed and narrower_than_band(bounded_low, bounded_high, size, minimum_side):
            return True
    return False


def narrower_than_band(low: int, high: int, size: int, minimum_side: int) -> bool:
    """Whether knowing ``low`` ≤ yes ≤ ``high`` among ``size`` youth says more than a band may.

    A band tells only that fewer than ``minimum_side`` youth stand on one side; knowing which
    number, or a narrower range there, lets those who know their own answer deduce others'.
    """
    band = min(minimum_side - 1, size)
    few_yes = high <= minimum_side - 1 and (low > 0 or high < band)
    few_no = size - low <= minimum_side - 1 and (size - high > 0 or size - low < band)
    return few_yes or few_no


class DisclosureTree:
    """The tree of groups, prepared once for the many decisions of an export (one per indicator).

    The tree is the same for every indicator; only the counts change. Its parts and the order in
    which groups are checked (children before parents) are worked out here, once, and groups are
    numbered, so that each decision is a few list look-ups per group.
    """

    def __init__(self, keys_and_parents: Sequence[tuple[Hashable, Hashable | None]]) -> None:
        self.keys = [key for key, _ in keys_and_parents]
        position = {key: index for index, key in enumerate(self.keys)}
        if len(position) != len(self.keys):
            raise ValueError("every group of the tree needs its own key")
        self._children: list[list[int]] = [[] for _ in self.keys]
        self._parents: list[int | None] = [None] * len(self.keys)
        roots = []
        for index, (key, parent) in enumerate(keys_and_parents):
            if parent is None:
                roots.append(index)
            elif parent not in position:
                raise ValueError(f"group {key!r} has an unknown parent {parent!r}")
            else:
                self._children[position[parent]].append(index)
                self._parents[index] = position[parent]
        self._order = self._children_first(roots)
        self._labels = [str(key) for key in self.keys]

    def decide(self, counts: Sequence[int], minimum_group_size: int) -> Reasons:
        """Return the reasons of one wave on its own, for each group in the order of ``keys``."""
        check_minimum_group_size(minimum_group_size)
        if len(counts) != len(self.keys):
            raise ValueError(f"{len(counts)} counts for {len(self.keys)} groups")
        reasons: Reasons = [SMALL_GROUP if n < minimum_group_size else None for n in counts]
        # Per group, its count minus its published parts': its residual while it is published,
        # what it adds to its parent's once masked. Children first, so parts are final.
        residuals = list(counts)
        for index in self._order:
            for child in self._children[index]:
                residuals[index] -= counts[child] - (residuals[child] if reasons[child] is not None else 0)
            if reasons[index] is not None:
                continue
            while 0 < residuals[index] < minimum_group_size:
                # Prefer the part that adds the fewest youth to the residual; a part fully covered
                # by its own published parts adds none, but masking it makes those parts candidates.
                candidates = [
                    (residuals[part] == 0, residuals[part], counts[part], self._labels[part], part)
                    for part in self._published_parts(index, reasons)
                ]
                if not candidates:
                    raise AssertionError(
                        f"residual {residuals[index]} of {self.keys[index]!r} has no published part to mask"
                    )
                part = min(candidates)[-1]
                reasons[part] = SECONDARY
                residuals[index] += residuals[part]
        return reasons

    def decide_waves(
        self, first: Sequence[int], second: Sequence[int], pairs: Sequence[int], minimum_group_size: int
    ) -> WaveDecisions:
        """Decide T0, T1 and change of one indicator from each group's n at T0, T1 and in pairs."""
        first_reasons = self.decide(first, minimum_group_size)
        change_reasons = self.decide(pairs, minimum_group_size)
        second_reasons = self.decide(second, minimum_group_size)
        if not any(pairs):  # no youth in both waves: T0 and T1 cells share no answer
            return WaveDecisions(first_reasons, second_reasons, change_reasons)
        for index, reason in enumerate(second_reasons):
            if reason is None and (
                (first[index] > 0 and first_reasons[index] is not None)
                or (pairs[index] > 0 and change_reasons[index] is not None)
            ):
                second_reasons[index] = SECONDARY
        # One-wave-only youth are n minus the pairs; under two référentiel versions the change's T0
        # side may be under the earlier one and this come out negative: 0 (a case not covered).
        first_only = [max(n - paired, 0) for n, paired in zip(first, pairs, strict=True)]
        region_first_only = self._regions(first_only, first_reasons)
        region_pairs = self._regions(pairs, first_reasons)
        second_only = [max(n - paired, 0) for n, paired in zip(second, pairs, strict=True)]
        # Youth an attacker cannot avoid (rule 3 b): per group, its own part — its T1-only youth if a
        # structure, the fewer of its T0 region's T0-only and paired youth if published at T0 — then,
        # children first, with its T1-masked parts'.
        exposed = [
            (0 if self._children[index] else second_only[index])
            + (min(region_first_only[index], region_pairs[index]) if first_reasons[index] is None else 0)
            for index in range(len(self.keys))
        ]
        for index in self._order:
            exposed[index] += sum(
                exposed[child] for child in self._children[index] if second_reasons[child] is not None
            )
            if second_reasons[index] is not None or not 0 < exposed[index] < minimum_group_size:
                continue
            # Published parts were checked first: each holds 0 or ≥ k such youth.
            parts = [part for part in self._published_parts(index, second_reasons) if exposed[part] > 0]
            if parts:
                part = min(parts, key=lambda part: (second[part], self._labels[part]))
                second_reasons[part] = SECONDARY
                exposed[index] += exposed[part]
            else:
                second_reasons[index] = SECONDARY
        return WaveDecisions(first_reasons, second_reasons, change_reasons)

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
            if result[index] is not None:
                continue
            while not _pieces_safe(known[index], pieces[index], minimum_side):
                parts = self._published_parts(index, result)
                if not parts:
                    result[index] = SECONDARY
                    break

                def preference(part: int, index: int = index) -> tuple[bool, bool, int, str]:
                    merged = pieces[index] + pieces[part]
                    return (
                        not _pieces_safe(known[index] + known[part], merged, minimum_side),
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
                if _options_safe(n, known, ranges, minimum_side):
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
        change (T0 may already be published), until nothing moves.
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
        T0 likewise with who fell. Where such a bound leaves fewer than ``minimum_side`` on one
        side, more tightly than a band, the group's T1 is masked (T1 pays), or, for T0, its
        change (T0 may already be published). Returns whether anything moved.
        """
        assert sides.first is not None and sides.second is not None and sides.rose is not None
        assert sides.fell is not None
        moved = False
        for index in self._order:
            if counts.pairs[index] == 0:
                continue
            for wave_reasons, wave_counts, yes, rising, falling, hide in (
                (second, counts.second, sides.second, sides.rose, sides.fell, second),
                (first, counts.first, sides.first, sides.fell, sides.rose, change),
            ):
                if wave_reasons[index] is not None:
                    continue
                parts = self._published_parts(index, wave_reasons)

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
                if any(
                    size > 0 and narrower_than_band(low, high, size, minimum_side)
                    for low, high, size in bounds
                ):
                    # The group's change, if published; else (its parts' changes tell) the level.
                    target = hide if hide[index] is None else wave_reasons
                    target[index], moved = SECONDARY, True
                    break
        return moved

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
            parts = self._published_parts(ancestor, change)
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
            for part in self._published_parts(index, wave_reasons):
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

    def _regions(self, counts: Sequence[int], reasons: Sequence[str | None]) -> list[int]:
        """Per group, its count minus its published parts' (its residual if it is published)."""
        regions = list(counts)
        for index in self._order:
            for child in self._children[index]:
                regions[index] -= counts[child] - (regions[child] if reasons[child] is not None else 0)
        return regions

    def _published_parts(self, index: int, reasons: Sequence[str | None]) -> list[int]:
        """The published groups directly under a group once masked groups in between are looked through."""
        parts: list[int] = []
        pending = list(self._children[index])
        while pending:
            child = pending.pop()
            if reasons[child] is None:
                parts.append(child)
            else:
                pending.extend(self._children[child])
        return parts

    def _children_first(self, roots: list[int]) -> list[int]:
        """Every group, each after all of its descendants (post-order from the roots)."""
        order: list[int] = []
        stack: list[tuple[int, bool]] = [(root, False) for root in reversed(roots)]
        while stack:
            index, expanded = stack.pop()
            if expanded:
                order.append(index)
                continue
            stack.append((index, True))
            stack.extend((child, False) for child in reversed(self._children[index]))
        return order
