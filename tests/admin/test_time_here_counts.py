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
from tests.admin.planned_youth import VERSION_TWO, both_products, write_planned_youth

K, SIDE = 10, 3
ANSWERS = ("under_3m", "3_to_12m", "over_1y")
# Per structure: youth who answered « Moins de 3 mois », « De 3 mois à 1 an », « Plus d'un an »,
# and youth here 3 months to 1 year who stopped, still answering, on « Par rapport à ton
# arrivée… » (safety_since).
ONE_ARRIVED = {1: (1, 15, 14, 0), 2: (10, 10, 10, 0), 3: (10, 10, 10, 0)}
TWO_ARRIVED_ONE_STOPPED = {1: (2, 14, 13, 1), 2: (10, 10, 10, 0), 3: (10, 10, 10, 0)}
FIVE_ARRIVED = {1: (5, 15, 10, 0), 2: (10, 10, 10, 0), 3: (10, 10, 10, 0)}
FELT = sorted(indicator.id for indicator in VERSION_TWO.indicators if indicator.id.startswith("felt_"))


@pytest.mark.parametrize(
    ("counts", "published"), [(ONE_ARRIVED, 0), (TWO_ARRIVED_ONE_STOPPED, 3), (FIVE_ARRIVED, 5)]
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
    assert [youth[key] for key in structures] == [30, 30, 30]

    def possible(key: tuple, arrived: int, stops: int) -> bool:
        """Whether a group may have ``arrived`` youth here under 3 months, given its figures."""
        here = youth[key] - arrived
        return (
            felt.get(key, here - stops) == here - stops and answers[key].get("under_3m", arrived) == arrived
        )

    candidates = [
        [arrived for arrived in range(youth[key] + 1) if possible(key, arrived, stopped[key])]
        for key in structures
    ]
    above = [group.key for group in groups if group.level != "structure"]
    combinations = [
        values
        for values in itertools.product(*candidates)
        if all(possible(key, sum(values), sum(stopped.values())) for key in above)
    ]
    truth = tuple(counts[key[1]][0] for key in structures)
    assert truth in combinations
    for position, key in enumerate(structures):
        arrived = {values[position] for values in combinations}
        for side in (arrived, {youth[key] - count for count in arrived}):
            assert not (max(side) < SIDE and len(side) < SIDE), (key, sorted(arrived))
    # Withheld only where it must be: with at least 3 on each side everywhere, every group's n.
    assert len([key for key in felt if key in youth]) == published, felt
