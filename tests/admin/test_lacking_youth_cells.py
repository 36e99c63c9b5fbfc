"""The breakdowns' n give back no withheld count of an answer through the youth lacking an indicator.

A cell's n counts the youth of one answer to a context question who have the indicator; the
questions' part counts every youth of that answer. Where both are published, their difference
is how many youth of that answer lack the indicator (they stopped or skipped its question). A
reader who knows who stopped in each structure (an educator knows who left the questionnaire
half-way) places them: a fourth reviewer (2026-11-30) had an organisation's 22 « De 3 mois à
1 an » beside its cell's n of 21, the one youth lacking the indicator in one structure, whose
banded count of that answer (« < 3 ») became « 1 or 2 ».

Here a reader holds every pack (sector, organisations, structures), knows how many youth of each
structure lack the indicator, and solves for every structure's counts exactly (integer
programming): no withheld count of an answer with fewer than 3 youth on one side may be bounded
more tightly than its band. Of a hundred random plans (seeds 130 to 229), ten gave a count back
before the breakdowns followed the youth lacking the indicator (``admin.lacking_cells``); six of
them are here, by age band and by time here, in one organisation or two. ``VOIX_ATTACK_PLANS=100``
runs the hundred (about two minutes).
"""

import itertools
import os
import random
import sqlite3

import pytest

from admin.disclosure import narrower_than_band
from admin.score_table import export_groups
from tests.admin.linear_reader import LinearReader
from tests.admin.planned_youth import VERSION_TWO, every_pack, write_planned_youth

K, SIDE = 10, 3
# Read from questions after the context questions: a youth who stops on the first lacks them all.
INDICATORS = ("feel_safe", "knows_who_to_tell", "opinion_counted")
STOPS_ON = "safe_home"
# Six of the ten plans that gave a count back before, or as many plans as asked, from seed 130.
LEAKED_BEFORE = (135, 160, 167, 191, 210, 223)
SEEDS = tuple(range(130, 130 + int(os.environ.get("VOIX_ATTACK_PLANS", "0")))) or LEAKED_BEFORE


def planned(seed: int):
    """A plan drawn from ``seed``: the context question, three structures (in two organisations
    three times in ten), and per structure and answer (youth who completed, youth who stopped on
    the first indicator's question), some answers often small."""
    generator = random.Random(seed)
    question = generator.choice(["time_here", "age_band"])
    answers = [option.id for option in VERSION_TWO.question(question).options]
    plan = {
        structure: [
            (generator.choice([0, 1, 2, 8, 10, 14]), generator.choice([0, 0, 0, 1, 2])) for _ in answers
        ]
        for structure in (1, 2, 3)
    }
    organisations = {1: 1, 2: 1, 3: 2} if generator.random() < 0.3 else None
    return question, answers, plan, organisations


@pytest.mark.parametrize("seed", SEEDS)
def test_no_withheld_count_of_an_answer_comes_back_through_youth_lacking_an_indicator(tmp_path, seed):
    question, answers, plan, organisations = planned(seed)
    youth = {
        structure: [
            {question: answer, **({STOPS_ON: None} if stopped else {})}
            for answer, (completed, stopping) in zip(answers, counts, strict=True)
            for stopped in [False] * completed + [True] * stopping
        ]
        for structure, counts in plan.items()
    }
    write_planned_youth(tmp_path / "voix.db", youth, seed=seed, organisations=organisations)
    connection = sqlite3.connect(tmp_path / "voix.db")
    groups = export_groups(connection)
    structures = [group.id for group in groups if group.level == "structure"]
    owner = {structure: (organisations or {}).get(structure, 1) for structure in structures}
    members = {
        group.key: [group.id]
        if group.level == "structure"
        else [
            structure for structure in structures if group.level == "sector" or owner[structure] == group.id
        ]
        for group in groups
    }
    packs = every_pack(connection, groups, K)
    connection.close()
    checked = 0
    for indicator in INDICATORS:
        # Per structure and answer: youth with the indicator and without it.
        reader = LinearReader(itertools.product(structures, answers, ("with", "lacking")), SIDE)
        for structure in structures:
            lacking = sum(stopping for _, stopping in plan[structure])
            reader.add([(structure, answer, "lacking") for answer in answers], lacking, lacking)
        watched = []
        for group in groups:
            scope = members[group.key]
            for row in packs[group.key].breakdowns:
                if (row.wave, row.question, row.indicator) == (
                    "T0",
                    question,
                    indicator,
                ) and row.n is not None:
                    reader.add([(structure, row.option, "with") for structure in scope], row.n, row.n)
            for item in packs[group.key].items:
                if (item.wave, item.question) != ("T0", question) or item.reason is not None:
                    continue
                answered = item.figures["answered"]
                reader.add(itertools.product(scope, answers, ("with", "lacking")), answered, answered)
                for entry in item.distribution:
                    cells = list(itertools.product(scope, [entry["option"]], ("with", "lacking")))
                    reader.add_figure(cells, answered, entry["share"], entry["band"], entry["count"])
                    if entry["count"] is None:
                        true = sum(
                            sum(plan[structure][answers.index(entry["option"])]) for structure in scope
                        )
                        watched.append((group.key, entry["option"], cells, true, answered))
        for group_key, answer, cells, true, answered in watched:
            if min(true, answered - true) >= SIDE:
                continue
            low, high = reader.bounds(cells)
            found = (seed, indicator, group_key, answer, true, low, high)
            assert low <= true <= high, found
            assert not narrower_than_band(low, high, answered, SIDE), found
            checked += 1
    assert checked >= 1 or seed not in LEAKED_BEFORE  # a drawn plan may withhold nothing small
