"""Disclosure control for every export: which group values may be published, and why the others not.

The one rule, applied to each (wave, indicator) separately, on the whole tree of groups
(sector → organisations → structures), whatever part of it an export then shows:

1. **Primary suppression** — a group with fewer than ``k`` youth counted is masked
   (``k`` = 10 by default, never below 5).
2. **Secondary suppression** — a published group's total is the sum of its parts (n, and n ×
   value: the counts of favourable answers, the sums of scores). Subtracting the published
   parts from it recovers the *residual*: the youth of its masked parts taken together. That
   residual must be empty or hold at least ``k`` youth; otherwise the published part that adds
   the fewest youth to it is masked too, and so on (a part whose own residual is empty adds
   none, so it is masked only when nothing else is left, which brings its own parts in).
   Groups are processed children before parents, so masking a part never reopens a group
   already checked.

3. **Across waves** (``DisclosureTree.decide_change``) — the change of a group (T1 − T0 over its
   paired youth) is published only where T0, T1 and change publish the same groups under it,
   with residuals of 0 or ≥ ``k`` youth who answered one wave only; otherwise T0 − T1 + change
   would give away the youth of one wave only, or a part's T1 − T0 a sibling's masked change.

Because the published groups of one wave are nested (a laminar family), every quantity an attacker can
derive from them is a union of such residuals, so none describes fewer than ``k`` youth.
The rule is computed on the full tree, so two exports with different scopes or levels made
with the same ``k`` publish consistent cells and cannot be combined to unmask one.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from admin.errors import UsageError
from referentiel.aggregation import DEFAULT_MINIMUM_GROUP_SIZE, MINIMUM_GROUP_SIZE_FLOOR

SMALL_GROUP = "small_group"
SECONDARY = "secondary"

REASON_TEXTS = {
    SMALL_GROUP: "moins de {k} jeunes : valeur masquée pour protéger l'anonymat",
    SECONDARY: "masqué en plus, pour qu'un petit groupe masqué ne puisse pas être recalculé par différence",
}


@dataclass(frozen=True)
class GroupCount:
    """One group of the tree for one (wave, indicator): its key, its parent's key, its n."""

    key: Hashable
    parent: Hashable | None
    n: int


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
    """Return, for every group, ``None`` if its value may be published, else the reason code."""
    check_minimum_group_size(minimum_group_size)
    listed = list(groups)
    tree = DisclosureTree([(group.key, group.parent) for group in listed])
    reasons = tree.decide([group.n for group in listed], minimum_group_size)
    return dict(zip(tree.keys, reasons, strict=True))


class DisclosureTree:
    """The tree of groups, prepared once for the many decisions of an export (one per wave and indicator).

    The tree is the same for every (wave, indicator); only the counts change. Its parts and the
    order in which groups are checked (children before parents) are worked out here, once, and
    groups are numbered, so that each decision is a few list look-ups per group.
    """

    def __init__(self, keys_and_parents: Sequence[tuple[Hashable, Hashable | None]]) -> None:
        self.keys = [key for key, _ in keys_and_parents]
        position = {key: index for index, key in enumerate(self.keys)}
        if len(position) != len(self.keys):
            raise ValueError("every group of the tree needs its own key")
        self._children: list[list[int]] = [[] for _ in self.keys]
        roots = []
        for index, (key, parent) in enumerate(keys_and_parents):
            if parent is None:
                roots.append(index)
            elif parent not in position:
                raise ValueError(f"group {key!r} has an unknown parent {parent!r}")
            else:
                self._children[position[parent]].append(index)
        self._order = self._children_first(roots)
        # A group without parts has nothing to subtract: published means n ≥ k, a safe residual.
        self._checked = [index for index in self._order if self._children[index]]
        self._labels = [str(key) for key in self.keys]

    def decide(self, counts: Sequence[int], minimum_group_size: int) -> list[str | None]:
        """Return, for each group (in the order of ``keys``), None if published, else the reason."""
        check_minimum_group_size(minimum_group_size)
        if len(counts) != len(self.keys):
            raise ValueError(f"{len(counts)} counts for {len(self.keys)} groups")
        reasons: list[str | None] = [SMALL_GROUP if n < minimum_group_size else None for n in counts]
        for index in self._checked:
            if reasons[index] is not None:
                continue
            while 0 < (residual := self._residual(index, counts, reasons)) < minimum_group_size:
                # Prefer the part that adds the fewest youth to the residual; a part fully covered
                # by its own published parts adds none, but masking it makes those parts candidates.
                candidates = [
                    (part_residual == 0, part_residual, counts[part], self._labels[part], part)
                    for part in self._published_parts(index, reasons)
                    for part_residual in [self._residual(part, counts, reasons)]
                ]
                if not candidates:
                    raise AssertionError(
                        f"residual {residual} of {self.keys[index]!r} has no published part to mask"
                    )
                reasons[min(candidates)[-1]] = SECONDARY
        return reasons

    def decide_change(
        self,
        pairs: Sequence[int],
        first: Sequence[int],
        second: Sequence[int],
        first_reasons: Sequence[str | None],
        second_reasons: Sequence[str | None],
        minimum_group_size: int,
    ) -> list[str | None]:
        """Reasons of the change wave, given the counts and decisions of T0 (first) and T1 (second).

        The change of a group is the sum of T1 − T0 over its paired youth, so with the T0 and T1
        tables it can give away youth the change tree alone does not see (T0 − T1 + change is the
        T0 sum of the youth who did not answer T1). The change of a group is therefore published
        only if, everywhere under it, T0, T1 and change publish the same groups (a wave where a
        group has nobody does not count) and each published group's residual holds 0 or ≥ k youth
        who answered one wave only. Then every T0, T1 and change residual under it is the same set
        of youth, whose T0-only, T1-only and paired youth can be combined only as a whole: each
        of T0, T1, pairs and one-wave-only youth is 0 or ≥ k, so no combination of the published
        cells involves between 1 and k − 1 youth (tested by exact linear algebra on random trees).
        """
        reasons = self.decide(pairs, minimum_group_size)
        waves = ((first, first_reasons), (second, second_reasons), (pairs, reasons))
        aligned = [True] * len(self.keys)
        for index in self._order:
            statuses = {reasons_of[index] is None for counts, reasons_of in waves if counts[index] > 0}
            aligned[index] = len(statuses) <= 1 and all(aligned[part] for part in self._children[index])
            if aligned[index] and statuses == {True}:
                residuals = [
                    self._residual(index, counts, of) if self._children[index] else counts[index]
                    for counts, of in waves
                ]
                one_wave_only = residuals[0] + residuals[1] - 2 * residuals[2]
                aligned[index] = not 0 < one_wave_only < minimum_group_size
            if not aligned[index] and reasons[index] is None:
                reasons[index] = SECONDARY
        return reasons

    def _residual(self, index: int, counts: Sequence[int], reasons: Sequence[str | None]) -> int:
        """Youth of a group not covered by its published parts: what subtraction would reveal."""
        return counts[index] - sum(counts[part] for part in self._published_parts(index, reasons))

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
