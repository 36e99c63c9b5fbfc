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

Because the published groups are nested (a laminar family), every quantity an attacker can
derive from them is a union of such residuals, so none describes fewer than ``k`` youth.
The rule is computed on the full tree, so two exports with different scopes or levels made
with the same ``k`` publish consistent cells and cannot be combined to unmask one.
"""

from collections.abc import Hashable, Iterable
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
    by_key = {group.key: group for group in groups}
    children: dict[Hashable, list[Hashable]] = {key: [] for key in by_key}
    for group in by_key.values():
        if group.parent is not None:
            if group.parent not in by_key:
                raise ValueError(f"group {group.key!r} has an unknown parent {group.parent!r}")
            children[group.parent].append(group.key)
    reasons: dict[Hashable, str | None] = {
        key: SMALL_GROUP if group.n < minimum_group_size else None for key, group in by_key.items()
    }
    for key in _children_first(by_key, children):
        if reasons[key] is not None:
            continue
        while 0 < (residual := _residual(key, by_key, children, reasons)) < minimum_group_size:
            # Prefer the part that adds the fewest youth to the residual; a part fully covered by
            # its own published parts adds none, but masking it makes those parts candidates.
            candidates = [
                (part_residual == 0, part_residual, by_key[part].n, str(part), part)
                for part in _published_parts(key, children, reasons)
                for part_residual in [_residual(part, by_key, children, reasons)]
            ]
            if not candidates:
                raise AssertionError(f"residual {residual} of {key!r} has no published part to mask")
            reasons[min(candidates)[-1]] = SECONDARY
    return reasons


def _residual(
    key: Hashable,
    by_key: dict[Hashable, GroupCount],
    children: dict[Hashable, list[Hashable]],
    reasons: dict[Hashable, str | None],
) -> int:
    """Youth of a group not covered by its published parts: what subtraction would reveal."""
    return by_key[key].n - sum(by_key[part].n for part in _published_parts(key, children, reasons))


def _published_parts(
    key: Hashable, children: dict[Hashable, list[Hashable]], reasons: dict[Hashable, str | None]
) -> list[Hashable]:
    """The published groups directly under ``key`` once masked groups in between are looked through."""
    parts: list[Hashable] = []
    pending = list(children[key])
    while pending:
        child = pending.pop()
        if reasons[child] is None:
            parts.append(child)
        else:
            pending.extend(children[child])
    return parts


def _children_first(
    by_key: dict[Hashable, GroupCount], children: dict[Hashable, list[Hashable]]
) -> list[Hashable]:
    """Every key, each after all of its descendants (post-order from the roots)."""
    order: list[Hashable] = []
    roots = [key for key, group in by_key.items() if group.parent is None]
    stack: list[tuple[Hashable, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        key, expanded = stack.pop()
        if expanded:
            order.append(key)
            continue
        stack.append((key, True))
        stack.extend((child, False) for child in reversed(children[key]))
    return order
