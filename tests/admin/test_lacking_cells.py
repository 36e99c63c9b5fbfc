"""The youth lacking an indicator, followed along the tree (``admin.lacking_cells``), by hand.

One organisation, the sector's only part, of three structures. Time here in s3: 10 « Moins de 3
mois », 2 « De 3 mois à 1 an » (banded, « < 3 »), 10 « Plus d'un an ». The questions' part masks
s1's and s2's first two counts and s3's first, so no sum of them gives s3's « 3 mois à 1 an »
back. But one youth of s3 stopped before the indicator's question: the organisation's cell of
that answer shows n = 21 beside its exact count of 22, nobody lacks the indicator in s1 or s2,
so that youth is in s3, and s3's band « 0 to 2 » is « 1 or 2 ».
"""

import numpy

from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY
from admin.disclosure.option_bounds import TreeSums
from admin.lacking_cells import AnswerBounds, ContextAnswers, LackingCells, lacking_withheld

SIDE = 3
# Groups: the sector, the organisation, then s1, s2, s3.
SUMS = TreeSums([[1], [2, 3, 4], [], [], []])
UNDER, MIDDLE, OVER = 0, 1, 2
STRUCTURES = [(10, 10, 10), (10, 10, 10), (10, 2, 10)]
# Per structure, the youth of each answer who stopped before the indicator's question.
STOPPED = [(0, 0, 0), (0, 0, 0), (0, 1, 0)]


def add_up(per_structure):
    """Per answer, per group (sector, organisation, s1, s2, s3)."""
    organisation = [sum(column) for column in zip(*per_structure, strict=True)]
    return [
        [organisation[answer], organisation[answer], *(row[answer] for row in per_structure)]
        for answer in range(3)
    ]


CHOSEN = add_up(STRUCTURES)
WITH_INDICATOR = add_up(
    [
        [count - stopped for count, stopped in zip(row, out, strict=True)]
        for row, out in zip(STRUCTURES, STOPPED, strict=True)
    ]
)
ANSWERED = [sum(row[group] for row in CHOSEN) for group in range(5)]
REASONS = [
    [None, None, SECONDARY, SECONDARY, SECONDARY],  # « Moins de 3 mois »
    [None, None, SECONDARY, SECONDARY, FEW_ON_ONE_SIDE],  # « De 3 mois à 1 an »
    [None, None, None, None, None],  # « Plus d'un an »
]
CONTEXT = ContextAnswers(ANSWERED, ANSWERED, CHOSEN, [None] * 5, REASONS)


def cells(shown_where):
    """The cells' n (rows: answers, then ``other``), and a decision per cell: shown where given."""
    n = numpy.array([*WITH_INDICATOR, [0] * 5])
    decided = [
        [[None if shown_where(answer, group) else SECONDARY for group in range(5)] for answer in range(4)]
    ]
    return n, decided


def test_the_questions_part_alone_leaves_the_band_as_it_is():
    bounds = AnswerBounds(SUMS, CONTEXT, SIDE)
    assert (bounds.low[MIDDLE, 4], bounds.high[MIDDLE, 4]) == (0, 2)
    assert not bounds.already.any()


def test_the_organisations_cell_beside_its_count_places_the_youth_who_stopped_and_is_withheld():
    bounds = AnswerBounds(SUMS, CONTEXT, SIDE)
    exact = numpy.array([[reason is None for reason in row] for row in REASONS])
    n, decided = cells(lambda answer, group: answer < 3 and exact[answer, group])
    shown = numpy.array([[reason is None for reason in row] for row in decided[0][:-1]])
    assert LackingCells(SUMS, bounds, n[:-1], shown).pinned() == [(MIDDLE, 4)]
    more = lacking_withheld(SUMS, bounds, n, decided)
    assert more is not None
    # The organisation's cells of that answer and of another (alone, the first would come back as
    # the organisation's youth lacking the indicator less the other answers'), and the sector's,
    # which are the same cells.
    assert [tuple(cell) for cell in numpy.argwhere(more).tolist()] == [
        (UNDER, 0),
        (UNDER, 1),
        (MIDDLE, 0),
        (MIDDLE, 1),
    ]
    assert LackingCells(SUMS, bounds, n[:-1], shown & ~more).pinned() == []


def test_an_indicator_asked_only_after_other_answers_places_its_youth_who_stopped_the_same_way():
    bounds = AnswerBounds(SUMS, CONTEXT, SIDE)
    exact = numpy.array([[reason is None for reason in row] for row in REASONS])
    n, decided = cells(lambda answer, group: answer < 3 and exact[answer, group])
    n[UNDER] = 0  # nobody here under 3 months is asked it: they lack it, and nobody knows who they are
    asked = numpy.array([False, True, True])
    shown = numpy.array([[reason is None for reason in row] for row in decided[0][:-1]])
    assert LackingCells(SUMS, bounds, n[:-1], shown, asked).pinned() == [(MIDDLE, 4)]
    more = lacking_withheld(SUMS, bounds, n, decided, asked)
    assert more is not None
    assert LackingCells(SUMS, bounds, n[:-1], shown & ~more, asked).pinned() == []
    # Nobody of that answer lacking it: nothing placed. The youth never asked lack it too, but a
    # reader does not know who they are.
    none_stopped = n.copy()
    none_stopped[MIDDLE] = CHOSEN[MIDDLE]
    assert lacking_withheld(SUMS, bounds, none_stopped, decided, asked) is None
