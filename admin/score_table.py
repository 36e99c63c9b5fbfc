"""The indicator table of an export: one row per group × wave × indicator, masked by the disclosure rule.

Groups form one tree (sector → organisations → structures). Per (wave, référentiel version,
indicator), each structure's values are summarised once (``referentiel.summaries``) and each
group above gets the sum of its parts' summaries, so n is known for every group.
``admin.score_decisions`` has ``admin.disclosure`` decide from their counts, on the whole tree
and for T0, T1 and change together, which groups are published — whatever waves, levels or
scope the export shows, so that exports agree. Aggregation (``referentiel.aggregation``) then
computes values and intervals for the published groups only, so a masked value is never
computed, let alone written; the formats write these rows and nothing else.
"""

import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, Reasons, share_band
from admin.score_collection import CHANGE, Collection, ReferentielKey, collect_scores
from admin.score_decisions import (
    SHARE_IMPROVED_UNIT,
    SHARE_UNITS,
    GroupLayout,
    TableDecisions,
    counted_youth,
)
from referentiel.aggregation import (
    DEFAULT_MINIMUM_YOUTH_PER_SIDE,
    Aggregate,
    aggregate_change_summary,
    aggregate_share_improved_summary,
    aggregate_summary,
    change_unit,
)
from referentiel.models import Indicator, Referentiel
from referentiel.summaries import EMPTY, ValueSummary, combine

LEVELS = ("sector", "organisation", "structure")
WAVES = ("T0", "T1", CHANGE)
SECTOR_NAME = "Secteur"
ROUNDING = {"count": 2}
DEFAULT_ROUNDING = 1

COLUMNS = (
    "level", "group_id", "group_name", "organisation", "wave", "referentiel_version", "dimension",
    "indicator", "n", "value", "ci_low", "ci_high", "unit", "suppressed", "reason", "band",
)  # fmt: skip


