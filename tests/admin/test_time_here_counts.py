"""The perceived changes' n: « Par rapport à ton arrivée… » is asked only after more than 3 months
here, so its n beside the others' would tell how many youth arrived less than 3 months ago.

Reviewers' cases (2026-11-30): one organisation, version 2, T0 only, k = 10; s2 and s3 have 10
youth of each answer. In the first, s1 has 30 youth, 1 of them here under 3 months: the score
export published s1's 29 beside feel_safe's 30, while the pack hid « Moins de 3 mois ». Now
neither product's n gives it: any sum with s1's n would pin it (the pack's cells by time here
add up to the sector's n, but add only who skipped or stopped: docs/export.md). In the second,
s1 has 2 here under 3 months and 1 who stopped on the question: 30 − 27 left 3 on that side, so
the export published 27, and a reader who found the youth who stopped (other questions' n fall
by one in s1 only) had 2. Now the count the n tells, those who gave « 3 mois à 1 an » or « Plus
d'un an », is itself decided under the rule. With 5 such youth in s1, everything is published.
"""

import itertools

import pytest

from admin.context_questions import counting_conditions
from admin.disclosure import narrower_than_band
from tests.admin.linear_reader import LinearReader
from tests.admin.planned_youth import VERSION_TWO, both_products, write_planned_youth

K, SIDE = 10, 3
ANSWERS = ("under_3m", "3_to_12m", "over_1y")
# Per structure: youth who answered « Moins de 3 mois », « De 3 mois à 1 an », « Plus d'un an »,
# and youth here 3 months to 1 year who stopped, still answering, on « Par rapport à ton
# arrivée… » (safety_since).
ONE_ARRIVED = {1: (1, 15, 14, 0), 2: (10, 10, 10, 0), 3: (10, 10, 10, 0)}
TWO_ARRIVED_ONE_STOPPED = {1: (2, 14, 13, 1), 2: (10, 10, 10, 0), 3: (10, 10, 10, 0)}
FIVE_ARRIVED = {1: (5, 15, 10, 0), 2: (10, 10, 10, 0), 3: (10, 10, 10, 0)}
# A third reviewer's: s1's n 12 less its exact « Plus d'un an » 11 gave « De 3 mois à 1 an » = 1.
ONE_HERE_UNDER_A_YEAR = {1: (20, 1, 11, 0), 2: (10, 10, 10, 0), 3: (10, 10, 10, 0)}
FELT = sorted(indicator.id for indicator in VERSION_TWO.indicators if indicator.id.startswith("felt_"))


@pytest.mark.parametrize(
    ("counts", "published"),
    [(ONE_ARRIVED, 0), (TWO_ARRIVED_ONE_STOPPED, 3), (FIVE_ARRIVED, 5), (ONE_HERE_UNDER_A_YEAR, 3)],
)
def test_no_published_n_tells_how_many_arrived_less_than_three_months_ago(tmp_path, counts, published):
    plan = {
        structure: [
            {"time_here": answer}
            for answer, count in zip(ANSWERS, planned[:3], strict=True)
            for _ in range(count)
        ]
        + [{"time_here": "3_to_12m", "safety_since": None}] * planned[3]
        for structure, planned in counts.items()
    }
    write_planned_youth(tmp_path / "voix.db", plan, seed=1)
    table, groups, items = both_products(tmp_path / "voix.db", K, SIDE)
    assert set(FELT) <= counting_conditions(VERSION_TWO) and len(FELT) == 30
    # What a reader holds, at worst: every group's youth (the largest n: all answered time here),
    # how many stopped on the question (other questions' n fall by as many), the perceived
    # changes' n where either product gives it (those here 3 months or more, less who stopped),
    # and the pack's exact counts of each answer to time here.
    youth: dict[tuple, int] = {}
    felt: dict[tuple, int] = {}
    for row in table.rows:
        if row.wave != "T0" or row.n is None:
            continue
        key = (row.level, row.group_id)
        if row.indicator in FELT:
            assert felt.setdefault(key, row.n) == row.n  # one n for every option and question
        else:
            youth[key] = max(youth.get(key, 0), row.n)
    answers: dict[tuple, dict[str, int]] = {}
    for group, (reasons, options) in zip(groups, items, strict=True):
        if reasons["safety_since"] is None:
            # One decision: the pack publishes the question's figures only where the export
            # publishes the indicators' n.
            assert felt.get(group.key, options["safety_since"].answered) == options["safety_since"].answered
            felt[group.key] = options["safety_since"].answered
        time_here = options["time_here"]
        answers[group.key] = {
            option: count
            for position, (option, _, count) in enumerate(time_here.chosen)
            if reasons["time_here"] is None and position not in time_here.withheld
        }
    structures = [group.key for group in groups if group.level == "structure"]
    stopped = {key: counts[key[1]][3] for key in structures}
    assert [youth[key] for key in structures] == [sum(counts[key[1]]) for key in structures]

    def consistent(key: tuple, total: int, counts: tuple[int, int, int], stops: int) -> bool:
        """Whether a group of ``total`` youth may have these counts of each answer to time here."""
        return felt.get(key, total - counts[0] - stops) == total - counts[0] - stops and all(
            answers[key].get(answer, count) == count for answer, count in zip(ANSWERS, counts, strict=True)
        )

    def candidates(key: tuple) -> set[tuple[int, int, int]]:
        total = youth[key]
        return {
            (total - middle - over, middle, over)
            for middle in range(total + 1)
            for over in range(total + 1 - middle)
            if consistent(key, total, (total - middle - over, middle, over), stopped[key])
        }

    def sums(found: list[set[tuple[int, int, int]]]) -> set[tuple[int, int, int]]:
        """Every total the structures' candidates may add up to."""
        totals = {(0, 0, 0)}
        for each in found:
            totals = {tuple(map(sum, zip(total, counts, strict=True))) for total in totals for counts in each}
        return totals

    # One organisation: the organisation's and the sector's figures are of all three structures.
    above = [group.key for group in groups if group.level != "structure"]
    every = sum(youth[key] for key in structures)
    each = [candidates(key) for key in structures]
    for position, key in enumerate(structures):
        others = sums(each[:position] + each[position + 1 :])
        left = {
            counts
            for counts in each[position]
            if any(
                all(
                    consistent(
                        group, every, tuple(map(sum, zip(counts, rest, strict=True))), sum(stopped.values())
                    )
                    for group in above
                )
                for rest in others
            )
        }
        under, middle, over, stops = counts[key[1]]
        assert (under, middle + stops, over) in left  # who stopped is here 3 months to 1 year
        for answer, values in zip(ANSWERS, zip(*left, strict=True), strict=True):
            found = set(values)
            for side in (found, {youth[key] - count for count in found}):
                assert not (max(side) < SIDE and len(side) < SIDE), (key, answer, sorted(found))
    # Withheld only where it must be: with at least 3 on each side everywhere, every group's n.
    assert len([key for key in felt if key in youth]) == published, felt


