"""A few structures of version-2 youth at T0 whose answers to chosen questions are planned: the
reviewers' cases, where a count of some answers must not come back from the published figures."""

import json
import random

from admin.disclosure import DisclosureTree
from admin.score_collection import collect_scores
from admin.score_table import ScoreTable, build_score_table, export_groups
from admin.workshop_answer_counts import AnswerCounts
from admin.workshop_collection import WorkshopObserver
from admin.workshop_options import group_items, group_layout
from admin.workshop_pack import WorkshopPack, WorkshopRequest, build_workshop_pack
from referentiel.answers import is_question_shown
from referentiel.loading import find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations

VERSION_TWO = find_referentiel("voix-mecs", 2)
KEY = ("voix-mecs", 2)
CREATED = "2026-01-05T09:00:00+00:00"


def planned_answers(
    planned: dict[str, str | None], generator: random.Random
) -> tuple[list[tuple[str, str]], bool]:
    """One youth's answers in the questionnaire's order: the planned ones as given, the others drawn;
    stopping, still answering, before a shown question planned as None. And whether it stopped."""
    given: dict = {}
    found = []
    for question in VERSION_TWO.questions:
        if not is_question_shown(question, given):
            continue
        if question.id in planned:
            value = planned[question.id]
            if value is None:
                return found, True
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
    return found, False


def write_planned_youth(
    path, plan: dict[int, list[dict[str, str | None]]], seed: int, organisations: dict[int, int] | None = None
) -> None:
    """A structure per key of ``plan``, of organisation 1 unless ``organisations`` (structure →
    organisation) says otherwise, a youth per planned answers; a youth stopping before the end is
    still answering (``in_progress``), the others completed."""
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    generator = random.Random(seed)
    youth_id = 0
    owners = {structure: (organisations or {}).get(structure, 1) for structure in plan}
    with connection:
        for organisation in sorted(set(owners.values())):
            connection.execute(
                "INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)",
                (organisation, f"O{organisation}", CREATED),
            )
        for structure, youth in plan.items():
            connection.execute(
                "INSERT INTO structures (id, organisation_id, name, kind, created_at) "
                "VALUES (?, ?, ?, 'MECS', ?)",
                (structure, owners[structure], f"s{structure}", CREATED),
            )
            for planned in youth:
                youth_id += 1
                connection.execute(
                    "INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at) "
                    "VALUES (?, ?, ?, ?, 'active', ?)",
                    (youth_id, f"{youth_id:032x}", f"Y{youth_id:06d}", structure, CREATED),
                )
                answers, stopped = planned_answers(planned, generator)
                status = "in_progress" if stopped else "completed"
                connection.execute(
                    "INSERT INTO runs (id, youth_id, wave, referentiel_id, referentiel_version, status, "
                    "started_at, updated_at, structure_id) VALUES (?, ?, 'T0', 'voix-mecs', '2', ?, ?, ?, ?)",
                    (youth_id, youth_id, status, CREATED, CREATED, structure),
                )
                connection.executemany(
                    "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
                    "answered_at) VALUES (?, ?, 'voix-mecs', '2', ?, ?)",
                    [(youth_id, question, value, CREATED) for question, value in answers],
                )
    connection.close()


def both_products(path, k: int, side: int) -> tuple[ScoreTable, list, list[tuple[dict, dict]]]:
    """What a reader holds of the T0 answers: the score export's table, the groups, and per group
    the workshop pack's questions (their reasons and figures, as ``group_items`` decides them)."""
    connection = open_sync_connection(path)
    groups = export_groups(connection)
    observer = WorkshopObserver(None)
    collection = collect_scores(connection, observer=observer)
    observer.finish(connection)
    table = build_score_table(connection, k, collection=collection)
    connection.close()
    tree = DisclosureTree([(group.key, group.parent) for group in groups])
    layout = group_layout(groups)
    counted = observer.answers.get(("T0", KEY), AnswerCounts())
    withheld = table.questions_withheld.get(("T0", KEY), {})
    items = [
        group_items(tree, layout, counted, VERSION_TWO, here, (k, side), withheld)
        for here in range(len(groups))
    ]
    return table, groups, items


def every_pack(connection, groups: list, k: int) -> dict[tuple, WorkshopPack]:
    """Every group's workshop pack (sector, organisations, structures): what a reader holding them
    all has."""
    return {
        group.key: build_workshop_pack(
            connection, WorkshopRequest(group.level, group.id, minimum_group_size=k)
        )
        for group in groups
    }
