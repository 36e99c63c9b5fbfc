"""The workshop pack: participation, item statistics, reliability and change in one set of tables.

``build_workshop_pack`` reads the tables once for the funnel (``admin.workshop_participation``)
and the answers once for everything else: the score export's pass (``admin.score_collection``)
scores every run and hands it to ``WorkshopObserver``, so the same pass gives the paired change
T0 → T1 (the score table's own rows and disclosure, ``admin.score_table``) and what the item
statistics, reliability, correlations and breakdowns are computed from. Each part applies the
score export's disclosure rule (``admin.disclosure``); no format decides anything.

The pack is about one group — the sector, an organisation or a structure: item statistics,
reliability, correlations and breakdowns describe its youth. The funnel and the change list the
group, the groups above it for comparison and the structures in it.
"""

import gc
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from admin.disclosure import DisclosureTree, check_minimum_group_size
from admin.freed_memory import give_back_freed_memory
from admin.pack_breakdowns import PackBreakdowns
from admin.score_collection import ReferentielKey, collect_scores
from admin.score_decisions import SHARE_IMPROVED_UNIT
from admin.score_table import (
    LEVELS,
    Group,
    ScoreRow,
    build_score_table,
    export_groups,
    in_scope,
    referentiel_label,
    structures_under,
)
from admin.workshop_answer_counts import AnswerCounts
from admin.workshop_breakdowns import tree_cells
from admin.workshop_collection import WorkshopObserver
from admin.workshop_indicator_sums import TreeCells
from admin.workshop_indicators import (
    BreakdownRow,
    CorrelationRow,
    breakdown_rows,
    correlation_rows,
)
from admin.workshop_items import ItemRow, item_rows, withhold_drop_off
from admin.workshop_options import context_answers, group_items, group_layout
from admin.workshop_participation import FunnelRow, participation_funnel
from admin.workshop_reliability import ReliabilityRow, lowering_flags
from admin.workshop_second_process import SecondProcess
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE
from referentiel.loading import find_referentiel
from referentiel.models import Indicator, Referentiel

SCHEMA = "voix-workshop-pack/1"
# The bootstrap's seed: the same data give the same pack, intervals included.
SEED = 20261126
# The référentiel's scale of perceived change ("since you live here, … is better / worse"):
# an answer on it is already a change, never paired T0 → T1 again.
PERCEIVED_CHANGE_SCALE = "change"


@dataclass(frozen=True)
class WorkshopRequest:
    """Whose pack: the group (level and id; the sector has none), its levels shown, k and the seed."""

    group_level: str = "sector"
    group_id: int | None = None
    levels: Sequence[str] = LEVELS
    minimum_group_size: int = 10
    seed: int = SEED
    minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE


@dataclass
class WorkshopPack:
    """Every part of the pack, already masked."""

    group: Group
    minimum_group_size: int
    referentiels: list[ReferentielKey]
    participation: list[FunnelRow]
    items: list[ItemRow]
    reliability: list[ReliabilityRow]
    correlations: list[CorrelationRow]
    breakdowns: list[BreakdownRow]
    change: list[ScoreRow]
    minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE


def is_perceived_change(referentiel: Referentiel, indicator: Indicator) -> bool:
    """Whether an indicator already is a change: one the référentiel does not pair (version 2's
    distributions) or a perceived change (every question it reads is on the perceived-change
    scale: version 1's ``safety_better`` and the like, which version 1 still pairs)."""
    if not indicator.paired:
        return True
    return all(
        referentiel.question(question).scale == PERCEIVED_CHANGE_SCALE for question in indicator.questions
    )


def build_workshop_pack(connection: sqlite3.Connection, request: WorkshopRequest) -> WorkshopPack:
    """Compute every part of the pack of one group (the cyclic collector paused, as for scores)."""
    check_minimum_group_size(request.minimum_group_size)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(connection, request)
    finally:
        if collecting:
            gc.enable()


