"""The indicator table of an export: one row per group × wave × indicator, masked by the disclosure rule.

Groups form one tree (sector → organisations → structures). Per (wave, référentiel version,
indicator), each structure's values are summarised once (``referentiel.summaries``) and each
group above gets the sum of its parts' summaries, so n is known for every group;
``admin.disclosure`` decides on the whole tree which groups are published; only then are values
and intervals computed with ``referentiel.aggregation``, and only for published groups, so a
masked value is never computed, let alone written. Every format writes these rows and nothing else.
"""

import gc
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from admin.disclosure import DisclosureTree
from admin.score_collection import CHANGE, Collection, ReferentielKey, collect_scores
from referentiel.aggregation import (
    Aggregate,
    aggregate_change_summary,
    aggregate_share_improved_summary,
    aggregate_summary,
    change_unit,
)
from referentiel.models import Referentiel
from referentiel.summaries import EMPTY, ValueSummary, combine

LEVELS = ("sector", "organisation", "structure")
WAVES = ("T0", "T1", CHANGE)
SECTOR_NAME = "Secteur"
ROUNDING = {"count": 2}
DEFAULT_ROUNDING = 1
SHARE_IMPROVED_UNIT = "percent_improved"
_Statistic = Callable[[Referentiel, str, ValueSummary], Aggregate]
_Unit = Callable[[Referentiel, str], str]
# ScoreRow(*cells) without the keyword-handling Python frame: 200,000 rows are made per export.
_new_row = tuple.__new__

COLUMNS = (
    "level", "group_id", "group_name", "organisation", "wave", "referentiel_version", "dimension",
    "indicator", "n", "value", "ci_low", "ci_high", "unit", "suppressed", "reason",
)  # fmt: skip


class ScoreRow(NamedTuple):
    """One published (or masked) cell; a masked row has no value and no interval.

    A named tuple: an export builds 150,000 of them, and a frozen dataclass costs twice as much.
    """

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
        """Return the cells in the order of ``COLUMNS``."""
        return tuple(self)

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
    collection: Collection | None = None,
) -> ScoreTable:
    """Score every answer once and return the rows of the requested levels, waves and scope.

    ``collection`` is the pass already made by a caller that needed more of it (the workshop pack);
    without it the answers are read here.

    The cyclic garbage collector is paused meanwhile: an export allocates millions of small,
    acyclic objects (rows, tuples, histograms), which reference counting frees, and the
    collector's repeated scans of them cost a sixth of the export's time.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(connection, minimum_group_size, levels, waves, structure_scope, collection)
    finally:
        if collecting:
            gc.enable()


def _build(
    connection: sqlite3.Connection,
    minimum_group_size: int,
    levels: Sequence[str],
    waves: Sequence[str],
    structure_scope: Iterable[int] | None,
    collection: Collection | None,
) -> ScoreTable:
    groups = export_groups(connection)
    if collection is None:
        collection = collect_scores(connection)
    scope = None if structure_scope is None else set(structure_scope)
    tree = _Tree(groups, DisclosureTree([(group.key, group.parent) for group in groups]))
    shown = [
        index
        for index, group in enumerate(groups)
        if group.level in levels and in_scope(group, groups, scope)
    ]
    # Rows are gathered per group, then joined in group order (sector, organisations, structures):
    # the order of the export, without sorting 200,000 rows.
    rows_of: dict[int, list[ScoreRow]] = {index: [] for index in shown}
    # Decisions and counts are shared by the waves: the change's decision reads T0's and T1's.
    decisions = _Decisions({}, {})
    for wave in waves:
        for key in collection.versions(wave):
            _add_wave_rows(rows_of, collection, tree, shown, wave, key, minimum_group_size, decisions)
    return ScoreTable(
        [row for index in shown for row in rows_of[index]],
        minimum_group_size,
        sorted(collection.referentiels),
        dict(collection.referentiels),
        collection.youth,
        collection.runs,
    )


class _Tree(NamedTuple):
    """The groups of an export, numbered, with what every (wave, indicator) needs about them."""

    groups: list[Group]
    disclosure: DisclosureTree

    def parts(self) -> list[list[int]]:
        """For every group, the positions of the groups directly under it."""
        position = {group.key: index for index, group in enumerate(self.groups)}
        parts: list[list[int]] = [[] for _ in self.groups]
        for index, group in enumerate(self.groups):
            if group.parent is not None:
                parts[position[group.parent]].append(index)
        return parts


def _add_wave_rows(
    rows_of: dict[int, list[ScoreRow]],
    collection: Collection,
    tree: _Tree,
    shown: list[int],
    wave: str,
    key: ReferentielKey,
    minimum_group_size: int,
    decisions: "_Decisions",
) -> None:
    """Rows of one wave and version: n for every group, disclosure on the tree, values if published."""
    referentiel = collection.referentiels[key]
    structure_summaries = collection.summaries(wave, key)
    groups, parts = tree.groups, tree.parts()
    # Structures (their summaries are read) and the groups above them (sums of their parts,
    # children before parents), by position; then where each shown group's rows go.
    structures = [
        (index, structure_summaries.get(group.id))  # type: ignore[arg-type]  # a structure has an id
        for index, group in enumerate(groups)
        if group.level == "structure"
    ]
    above = [index for index in reversed(range(len(groups))) if groups[index].level != "structure"]
    targets = [
        ((group.level, group.id, group.name, group.organisation), rows_of[index].append, index)
        for index, group in ((index, groups[index]) for index in shown)
    ]
    statistics: list[tuple[_Statistic, _Unit]] = [(aggregate_summary, _level_unit)]
    if wave == CHANGE:
        statistics = [
            (aggregate_change_summary, change_unit),
            (aggregate_share_improved_summary, _improved_unit),
        ]
    label = referentiel_label(key)
    for column, indicator in enumerate(referentiel.indicators):
        summaries: list[ValueSummary] = [EMPTY] * len(groups)
        for index, columns in structures:
            if columns is not None:
                summaries[index] = columns[column]
        for index in above:
            summaries[index] = combine([summaries[part] for part in parts[index]])
        decisions.counts[(wave, key, column)] = tuple(summary.n for summary in summaries)
        reasons = _decide(tree, collection, wave, key, column, minimum_group_size, decisions)
        cell = (wave, label, indicator.dimension, indicator.id)
        for statistic, unit_of in statistics:
            unit = unit_of(referentiel, indicator.id)
            # Equal summaries give equal results (structures often share n and successes).
            published: dict[ValueSummary, tuple[object, ...]] = {}
            for head, append, index in targets:
                summary, reason = summaries[index], reasons[index]
                if reason is not None:
                    append(
                        _new_row(ScoreRow, (*head, *cell, summary.n, None, None, None, unit, True, reason))
                    )
                    continue
                tail = published.get(summary)
                if tail is None:
                    result = statistic(referentiel, indicator.id, summary)
                    tail = published[summary] = _published_tail(cell, result, unit)
                append(_new_row(ScoreRow, head + tail))


class _Decisions(NamedTuple):
    """Disclosure decisions by counts (columns with the same counts are masked alike, decided once),
    and the counts of each (wave, version, column) already worked out."""

    decided: dict[tuple[tuple[int, ...], ...], list[str | None]]
    counts: dict[tuple[str, ReferentielKey, int], tuple[int, ...]]


def _decide(
    tree: _Tree,
    collection: Collection,
    wave: str,
    key: ReferentielKey,
    column: int,
    minimum_group_size: int,
    decisions: _Decisions,
) -> list[str | None]:
    """The disclosure decision of one column; the change's also depends on T0 and T1 of its version."""
    counts = decisions.counts[(wave, key, column)]
    if wave != CHANGE:
        return _decided(tree, decisions, (counts,), minimum_group_size)
    first, second = (
        decisions.counts.get((other, key, column))
        or tuple(_wave_counts(tree, collection, other, key, column))
        for other in WAVES[:2]
    )
    found = decisions.decided.get((counts, first, second))
    if found is None:
        found = decisions.decided[(counts, first, second)] = tree.disclosure.decide_change(
            counts,
            first,
            second,
            _decided(tree, decisions, (first,), minimum_group_size),
            _decided(tree, decisions, (second,), minimum_group_size),
            minimum_group_size,
        )
    return found


