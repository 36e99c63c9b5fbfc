"""The options of the workshop pack's items across the packs of nested groups (issue 11).

A reader may hold the sector's pack and every organisation's and structure's: an option banded
in one pack must not come back from the exact counts the others publish (the sector's less the
other organisations'), and a group's cells are the same whichever pack is asked for. Checked
by plain subtraction, then by an attacker who solves, by integer programming, for every
withheld cell with everything all the packs publish of a question.
"""

import sqlite3

import pytest

from admin.disclosure import DisclosureTree, narrower_than_band
from admin.score_collection import collect_scores
from admin.score_table import build_score_table, export_groups
from admin.workshop_collection import WorkshopObserver
from admin.workshop_options import group_items, group_layout
from admin.workshop_pack import WorkshopRequest, build_workshop_pack
from referentiel.loading import find_referentiel
from tests.admin.conftest import parts_of
from tests.admin.option_attack import MINIMUM_SIDE, attack


def every_pack(path):
    """Every group's pack of one dataset: {group key: its items as JSON, by (wave, question)}."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    packs = {}
    for group in export_groups(connection):
        request = WorkshopRequest(group.level, group.id, minimum_group_size=10)
        items = build_workshop_pack(connection, request).items
        packs[group.key] = {(item.wave, item.question): item.as_dict() for item in items}
    connection.close()
    return packs


@pytest.fixture(scope="module")
def golden_packs(workshop_template):
    return every_pack(workshop_template)


@pytest.fixture(scope="module")
def three_organisations(three_organisations_template):
    return groups_of(three_organisations_template), every_pack(three_organisations_template)


def groups_of(path):
    """The export's groups of a dataset (read only)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    groups = export_groups(connection)
    connection.close()
    return groups


def published_count(item, option):
    if item["suppressed"]:
        return None
    return next(entry["count"] for entry in item["distribution"] if entry["option"] == option)


def test_the_sector_less_the_other_organisations_gives_back_no_band(three_organisations):
    groups, packs = three_organisations
    children = parts_of(groups)
    banded = 0
    for group in groups:
        if group.parent is None:
            continue
        for (wave, question), item in packs[group.key].items():
            for entry in item["distribution"]:
                if entry["band"] is None:
                    continue  # published, or withheld without a band: it may come back, gives nothing
                # The level above less its other parts would give the banded count back.
                parent = packs[group.parent][(wave, question)]
                above = published_count(parent, entry["option"])
                others = [published_count(packs[sibling][(wave, question)], entry["option"])
                          for sibling in children[group.parent] if sibling != group.key]  # fmt: skip
                banded += 1
                assert above is None or None in others, (group.key, wave, question, entry)
    assert banded > 5


def test_a_group_shows_the_same_cells_whichever_pack_is_asked_for(workshop_template, golden_packs):
    connection = sqlite3.connect(f"file:{workshop_template}?mode=ro", uri=True)
    groups = export_groups(connection)
    observer = WorkshopObserver(None)  # the sector's pass
    collection = collect_scores(connection, observer=observer)
    observer.finish(connection)
    # Where the score export withholds an indicator's n that counts earlier answers, the pack
    # withholds the question it reads: one decision for both (``questions_withheld``).
    export_withheld = build_score_table(connection, 10, collection=collection).questions_withheld
    connection.close()
    tree = DisclosureTree([(group.key, group.parent) for group in groups])
    layout = group_layout(groups)
    compared = withheld = 0
    for (wave, key), counted in observer.answers.items():
        referentiel = find_referentiel(*key)
        for index, group in enumerate(groups):
            by_export = export_withheld.get((wave, key), {})
            reasons, options = group_items(
                tree, layout, counted, referentiel, index, (10, MINIMUM_SIDE), by_export
            )
            for question_id, found in options.items():
                item = golden_packs[group.key][(wave, question_id)]
                assert item["suppressed"] == (reasons[question_id] is not None)
                # Masked, a question asked after some earlier answers keeps their count to itself.
                asked_after = referentiel.question(question_id).condition is not None
                assert item["shown"] == (None if item["suppressed"] and asked_after else found.shown)
                if item["suppressed"] or item["type"] == "short_text":
                    continue
                cells = [entry["count"] for entry in item["distribution"]]
                expected = [None if position in found.withheld else count
                            for position, (_, _, count) in enumerate(found.chosen)]  # fmt: skip
                assert cells == expected, (group.key, wave, question_id)
                compared += 1
                withheld += len(found.withheld)
    assert compared > 100 and withheld > 20


@pytest.mark.parametrize("dataset", ["golden", "three organisations"])
def test_an_attacker_holding_every_pack_learns_no_withheld_option(
    dataset, workshop_template, golden_packs, three_organisations
):
    groups, packs = (
        (groups_of(workshop_template), golden_packs) if dataset == "golden" else three_organisations
    )
    sector = packs[groups[0].key]
    attacked = 0
    for (wave, question), item in sector.items():
        if item["type"] == "short_text":
            continue
        options = [entry["option"] for entry in item["distribution"]] or None
        if options is None:
            continue
        items = {group.key: packs[group.key][(wave, question)] for group in groups}
        for key, option, low, high, answered in attack(
            groups, items, options, item["type"] != "multiple_choice"
        ):
            attacked += 1
            assert not narrower_than_band(low, high, answered, MINIMUM_SIDE), (wave, question, key, option)
    assert attacked > 20


@pytest.mark.parametrize("dataset", ["golden", "three organisations"])
def test_a_question_asked_after_some_answers_gives_none_of_them_back(
    dataset, workshop_template, golden_packs, three_organisations
):
    """« Posée à » of a question asked only after « oui » or « un peu » counts those answers: the
    attacker adds it to everything published of the earlier question, and learns no withheld one."""
    groups, packs = (
        (groups_of(workshop_template), golden_packs) if dataset == "golden" else three_organisations
    )
    sector = packs[groups[0].key]
    referentiels = {item["referentiel_version"] for item in sector.values()}
    attacked = 0
    for label in referentiels:
        identifier, version = label.rsplit("/", 1)
        referentiel = find_referentiel(identifier, int(version))
        for question in referentiel.questions:
            condition = question.condition
            for wave in ("T0", "T1"):
                if condition is None or (wave, condition.question) not in sector:
                    continue
                earlier = {group.key: packs[group.key][(wave, condition.question)] for group in groups}
                later = {group.key: packs[group.key][(wave, question.id)]["shown"] for group in groups}
                options = [entry["option"] for entry in sector[(wave, condition.question)]["distribution"]]
                for key, option, low, high, answered in attack(
                    groups, earlier, options, True, (condition.any_of, later)
                ):
                    attacked += 1
                    assert not narrower_than_band(low, high, answered, MINIMUM_SIDE), (
                        wave,
                        question.id,
                        key,
                        option,
                        low,
                        high,
                        answered,
                    )
    assert attacked > 5
