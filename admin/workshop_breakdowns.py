"""Which breakdown cells every pack withholds, decided once on the whole tree.

A breakdown cell is one indicator among the youth of a group who gave one answer to a context
question (age band, time here). A reader may hold several packs — the sector's, its
organisations', their structures' — and every published cell its ``n`` (the checks below take
every cell's as known; a withheld one shows none, and the cells of an answer whose count the
pack's questions withhold are withheld from the start: ``decide_cells``). Decided within each pack's
group alone, a cell masked or banded in an organisation's pack would come back as the sector's
cell (n × mean, the yes count of a share) less the other organisations' cells. So the cells are
decided here once, for every group, from each structure's cells counted in the pass
(``WorkshopObserver.cells``), and every pack shows its group's cells as decided here.

The cells of one question and indicator add up two ways: the cells of one answer across the
tree (sector → organisations → structures), and within each group its cells with its runs that
gave no listed answer (``other``, never published) into the group's value. Each rule is applied
along both, until nothing moves:

1. **Group size** — a cell of fewer than ``k`` youth is masked; along the tree a published
   cell less its published parts, and within a group its value less its published cells, must
   leave 0 or at least ``k`` youth, else the published part with the fewest youth is masked.
2. **Shares** — ``DisclosureTree.decide_sides`` per answer on the tree, then within each group
   (a band where fewer than ``minimum_side`` youth stand on one side; more masked where a
   subtraction would narrow one). A distribution's options, which add up to one n in a cell,
   are then settled together as a question's options, and bounded by all their sums at once
   (``options_together``, ``admin.distribution_cells``).
3. **Everything at once** — a reader chains these sums (``admin.workshop_breakdown_bounds``):
   where the bounds they leave pin a masked cell of fewer than ``k`` youth exactly, or a
   withheld share's yes count more tightly than a band, neighbouring cells are masked — a
   pinned banded cell first loses its band (its group's published value and its neighbours'
   bands capping it give it away: masking published neighbours would not free it, and tried
   one by one they cost hundreds of cells and most of the pack's time at 68,000 youth).

Means and scores are masked by the group-size rule only (never banded, a standing choice).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy

from admin.context_questions import breakdown_questions
from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, DisclosureTree, Reasons, withheld_more
from admin.disclosure.option_bounds import TreeSums, bounded_more_than_band
from admin.disclosure.shares import SidesMemo
from admin.distribution_cells import mask_what_tables_pin
from admin.score_decisions import GroupLayout
from admin.workshop_breakdown_bounds import mask_what_sums_narrow, mask_what_sums_recover, recovered
from admin.workshop_indicator_sums import TreeCells
from referentiel.models import Referentiel


@dataclass(frozen=True)
class CellCounts:
    """One question's cells per group: ``n[indicator, row, group]`` and ``yes`` (rows: the
    question's options in order, then ``other``: the runs that gave none of them). As 32-bit
    integers: they are sent to the pack's second process (17 MB at 68,000 youth, not 34)."""

    n: numpy.ndarray
    yes: numpy.ndarray


def tree_cells(referentiel: Referentiel, layout: GroupLayout, cells: TreeCells) -> list[CellCounts]:
    """Every breakdown question's cells per group (structures counted, groups above summed)."""
    place = {structure_id: index for index, structure_id in layout.structures}
    size, width = len(layout.keys_and_parents), len(referentiel.indicators)
    found = []
    for position, question in enumerate(breakdown_questions(referentiel)):
        rows = {json.dumps(option.id): row for row, option in enumerate(question.options)}
        other = len(question.options)
        n = numpy.zeros((width, other + 1, size), dtype=numpy.int32)
        yes = numpy.zeros_like(n)
        structure_ids, texts, answers, columns, counts, yes_counts = cells.cells(position)
        answer_rows = numpy.array([rows.get(text, other) for text in texts], dtype=numpy.int64)
        groups = numpy.array(
            [place.get(structure, -1) for structure in structure_ids.tolist()], dtype=numpy.int64
        )
        kept = groups >= 0
        if kept.any():
            where = (columns[kept], answer_rows[answers[kept]], groups[kept])
            numpy.add.at(n, where, counts[kept])
            numpy.add.at(yes, where, yes_counts[kept])
        layout.add_up(n, yes)
        found.append(CellCounts(n, yes))
    return found


