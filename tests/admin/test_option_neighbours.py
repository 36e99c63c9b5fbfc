"""The options' last check masks only counts whose mask hides something.

Organisation P (two structures under k, two options banded) is pinned through the sector: its
count of an option is the sector's less the other organisations'. Four organisations Q, whose
structures are all published, give their counts by their parts: masking one of them hides
nothing, so it cannot free P. Organisation R has a structure under k and an option withheld:
masking its counts does (since 2026-11-30 all of them: R less its other structure would give the
small one's, whose cells are watched too). Before the last check asked this, it tried the
fewest first and masked the four Q counts for nothing (on the 68,000-youth bench: 2,608
organisations' counts, now 341).
"""

from types import SimpleNamespace

import numpy

from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, SMALL_GROUP, narrower_than_band, share_band
from admin.disclosure.option_bounds import mask_what_bounds_give_away
from admin.score_decisions import GroupLayout
from tests.admin.option_attack import attack

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
    # R less its published structure would give R-b's counts (1, 1, 2, 1 of 5 youth): a group
    # under k is watched too, so R's counts are masked, R-a's stay.
    assert [reasons[row][names.index("R")] for row in range(OPTIONS)] == [SECONDARY] * OPTIONS
    assert [reasons[row][names.index("R-a")] for row in range(OPTIONS)] == [None] * OPTIONS


def test_no_withheld_count_of_a_published_group_is_bounded_more_tightly_than_a_band():
    """The options' attacker (integer programming over each structure's options) reading what
    the decisions publish: every group's youth, exact counts and bands."""
    names, layout, chosen, reasons = decided()
    parents = {name: None for name in names}
    for group, parts in enumerate(layout.parts):
        for part in parts:
            parents[names[part]] = names[group]
    groups = [
        SimpleNamespace(
            key=name, parent=parents[name], level="structure" if not layout.parts[group] else "group"
        )
        for group, name in enumerate(names)
    ]
    items = {}
    for group, name in enumerate(names):
        answered = int(chosen[:, group].sum())
        distribution = []
        for row in range(OPTIONS):
            reason, count = reasons[row][group], int(chosen[row, group])
            band = share_band(answered, count, SIDE) if reason == FEW_ON_ONE_SIDE else None
            distribution.append(
                {"option": row, "label": str(row), "count": count if reason is None else None, "band": band}
            )
        suppressed = reasons[0][group] == SMALL_GROUP
        items[name] = {"shown": answered, "answered": answered, "suppressed": suppressed,
                       "distribution": distribution, "flags": []}  # fmt: skip
    found = attack(groups, items, list(range(OPTIONS)), single_answer=True)
    assert any(key == "P" for key, *_ in found)
    for key, option, low, high, answered in found:
        assert not narrower_than_band(low, high, answered, SIDE), (key, option, low, high)
