"""The options' last check masks only counts whose mask hides something.

Organisation P (two structures under k, two options banded) is pinned through the sector: its
count of an option is the sector's less the other organisations'. Four organisations Q, whose
structures are all published, give their counts by their parts: masking one of them hides
nothing, so it cannot free P. Organisation R has a structure under k and an option withheld:
masking its count does. Before the last check asked this, it tried the fewest first and masked
the four Q counts for nothing (on the 68,000-youth bench: 2,608 organisations' counts, now 341).
"""

import numpy
from scipy.optimize import Bounds, LinearConstraint, milp

from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, SMALL_GROUP, narrower_than_band
from admin.disclosure.option_bounds import mask_what_bounds_give_away
from admin.score_decisions import GroupLayout

SIDE = 3
OPTIONS = 4


def tree() -> tuple[list[str], GroupLayout, numpy.ndarray]:
    """The groups' names, their layout, and each group's count of each option."""
    groups: list[tuple[str, str | None, int | None]] = [("sector", None, None), ("P", "sector", None)]
    structures = [[3, 1, 2, 0], [4, 3, 0, 2]]
    groups += [("P-a", "P", 0), ("P-b", "P", 1)]
    for organisation in range(4):
        groups.append((f"Q{organisation}", "sector", None))
        for half in "ab":
            groups.append((f"Q{organisation}-{half}", f"Q{organisation}", len(structures)))
            structures.append([4, 4, 3, 3])
    groups.append(("R", "sector", None))
    groups += [("R-a", "R", len(structures)), ("R-b", "R", len(structures) + 1)]
    structures += [[1, 3, 5, 4], [1, 1, 2, 1]]
    layout = GroupLayout.of(groups)
    chosen = numpy.zeros((OPTIONS, len(groups)), dtype=numpy.int64)
    for index, structure in layout.structures:
        chosen[:, index] = structures[structure]
    layout.add_up(chosen)
    return [name for name, _, _ in groups], layout, chosen


def decided() -> tuple[list[str], GroupLayout, numpy.ndarray, list[list[str | None]]]:
    """The first decisions as the pack makes them for P and R, then the last check."""
    names, layout, chosen = tree()
    n = chosen.sum(axis=0).tolist()
    group_reasons = [SMALL_GROUP if name in ("P-a", "P-b", "R-b") else None for name in names]
    reasons = [list(group_reasons) for _ in range(OPTIONS)]
    p, r = names.index("P"), names.index("R")
    reasons[0][p], reasons[2][p], reasons[3][p] = SECONDARY, FEW_ON_ONE_SIDE, FEW_ON_ONE_SIDE
    reasons[1][r] = SECONDARY
    assert mask_what_bounds_give_away(
        layout.parts, (n, n), chosen.tolist(), group_reasons, reasons, (SIDE, None)
    )
    return names, layout, chosen, reasons


def test_the_counts_given_by_their_parts_stay_published():
    names, _, _, reasons = decided()
    q_cells = [
        reasons[row][group] for row in range(OPTIONS) for group, name in enumerate(names) if name[0] == "Q"
    ]
    assert q_cells == [None] * len(q_cells)
    assert [reasons[row][names.index("R")] for row in range(OPTIONS)] == [
        None,
        SECONDARY,
        SECONDARY,
        SECONDARY,
    ]


def test_no_withheld_count_of_a_published_group_is_bounded_more_tightly_than_a_band():
    """Integer programming over each structure's options, with every published count and band."""
    names, layout, chosen, reasons = decided()
    structures = [index for index, _ in layout.structures]

    def under(group: int) -> list[int]:
        return [
            position
            for position, index in enumerate(structures)
            if index == group or _below(layout, group, index)
        ]

    def vector(group: int, row: int) -> numpy.ndarray:
        found = numpy.zeros(OPTIONS * len(structures))
        for position in under(group):
            found[position * OPTIONS + row] = 1
        return found

    constraints, lows, highs = [], [], []
    for position, index in enumerate(structures):  # every group's answers are published
        total = numpy.zeros(OPTIONS * len(structures))
        total[position * OPTIONS : (position + 1) * OPTIONS] = 1
        constraints.append(total)
        lows.append(chosen[:, index].sum())
        highs.append(chosen[:, index].sum())
    watched = []
    for group in range(len(names)):
        for row in range(OPTIONS):
            if reasons[row][group] is None:
                constraints.append(vector(group, row))
                lows.append(chosen[row, group])
                highs.append(chosen[row, group])
            elif reasons[row][group] == FEW_ON_ONE_SIDE:
                constraints.append(vector(group, row))
                lows.append(0)
                highs.append(SIDE - 1)
                watched.append((group, row))
            elif reasons[row][group] == SECONDARY:
                watched.append((group, row))
    system = LinearConstraint(numpy.array(constraints), lows, highs)
    assert any(names[group] == "P" for group, _ in watched)
    for group, row in watched:
        bounds = []
        for sign in (1, -1):
            result = milp(sign * vector(group, row), constraints=system, integrality=1, bounds=Bounds(0, 100))
            assert result.success, result.message
            bounds.append(round(sign * result.fun))
        size = int(chosen[:, group].sum())
        assert not narrower_than_band(bounds[0], bounds[1], size, SIDE), (names[group], row, bounds)


def _below(layout: GroupLayout, group: int, index: int) -> bool:
    return any(part == index or _below(layout, part, index) for part in layout.parts[group])
