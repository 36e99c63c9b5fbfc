"""The workshop pack's breakdowns across the packs of nested groups (issue 11).

A reader may hold the sector's pack and every organisation's and structure's, and every
breakdown cell publishes its n: a cell masked or banded in one pack must not come back from the
cells the others publish (the sector's n × mean or yes count less the other organisations'), and
a group's cells are the same whichever pack is asked for. Checked by plain subtraction, then by
exact linear algebra over each structure's cells with every cell every pack publishes.
"""

import sqlite3

import numpy
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from admin.context_questions import asked_after_answers, breakdown_questions, not_broken_down_by
from admin.disclosure import DisclosureTree, narrower_than_band
from admin.pack_breakdowns import group_breakdowns
from admin.score_collection import collect_scores
from admin.score_table import build_score_table, export_groups
from admin.workshop_breakdown_bounds import TreeSums
from admin.workshop_breakdowns import BreakdownRules, tree_cells
from admin.workshop_collection import WorkshopObserver
from admin.workshop_options import context_answers, group_layout
from admin.workshop_pack import WorkshopRequest, build_workshop_pack
from bench.synthetic_dataset import DatasetShape
from referentiel.loading import find_referentiel
from tests.admin.conftest import filled_template, parts_of
from tests.admin.planned_youth import write_planned_youth

K = 10
MINIMUM_SIDE = 3


def every_pack(path):
    """Every group's breakdowns: {group key: {(version, wave, indicator, question, option): row}}."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    packs = {}
    for group in export_groups(connection):
        request = WorkshopRequest(group.level, group.id, minimum_group_size=K)
        rows = build_workshop_pack(connection, request).breakdowns
        packs[group.key] = {
            (row.referentiel_version, row.wave, row.indicator, row.question, row.option): row.as_dict()
            for row in rows
        }
    connection.close()
    return packs


def sector_pass(path):
    """The groups, the sector's pass (every structure's cells) and the score export's decisions on
    every indicator's value, which the pack's cells follow."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    groups = export_groups(connection)
    observer = WorkshopObserver(None)
    collection = collect_scores(connection, observer=observer)
    observer.finish(connection)
    table = build_score_table(connection, K, waves=("change",), collection=collection)
    connection.close()
    return groups, observer, table.levels_withheld


@pytest.fixture(scope="module", params=["golden", "three organisations"])
def dataset(request, workshop_template, three_organisations_template):
    path = workshop_template if request.param == "golden" else three_organisations_template
    groups, observer, levels = sector_pass(path)
    return groups, observer, every_pack(path), levels


def true_sizes(groups, observer):
    """Every cell's n, withheld or not: {(group key, (version, wave, indicator, question, option)): n}."""
    layout = group_layout(groups)
    found = {}
    for (wave, key), cells in observer.cells.items():
        referentiel = find_referentiel(*key)
        label = f"{key[0]}/{key[1]}"
        questions = breakdown_questions(referentiel)
        for question, counts in zip(questions, tree_cells(referentiel, layout, cells), strict=True):
            for column, indicator in enumerate(referentiel.indicators):
                for row, option in enumerate(question.options):
                    for index, group in enumerate(groups):
                        cell = (label, wave, indicator.id, question.id, option.id)
                        found[(group.key, cell)] = int(counts.n[column, row, index])
    return found


def test_the_sector_less_the_organisations_gives_back_no_small_or_banded_cell(dataset):
    groups, observer, packs, _ = dataset
    children = parts_of(groups)
    sizes = true_sizes(groups, observer)
    withheld = 0
    for group in groups:
        if group.parent is None:
            continue
        for key, row in packs[group.key].items():
            if row["suppressed"] and row["band"] is None:
                assert row["n"] is None  # a withheld cell's n would count youth of one answer
            n = sizes[(group.key, key)]
            if not row["suppressed"] or n == 0 or (n >= K and row["band"] is None):
                continue  # a mask of k youth or more may come back where what it hides stays hidden
            withheld += 1
            # The level above less its other parts would give the cell's n × mean (or yes) back.
            above = packs[group.parent][key]["value"]
            others = [
                packs[sibling][key]["value"] for sibling in children[group.parent] if sibling != group.key
            ]
            assert above is None or None in others, (group.key, key, row)
    assert withheld > 10


