"""The n of an indicator asked after some earlier answers, beside what the other exports publish.

Version 2 asks « Ce que tu fais en ce moment t’aide à aller vers ce projet ? » only after « oui » or
« un peu » to « Tu sais ce que tu voudrais faire plus tard ? » (``has_plan``), which no indicator
reads alone. The workshop pack publishes per group how many answered ``has_plan``; the score export's n of
``path_fits_plans`` beside it would count the « pas encore » (and the youth who skipped the later
question). Checked here against the counts read straight from the answers.
"""

import pytest

from admin.context_questions import counting_conditions, earlier_questions
from admin.disclosure import SECONDARY, WaveDecisions
from admin.score_collection import CHANGE, collect_scores
from admin.score_decisions import GroupLayout, TableDecisions
from admin.score_table import build_score_table, export_groups
from bench.synthetic_dataset import DatasetShape, fill_database
from referentiel.loading import find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations

SIDE = 3
# The answered counts of a question per structure and wave, straight from the answers.
# (A run counts for the structure the youth was in when it started, else the youth's.)
ANSWERED_QUERY = (
    "SELECT coalesce(runs.structure_id, youth.structure_id) AS structure, runs.wave, count(*) "
    "FROM answers JOIN runs ON runs.id = answers.run_id JOIN youth ON youth.id = runs.youth_id "
    "WHERE answers.question_id = ? AND answers.value IS NOT NULL GROUP BY structure, runs.wave"
)


@pytest.fixture(scope="module")
def version_two(tmp_path_factory):
    """A version-2 dataset (12 structures, 5 % of answers skipped): its score rows, and a function
    giving a question's answered count in a group at a wave, read straight from the answers."""
    connection = open_sync_connection(tmp_path_factory.mktemp("v2") / "voix.db", create=True)
    apply_migrations(connection)
    fill_database(connection, find_referentiel("voix-mecs", 2), DatasetShape(3, 12, 420, 0.8, seed=5))
    with connection:
        skipped_in_largest_structure(connection)
    rows = build_score_table(connection, 10).rows
    answered = {
        question: {
            (structure, wave): count
            for structure, wave, count in connection.execute(ANSWERED_QUERY, (question,))
        }
        for question in ("has_plan", "path_fits")
    }
    organisation_of = dict(connection.execute("SELECT id, organisation_id FROM structures"))
    connection.close()

    def answered_in(question, row):
        return sum(
            count
            for (structure, wave), count in answered[question].items()
            if wave == row.wave
            and (
                row.level == "sector"
                or (row.level == "structure" and structure == row.group_id)
                or (row.level == "organisation" and organisation_of[structure] == row.group_id)
            )
        )

    return rows, answered_in


def skipped_in_largest_structure(connection):
    """In the structure with most T0 runs, all but one of the youth who said « pas encore » skip
    the question instead, and nobody asked the later question skips it: its n is then the
    answered count of ``has_plan`` less one, and the youth who answered anything at all (the
    other indicators' n) 3 or more above it. The case only that count gives away."""
    (structure,) = connection.execute(
        "SELECT youth.structure_id FROM runs JOIN youth ON youth.id = runs.youth_id WHERE runs.wave = 'T0' "
        "GROUP BY youth.structure_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    runs = (
        "SELECT runs.id FROM runs JOIN youth ON youth.id = runs.youth_id "
        "WHERE runs.wave = 'T0' AND youth.structure_id = ?"
    )
    not_yet = [
        run
        for (run,) in connection.execute(
            "SELECT run_id FROM answers WHERE question_id = 'has_plan' "
            f"AND value = '\"not_yet\"' AND run_id IN ({runs})",
            (structure,),
        )
    ]
    assert len(not_yet) >= 4
    connection.executemany(
        "UPDATE answers SET value = NULL WHERE question_id = 'has_plan' AND run_id = ?",
        [(run,) for run in not_yet[1:]],
    )
    connection.execute(
        "UPDATE answers SET value = '\"yes_totally\"' "
        f"WHERE question_id = 'path_fits' AND value IS NULL AND run_id IN ({runs})",
        (structure,),
    )


