"""The perceived changes' cells by time here give back no withheld count, whatever sums a reader chains.

« Par rapport à ton arrivée… » is asked only after 3 months here, so its five options' cells by
time here (« De 3 mois à 1 an », « Plus d'un an ») add up three ways: a cell's options into its
n, an option's two cells into the group's count of it (the score export's, the pack's questions),
and each along the tree. A third reviewer (2026-11-30) chained them: among 21 youth here 3 months
to 1 year four options exact gave « pareil » = 3, the group's 4 then gave 1 among those here over
a year; and an organisation's two published cells gave an option its export withheld (7 + 5).

Here a reader holds every pack (sector, organisation, structures) and the score export, knows
how many youth each structure has, and solves for every structure's cells exactly (integer
programming): no withheld count with fewer than 3 youth on one side may be bounded more tightly
than its band.
"""

import collections
import itertools
import json
import random
import sqlite3

import pytest

from admin.disclosure import narrower_than_band
from admin.score_table import build_score_table, export_groups
from tests.admin.linear_reader import LinearReader
from tests.admin.planned_youth import VERSION_TWO, every_pack, write_planned_youth

K, SIDE = 10, 3
ROWS = ("3_to_12m", "over_1y")
FAMILIES = {
    indicator.distribution_of: indicator.questions[0]
    for indicator in VERSION_TWO.indicators
    if indicator.distribution_of is not None
}
OPTIONS = [option.id for option in VERSION_TWO.question("safety_since").options]


def plans():
    """The reviewer's plan (s1: 20, 1 and 11 youth under 3 months, 3 months to 1 year, over a
    year), then random ones: three structures of 10 to 35 youth, a few of them often small."""
    yield "reviewer", {1: (20, 1, 11), 2: (10, 10, 10), 3: (10, 10, 10)}
    generator = random.Random(11)
    for trial in range(3):
        plan = {}
        for structure in (1, 2, 3):
            size = generator.choice([10, 12, 15, 20, 25, 30, 35])
            under = generator.choice([0, 1, 2, 3]) if generator.random() < 0.5 else generator.randint(0, size)
            middle = generator.randint(0, size - under)
            plan[structure] = (under, middle, size - under - middle)
        yield f"random {trial}", plan


@pytest.mark.parametrize(("name", "counts"), list(plans()))
def test_no_withheld_perceived_change_count_comes_back(tmp_path, name, counts):
    plan = {
        structure: [
            {"time_here": answer}
            for answer, count in zip(("under_3m", *ROWS), planned, strict=True)
            for _ in range(count)
        ]
        for structure, planned in counts.items()
    }
    write_planned_youth(tmp_path / "voix.db", plan, seed=len(name))
    connection = sqlite3.connect(tmp_path / "voix.db")
    groups = export_groups(connection)
    structures = [group.id for group in groups if group.level == "structure"]
    members = {
        group.key: [group.id] if group.level == "structure" else structures for group in groups
    }  # one organisation
    truth = _true_cells(connection)
    sizes = {
        (structure, answer): counts[structure][1 + ROWS.index(answer)]
        for structure in structures
        for answer in ROWS
    }
    table = build_score_table(connection, K)
    packs = every_pack(connection, groups, K)
    connection.close()
    checked = 0
    for family, question in FAMILIES.items():
        reader = LinearReader(itertools.product(structures, ROWS, OPTIONS), SIDE)
        watched = []
        for group in groups:
            scope = members[group.key]
            for row in packs[group.key].breakdowns:
                if row.wave != "T0" or row.question != "time_here" or row.option not in ROWS:
                    continue
                if not row.indicator.startswith(family + "_"):
                    continue
                option = row.indicator.removeprefix(family + "_")
                cell = [(structure, row.option, option) for structure in scope]
                every = [(structure, row.option, each) for structure in scope for each in OPTIONS]
                size = sum(sizes[(structure, row.option)] for structure in scope)  # nobody skips
                if row.n is not None:
                    reader.add(every, row.n, row.n)
                reader.add_figure(cell, row.n, row.value, row.band)
                if row.value is None:
                    watched.append((group.key, cell, size))
            for item in packs[group.key].items:
                if item.wave == "T0" and item.question == question and item.reason is None:
                    for entry in item.distribution:
                        cells = [
                            (structure, answer, entry["option"]) for structure in scope for answer in ROWS
                        ]
                        reader.add_figure(
                            cells, item.figures["answered"], entry["share"], entry["band"], entry["count"]
                        )
                if item.wave == "T0" and item.question == "time_here" and item.reason is None:
                    for entry in item.distribution:
                        if entry["option"] in ROWS and entry["count"] is not None:
                            cells = [
                                (structure, entry["option"], each) for structure in scope for each in OPTIONS
                            ]
                            reader.add(cells, entry["count"], entry["count"])
        for row in table.rows:
            if row.wave != "T0" or not row.indicator.startswith(family + "_"):
                continue
            scope = members[(row.level, row.group_id)]
            option = row.indicator.removeprefix(family + "_")
            cells = [(structure, answer, option) for structure in scope for answer in ROWS]
            reader.add_figure(cells, row.n, row.value, row.band)
            if row.n is not None:
                every = [
                    (structure, answer, each) for structure in scope for answer in ROWS for each in OPTIONS
                ]
                reader.add(every, row.n, row.n)
        for group_key, cell, size in watched:
            true = sum(truth[(*key[:2], family, key[2])] for key in cell)
            if min(true, size - true) >= SIDE or size == 0:
                continue
            low, high = reader.bounds(cell)
            assert low <= true <= high, (name, family, group_key, cell[0][1:], true, low, high)
            assert not narrower_than_band(low, high, size, SIDE), (
                name,
                family,
                group_key,
                cell[0][1:],
                true,
                low,
                high,
            )
            checked += 1
    assert checked > 10


def _true_cells(connection):
    """Every (structure, time here, family, option) count of youth: 0 where none."""
    found: dict = collections.Counter()
    given: dict = {}
    for run, structure, question, value in connection.execute(
        "SELECT runs.id, runs.structure_id, answers.question_id, answers.value FROM runs "
        "JOIN answers ON answers.run_id = runs.id"
    ):
        given.setdefault((run, structure), {})[question] = None if value is None else json.loads(value)
    for (_, structure), answers in given.items():
        for family, question in FAMILIES.items():
            if answers.get(question) is not None:
                found[(structure, answers["time_here"], family, answers[question])] += 1
    return found
