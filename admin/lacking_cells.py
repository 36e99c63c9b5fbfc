"""The breakdowns' n against the youth lacking their indicator: no withheld count of an answer comes back.

A breakdown cell's n counts the youth of one answer to a context question who have the
indicator; the pack's questions count every youth of that answer. Where both are published,
their difference is how many youth of that answer lack the indicator (they stopped or skipped
its question), and a reader who knows who stopped in each structure places them along the
tree: a reviewer (2026-11-30) had an organisation's 22 « De 3 mois à 1 an » beside its cell's
21, the one youth lacking the indicator in one structure, whose banded count of that answer
(« < 3 ») then held at least that youth: 1 or 2.

So each unit's cells (one indicator, or a distribution's options: one n) are checked against the
context question's own last check (``admin.disclosure.option_bounds.KnownCells``, the questions'
part as published): per answer, its count is its youth with the indicator (the cells' n) and
those lacking it (exact where both figures are published); each is bounded along the tree and
into each group's total — those lacking it are taken as known (who stopped or skipped its
question), those with it are the group's answers less them — and each sum bounds the others,
until nothing moves. An indicator asked only after some answers (« Par rapport à ton arrivée… »
after 3 months here) is lacked by the youth never asked it too, whom a reader does not know:
their answers are left out. Where a withheld count is then bounded more tightly than a band,
the cells' n around it are withheld (``option_bounds.mask_until_nothing_pinned``: the group's
other answers first, then the same answer beside and below it, then up the tree), and the unit
is decided again with them withheld.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy

from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, Reasons
from admin.disclosure.option_bounds import KnownCells, TreeSums, mask_until_nothing_pinned
from admin.option_decisions import ONE_OPTION


@dataclass(frozen=True)
class ContextAnswers:
    """One context question's answers on the whole tree and the questions' part's decisions on
    them (``admin.workshop_options.context_answers``): per group the youth shown it and those
    who answered, ``chosen[option][group]``, and the decisions. ``checked``: False for a
    question every breakdown withholds anyway (asked under a condition)."""

    shown: list[int]
    answered: list[int]
    chosen: list[list[int]]
    group_reasons: Reasons
    option_reasons: list[Reasons]
    checked: bool = True
    # (sums, minimum_side, their ``AnswerBounds``) once worked out in this process.
    _bounds: list[tuple[TreeSums, int, "AnswerBounds"]] = field(
        default_factory=list, compare=False, repr=False
    )

    def bounds(self, sums: TreeSums, minimum_side: int) -> "AnswerBounds":
        """What the questions' part alone gives a reader (``AnswerBounds``): the same for every
        unit of this question's breakdowns, so worked out once."""
        if not self._bounds or self._bounds[0][0] is not sums or self._bounds[0][1] != minimum_side:
            self._bounds[:] = [(sums, minimum_side, AnswerBounds(sums, self, minimum_side))]
        return self._bounds[0][2]

    def withheld(self) -> numpy.ndarray:
        """Per option and group, whether the questions' part withholds its count (banded or masked)."""
        return numpy.array(
            [[reason is not None for reason in row] for row in self.option_reasons], dtype=bool
        )


class AnswerBounds:
    """What a reader bounds of one context question's counts from the questions' part alone."""

    def __init__(self, sums: TreeSums, context: ContextAnswers, minimum_side: int) -> None:
        self.known = KnownCells(
            sums,
            context.shown,
            context.answered,
            context.chosen,
            context.group_reasons,
            [list(row) for row in context.option_reasons],
            (minimum_side, ONE_OPTION),
        )
        options = self.known.exact.shape[0]
        self.low, self.high = self.known.sum_bounds()
        # Pinned by the questions' part alone (its own check leaves none): not the breakdowns' doing.
        self.already = self.known.watched & self.known.pinned_where(self.low[:options], self.high[:options])