def test_a_group_shows_the_same_cells_whichever_pack_is_asked_for(dataset):
    groups, observer, packs, levels = dataset
    layout = group_layout(groups)
    tree = DisclosureTree([(group.key, group.parent) for group in groups])
    rules = BreakdownRules(tree, layout, TreeSums(layout.parts), K, MINIMUM_SIDE)
    compared = withheld = 0
    for (wave, key), cells in observer.cells.items():
        referentiel = find_referentiel(*key)
        label = f"{key[0]}/{key[1]}"
        questions = breakdown_questions(referentiel)
        counts = tree_cells(referentiel, layout, cells)
        # The answers whose count the questions' part withholds, as the pack passes them.
        context = context_answers(tree, layout, observer.answers[(wave, key)], referentiel, (K, MINIMUM_SIDE))
        for index, group in enumerate(groups):
            decided = group_breakdowns(rules, referentiel, counts, index, context, levels[(wave, key)])
            for (position, column), reasons in decided.items():
                question = questions[position]
                indicator = referentiel.indicators[column]
                for option, reason in zip(question.options, reasons, strict=True):
                    row = packs[group.key].get((label, wave, indicator.id, question.id, option.id))
                    if row is None:  # no run of this wave and version in the group's scope
                        assert group.level != "sector"
                        continue
                    if indicator.id in not_broken_down_by(referentiel, question.id):  # n counts other answers
                        assert (row["reason"], row["n"], row["value"]) == ("secondary", None, None)
                        continue
                    asked = asked_after_answers(referentiel, indicator, question.id)
                    if asked is not None and option.id not in asked:  # nobody asked: no cell
                        assert (row["reason"], row["n"], reason) == ("not_asked", None, "small_group")
                        continue
                    assert row["reason"] == reason, (group.key, wave, indicator.id, option.id)
                    compared += 1
                    withheld += reason is not None
    assert compared > 200 and withheld > 20


def in_span(published, vector):
    """Whether ``vector`` is a combination of the rows of ``published`` (exact linear algebra)."""
    if not published:
        return False
    matrix = numpy.array(published, dtype=float)
    rank = numpy.linalg.matrix_rank(matrix)
    return numpy.linalg.matrix_rank(numpy.vstack([matrix, vector])) == rank


def every_breakdown(groups, observer):
    """Per (wave, version, question): its cells per group, and ``vector(group, rows)``: which of
    the unknowns (per structure, a cell per answer then its runs with no listed answer) add up to
    a group's cells of those rows."""
    layout = group_layout(groups)
    structures = [index for index, _ in layout.structures]
    under = {index: [] for index in range(len(groups))}
    for position, index in enumerate(structures):
        ancestor = index
        while ancestor is not None:
            under[ancestor].append(position)
            parent = groups[ancestor].parent
            ancestor = next((found for found, group in enumerate(groups) if group.key == parent), None)
    for (wave, key), cells in observer.cells.items():
        referentiel = find_referentiel(*key)
        for question, counts in zip(
            breakdown_questions(referentiel), tree_cells(referentiel, layout, cells), strict=True
        ):
            width = len(question.options) + 1

            def vector(group, rows, width=width):
                found = numpy.zeros(width * len(structures))
                for structure in under[group]:
                    for row in rows:
                        found[structure * width + row] = 1
                return found

            yield wave, f"{key[0]}/{key[1]}", referentiel, question, counts, vector


def every_indicator(groups, observer):
    """Per (wave, version, question) and indicator: its cells' ``n`` and ``yes`` per row (the
    question's options, then the runs with none of them) and group, and ``vector`` as above."""
    for wave, label, referentiel, question, counts, vector in every_breakdown(groups, observer):
        for column, indicator in enumerate(referentiel.indicators):
            yield wave, label, question, indicator, counts.n[column], counts.yes[column], vector


