"""A banded breakdown cell pinned by its group's published value and its neighbours' bands
loses its band; the published cells around it, which could not free it, stay published.

The tree is organisation 12 of the 68,000-youth bench (its nine structures' cells of one share
by age band, as counted there) beside four organisations whose cells are all published. Before
the band was withdrawn first, the last check masked the other organisations' cells one by one
(hundreds on the bench) without ever freeing it.
"""

import numpy
from scipy.optimize import Bounds, LinearConstraint, milp

from admin.disclosure import FEW_ON_ONE_SIDE, DisclosureTree, narrower_than_band
from admin.disclosure.option_bounds import TreeSums
from admin.score_decisions import GroupLayout
from admin.workshop_breakdowns import BreakdownRules, decide_cells

K, SIDE = 10, 3
# Per structure, per row (three age bands, then the runs that gave none): youth, and yes.
PINNED_ORGANISATION = [
    ([3, 2, 2, 0], [0, 0, 0, 0]),
    ([5, 2, 1, 0], [0, 0, 0, 0]),
    ([2, 2, 4, 0], [1, 0, 0, 0]),
    ([6, 3, 4, 1], [1, 0, 0, 0]),
    ([12, 11, 7, 0], [2, 2, 1, 0]),  # its value (5 of 30) published, its cells banded or small
    ([5, 6, 10, 2], [2, 1, 0, 0]),
    ([7, 4, 6, 0], [0, 1, 1, 0]),
    ([2, 7, 6, 1], [0, 2, 0, 0]),
    ([3, 0, 3, 0], [1, 0, 0, 0]),
]
PUBLISHED_STRUCTURE = ([14, 15, 16, 0], [6, 7, 8, 0])
OTHER_ORGANISATIONS = 4


def tree_and_cells() -> tuple[GroupLayout, numpy.ndarray, numpy.ndarray]:
    """The sector, the pinned organisation and its structures, then four organisations of two
    published structures each; every group's cells summed from its structures'."""
    groups: list[tuple[object, object, int | None]] = [
        ("sector", None, None),
        ("organisation", "sector", None),
    ]
    structures = list(PINNED_ORGANISATION)
    groups += [(("structure", index), "organisation", index) for index in range(len(PINNED_ORGANISATION))]
    for organisation in range(OTHER_ORGANISATIONS):
        groups.append((("organisation", organisation), "sector", None))
        for _ in range(2):
            index = len(structures)
            structures.append(PUBLISHED_STRUCTURE)
            groups.append((("structure", index), ("organisation", organisation), index))
    layout = GroupLayout.of(groups)
    n = numpy.zeros((4, len(groups)), dtype=numpy.int64)
    yes = numpy.zeros_like(n)
    for index, structure_id in layout.structures:
        n[:, index], yes[:, index] = structures[structure_id]
    for index in layout.above:
        n[:, index] = n[:, layout.parts[index]].sum(axis=1)
        yes[:, index] = yes[:, layout.parts[index]].sum(axis=1)
    return layout, n, yes


def decided() -> tuple[GroupLayout, numpy.ndarray, numpy.ndarray, list]:
    layout, n, yes = tree_and_cells()
    tree = DisclosureTree(layout.keys_and_parents)
    rules = BreakdownRules(tree, layout, TreeSums(layout.parts), K, SIDE)
    return layout, n, yes, decide_cells(rules, n, yes)


def test_the_other_organisations_cells_stay_published():
    """Their first two age bands stay published (the third pays for the sector's, masked by the
    group-size rule with the pinned organisation's)."""
    layout, _, _, reasons = decided()
    pinned_organisation = {0, 1, *layout.parts[1]}
    elsewhere = [
        reasons[row][group]
        for row in range(2)
        for group in range(len(layout.parts))
        if group not in pinned_organisation
    ]
    assert len(elsewhere) == 24 and elsewhere == [None] * 24


def test_the_pinned_structure_loses_its_bands_and_no_cell_is_bounded_more_tightly_than_a_band():
    """Integer programming over each structure's yes per row, with every published cell, band and
    group value: no banded cell, nor a withheld cell of a group whose value is published, is
    bounded more tightly than a band."""
    layout, n, yes, reasons = decided()
    tree = DisclosureTree(layout.keys_and_parents)
    totals, total_yes = n.sum(axis=0).tolist(), yes.sum(axis=0).tolist()
    total_reasons = tree.decide_sides(totals, total_yes, tree.decide(totals, K), SIDE)
    structure = 2 + 4  # the fifth structure of the pinned organisation
    assert [reasons[row][structure] for row in range(3)] != [FEW_ON_ONE_SIDE, FEW_ON_ONE_SIDE, "small_group"]
    structures = [index for index, _ in layout.structures]
    under = {group: [] for group in range(len(layout.parts))}
    for position, index in enumerate(structures):
        for group in range(len(layout.parts)):
            if index == group or index in _below(layout, group):
                under[group].append(position)

    def vector(group: int, rows) -> numpy.ndarray:
        found = numpy.zeros(4 * len(structures))
        for position in under[group]:
            for row in rows:
                found[position * 4 + row] = 1
        return found

    constraints, lows, highs, watched = [], [], [], []
    for group in range(len(layout.parts)):
        if total_reasons[group] is None:
            constraints.append(vector(group, range(4)))
            lows.append(total_yes[group])
            highs.append(total_yes[group])
        for row in range(3):
            if n[row, group] == 0:
                continue
            if reasons[row][group] is None:
                constraints.append(vector(group, [row]))
                lows.append(yes[row, group])
                highs.append(yes[row, group])
                continue
            if reasons[row][group] == FEW_ON_ONE_SIDE:
                few = yes[row, group] < SIDE
                constraints.append(vector(group, [row]))
                lows.append(0 if few else n[row, group] - SIDE + 1)
                highs.append(SIDE - 1 if few else n[row, group])
                watched.append((group, row))
            elif total_reasons[group] is None:
                watched.append((group, row))
    upper = numpy.array([n[row, index] for index in structures for row in range(4)], dtype=float)
    system = LinearConstraint(numpy.array(constraints), lows, highs)
    assert len(watched) > 10
    for group, row in watched:
        bounds = []
        for sign in (1, -1):
            result = milp(
                sign * vector(group, [row]), constraints=system, integrality=1, bounds=Bounds(0, upper)
            )
            assert result.success, result.message
            bounds.append(round(sign * result.fun))
        assert not narrower_than_band(bounds[0], bounds[1], int(n[row, group]), SIDE), (group, row, bounds)


def _below(layout: GroupLayout, group: int) -> set[int]:
    found: set[int] = set()
    for part in layout.parts[group]:
        found |= {part, *_below(layout, part)}
    return found
