"""The options of a distribution in the score export: no band comes back from every sum at once.

A distribution (how many chose each answer of a context question) is published per group as
one share per option. Bands and subtractions are decided per option on the tree and per group
between its options; a reader chains both (a band caps a count, a parent's count caps its
parts', a group's answers cap its options), so the score export runs the options' last check
(``admin.disclosure.option_bounds``) as the workshop pack does. The attacker of the pack's
options (``tests.admin.test_workshop_options.attack``) reads the export's rows. Version 2's
distributions are asked only after 3 months here, so a withheld option shows neither n nor band.
"""

import pytest

from admin.disclosure import narrower_than_band
from admin.score_table import build_score_table, export_groups
from bench.synthetic_dataset import DatasetShape, fill_database
from referentiel.loading import find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations
from tests.admin.option_attack import MINIMUM_SIDE, attack

MINIMUM_GROUP_SIZE = 5


def export_items(groups, rows, indicators, wave):
    """Each group's cells of one distribution at one wave, shaped as the pack's items."""
    position = {group.key: index for index, group in enumerate(groups)}
    found = {group.key: [None] * len(indicators) for group in groups}
    for row in rows:
        if row.wave == wave and row.indicator in indicators:
            found[(row.level, row.group_id)][indicators.index(row.indicator)] = row
    # Version 2's perceived changes are asked after 3 months here: a withheld option shows no n
    # (it counts those youth), and a group whose options are all withheld shows none at all.
    n = [
        next((row.n for row in cells if row is not None and row.n is not None), None)
        for cells in found.values()
    ]
    items = {}
    for group in groups:
        cells, index = found[group.key], position[group.key]
        items[group.key] = {
            "shown": n[index],
            "suppressed": n[index] is None,
            "answered": n[index],
            "flags": [],
            "distribution": [
                {
                    "option": indicator,
                    "count": None if row.suppressed else round(row.value * row.n / 100),
                    "band": row.band,
                }
                for indicator, row in zip(indicators, cells, strict=True)
            ],
        }
    return items


@pytest.mark.parametrize("seed", [1, 3])
def test_an_attacker_reading_the_score_export_learns_no_withheld_option(tmp_path, seed):
    referentiel = find_referentiel("voix-mecs", 2)
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection)
    fill_database(connection, referentiel, DatasetShape(3, 3, 60, 0.8, seed=seed))
    groups = export_groups(connection)
    rows = build_score_table(connection, MINIMUM_GROUP_SIZE).rows
    connection.close()
    distributions: dict[str, list[str]] = {}
    for indicator in referentiel.indicators:
        if indicator.distribution_of is not None:
            distributions.setdefault(indicator.distribution_of, []).append(indicator.id)
    attacked = banded = 0
    for indicators in distributions.values():
        for wave in ("T0", "T1"):
            items = export_items(groups, rows, indicators, wave)
            banded += sum(
                entry["band"] is not None for item in items.values() for entry in item["distribution"]
            )
            for key, option, low, high, answered in attack(groups, items, indicators, True):
                attacked += 1
                assert not narrower_than_band(low, high, answered, MINIMUM_SIDE), (wave, key, option)
    # No band either: its width would give n back.
    assert attacked > 20 and banded == 0