def test_an_attacker_holding_every_pack_recovers_no_withheld_cell(dataset):
    """Unknowns per structure: each answer's cell (n × mean, or a share's yes) and its runs that
    gave no listed answer. Known: every cell every pack publishes, and every group's own value
    wherever its n reaches k. No withheld cell of fewer than k youth, nor a banded one, is a
    combination of them."""
    groups, observer, packs, _ = dataset
    tree = DisclosureTree([(group.key, group.parent) for group in groups])
    attacked = 0
    for wave, label, question, indicator, n, _, vector in every_indicator(groups, observer):
        width = n.shape[0]
        totals = n.sum(axis=0)
        published = [vector(group, range(width)) for group, reason
                     in enumerate(tree.decide(totals.tolist(), K)) if reason is None]  # fmt: skip
        watched = []
        for group, found in enumerate(groups):
            for row, option in enumerate(question.options):
                cell = packs[found.key].get((label, wave, indicator.id, question.id, option.id))
                if cell is None:
                    continue
                if cell["value"] is not None:
                    published.append(vector(group, [row]))
                elif cell["band"] is not None or 0 < n[row, group] < K:
                    watched.append((found.key, option.id, vector(group, [row])))
        for group, found in enumerate(groups):
            if 0 < n[-1, group] < K:  # the runs that gave none of the listed answers
                watched.append((found.key, "other", vector(group, [width - 1])))
            # A group's youth outside its published cells, together.
            hidden = [row for row, option in enumerate(question.options)
                      if packs[found.key].get((label, wave, indicator.id, question.id, option.id),
                                              {"value": None})["value"] is None]  # fmt: skip
            hidden.append(width - 1)
            if 0 < sum(n[row, group] for row in hidden) < K:
                watched.append((found.key, "outside published cells", vector(group, hidden)))
        for group_key, option, cell in watched:
            attacked += 1
            assert not in_span(published, cell), (wave, indicator.id, question.id, group_key, option)
    assert attacked > 20


def test_an_attacker_holding_every_pack_bounds_no_withheld_share_more_tightly_than_a_band(dataset):
    """Integer programming over each structure's yes count per answer (and its runs that gave no
    listed answer), with every share cell every pack publishes (its yes: value × n), every band,
    and each group's own yes wherever its value is published: no banded cell, nor a withheld cell
    of a group whose value is published, is bounded more tightly than a band."""
    groups, observer, packs, _ = dataset
    tree = DisclosureTree([(group.key, group.parent) for group in groups])
    attacked = 0
    structures = [index for index, _ in group_layout(groups).structures]
    for wave, label, question, indicator, n, yes, vector in every_indicator(groups, observer):
        width = n.shape[0]
        if indicator.unit != "percent":
            continue
        totals, total_yes = n.sum(axis=0), yes.sum(axis=0)
        total_reasons = tree.decide(totals.tolist(), K)
        total_reasons = tree.decide_sides(totals.tolist(), total_yes.tolist(), total_reasons, MINIMUM_SIDE)
        rows, lows, highs, watched = [], [], [], []
        for group, found in enumerate(groups):
            if total_reasons[group] is None:
                rows.append(vector(group, range(width)))
                lows.append(total_yes[group])
                highs.append(total_yes[group])
            for row, option in enumerate(question.options):
                cell = packs[found.key].get((label, wave, indicator.id, question.id, option.id))
                if cell is None or n[row, group] == 0:
                    continue
                if cell["value"] is not None:
                    rows.append(vector(group, [row]))
                    exact = round(cell["value"] * cell["n"] / 100)
                    lows.append(exact)
                    highs.append(exact)
                elif cell["band"] is not None:
                    rows.append(vector(group, [row]))
                    few = cell["band"].startswith("<")
                    lows.append(0 if few else n[row, group] - MINIMUM_SIDE + 1)
                    highs.append(MINIMUM_SIDE - 1 if few else n[row, group])
                    watched.append((found.key, option.id, row, group))
                elif total_reasons[group] is None:
                    watched.append((found.key, option.id, row, group))
        upper = numpy.array([n[row, index] for index in structures for row in range(width)], dtype=float)
        constraints = LinearConstraint(numpy.array(rows), lows, highs) if rows else []
        for group_key, option, row, group in watched:
            bounds = []
            for sign in (1, -1):
                target = sign * vector(group, [row])
                result = milp(target, constraints=constraints, integrality=1, bounds=Bounds(0, upper))
                assert result.success, result.message
                bounds.append(round(sign * result.fun))
            attacked += 1
            assert not narrower_than_band(bounds[0], bounds[1], int(n[row, group]), MINIMUM_SIDE), (
                wave, indicator.id, question.id, group_key, option, bounds, int(n[row, group])
            )  # fmt: skip
    assert attacked > 20