def test_no_count_of_time_here_comes_back_across_organisations(tmp_path):
    """A reviewer's plan (2026-11-30): o2 is one structure, 4 youth here under 3 months and 11
    over a year. The pack gave o1's « De 3 mois à 1 an » back from its other two options (39),
    the sector's perceived changes' n less its exact « Plus d'un an » gave the sector's (39), so
    o2 had none. A reader solving every published figure at once (integer programming) over each
    structure's counts may not bound any count of fewer than 3 youth more tightly than a band."""
    counts = {1: (3, 12, 5), 2: (15, 12, 3), 3: (3, 16, 10), 4: (4, 0, 11)}
    plan = {
        structure: [
            {"time_here": answer}
            for answer, count in zip(ANSWERS, planned, strict=True)
            for _ in range(count)
        ]
        for structure, planned in counts.items()
    }
    write_planned_youth(tmp_path / "voix.db", plan, seed=3, organisations={4: 2})
    table, groups, items = both_products(tmp_path / "voix.db", K, SIDE)
    places = [group for group in groups if group.level == "structure"]
    structures = [place.id for place in places]
    scope = {
        group.key: [
            place.id for place in places if group.level == "sector" or group.key in (place.key, place.parent)
        ]
        for group in groups
    }
    reader = LinearReader(itertools.product(structures, ANSWERS), SIDE)
    for structure in structures:  # every youth answered time here: the largest n
        reader.add(
            [(structure, answer) for answer in ANSWERS], sum(counts[structure]), sum(counts[structure])
        )
    for row in table.rows:
        if row.wave == "T0" and row.indicator in FELT and row.n is not None:
            reader.add(
                [
                    (structure, answer)
                    for structure in scope[(row.level, row.group_id)]
                    for answer in ANSWERS[1:]
                ],
                row.n,
                row.n,
            )
    for group, (reasons, options) in zip(groups, items, strict=True):
        if reasons["time_here"] is not None:
            continue
        time_here = options["time_here"]
        for position, (option, _, count) in enumerate(time_here.chosen):
            cells = [(structure, option) for structure in scope[group.key]]
            if position not in time_here.withheld:
                reader.add(cells, count, count)
            elif time_here.withheld[position]:  # banded
                few = count < SIDE
                reader.add(
                    cells, *((0, SIDE - 1) if few else (time_here.answered - SIDE + 1, time_here.answered))
                )
    checked = 0
    for group in groups:
        for answer in ANSWERS:
            cells = [(structure, answer) for structure in scope[group.key]]
            true = sum(counts[structure][ANSWERS.index(answer)] for structure in scope[group.key])
            size = sum(sum(counts[structure]) for structure in scope[group.key])
            if min(true, size - true) >= SIDE:
                continue
            low, high = reader.bounds(cells)
            assert low <= true <= high
            assert not narrower_than_band(low, high, size, SIDE), (group.key, answer, true, low, high)
            checked += 1
    assert checked >= 2
