"""A distribution's cells bounded by their three sums at once (``admin.distribution_cells``).

A reviewer's chain (2026-11-30), on one group: among the 21 youth here 3 months to 1 year, four
options exact gave « pareil » = 3 (its cell's n less them); the group's « pareil », 4, then gave 1
among the 31 here over a year, a withheld cell.
"""

import numpy

from admin.disclosure import SECONDARY
from admin.disclosure.option_bounds import TreeSums
from admin.distribution_cells import DistributionCells, mask_what_tables_pin

SIDE = 3
OPTIONS = ("much_worse", "bit_worse", "same", "bit_better", "much_better")
# Per answer (3 months to 1 year, over a year, none), each option's youth; one group.
CELLS = [(3, 4, 3, 4, 7), (5, 4, 1, 10, 11), (0, 0, 0, 0, 0)]


def table(withheld: set[tuple[int, str]]):
    """The cells' n, each option's yes and decisions (``withheld``: (answer, option) pairs)."""
    n = numpy.array([[sum(cell)] for cell in CELLS])
    yes = [numpy.array([[cell[position]] for cell in CELLS]) for position in range(len(OPTIONS))]
    decided = [
        [[SECONDARY if (answer, option) in withheld or answer == 2 else None] for answer in range(len(CELLS))]
        for option in OPTIONS
    ]
    totals = [[None] for _ in OPTIONS]  # the export publishes every option's count of the group
    return n, yes, decided, totals


def test_the_chain_through_a_cells_n_and_the_groups_count_is_broken():
    n, yes, decided, totals = table({(0, "same"), (1, "bit_worse"), (1, "same")})
    sums = TreeSums([[]])
    assert DistributionCells(sums, n, yes, decided, totals, SIDE).pinned() == [(1 * 5 + 2, 0)]
    assert mask_what_tables_pin(sums, SIDE, (n, yes), totals, decided)
    assert DistributionCells(sums, n, yes, decided, totals, SIDE).pinned() == []
    withheld = {
        (answer, option)
        for position, option in enumerate(OPTIONS)
        for answer in (0, 1)
        if decided[position][answer][0] is not None
    }
    # One more cell among those here 3 months to 1 year, where the chain starts.
    assert len(withheld) == 4
    assert len({cell for cell in withheld if cell[0] == 0}) == 2


def test_a_table_whose_withheld_cells_no_sum_pins_is_left_as_it_is():
    # Two options withheld in each cell: « pareil » lies anywhere from 0 to 4 among those here
    # over a year (the band says fewer than 3).
    n, yes, decided, totals = table({(0, "same"), (0, "bit_worse"), (1, "bit_worse"), (1, "same")})
    before = [[list(row) for row in option] for option in decided]
    assert not mask_what_tables_pin(TreeSums([[]]), SIDE, (n, yes), totals, decided)
    assert decided == before
