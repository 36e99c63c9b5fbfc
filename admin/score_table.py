"""The indicator table of an export: one row per group × wave × indicator, masked by the disclosure rule.

Groups form one tree (sector → organisations → structures). Per (wave, référentiel version,
indicator), the n of every group is known from the collected columns; ``admin.disclosure``
decides on the whole tree which groups are published; only then are values and intervals
computed with ``referentiel.aggregation``, and only for published groups, so a masked value is
never computed, let alone written. Every format writes these rows and nothing else.
"""

import sqlite3
from array import array
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from admin.disclosure import GroupCount, suppress
from admin.score_collection import CHANGE, Collection, ReferentielKey, collect_scores
from referentiel.aggregation import aggregate, aggregate_change
from referentiel.models import Referentiel

LEVELS = ("sector", "organisation", "structure")
WAVES = ("T0", "T1", CHANGE)
SECTOR_NAME = "Secteur"
ROUNDING = {"count": 2}
DEFAULT_ROUNDING = 1

COLUMNS = (
    "level", "group_id", "group_name", "organisation", "wave", "referentiel_version", "dimension",
    "indicator", "n", "value", "ci_low", "ci_high", "unit", "suppressed", "reason",
)  # fmt: skip


@dataclass(frozen=True)
class ScoreRow:
    """One published (or masked) cell; a masked row has no value and no interval."""

    level: str
    group_id: int | None
    group_name: str
    organisation: str | None
    wave: str
    referentiel_version: str
    dimension: str
    indicator: str
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    unit: str
    suppressed: bool
    reason: str | None

    def as_tuple(self) -> tuple[object, ...]:
        """Return the cells in the order of ``COLUMNS`` (fast: exports write 100,000s of rows)."""
        return (
            self.level, self.group_id, self.group_name, self.organisation, self.wave,
            self.referentiel_version, self.dimension, self.indicator, self.n, self.value, self.ci_low,
            self.ci_high, self.unit, self.suppressed, self.reason,
        )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        """Return the row with the documented JSON keys, in order."""
        return dict(zip(COLUMNS, self.as_tuple(), strict=True))


@dataclass(frozen=True)
class Group:
    """A sector, organisation or structure: what a row is about."""

    level: str
    id: int | None
    name: str
    organisation: str | None
    parent: tuple[str, int | None] | None

    @property
    def key(self) -> tuple[str, int | None]:
        """Return the key the disclosure tree uses."""
        return (self.level, self.id)


@dataclass(frozen=True)
class ScoreTable:
    """The rows of an export and what it was computed from."""

    rows: list[ScoreRow]
    minimum_group_size: int
    referentiels: list[ReferentielKey]
    referentiel_models: dict[ReferentielKey, Referentiel]
    youth: int
    runs: int


def referentiel_label(key: ReferentielKey) -> str:
    """Return how a référentiel version is written in exports: ``voix-mecs/1``."""
    return f"{key[0]}/{key[1]}"


def build_score_table(
    connection: sqlite3.Connection,
    minimum_group_size: int,
    levels: Sequence[str] = LEVELS,
    waves: Sequence[str] = WAVES,
    structure_scope: Iterable[int] | None = None,
) -> ScoreTable:
    """Score every answer once and return the rows of the requested levels, waves and scope."""
    groups = _groups(connection)
    collection = collect_scores(connection)
    scope = None if structure_scope is None else set(structure_scope)
    shown = [group for group in groups if group.level in levels and _in_scope(group, groups, scope)]
    rows: list[ScoreRow] = []
    for wave in waves:
        for key in sorted({column_key[2] for column_key in collection.columns if column_key[1] == wave}):
            rows.extend(_wave_rows(collection, groups, shown, wave, key, minimum_group_size))
    level_order = {level: index for index, level in enumerate(LEVELS)}
    group_order = {group.key: index for index, group in enumerate(groups)}
    rows.sort(key=lambda row: (level_order[row.level], group_order[(row.level, row.group_id)]))
    return ScoreTable(
        rows,
        minimum_group_size,
        sorted(collection.referentiels),
        dict(collection.referentiels),
        collection.youth,
        collection.runs,
    )


