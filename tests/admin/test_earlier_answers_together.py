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
import json
import random

from admin.disclosure import DisclosureTree
from admin.score_collection import collect_scores
from admin.score_table import build_score_table, export_groups
from admin.workshop_answer_counts import AnswerCounts
from admin.workshop_collection import WorkshopObserver
from admin.workshop_options import group_items, group_layout
from referentiel.answers import is_question_shown
from referentiel.loading import find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations

VERSION_TWO = find_referentiel("voix-mecs", 2)
KEY = ("voix-mecs", 2)
CREATED = "2026-01-05T09:00:00+00:00"
K, SIDE = 10, 3
# Per structure: « oui », « un peu », « pas encore », and youth still answering before has_plan.
PLAN = {1: (8, 8, 9, 15), 2: (10, 10, 10, 0), 3: (6, 6, 0, 0)}


def answers_of(
    has_plan: str | None, path_fits: str | None, generator: random.Random
) -> list[tuple[str, str]]:
    """One youth's T0 answers in the questionnaire's order (stopping before has_plan if it is None)."""
    given: dict = {}
    found = []
    for question in VERSION_TWO.questions:
        if question.id == "has_plan" and has_plan is None:
            break
        if not is_question_shown(question, given):
            continue
        if question.id in ("has_plan", "path_fits"):
            value = has_plan if question.id == "has_plan" else path_fits
        elif question.type == "multiple_choice":
            value = [question.options[0].id]
        elif question.type == "number":
            value = question.minimum or 0
        elif question.type == "short_text":
            value = "texte"
        else:
            value = generator.choice(question.option_ids)
        given[question.id] = tuple(value) if isinstance(value, list) else value
        found.append((question.id, json.dumps(value)))
    return found


def write_case(path) -> None:
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    generator = random.Random(3)
    youth_id = 0
    with connection:
        connection.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'O', ?)", (CREATED,))
        for structure, (yes, a_bit, not_yet, answering) in PLAN.items():
            connection.execute(
                "INSERT INTO structures (id, organisation_id, name, kind, created_at) "
                "VALUES (?, 1, ?, 'MECS', ?)",
                (structure, f"s{structure}", CREATED),
            )
            planned = ["yes"] * yes + ["a_bit"] * a_bit
            youth = [
                (plan, "yes_totally" if index % 2 else "not_at_all") for index, plan in enumerate(planned)
            ]
            youth += [("not_yet", None)] * not_yet + [(None, None)] * answering
            for has_plan, path_fits in youth:
                youth_id += 1
                connection.execute(
                    "INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at) "
                    "VALUES (?, ?, ?, ?, 'active', ?)",
                    (youth_id, f"{youth_id:032x}", f"Y{youth_id:06d}", structure, CREATED),
                )
                status = "in_progress" if has_plan is None else "completed"
                connection.execute(
                    "INSERT INTO runs (id, youth_id, wave, referentiel_id, referentiel_version, status, "
                    "started_at, updated_at, structure_id) VALUES (?, ?, 'T0', 'voix-mecs', '2', ?, ?, ?, ?)",
                    (youth_id, youth_id, status, CREATED, CREATED, structure),
                )
                connection.executemany(
                    "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
                    "answered_at) VALUES (?, ?, 'voix-mecs', '2', ?, ?)",
                    [
                        (youth_id, question, value, CREATED)
                        for question, value in answers_of(has_plan, path_fits, generator)
                    ],
                )
    connection.close()


def test_the_two_products_held_together_pin_no_count_of_earlier_answers(tmp_path):
    write_case(tmp_path / "voix.db")
    connection = open_sync_connection(tmp_path / "voix.db")
    groups = export_groups(connection)
    observer = WorkshopObserver(None)
    collection = collect_scores(connection, observer=observer)
    observer.finish(connection)
    table = build_score_table(connection, K, collection=collection)
    connection.close()
    tree = DisclosureTree([(group.key, group.parent) for group in groups])
    layout = group_layout(groups)
    counted = observer.answers.get(("T0", KEY), AnswerCounts())
    withheld = table.questions_withheld.get(("T0", KEY), {})
    # What a reader holds: each group's n of path_fits_plans where either product gives it, and
    # what the pack's has_plan tells of it: at most « oui » + « un peu » where both are exact, at
    # most its answered count where that is published.
    exact: dict[tuple, int] = {}
    most: dict[tuple, int] = {}
    answered: dict[tuple, int] = {}
    for row in table.rows:
        if row.indicator == "path_fits_plans" and row.wave == "T0" and row.n is not None:
            exact[(row.level, row.group_id)] = row.n
    for here, group in enumerate(groups):
        reasons, options = group_items(tree, layout, counted, VERSION_TWO, here, (K, SIDE), withheld)
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