def _decided(
    tree: _Tree, decisions: _Decisions, counts: tuple[tuple[int, ...]], minimum_group_size: int
) -> list[str | None]:
    """The decision of one wave's counts, made once."""
    found = decisions.decided.get(counts)
    if found is None:
        found = decisions.decided[counts] = tree.disclosure.decide(counts[0], minimum_group_size)
    return found


def _wave_counts(
    tree: _Tree, collection: Collection, wave: str, key: ReferentielKey, column: int
) -> list[int]:
    """n of every group for one column of a wave and version (structures read, groups above summed)."""
    summaries = collection.summaries(wave, key)
    groups, parts = tree.groups, tree.parts()
    counts = [0] * len(groups)
    for index, group in enumerate(groups):
        columns = summaries.get(group.id) if group.level == "structure" else None  # type: ignore[arg-type]
        if columns is not None:
            counts[index] = columns[column].n
    for index in reversed(range(len(groups))):
        if groups[index].level != "structure":
            counts[index] = sum(counts[part] for part in parts[index])
    return counts


def _published_tail(cell: tuple[str, str, str, str], result: Aggregate, unit: str) -> tuple[object, ...]:
    """The cells after the group's of a published row, rounded as published."""
    digits = ROUNDING.get(unit, DEFAULT_ROUNDING)
    return (
        *cell,
        result.n,
        round(result.value, digits),
        round(result.ci_low, digits),
        round(result.ci_high, digits),
        unit,
        False,
        None,
    )


def _level_unit(referentiel: Referentiel, indicator_id: str) -> str:
    return referentiel.indicator(indicator_id).unit


def _improved_unit(referentiel: Referentiel, indicator_id: str) -> str:
    return SHARE_IMPROVED_UNIT


def export_groups(connection: sqlite3.Connection) -> list[Group]:
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


def structures_under(groups: Sequence[Group]) -> list[list[int]]:
    """For every group, the ids of the structures in it (a structure is in itself)."""
    position = {group.key: index for index, group in enumerate(groups)}
    members: list[list[int]] = [[] for _ in groups]
    for group in groups:
        if group.level == "structure":
            ancestor: tuple[str, int | None] | None = group.key
            while ancestor is not None:
                members[position[ancestor]].append(group.id)  # type: ignore[arg-type]  # it has an id
                ancestor = groups[position[ancestor]].parent
    return members


def in_scope(group: Group, groups: list[Group], scope: set[int] | None) -> bool:
    """The sector is always shown; an organisation if one of its structures is in scope."""
    if scope is None or group.level == "sector":
        return True
    if group.level == "structure":
        return group.id in scope
    return any(
        other.level == "structure" and other.parent == group.key and other.id in scope for other in groups
    )