def test_version_two_counts_the_youth_who_answered_the_earlier_question():
    referentiel = find_referentiel("voix-mecs", 2)
    # The perceived changes too: asked only after more than 3 months here, their n beside the
    # others' would tell how many youth arrived less than 3 months ago.
    felt = {indicator.id for indicator in referentiel.indicators if indicator.id.startswith("felt_")}
    assert len(felt) == 30
    assert counting_conditions(referentiel) == {"path_fits_plans", *felt}
    assert earlier_questions(referentiel) == ("time_here", "has_plan")


def test_a_published_n_leaves_enough_youth_beside_the_earlier_questions_answered_count(version_two):
    rows, answered_in = version_two
    published = withheld = close = 0
    for row in rows:
        if row.indicator != "path_fits_plans" or row.wave == "change":
            continue
        reference, n = answered_in("has_plan", row), answered_in("path_fits", row)
        if row.n is None:
            withheld += 1
            # One reason for all: « small_group » would tell that its n is under k.
            assert row.suppressed and row.band is None and row.reason == SECONDARY
            # Groups the rule is for: fewer than 3 answered « pas encore » or skipped the question.
            close += 0 < reference - n < SIDE
            continue
        published += 1
        assert row.n == n
        assert min(n, reference - n) >= SIDE, (row, reference)
    assert published > 0 and withheld > 0 and close > 0


def test_a_published_number_of_pairs_leaves_enough_paired_youth_beside_it(version_two):
    rows, _ = version_two
    largest: dict[tuple, int] = {}
    for row in rows:
        if row.wave == "change" and row.indicator != "path_fits_plans" and row.n is not None:
            cell = (row.level, row.group_id)
            largest[cell] = max(largest.get(cell, 0), row.n)
    published = 0
    for row in rows:
        if row.indicator == "path_fits_plans" and row.wave == "change" and row.n is not None:
            published += 1
            assert min(row.n, largest[(row.level, row.group_id)] - row.n) >= SIDE, row
    assert published > 0


def test_pairs_all_but_one_on_the_later_question_are_withheld(tmp_path):
    """The rule on the pairs alone: every cell published before it, one structure's pairs on the
    later question made the others' less one, then its own T0 or T1 n less one (one youth
    whose earlier answer changed between the waves). Its change is withheld, its levels are not."""
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection)
    fill_database(connection, find_referentiel("voix-mecs", 2), DatasetShape(3, 12, 420, 0.8, seed=5))
    collection = collect_scores(connection)
    groups = export_groups(connection)
    connection.close()
    layout = GroupLayout.of(
        [(group.key, group.parent, group.id if group.level == "structure" else None) for group in groups]
    )
    decisions = TableDecisions(layout, collection, 10, SIDE, second_core=False)
    key = ("voix-mecs", 2)
    column = collection.indicator_ids(key).index("path_fits_plans")
    counts = tuple(decisions._counts(wave, key) for wave in ("T0", "T1", CHANGE))
    structure = len(groups) - 1  # the last structure
    paired = max(indicator.n[structure] for index, indicator in enumerate(counts[2]) if index != column)
    levels = min(counts[0][column].n[structure], counts[1][column].n[structure])
    everywhere = [None] * len(groups)
    # The others' pairs less one; then its own levels less one, the others' pairs 3 or more away.
    for pairs in (paired - 1, levels - 1):
        if pairs == levels - 1:
            assert paired - pairs >= SIDE
        counts[2][column].n[structure] = pairs
        found = [WaveDecisions(everywhere, everywhere, everywhere, everywhere) for _ in counts[0]]
        decisions._conditions_counted(key, counts, found)
        assert found[column].change[structure] == found[column].improved[structure] == SECONDARY
        assert found[column].first[structure] is found[column].second[structure] is None
