"""The group-size rule: which groups are too small to publish, alone or by subtraction, at each wave.

With ``admin.disclosure.shares`` (the attribute rule), the one place that decides what is masked;
aggregation computes values, formats write rows. The
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
    SMALL_GROUP: "moins de {k} jeunes : valeur masquée pour protéger l’anonymat",
    SECONDARY: "masqué en plus, pour qu’un chiffre masqué ou la réponse d’un jeune ne puisse pas être "
    "retrouvé par différence",
    FEW_ON_ONE_SIDE: "moins de {side} jeunes d’un côté : une fourchette à la place du pourcentage",
}

Reasons = list[str | None]


@dataclass(frozen=True)
class GroupCount:
    """One group of the tree for one (wave, indicator): its key, its parent's key, its n."""

    key: Hashable
    parent: Hashable | None
    n: int


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


def withheld_more(reasons: Reasons, more: Sequence[object]) -> Reasons:
    """``reasons`` with ``secondary`` where ``more`` withholds a group they publish (a reason, or
    True: a later check's; what it says of the group is not published)."""
    return [
        reason if reason is not None or not extra else SECONDARY
        for reason, extra in zip(reasons, more, strict=True)
    ]


def check_minimum_group_size(minimum_group_size: int) -> int:
    """Return ``k`` if allowed; refuse a value below the floor with what to do instead."""
    if minimum_group_size < MINIMUM_GROUP_SIZE_FLOOR:
        raise UsageError(
            f"--min-group {minimum_group_size} is below the floor of {MINIMUM_GROUP_SIZE_FLOOR}: "
            f"smaller groups could identify a youth; use {MINIMUM_GROUP_SIZE_FLOOR} or more "
            f"(default {DEFAULT_MINIMUM_GROUP_SIZE})"
        )
    return minimum_group_size


def suppress(groups: Iterable[GroupCount], minimum_group_size: int) -> dict[Hashable, str | None]:
    """Return, for every group of one wave, ``None`` if its value may be published, else the reason."""
    listed = list(groups)
    tree = GroupSizeTree([(group.key, group.parent) for group in listed])
    reasons = tree.decide([group.n for group in listed], minimum_group_size)
    return dict(zip(tree.keys, reasons, strict=True))


class GroupSizeTree:
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
        self._parents_order = [index for index in self._order if self._children[index]]
        self._labels = [str(key) for key in self.keys]

    def decide(
        self, counts: Sequence[int], minimum_group_size: int, masked: Sequence[bool] | None = None
    ) -> Reasons:
        """Return the reasons of one wave on its own, for each group in the order of ``keys``.
        ``masked``: groups withheld for another reason beforehand (``SECONDARY`` unless small)."""
        check_minimum_group_size(minimum_group_size)
        if len(counts) != len(self.keys):
            raise ValueError(f"{len(counts)} counts for {len(self.keys)} groups")
        reasons: Reasons = [
            SMALL_GROUP if n < minimum_group_size else SECONDARY if masked and masked[index] else None
            for index, n in enumerate(counts)
        ]
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