@dataclass(frozen=True)
class BreakdownRules:
    """The tree of groups (prepared once) and the limits: ``k`` and ``minimum_side``."""

    tree: DisclosureTree
    layout: GroupLayout
    sums: TreeSums
    minimum_group_size: int
    minimum_side: int


def decide_cells(
    rules: BreakdownRules,
    n: numpy.ndarray,
    yes: numpy.ndarray | None,
    withheld: numpy.ndarray | None = None,
    start: list[Reasons] | None = None,
    level: Reasons | None = None,
    values: Reasons | None = None,
) -> list[Reasons]:
    """Every group's decisions on one indicator's cells of one question: ``reasons[row][group]``
    (the last row, ``other``, is never published). ``yes``: a share's yes counts, None for a mean;
    ``withheld[row][group]``: the answers whose count the pack's questions withhold
    (``admin.workshop_options.context_answers``), whose cells are withheld from the start;
    ``start``: decisions made before (a distribution's options together), kept; ``level``: the
    score export's decisions on the indicator's value per group (``ScoreTable.levels_withheld``),
    which the cells add up to: where it is withheld, the cells are decided as if it were here;
    ``values``: the groups' decisions on it already made (``group_values``), not made again."""
    k, side, tree = rules.minimum_group_size, rules.minimum_side, rules.tree
    n = n.astype(numpy.int64)
    yes = None if yes is None else yes.astype(numpy.int64)
    total_reasons = group_values(rules, n, yes, level) if values is None else values
    options = n.shape[0] - 1
    reasons = [tree.decide(n[row].tolist(), k) for row in range(options)]
    if withheld is not None:
        for row in range(options):
            for group in numpy.flatnonzero(withheld[row]).tolist():
                reasons[row][group] = reasons[row][group] or SECONDARY
    if start is not None:
        for row in range(options):
            reasons[row] = withheld_more(reasons[row], start[row])
    reasons.append([SECONDARY] * n.shape[1])
    for group, reason in enumerate(total_reasons):
        # The group's own value withheld: none of its cells then (banded: its cells are too).
        if reason not in (None, FEW_ON_ONE_SIDE):
            for row in range(options):
                reasons[row][group] = reasons[row][group] or SECONDARY
    star = DisclosureTree([("group", None), *((row, "group") for row in range(options + 1))])
    settled: dict[int, SidesMemo] = {}
    while True:
        moved = False
        for row in range(options):
            moved |= _mask_small_residuals(tree, rules.layout, n[row].tolist(), reasons[row], k)
        moved |= _mask_small_rows(
            n, total_reasons, reasons, recovered(rules.sums, n, total_reasons, reasons), k
        )
        if yes is not None:
            moved |= _decide_sides((rules.tree, star), (n, yes), total_reasons, reasons, side, settled)
        if moved:
            continue
        moved = mask_what_sums_recover(rules.sums, k, n, total_reasons, reasons)
        if yes is not None:
            moved |= mask_what_sums_narrow(rules.sums, side, (n, yes), total_reasons, reasons)
        if not moved:
            return reasons


def group_values(
    rules: BreakdownRules, n: numpy.ndarray, yes: numpy.ndarray | None, level: Reasons | None
) -> Reasons:
    """Every group's decision on the value its cells add up to: as the export decides it (group
    size, then sides for a share), and withheld wherever the export withholds it (``level``):
    decided here alone, a value the export withheld (a secondary mask it needed elsewhere) came
    back as the sum of its published cells (a reviewer's « 7 + 5 »)."""
    total = n.sum(axis=0)
    reasons = rules.tree.decide(total.tolist(), rules.minimum_group_size)
    if yes is not None:
        reasons = rules.tree.decide_sides(
            total.tolist(), yes.sum(axis=0).tolist(), reasons, rules.minimum_side
        )
    if level is None:
        return reasons
    return [own if own is not None else theirs for own, theirs in zip(reasons, level, strict=True)]