def _wave_rows(
    collection: Collection,
    groups: list[Group],
    shown: list[Group],
    wave: str,
    key: ReferentielKey,
    minimum_group_size: int,
) -> list[ScoreRow]:
    """Rows of one wave and version: n for every group, disclosure on the tree, values if published."""
    referentiel = collection.referentiels[key]
    structures = [group for group in groups if group.level == "structure"]
    members = _structure_members(groups)
    rows = []
    for index, indicator in enumerate(referentiel.indicators):
        empty = array("d")
        column_of = {
            group.id: collection.columns.get((group.id, wave, key), [empty] * (index + 1))[index]
            for group in structures
            if group.id is not None
        }
        counts = {group.key: sum(len(column_of[member]) for member in members[group.key]) for group in groups}
        reasons = suppress(
            [GroupCount(group.key, group.parent, counts[group.key]) for group in groups], minimum_group_size
        )
        for group in shown:
            values = chain.from_iterable(column_of[member] for member in members[group.key])
            cell = (wave, key, indicator.dimension, indicator.id)
            n, reason = counts[group.key], reasons[group.key]
            rows.append(_row(group, cell, n, reason, referentiel, values, minimum_group_size))
    return rows


def _row(
    group: Group,
    cell: tuple[str, ReferentielKey, str, str],
    n: int,
    reason: str | None,
    referentiel: Referentiel,
    values: Iterable[float],
    minimum_group_size: int,
) -> ScoreRow:
    """Build one row; values and intervals are computed only for a published group."""
    wave, key, dimension, indicator_id = cell
    function = aggregate_change if wave == CHANGE else aggregate
    if reason is None:
        result = function(referentiel, indicator_id, values, minimum_group_size)
        assert result.n == n and not result.suppressed, "disclosure and aggregation disagree on n"
        digits = ROUNDING.get(result.unit, DEFAULT_ROUNDING)
        value, low, high = (None if number is None else round(number, digits) for number in
                            (result.value, result.ci_low, result.ci_high))  # fmt: skip
        unit = result.unit
    else:
        value = low = high = None
        unit = function(referentiel, indicator_id, (), minimum_group_size).unit
    return ScoreRow(
        group.level, group.id, group.name, group.organisation, wave, referentiel_label(key), dimension,
        indicator_id, n, value, low, high, unit, reason is not None, reason,
    )  # fmt: skip


def _groups(connection: sqlite3.Connection) -> list[Group]:
    """Every group in export order: the sector, organisations by name, structures by name."""
    groups = [Group("sector", None, SECTOR_NAME, None, None)]
    organisations = connection.execute("SELECT id, name FROM organisations ORDER BY name, id").fetchall()
    groups.extend(Group("organisation", id_, name, name, ("sector", None)) for id_, name in organisations)
    structures = connection.execute(
        "SELECT structures.id, structures.name, organisations.name, organisations.id FROM structures "
        "JOIN organisations ON organisations.id = structures.organisation_id "
        "ORDER BY organisations.name, organisations.id, structures.name, structures.id"
    )
    groups.extend(
        Group("structure", id_, name, organisation, ("organisation", organisation_id))
        for id_, name, organisation, organisation_id in structures
    )
    return groups


def _structure_members(groups: list[Group]) -> dict[Hashable, list[int]]:
    """For every group, the ids of the structures it is made of."""
    members: dict[Hashable, list[int]] = {group.key: [] for group in groups}
    organisation_of = {group.key: group.parent for group in groups}
    for group in groups:
        if group.level == "structure" and group.id is not None:
            members[group.key].append(group.id)
            parent = group.parent
            while parent is not None:
                members[parent].append(group.id)
                parent = organisation_of[parent]
    return members


def _in_scope(group: Group, groups: list[Group], scope: set[int] | None) -> bool:
    """The sector is always shown; an organisation if one of its structures is in scope."""
    if scope is None or group.level == "sector":
        return True
    if group.level == "structure":
        return group.id in scope
    return any(
        other.level == "structure" and other.parent == group.key and other.id in scope for other in groups
    )
