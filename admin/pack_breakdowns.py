"""A pack's breakdown decisions as tasks both of the pack's processes can share.

Every indicator's cells of every question are decided on the whole tree
(``admin.workshop_breakdowns``), a distribution's options together; each such unit is one task,
so the pack's second process takes them from the front of the list and the pack process from
the back (``admin.workshop_second_process``), until they meet.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy

from admin.context_questions import breakdown_questions, not_broken_down_by
from admin.disclosure import SECONDARY, DisclosureTree, Reasons
from admin.disclosure.option_bounds import TreeSums
from admin.score_collection import ReferentielKey
from admin.score_table import Group
from admin.workshop_breakdowns import BreakdownRules, CellCounts, breakdown_units, unit_cells
from admin.workshop_options import group_layout
from referentiel.loading import find_referentiel

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
    # Per (wave, version), per question: the answers the pack's questions withhold, per group.
    context_withheld: dict[tuple[str, ReferentielKey], list[numpy.ndarray]] | None = None
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
            withheld = None if self.context_withheld is None else self.context_withheld[wave_key][position]
            levels = None if self.levels is None else [self.levels[wave_key][column] for column in columns]
            decided[index] = unit_cells(rules, counts, columns, referentiel, self.here, withheld, levels)
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