def decide_unit(
    rules: BreakdownRules,
    counts: CellCounts,
    columns: tuple[int, ...],
    referentiel: Referentiel,
    withheld: numpy.ndarray | None,
    levels: Sequence[Reasons] | None = None,
    start: Sequence[list[Reasons]] | None = None,
) -> list[list[Reasons]]:
    """Every group's decisions on the cells of one question of indicators decided together
    (``admin.pack_breakdowns.breakdown_units``): per indicator, ``reasons[row][group]``.
    ``levels``: per indicator, the export's decisions on its value per group (``decide_cells``);
    ``start``: per indicator, decisions made before (with fewer withheld), kept."""
    if len(columns) == 1:
        (column,) = columns
        yes = counts.yes[column] if referentiel.indicators[column].unit == "percent" else None
        level = None if levels is None else levels[0]
        return [
            decide_cells(rules, counts.n[column], yes, withheld, None if start is None else start[0], level)
        ]
    return options_together(
        rules, counts.n[columns[0]], [counts.yes[column] for column in columns], withheld, levels, start
    )


def options_together(
    rules: BreakdownRules,
    n: numpy.ndarray,
    yes: Sequence[numpy.ndarray],
    withheld: numpy.ndarray | None,
    levels: Sequence[Reasons] | None = None,
    start: Sequence[list[Reasons]] | None = None,
) -> list[list[Reasons]]:
    """A distribution's options, each decided as a share (``decide_cells``), then, per answer to
    the context question, together as a question's options within each group and on the tree
    (``DisclosureTree.settle_options``): in a cell of 35 youth, four exact options of five gave
    the fifth's band back (a reviewer's « 35 − 34 = 1 »); then every sum at once, the group's
    value of each option as the export decides it (``admin.distribution_cells``). Again until
    nothing moves. ``start``: per option, decisions made before (fewer withheld), kept."""
    each_level: Sequence[Reasons | None] = [None] * len(yes) if levels is None else levels
    k, side = rules.minimum_group_size, rules.minimum_side
    n = n.astype(numpy.int64)
    totals = [
        group_values(rules, n, option_yes.astype(numpy.int64), level)
        for option_yes, level in zip(yes, each_level, strict=True)
    ]
    decided = [
        decide_cells(rules, n, option_yes, withheld, None if start is None else start[option], None, values)
        for option, (option_yes, values) in enumerate(zip(yes, totals, strict=True))
    ]
    while True:
        moved = False
        for row in range(n.shape[0] - 1):
            counts = n[row].tolist()
            reasons = [list(option_reasons[row]) for option_reasons in decided]
            rules.tree.settle_options(
                rules.layout.parts,
                (counts, counts),
                [option_yes[row].tolist() for option_yes in yes],
                (rules.tree.decide(counts, k), reasons),
                (side, None),
            )
            for option_reasons, settled in zip(decided, reasons, strict=True):
                if settled != option_reasons[row]:
                    option_reasons[row] = settled
                    moved = True
        if not moved and not mask_what_tables_pin(rules.sums, side, (n, yes), totals, decided):
            return decided
        decided = [
            decide_cells(rules, n, option_yes, withheld, option_reasons, None, values)
            for option_yes, option_reasons, values in zip(yes, decided, totals, strict=True)
        ]


def _mask_small_residuals(
    tree: DisclosureTree, layout: GroupLayout, counts: Sequence[int], reasons: Reasons, k: int
) -> bool:
    """Along the tree, one answer's cells: a published cell less its published parts must leave
    0 or at least ``k`` youth (masked parts looked through), else mask the part adding fewest."""
    moved = False
    residuals = list(counts)
    for index in layout.above:  # children before parents
        for part in layout.parts[index]:
            residuals[index] -= counts[part] - (residuals[part] if reasons[part] is not None else 0)
        if reasons[index] is not None:
            continue
        while 0 < residuals[index] < k:
            parts = tree._published_parts(index, reasons)
            if not parts:
                reasons[index] = SECONDARY  # never seen: a published cell holds k youth
                moved = True
                break
            part = min(parts, key=lambda part: (residuals[part] == 0, residuals[part], counts[part], part))
            reasons[part] = SECONDARY
            residuals[index] += residuals[part]
            moved = True
    return moved