class LackingCells(KnownCells):
    """The cells' n of one unit as the masking loop sees them (``exact``: shown; masked, tried and
    put back as the options' are), and which withheld answer counts the youth lacking the
    indicator pin (``pinned``)."""

    def __init__(
        self,
        sums: TreeSums,
        answers: AnswerBounds,
        n: numpy.ndarray,
        shown: numpy.ndarray,
        asked: numpy.ndarray | None = None,
    ) -> None:
        known = answers.known
        options, size = shown.shape
        self.sums, self.answers, self.minimum_side = sums, answers, known.minimum_side
        self.n, self.counts, self.most = known.n, n, known.most
        self.exact, self.banded = shown.copy(), numpy.zeros_like(shown)
        self.watched = numpy.zeros_like(shown)
        # The cells' n add up along the tree only: no total of a group's is taken as known.
        self.unknown_low = numpy.zeros((options + 1, size), dtype=numpy.int64)
        self.unknown_high = numpy.repeat(known.most[None, :], options + 1, axis=0)
        self.unknown_high[options] += 1
        # Per answer and group, the youth of that answer lacking the indicator; their total.
        self.lacking = numpy.maximum(known.counts - n, 0)
        self.lacking_total = self.lacking.sum(axis=0)
        # The answers after which the indicator is asked (None: whatever the answer). A reader
        # knows who stopped or skipped it, not who was never asked it.
        self.asked = asked
        self.masked_with: dict[tuple[int, int], list[int]] = {}
        # Pinned with every n withheld: what a reader is taken to know (who stopped) gives them,
        # not the cells; no mask of theirs would free them (``lacking_withheld`` sets it).
        self.inherent = numpy.zeros_like(shown)

    def twins(self, group: int) -> list[int]:
        """The groups whose cells are this one's: up and down a chain of groups with a single part
        (one organisation's sector, a structure alone in its organisation). Masked together, or a
        cell masked stays published in its twin."""
        found, up, down = [], group, group
        while (parent := int(self.sums.parent[up])) >= 0 and len(self.sums.parts[parent]) == 1:
            found.append(up := parent)
        while len(self.sums.parts[down]) == 1:
            found.append(down := self.sums.parts[down][0])
        return found

    def mask(self, option: int, group: int) -> None:
        twins = [twin for twin in self.twins(group) if self.exact[option, twin]]
        self.masked_with[(option, group)] = twins
        self.exact[option, [group, *twins]] = False

    def unmask(self, option: int, group: int) -> None:
        self.exact[option, [group, *self.masked_with.pop((option, group), [])]] = True

    def neighbours(
        self, option: int, group: int, reasons: list[Reasons], chosen: Sequence[Sequence[int]]
    ) -> Iterator[tuple[int, int]]:
        """The options' neighbours (``KnownCells.neighbours``), then, level by level up the
        tree, the same answer's cells beside the group's parent, fewest first, and the parent's
        other answers: a small structure's organisation, masked, still came back as the
        sector's cell less the other organisations'."""
        yield from super().neighbours(option, group, reasons, chosen)
        above = int(self.sums.parent[group])
        while above >= 0:
            top = int(self.sums.parent[above])
            beside = [part for part in self.sums.parts[top] if part != above] if top >= 0 else []
            yield from sorted(((option, part) for part in beside), key=lambda cell: chosen[option][cell[1]])
            yield from ((row, above) for row in range(len(reasons)) if row != option)
            above = top

    def given_by_one_sum(self, option: int, group: int) -> bool:
        """As the options' (``KnownCells.given_by_one_sum``), but a cell with twins is masked with them."""
        return not self.twins(group) and super().given_by_one_sum(option, group)

    def pinned(self) -> list[tuple[int, int]]:
        """The answers' withheld counts bounded more tightly than a band once the cells' n are
        followed too (not those the questions' part alone pins): per answer after which the
        indicator is asked, its count is its youth with the indicator (the cells' n) and those
        lacking it, each bounded along the tree and into each group's total (those lacking it:
        known; those with it: the group's answers less them and less the answers never asked
        it). An answer never asked it tells nothing more: nobody there has it."""
        answers, known = self.answers, self.answers.known
        options = self.exact.shape[0]
        asked = numpy.ones(options, dtype=bool) if self.asked is None else self.asked
        counts_low, counts_high = answers.low.copy(), answers.high.copy()
        given = known.exact & self.exact  # both figures published: the difference is known
        lacking = numpy.where(asked[:, None], self.lacking, 0)
        total = lacking.sum(axis=0)  # the youth who stopped or skipped it: taken as known
        lacking_low = numpy.zeros_like(counts_low)
        lacking_high = numpy.minimum(counts_high, total[None, :])
        lacking_low[:options] = numpy.where(given, lacking, 0)
        lacking_high[:options] = numpy.where(given | ~asked[:, None], lacking, lacking_high[:options])
        lacking_low[options] = lacking_high[options] = total
        with_low = numpy.zeros_like(counts_low)
        with_high = counts_high.copy()
        with_low[:options] = numpy.where(self.exact & asked[:, None], self.counts, 0)
        with_high[:options] = numpy.where(
            self.exact | ~asked[:, None], numpy.where(asked[:, None], self.counts, 0), with_high[:options]
        )
        watched = known.watched
        for _ in range(100):
            before = [
                bound.copy()
                for bound in (counts_low, counts_high, with_low, with_high, lacking_low, lacking_high)
            ]
            # The answers never asked it, per group: as many as their counts (bounded).
            never_low = counts_low[:options][~asked].sum(axis=0)
            never_high = counts_high[:options][~asked].sum(axis=0)
            with_low[options] = numpy.maximum(with_low[options], counts_low[options] - total - never_high)
            with_high[options] = numpy.minimum(with_high[options], counts_high[options] - total - never_low)
            with_low, with_high = self.sums.bounds(with_low, with_high)
            lacking_low, lacking_high = self.sums.bounds(lacking_low, lacking_high)
            rows = numpy.append(asked, False)  # each asked answer's count: with it and lacking it
            counts_low[rows] = numpy.maximum(counts_low[rows], with_low[rows] + lacking_low[rows])
            counts_high[rows] = numpy.minimum(counts_high[rows], with_high[rows] + lacking_high[rows])
            counts_low[options] = numpy.maximum(counts_low[options], with_low[options] + total + never_low)
            counts_high[options] = numpy.minimum(
                counts_high[options], with_high[options] + total + never_high
            )
            counts_low, counts_high = self.sums.bounds(counts_low, counts_high)
            with_low[rows] = numpy.maximum(with_low[rows], counts_low[rows] - lacking_high[rows])
            with_high[rows] = numpy.minimum(with_high[rows], counts_high[rows] - lacking_low[rows])
            lacking_low[rows] = numpy.maximum(lacking_low[rows], counts_low[rows] - with_high[rows])
            lacking_high[rows] = numpy.minimum(lacking_high[rows], counts_high[rows] - with_low[rows])
            after = (counts_low, counts_high, with_low, with_high, lacking_low, lacking_high)
            if all(numpy.array_equal(old, new) for old, new in zip(before, after, strict=True)):
                break
        moved = (counts_low > answers.low) | (counts_high < answers.high)
        if not (watched & moved[:options]).any():
            return []  # nothing a reader knew of a withheld count moved: the usual case
        pinned = watched & ~answers.already & ~self.inherent
        pinned &= known.pinned_where(counts_low[:options], counts_high[:options])
        found = numpy.argwhere(pinned)
        return [(int(row), int(group)) for row, group in found[numpy.argsort(found[:, 1], kind="stable")]]


