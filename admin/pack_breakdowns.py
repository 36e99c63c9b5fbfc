"""A pack's breakdown decisions as tasks both of the pack's processes can share.

Every indicator's cells of every question are decided on the whole tree
(``admin.workshop_breakdowns``), a distribution's options together, then checked against the
youth lacking the indicator (``admin.lacking_cells``); each such unit is one task, so the pack's
second process takes them from the front of the list and the pack process from the back
(``admin.workshop_second_process``), until they meet.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy

from admin.context_questions import asked_after_answers, breakdown_questions, not_broken_down_by
from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, DisclosureTree, Reasons
from admin.disclosure.option_bounds import TreeSums
from admin.lacking_cells import ContextAnswers, lacking_withheld
from admin.score_collection import ReferentielKey
from admin.score_table import Group
from admin.workshop_breakdowns import BreakdownRules, CellCounts, decide_unit
from admin.workshop_options import group_layout
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel

# Per (wave, référentiel version): (question position, indicator column) → a reason per option.
PackDecisions = dict[tuple[str, ReferentielKey], dict[tuple[int, int], Reasons]]
# The cells of one question of indicators decided together: (wave and version, question
# position, indicator columns).
BreakdownTask = tuple[tuple[str, ReferentielKey], int, tuple[int, ...]]


@dataclass(frozen=True)
class PackBreakdowns:
    """Everything the decisions of a pack's breakdowns need, sent to the pack's second process
    (``admin.workshop_second_process``): the groups, every (wave, version)'s cells per group
    (``tree_cells``), the pack's group and the limits. Each unit of indicators' cells of each
    question is decided apart (``tasks``), so both processes can share them (``decide``)."""

    groups: list[Group]
    cells: dict[tuple[str, ReferentielKey], list[CellCounts]]
    here: int
    minimum_group_size: int
    minimum_side: int
    # Per (wave, version), per question: its answers and the pack's questions' decisions on them.
    context: dict[tuple[str, ReferentielKey], list[ContextAnswers]] | None = None
    # Per (wave, version), per indicator column, the score export's decisions on its value per
    # group (``ScoreTable.levels_withheld``): given once the score table is made (``with_levels``).
    levels: dict[tuple[str, ReferentielKey], list[Reasons]] | None = None

    def tasks(self) -> list[BreakdownTask]:
        """Every unit's cells of every question (``breakdown_units``), in one order for both
        processes; not those of an indicator the pack never breaks down by that question
        (``not_broken_down_by``: a third of version 2's, whose cells it withholds whatever they are)."""
        found = []
        for (wave, key), cells in self.cells.items():
            referentiel = find_referentiel(*key)
            questions = breakdown_questions(referentiel)
            for position in range(len(cells)):
                never = not_broken_down_by(referentiel, questions[position].id)
                found += [((wave, key), position, columns) for columns in breakdown_units(referentiel, never)]
        return found

    def decide(self, take: Callable[[], int | None]) -> dict[int, list[Reasons]]:
        """The pack's group's decisions on the tasks ``take`` gives (their positions in ``tasks``),
        one at a time until it gives None: per indicator of the task, a reason per option."""
        layout = group_layout(self.groups)
        tree = DisclosureTree([(group.key, group.parent) for group in self.groups])
        rules = BreakdownRules(
            tree, layout, TreeSums(layout.parts), self.minimum_group_size, self.minimum_side
        )
        tasks = self.tasks()
        decided = {}
        while (index := take()) is not None:
            wave_key, position, columns = tasks[index]
            referentiel = find_referentiel(*wave_key[1])
            counts = self.cells[wave_key][position]
            context = None if self.context is None else self.context[wave_key][position]
            levels = None if self.levels is None else [self.levels[wave_key][column] for column in columns]
            decided[index] = unit_cells(
                rules, counts, position, columns, referentiel, self.here, context, levels
            )
        return decided

    def assemble(self, decided: dict[int, list[Reasons]]) -> PackDecisions:
        """Every task's decisions (``decide``'s, from both processes) as the pack reads them."""
        found: PackDecisions = {wave_key: {} for wave_key in self.cells}
        for index, (wave_key, position, columns) in enumerate(self.tasks()):
            for column, reasons in zip(columns, decided[index], strict=True):
                found[wave_key][(position, column)] = reasons
        for wave_key, cells in self.cells.items():
            referentiel = find_referentiel(*wave_key[1])
            for position, question in enumerate(breakdown_questions(referentiel)[: len(cells)]):
                for column in range(len(referentiel.indicators)):
                    # Not decided: every cell withheld (``breakdown_rows`` says why).
                    found[wave_key].setdefault((position, column), [SECONDARY] * len(question.options))
        return found

    def __call__(self) -> PackDecisions:
        """The pack's group's decisions for every (wave, version), all made here."""
        every = iter(range(len(self.tasks())))
        return self.assemble(self.decide(lambda: next(every, None)))


def unit_cells(
    rules: BreakdownRules,
    counts: CellCounts,
    position: int,
    columns: tuple[int, ...],
    referentiel: Referentiel,
    here: int,
    context: ContextAnswers | None,
    levels: Sequence[Reasons] | None = None,
) -> list[Reasons]:
    """The decisions of the group at ``here`` on the cells of one question of indicators decided
    together (``breakdown_units``), decided on the whole tree (``decide_unit``): per indicator, a
    reason per option. ``position``: the question's among the context questions; ``context``:
    its answers and the questions' part's decisions (their withheld answers' cells are withheld
    from the start); the cells' n whose youth lacking the indicator would give back a withheld
    count are withheld too (``lacking_withheld``), and the unit decided again with them
    withheld, until none would."""
    withheld = None if context is None else context.withheld()
    question = breakdown_questions(referentiel)[position]
    named = asked_after_answers(referentiel, referentiel.indicators[columns[0]], question.id)
    asked = None if named is None else numpy.array([option.id in named for option in question.options])
    start = None
    while True:
        decided = decide_unit(rules, counts, columns, referentiel, withheld, levels, start)
        if context is None or not context.checked:
            break
        bounds = context.bounds(rules.sums, rules.minimum_side)
        more = lacking_withheld(rules.sums, bounds, counts.n[columns[0]], decided, asked)
        if more is None or (withheld is not None and not (more & ~withheld).any()):
            break  # (each round withholds more: the loop ends)
        withheld = more if withheld is None else withheld | more
        # Its masks kept, its bands decided again (kept as they are, ``start`` makes them masks).
        start = [
            [[None if reason == FEW_ON_ONE_SIDE else reason for reason in row] for row in unit]
            for unit in decided
        ]
    return [[row[here] for row in reasons[:-1]] for reasons in decided]


def group_breakdowns(
    rules: BreakdownRules,
    referentiel: Referentiel,
    cells: Sequence[CellCounts],
    here: int,
    context: Sequence[ContextAnswers] | None = None,
    levels: Sequence[Reasons] | None = None,
) -> dict[tuple[int, int], Reasons]:
    """The decisions of the group at ``here``: (question position, indicator column) → a reason
    per option, decided on the whole tree from each question's cells (``tree_cells``), per
    question its answers and the questions' part's decisions, and the export's decisions on
    every indicator's value (``levels``, per column: ``decide_cells``)."""
    found = {}
    for position, counts in enumerate(cells):
        for columns in breakdown_units(referentiel):
            decided = unit_cells(
                rules,
                counts,
                position,
                columns,
                referentiel,
                here,
                None if context is None else context[position],
                None if levels is None else [levels[column] for column in columns],
            )
            found.update(
                {(position, column): reasons for column, reasons in zip(columns, decided, strict=True)}
            )
    return found


def breakdown_units(referentiel: Referentiel, never: frozenset[str] = frozenset()) -> list[tuple[int, ...]]:
    """The indicator columns decided together: a distribution's options (they share one n, and
    their cells add up to it), every other indicator alone; not those in ``never``."""
    units: dict[str, list[int]] = {}
    for column, indicator in enumerate(referentiel.indicators):
        if indicator.id not in never:
            units.setdefault(indicator.distribution_of or indicator.id, []).append(column)
    return [tuple(columns) for columns in units.values()]