def _mask_small_rows(
    n: numpy.ndarray, total_reasons: Reasons, reasons: list[Reasons], known: numpy.ndarray, k: int
) -> bool:
    """Within each group whose value is published: its youth less its cells a reader knows
    (published, or given back by the sums, ``known``) must be 0 or at least ``k``, else its
    published cell with the fewest youth is masked too."""
    published = numpy.array([[reason is None for reason in row] for row in reasons], dtype=bool)
    residuals = n.sum(axis=0) - (n * known).sum(axis=0)
    moved = False
    for group in numpy.flatnonzero((residuals > 0) & (residuals < k)).tolist():
        if total_reasons[group] is not None:
            continue
        while 0 < residuals[group] < k:
            rows = [row for row in range(len(reasons) - 1) if published[row, group] and n[row, group] > 0]
            if not rows:
                break  # only cells given back by the sums: their neighbours are masked below
            row = min(rows, key=lambda row: (n[row, group], row))
            reasons[row][group] = SECONDARY
            published[row, group] = False
            residuals[group] += n[row, group]
            moved = True
    return moved


def _decide_sides(
    trees: tuple[DisclosureTree, DisclosureTree],
    counts: tuple[numpy.ndarray, numpy.ndarray],
    total_reasons: Reasons,
    reasons: list[Reasons],
    side: int,
    settled: dict[int, SidesMemo],
) -> bool:
    """A share's cells: bands and subtraction along the tree per answer, then within each group.

    ``settled``: per answer, what ``decide_sides`` worked out last (``SidesMemo``): reasons
    unchanged since are not decided again (``decide_sides`` leaves its own decisions as they
    are), and only the groups above those that changed are (each round masks a few more cells;
    along the tree this was most of the breakdowns' time)."""
    tree, star = trees
    n, yes = counts
    moved = False
    for row in range(n.shape[0] - 1):
        memo = settled.setdefault(row, SidesMemo())
        if memo.result == reasons[row]:
            continue
        decided = tree.decide_sides(n[row].tolist(), yes[row].tolist(), reasons[row], side, memo=memo)
        if decided != reasons[row]:
            reasons[row][:] = decided
            moved = True
    for group in numpy.flatnonzero(~_within_groups_safe(n, yes, total_reasons, reasons, side)).tolist():
        before = [None, *(row[group] for row in reasons)]
        decided = star.decide_sides(
            [int(n[:, group].sum()), *n[:, group].tolist()],
            [int(yes[:, group].sum()), *yes[:, group].tolist()],
            before,
            side,
        )
        if decided[0] is not None:
            # Its value is published anyway, and its bands with it would pin one: no band then.
            decided = [SECONDARY for _ in decided]
        if decided[1:] != before[1:]:
            for row, reason in enumerate(decided[1:]):
                reasons[row][group] = reason
            moved = True
    return moved


def _within_groups_safe(
    n: numpy.ndarray, yes: numpy.ndarray, total_reasons: Reasons, reasons: list[Reasons], side: int
) -> numpy.ndarray:
    """Per group, whether ``decide_sides`` within it would leave its cells as they are (its own
    check, ``pieces_safe``, for every group at once): its value less its published cells gives
    the yes of its withheld cells together, which must leave ``side`` youth on each side and
    bound none of them (a band, or 0 … n) more tightly than a band."""
    withheld = numpy.array([[reason is not None for reason in row] for row in reasons], dtype=bool)
    banded = numpy.array([[reason == FEW_ON_ONE_SIDE for reason in row] for row in reasons], dtype=bool)
    sizes = numpy.where(withheld, n, 0)
    known, size = numpy.where(withheld, yes, 0).sum(axis=0), sizes.sum(axis=0)
    few = yes < side
    low = numpy.where(banded & ~few, n - side + 1, 0)
    high = numpy.where(banded & few, side - 1, sizes)
    lowest, highest = low.sum(axis=0), high.sum(axis=0)
    bounded_low = numpy.maximum(low, known - (highest - high))
    bounded_high = numpy.minimum(high, known - (lowest - low))
    narrowed = withheld & ((bounded_low > low) | (bounded_high < high))
    narrowed &= bounded_more_than_band(bounded_low, bounded_high, n, side)
    safe = (numpy.minimum(known, size - known) >= side) & ~narrowed.any(axis=0)
    published = numpy.array([reason is None for reason in total_reasons])
    return numpy.asarray(~published | (size == 0) | safe)
