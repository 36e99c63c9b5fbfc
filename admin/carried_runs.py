"""A youth's T0 counted under the version of their T1, read as that version reads it.

When the workshop adjusts the référentiel between the waves, a youth answers T0 under version 1
and T1 under version 2. Their change is counted under version 2 (on the indicators it declares
comparable), so their T0 is too: then every pair of a version's change has its T0 and T1 in that
version's cells, which the attribute rule across waves needs (``docs/export.md``, "A référentiel
version between the waves"). ``moved_t0`` says whether a T0 moves and how it is then read: the
answers to the questions the later version still asks, under its ids
(``referentiel.versioning.carried_questions``), scored only by the indicators that can read
them (``readable_indicators``). The score pass (``admin.score_collection``) and where unfinished
questionnaires stopped (``admin.workshop_collection``) both follow it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

from admin.cached_scorer import FIELD_SEPARATOR
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel
from referentiel.versioning import carried_questions, comparable_pairs, readable_indicators

if TYPE_CHECKING:
    from admin.score_collection import ReferentielKey

# Lines a youth's earlier values up with the later version's indicators (None: no change).
Pairing = Callable[[Sequence[float | None]], Sequence[float | None]]


@dataclass(frozen=True)
class CarriedReading:
    """How a run answered under one version reads under another (``referentiel.versioning``)."""

    # The version it is read under.
    key: ReferentielKey
    # Earlier question id → later question id (``carried_questions``).
    questions: Mapping[str, str]
    # Per indicator of the later version: whether a carried run can be scored by it
    # (``readable_indicators``); the others get no value from it.
    readable: tuple[bool, ...]

    def parts(self, parts: Sequence[str]) -> list[str]:
        """A run's parts (question ids, texts, …) as the later version reads them: the answers to
        the questions it still asks, under its ids."""
        if not parts[0]:
            return list(parts)
        columns = [part.split(FIELD_SEPARATOR) for part in parts]
        positions, ids = [], []
        for position, question_id in enumerate(columns[0]):
            later_id = self.questions.get(question_id)
            if later_id is not None:
                positions.append(position)
                ids.append(later_id)
        return [
            FIELD_SEPARATOR.join(ids),
            *(FIELD_SEPARATOR.join(column[position] for position in positions) for column in columns[1:]),
        ]

    def values(self, values: list[float | None]) -> list[float | None]:
        """A carried run's values, None where the later version's indicator cannot read it."""
        return [value if readable else None for value, readable in zip(values, self.readable, strict=True)]


def moved_t0(key: ReferentielKey, t1_key: ReferentielKey) -> CarriedReading | None:
    """Where a youth's T0 of version ``key`` counts, given their T1's version (answered, in the
    same structure), and how it is read there; None where it stays in its own version.

    It moves when the T1 was answered under another version of the same référentiel whose
    indicators comparable with the T0's can all read it. So every pair of a version's change has
    its T0 in that version's T0, and the attribute rule across waves holds for that version's
    cells alone.
    """
    if key[0] != t1_key[0] or key[1] == t1_key[1]:
        return None
    return _carried_reading(key, t1_key)


@functools.lru_cache(maxsize=16)
def _carried_reading(key: ReferentielKey, later: ReferentielKey) -> CarriedReading | None:
    """How a run of ``key`` reads under ``later``, or None where a T0 may not move there: no
    indicator of ``later`` is comparable with one of ``key``, or one that is cannot read it."""
    before, after = find_referentiel(*key), find_referentiel(*later)
    pairs, readable = comparable_pairs(before, after), readable_indicators(before, after)
    if not pairs or not set(pairs) <= readable:
        return None
    return CarriedReading(
        later,
        carried_questions(before, after),
        tuple(indicator.id in readable for indicator in after.indicators),
    )


def paired_values(before: Referentiel, after: Referentiel) -> Pairing:
    """Return what lines a youth's earlier values up with the later version's indicators (for
    their change T0 → T1 across versions).

    For each indicator of the later version, the value of the earlier one it is comparable with
    (``referentiel.versioning``), or None: that indicator has no change.
    """
    pairs = comparable_pairs(before, after)
    earlier = {indicator.id: index for index, indicator in enumerate(before.indicators)}
    positions = [
        earlier.get(pairs[indicator.id]) if indicator.id in pairs else None for indicator in after.indicators
    ]
    if len(positions) > 1 and None not in positions:
        return itemgetter(*positions)  # C speed: the usual case, one version
    if len(positions) > 1:
        # Indicators without a change read a None appended after the earlier values: still C speed.
        absent = len(before.indicators)
        getter = itemgetter(*(absent if position is None else position for position in positions))
        return lambda values: getter((*values, None))
    return lambda values: tuple(None if position is None else values[position] for position in positions)