def lacking_withheld(
    sums: TreeSums,
    answers: AnswerBounds,
    n: numpy.ndarray,
    decided: Sequence[list[Reasons]],
    asked: numpy.ndarray | None = None,
) -> numpy.ndarray | None:
    """The cells (answer × group) of one unit whose n must be withheld besides those ``decided``
    withholds (per indicator of the unit, a reason per row, ``other`` last), or None if none.
    ``n``: the unit's cells' n (rows: answers, then ``other``); ``asked``: per answer, whether
    the unit's indicators are asked after it, None if whatever the answer."""
    counts = n[:-1].astype(numpy.int64)
    shown = numpy.zeros(counts.shape, dtype=bool)
    for unit_reasons in decided:  # a distribution's options share one n: shown where any cell shows it
        shown |= numpy.array(
            [[reason in (None, FEW_ON_ONE_SIDE) for reason in row] for row in unit_reasons[:-1]]
        )
    state = LackingCells(sums, answers, counts, shown, asked)
    if not state.pinned():
        return None
    for row, group in LackingCells(sums, answers, counts, numpy.zeros_like(shown), asked).pinned():
        state.inherent[row, group] = True
    reasons: list[Reasons] = [[None if cell else SECONDARY for cell in row] for row in shown.tolist()]
    mask_until_nothing_pinned(state, reasons, counts.tolist())
    if state.pinned():
        return shown  # no neighbour left to try (never seen): every n of the unit withheld
    more = shown & ~state.exact  # with their twins
    return more if more.any() else None