def test_a_cell_shows_its_n_only_where_the_questions_show_its_answers_count(tmp_path):
    # A participant's trial (2026-11-30): « 13 ou 14 ans » masked and « 17 ans ou plus » banded
    # in a structure's questions, its breakdown cells said n = 1 and n = 0. Small structures,
    # version 2 (age band and time here): in every pack, a cell with an n is of an answer whose
    # count the same pack publishes exactly.
    path = filled_template(tmp_path, find_referentiel("voix-mecs", 2), DatasetShape(2, 8, 180, 0.8, seed=17))
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    checked = withheld = 0
    for group in export_groups(connection):
        pack = build_workshop_pack(connection, WorkshopRequest(group.level, group.id, minimum_group_size=K))
        counts = {
            (item.referentiel_version, item.wave, item.question, entry["option"]): entry["count"]
            for item in pack.items
            for entry in item.distribution
        }
        for row in pack.breakdowns:
            exact = counts.get((row.referentiel_version, row.wave, row.question, row.option))
            if row.n is not None:
                assert exact is not None, (group.key, row)
                checked += 1
            withheld += exact is None
    connection.close()
    assert checked > 100 and withheld > 50


def test_a_distributions_exact_options_in_a_cell_give_back_no_withheld_one(tmp_path):
    """A reviewer's cell (2026-11-30): felt_esteem among the 35 youth here 3 months to 1 year,
    four options exact (4 + 11 + 8 + 11) and « un peu moins bien » banded: 35 − 34 = 1. The
    options of a distribution are now decided together in each cell, on the tree too."""
    plan = {
        structure: [
            {"time_here": answer}
            for answer, count in zip(("under_3m", "3_to_12m", "over_1y"), counts, strict=True)
            for _ in range(count)
        ]
        for structure, counts in {1: (5, 15, 14), 2: (10, 10, 10), 3: (10, 10, 10)}.items()
    }
    write_planned_youth(tmp_path / "voix.db", plan, seed=1)
    referentiel = find_referentiel("voix-mecs", 2)
    options: dict[str, list[str]] = {}
    for indicator in referentiel.indicators:
        if indicator.distribution_of is not None:
            options.setdefault(indicator.distribution_of, []).append(indicator.id)
    cells = withheld = 0
    for group_key, rows in every_pack(tmp_path / "voix.db").items():
        for (version, wave, _, question, option), row in rows.items():
            for parts in options.values():
                if row["indicator"] != parts[0]:
                    continue
                found = [rows[(version, wave, part, question, option)] for part in parts]
                published = [cell for cell in found if cell["value"] is not None]
                if not published or len(published) == len(found):
                    continue
                cells += 1
                withheld += len(found) - len(published)
                n = published[0]["n"]
                rest = n - sum(round(cell["value"] * n / 100) for cell in published)
                # The withheld options together: at least 3 youth on each side (none would pin each at 0).
                assert min(rest, n - rest) >= MINIMUM_SIDE, (
                    group_key,
                    row["indicator"],
                    option,
                    rest,
                )
    assert cells > 0 and withheld > cells