class ScoreRow(NamedTuple):
    """One published (or masked) cell; a masked row has no value and no interval.

    ``band`` ("< 10 %", "> 90 %") stands for a share with too few youth on one side
    (reason ``few_on_one_side``); it is the only figure such a row publishes.

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
    n: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    unit: str
    suppressed: bool
    reason: str | None
    band: str | None = None

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
    minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE
    # Per (wave, version), per question read by an indicator asked after some earlier answers,
    # every group's: whether that indicator's n is withheld there (``questions_withheld``).
    questions_withheld: dict[tuple[str, ReferentielKey], dict[str, list[bool]]] = field(default_factory=dict)
    # Per (wave, version), per indicator column, every group's reason its value is withheld
    # (None: published): the workshop pack's breakdown cells, which add up to it, follow it.
    levels_withheld: dict[tuple[str, ReferentielKey], list[Reasons]] = field(default_factory=dict)


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
    minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
) -> ScoreTable:
    """Score every answer once and return the rows of the requested levels, waves and scope.

    ``collection`` is the pass already made by a caller that needed more of it (the workshop pack);
    without it the answers are read here. A big export decides its indicators on a forked
    process too (``score_decisions.TableDecisions``).
    """
    with _cyclic_collector_paused():
        return _build(
            connection,
            minimum_group_size,
            levels,
            waves,
            structure_scope,
            collection,
            minimum_youth_per_side,
        )


@contextmanager
def _cyclic_collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, as long as an export is built.

    An export allocates about a million small objects that hold no cycle (summaries, rows), which
    reference counting frees; the collector's repeated scans of them would cost a tenth of the
    export's time (measured: docs/export.md).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
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
    minimum_youth_per_side: int,
) -> ScoreTable:
    groups = export_groups(connection)
    if collection is None:
        collection = collect_scores(connection)
    scope = None if structure_scope is None else set(structure_scope)
    shown = [
        index
        for index, group in enumerate(groups)
        if group.level in levels and in_scope(group, groups, scope)
    ]
    # Rows are gathered per group, then joined in group order (sector, organisations, structures):
    # the order of the export, without sorting 200,000 rows.
    rows_of: dict[int, list[ScoreRow]] = {index: [] for index in shown}
    targets = [
        _Target(index, (group.level, group.id, group.name, group.organisation), rows_of[index].append)
        for index, group in ((index, groups[index]) for index in shown)
    ]
    layout = GroupLayout.of(
        [(group.key, group.parent, group.id if group.level == "structure" else None) for group in groups]
    )
    decisions = TableDecisions(layout, collection, minimum_group_size, minimum_youth_per_side)
    builder = _TableBuilder(layout, decisions)
    for wave in waves:
        for key in collection.versions(wave):
            builder.add_rows(wave, key, targets)
    return ScoreTable(
        [row for index in shown for row in rows_of[index]],
        minimum_group_size,
        sorted(collection.referentiels),
        dict(collection.referentiels),
        collection.youth,
        collection.runs,
        minimum_youth_per_side,
        questions_withheld(decisions),
        {
            (wave, key): [getattr(decided, level) for decided in decisions.of_version(key)]
            for key in collection.referentiels
            for wave, level in (("T0", "first"), ("T1", "second"))
        },
    )


def questions_withheld(
    decisions: TableDecisions,
) -> dict[tuple[str, ReferentielKey], dict[str, list[bool]]]:
    """Where the n of an indicator asked after some earlier answers is withheld, per wave and
    version, then per question it reads: the workshop pack withholds that question's figures there
    too (its « Posée à » and answered count are that n), so the two products make one decision."""
    found: dict[tuple[str, ReferentielKey], dict[str, list[bool]]] = {}
    for key, referentiel in decisions.collection.referentiels.items():
        decided = decisions.of_version(key)
        for column in decisions.counting[key]:
            for wave, reasons in (("T0", decided[column].first), ("T1", decided[column].second)):
                questions = found.setdefault((wave, key), {})
                for question_id in referentiel.indicators[column].questions:
                    withheld = questions.get(question_id, [False] * len(reasons))
                    questions[question_id] = [
                        before or reason is not None for before, reason in zip(withheld, reasons, strict=True)
                    ]
    return found


class _Target(NamedTuple):
    """A shown group: its position in the tree, its cells at the start of a row, where its rows go."""

    position: int
    head: tuple[str, int | None, str, str | None]
    append: Callable[[ScoreRow], None]


_Statistic = Callable[[Indicator, ValueSummary], Aggregate]
_Unit = Callable[[Indicator], str]
_row = ScoreRow._make  # a row from its cells in order


def _level_unit(indicator: Indicator) -> str:
    return indicator.unit


def _share_improved_unit(indicator: Indicator) -> str:
    return SHARE_IMPROVED_UNIT


# What a wave publishes per indicator: one level, or (change) the mean change and the share improved.
_STATISTICS: dict[str, list[tuple[_Statistic, _Unit]]] = {
    "T0": [(aggregate_summary, _level_unit)],
    "T1": [(aggregate_summary, _level_unit)],
    CHANGE: [
        (aggregate_change_summary, change_unit),
        (aggregate_share_improved_summary, _share_improved_unit),
    ],
}


class _TableBuilder:
    """One export's rows, from its decisions (``admin.score_decisions``).

    Summaries of the groups above the structures are made for one indicator and wave at a
    time, and dropped once its rows are made.
    """

    def __init__(self, layout: GroupLayout, decisions: TableDecisions) -> None:
        self.layout = layout
        self.decisions = decisions
        self.collection = decisions.collection

    def add_rows(self, wave: str, key: ReferentielKey, targets: list[_Target]) -> None:
        """Append the rows of one wave and version to each shown group's rows."""
        referentiel = self.collection.referentiels[key]
        label = referentiel_label(key)
        per_structure = self.collection.summaries(wave, key)
        decisions = self.decisions.of_version(key)
        side = self.decisions.minimum_youth_per_side
        counting = self.decisions.counting[key]
        for column, indicator in enumerate(referentiel.indicators):
            summaries = self._summaries(per_structure, column)
            decided = decisions[column]
            cell = (wave, label, indicator.dimension, indicator.id)
            for statistic, unit_of in _STATISTICS[wave]:
                unit = unit_of(indicator)
                reasons = decided.improved_reasons() if unit == SHARE_IMPROVED_UNIT else decided.of_wave(wave)
                # Equal summaries give equal results (structures often share n and successes).
                published: dict[ValueSummary, tuple[object, ...]] = {}
                for position, head, append in targets:
                    summary, reason = summaries[position], reasons[position]
                    if reason is not None:
                        if column in counting and (wave != "change" or indicator.paired):
                            # Its n counts some earlier answers (a band's width too), and the
                            # reason « small_group » would tell it is under k: one reason for all.
                            # (A distribution's change has no pairs, its n is 0 everywhere.)
                            append(_row((*head, *cell, None, None, None, None, unit, True, SECONDARY, None)))
                            continue
                        band = None
                        if reason == FEW_ON_ONE_SIDE and unit in SHARE_UNITS:
                            band = share_band(summary.n, counted_youth(indicator, summary, unit), side)
                        append(_row((*head, *cell, summary.n, None, None, None, unit, True, reason, band)))
                        continue
                    tail = published.get(summary)
                    if tail is None:
                        result = statistic(indicator, summary)
                        tail = published[summary] = _published_tail(cell, result, unit)
                    append(_row(head + tail))

    def _summaries(self, per_structure: dict[int, list[ValueSummary]], column: int) -> list[ValueSummary]:
        """Every group's summary of one indicator: structures read, groups above summed."""
        summaries = [EMPTY] * len(self.layout.parts)
        for index, structure_id in self.layout.structures:
            read = per_structure.get(structure_id)
            if read is not None:
                summaries[index] = read[column]
        for index in self.layout.above:
            summaries[index] = combine([summaries[part] for part in self.layout.parts[index]])
        return summaries


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
        None,
    )


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
