"""The score export and the workshop pack held together: one decision on a count of earlier answers.

A reviewer's case (2026-11-30): one organisation of three structures, version 2, T0 only, k = 10.
s1 has 40 youth, 15 still answering before « Tu sais ce que tu voudrais faire ? » (``has_plan``),
then 8 « oui », 8 « un peu », 9 « pas encore »; s2 10 / 10 / 10; s3 6 / 6 / 0. Every youth asked
« Ce parcours… » (``path_fits``) answers it, so the n of ``path_fits_plans`` in s3 is its
``has_plan`` answered count: 0 « pas encore ». The score export withheld s2's and s3's n and
published the organisation's (48) and s1's (16); the pack published s2's ``path_fits`` answered
count (20), then, with the organisation's, s3's (12); and once the pack followed the export,
s2's exact options (10 / 10 / 10) still capped its n at 20, so 48 − 16 = 32 pinned s3 at 12.
"""

import itertools

from tests.admin.planned_youth import both_products, write_planned_youth

K, SIDE = 10, 3
# Per structure: « oui », « un peu », « pas encore », and youth still answering before has_plan.
PLAN = {1: (8, 8, 9, 15), 2: (10, 10, 10, 0), 3: (6, 6, 0, 0)}


def write_case(path) -> None:
    plan = {}
    for structure, (yes, a_bit, not_yet, answering) in PLAN.items():
        planned = ["yes"] * yes + ["a_bit"] * a_bit
        youth = [
            {"has_plan": plan_given, "path_fits": "yes_totally" if index % 2 else "not_at_all"}
            for index, plan_given in enumerate(planned)
        ]
        youth += [{"has_plan": "not_yet"}] * not_yet + [{"has_plan": None}] * answering
        plan[structure] = youth
    write_planned_youth(path, plan, seed=3)


def test_the_two_products_held_together_pin_no_count_of_earlier_answers(tmp_path):
    write_case(tmp_path / "voix.db")
    table, groups, items = both_products(tmp_path / "voix.db", K, SIDE)
    # What a reader holds: each group's n of path_fits_plans where either product gives it, and
    # what the pack's has_plan tells of it: at most « oui » + « un peu » where both are exact, at
    # most its answered count where that is published.
    exact: dict[tuple, int] = {}
    most: dict[tuple, int] = {}
    answered: dict[tuple, int] = {}
    for row in table.rows:
        if row.indicator == "path_fits_plans" and row.wave == "T0" and row.n is not None:
            exact[(row.level, row.group_id)] = row.n
    for group, (reasons, options) in zip(groups, items, strict=True):
        plans, path = options["has_plan"], options["path_fits"]
        if reasons["path_fits"] is None:
            # One decision: the pack publishes the question's figures only where the export
            # publishes the indicator's n.
            assert exact.get(group.key, path.answered) == path.answered
            exact[group.key] = path.answered
        if reasons["has_plan"] is None:
            answered[group.key] = most[group.key] = plans.answered
            named = [count for position, (option, _, count) in enumerate(plans.chosen)
                     if option in ("yes", "a_bit") and position not in plans.withheld]  # fmt: skip
            if len(named) == 2:
                most[group.key] = sum(named)
    structures = [group.key for group in groups if group.level == "structure"]
    assert [answered[key] for key in structures] == [25, 30, 12]  # the pack publishes has_plan
    # Every n of the structures the reader's figures allow (each from 0 to its most).
    possible = [
        values
        for values in itertools.product(*(range(most.get(key, 40) + 1) for key in structures))
        if all(values[structures.index(key)] == n for key, n in exact.items() if key in structures)
        and all(sum(values) == n for key, n in exact.items() if key[0] != "structure")
    ]
    truth = (16, 20, 12)
    assert truth in possible
    for position, key in enumerate(structures):
        gaps = {answered[key] - values[position] for values in possible}  # « pas encore » + skips
        pinned = max(gaps) < SIDE and len(gaps) < SIDE  # fewer than 3, known closer than a band
        assert not pinned, (key, sorted(gaps))