def _build(connection: sqlite3.Connection, request: WorkshopRequest) -> WorkshopPack:
    k = request.minimum_group_size
    groups = export_groups(connection)
    position = {group.key: index for index, group in enumerate(groups)}
    here = position[(request.group_level, request.group_id)]
    members = structures_under(groups)
    structure_scope = None if request.group_level == "sector" else members[here]
    scope = None if structure_scope is None else set(structure_scope)
    # As in the score export: the sector, the organisations of the structures in scope, those structures.
    shown = [
        index
        for index, group in enumerate(groups)
        if group.level in request.levels and in_scope(group, groups, scope)
    ]
    side = request.minimum_youth_per_side
    # The funnel reads only the tables: the second process makes it after the bootstrap.
    funnel = partial(
        participation_funnel, groups=groups, shown=shown, minimum_group_size=k, minimum_side=side
    )
    with SecondProcess(connection, k, request.seed, funnel) as second:
        observer = WorkshopObserver(scope)
        collection = collect_scores(connection, observer=observer)
        observer.finish(connection)
        waves = sorted(observer.observed, key=lambda item: (item[1], item[0]))
        layout = group_layout(groups)
        # Every structure's breakdown cells, summed up the tree, go to the second process; they
        # are let go here before the score table is made.
        cells = {
            (wave, key): tree_cells(
                find_referentiel(*key), layout, observer.cells.pop((wave, key), TreeCells())
            )
            for wave, key in waves
        }
        observer.cells.clear()
        give_back_freed_memory()
        tree = DisclosureTree([(group.key, group.parent) for group in groups])
        # The answers to the context questions and the questions' part's decisions on them: the
        # breakdowns' cells must give back none of the counts it withholds.
        context = {
            (wave, key): context_answers(
                tree,
                layout,
                observer.answers.get((wave, key), AnswerCounts()),
                find_referentiel(*key),
                (k, side),
            )
            for wave, key in waves
        }
        second.start(
            [
                (key, referentiel_label(key), wave, observer.observed[(wave, key)].patterns)
                for wave, key in waves
            ],
            PackBreakdowns(groups, cells, here, k, side, context),
        )
        del cells
        give_back_freed_memory()  # what sending them took
        # What follows is made while the second process works (see workshop_second_process). The
        # score table forks a helper of its own, which the second process's core takes in turn
        # once its bootstrap and funnel are done: it waited idle for the table.
        table = build_score_table(
            connection, k, request.levels, ("change",), structure_scope, collection, side
        )
        second.with_levels(table.levels_withheld)  # the breakdowns follow the export's decisions
        change = _paired_change(table.rows, table.referentiel_models)
        table_withheld = table.questions_withheld  # one decision for both products (see group_items)
        del table
        give_back_freed_memory()  # the score table's own rows and decisions, before the items'
        pack = WorkshopPack(
            groups[here], k, sorted(collection.referentiels), [], [], [], [], [], change, side
        )
        items_of_waves = []
        for wave, key in waves:
            referentiel = find_referentiel(*key)
            label = referentiel_label(key)
            observations = observer.observed[(wave, key)]
            counted = observer.answers.get((wave, key), AnswerCounts())
            withheld = table_withheld.get((wave, key), {})
            reasons, options = group_items(tree, layout, counted, referentiel, here, (k, side), withheld)
            items_of_waves.append(item_rows(referentiel, (label, wave), observations, reasons, options, side))
            if request.group_level == "sector":  # other levels' tables would subtract from its
                pack.correlations += correlation_rows(
                    referentiel, label, wave, observations.indicators, k, side
                )
        for items, rows in zip(items_of_waves, second.rows(), strict=True):
            lowering = {question: found for row in rows for question, found in lowering_flags(row).items()}
            for item in items:
                if item.question in lowering and item.reason is None:
                    item.flags.append(lowering[item.question])
            pack.items += items
            pack.reliability += rows
        pack.participation = second.funnel_rows()
        withhold_drop_off(
            pack.items,
            {row.wave: row.figures["in_progress"] for row in pack.participation if row.group == groups[here]},
        )
        breakdowns = second.breakdowns()
        for wave, key in waves:
            referentiel = find_referentiel(*key)
            indicators = observer.observed[(wave, key)].indicators
            pack.breakdowns += breakdown_rows(
                referentiel, referentiel_label(key), wave, indicators, breakdowns[(wave, key)], side
            )
    return pack


def _paired_change(rows: Sequence[ScoreRow], models: dict[ReferentielKey, Referentiel]) -> list[ScoreRow]:
    """The change rows the pack shows: neither a share improved nor a perceived change.

    Decided once per (version, indicator), not per row: the table has 100,000 change rows and
    looking an indicator up walks its référentiel's list (half a second at 3 million answers).
    """
    decided: dict[tuple[str, str], bool] = {}
    shown = []
    for row in rows:
        if row.unit == SHARE_IMPROVED_UNIT:
            continue
        key = (row.referentiel_version, row.indicator)
        perceived = decided.get(key)
        if perceived is None:
            referentiel = models[_key(row.referentiel_version)]
            perceived = decided[key] = is_perceived_change(referentiel, referentiel.indicator(row.indicator))
        if not perceived:
            shown.append(row)
    return shown


def _key(label: str) -> ReferentielKey:
    identifier, version = label.rsplit("/", 1)
    return identifier, int(version)
