"""The perceived changes' n: « Par rapport à ton arrivée… » is asked only after more than 3 months
here, so its n beside the others' would tell how many youth arrived less than 3 months ago.

A reviewer's case (2026-11-30): one organisation, version 2, T0 only, k = 10. s1 has 30 youth, 1
of them here for less than 3 months; s2 and s3 have 10 of each answer. Before, the score export
published s1's 29 beside feel_safe's 30, while the pack hid « Moins de 3 mois »: 0 or 1 youth.
Now nothing of it: the pack gives s2's and s3's answers to time here exactly (so their n is at
most 20), and any sum with s1's would then pin it. With 5 such youth in s1, everything is published.
"""

import itertools

import pytest

from admin.context_questions import counting_conditions
from tests.admin.planned_youth import VERSION_TWO, both_products, write_planned_youth

K, SIDE = 10, 3
# Per structure: how many youth answered « Moins de 3 mois », « De 3 mois à 1 an », « Plus d'un an ».
ONE_ARRIVED = {1: (1, 15, 14), 2: (10, 10, 10), 3: (10, 10, 10)}
FIVE_ARRIVED = {1: (5, 15, 10), 2: (10, 10, 10), 3: (10, 10, 10)}
FELT = sorted(indicator.id for indicator in VERSION_TWO.indicators if indicator.id.startswith("felt_"))


@pytest.mark.parametrize(("counts", "published"), [(ONE_ARRIVED, 0), (FIVE_ARRIVED, 5)])
def test_no_published_n_tells_how_many_arrived_less_than_three_months_ago(tmp_path, counts, published):
    plan = {
        structure: [
            {"time_here": answer}
            for answer, count in zip(("under_3m", "3_to_12m", "over_1y"), planned, strict=True)
            for _ in range(count)
        ]
        for structure, planned in counts.items()
    }
    write_planned_youth(tmp_path / "voix.db", plan, seed=1)
    table, groups, items = both_products(tmp_path / "voix.db", K, SIDE)
    assert set(FELT) <= counting_conditions(VERSION_TWO) and len(FELT) == 30
    # What a reader holds: every youth answered every question they were shown, so the largest n
    # is the group's youth, and a perceived change's n (from either product) is those here for
    # 3 months or more.
    youth: dict[tuple, int] = {}
    exact: dict[tuple, int] = {}
    for row in table.rows:
        if row.wave != "T0" or row.n is None:
            continue
        key = (row.level, row.group_id)
        if row.indicator in FELT:
            assert exact.setdefault(key, row.n) == row.n  # one n for every option and question
        else:
            youth[key] = max(youth.get(key, 0), row.n)
    for group, (reasons, options) in zip(groups, items, strict=True):
        if reasons["safety_since"] is None:
            # One decision: the pack publishes the question's figures only where the export
            # publishes the indicators' n.
            assert exact.get(group.key, options["safety_since"].answered) == options["safety_since"].answered
            exact[group.key] = options["safety_since"].answered
    structures = [group.key for group in groups if group.level == "structure"]
    assert [youth[key] for key in structures] == [30, 30, 30]
    possible = [
        values
        for values in itertools.product(*(range(youth[key] + 1) for key in structures))
        if all(values[structures.index(key)] == n for key, n in exact.items() if key in structures)
        and all(sum(values) == n for key, n in exact.items() if key[0] != "structure")
    ]
    truth = tuple(sum(counts[structure][1:]) for structure in counts)
    assert truth in possible
    for position, key in enumerate(structures):
        arrived = {youth[key] - values[position] for values in possible}  # here under 3 months
        assert not (max(arrived) < SIDE and len(arrived) < SIDE), (key, sorted(arrived))
    # Withheld only where it must be: with at least 3 on each side everywhere, every group's n.
    assert len(exact) == published, exact
