"""Disclosure across waves: T0, T1 and change cells combined must not reveal fewer than k youth.

Checked by an attacker with exact linear algebra (``linear_attack``) on hand-made and random trees.
"""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from admin.disclosure import SECONDARY, DisclosureTree
from tests.admin.linear_attack import (
    WAVE_NAMES,
    Structure,
    cell_vector,
    masked_cell_is_derivable,
    smallest_revealed_group,
)


def sector_tree(organisations: list[list[Structure]]):
    """Keys and parents, each group's structures (by position), and the structures in order."""
    structures = [structure for parts in organisations for structure in parts]
    keys = [("sector", None)]
    members = [list(range(len(structures)))]
    position = 0
    for number, parts in enumerate(organisations):
        keys.append((f"o{number}", "sector"))
        members.append(list(range(position, position + len(parts))))
        for offset in range(len(parts)):
            keys.append((f"s{position + offset}", f"o{number}"))
            members.append([position + offset])
        position += len(parts)
    return keys, members, structures


def decide(organisations, minimum_group_size, change_alone=False):
    """Published (group, wave) cells as the export decides them (or with the change decided alone)."""
    keys, members, structures = sector_tree(organisations)
    tree = DisclosureTree(keys)
    counts = {
        wave: [sum(structures[s].count(wave) for s in group) for group in members] for wave in WAVE_NAMES
    }
    reasons = {wave: tree.decide(counts[wave], minimum_group_size) for wave in WAVE_NAMES[:2]}
    if change_alone:
        reasons["change"] = tree.decide(counts["change"], minimum_group_size)
    else:
        reasons["change"] = tree.decide_change(
            counts["change"], counts["T0"], counts["T1"], reasons["T0"], reasons["T1"], minimum_group_size
        )
    published = [
        (group, wave)
        for wave in WAVE_NAMES
        for group in range(len(members))
        if reasons[wave][group] is None and counts[wave][group] > 0
    ]
    masked = [
        (group, wave)
        for wave in WAVE_NAMES
        for group in range(len(members))
        if reasons[wave][group] is not None and counts[wave][group] > 0
    ]
    return structures, members, published, masked, reasons


# One organisation: structure s0 has 2 pairs, 10 youth who left before T1 and 8 who came after T0;
# s1 has 20 pairs. Decided wave by wave, T0 and T1 of both structures are published, the change of
# s0 (2) is masked, s1's too (secondary), the organisation's (22) published — and s0's change is
# the organisation's minus (T1 − T0 of s1), since s1 has nobody in one wave only.
LEAKING = [[Structure(10, 8, 2), Structure(0, 0, 20)]]


def test_the_change_decided_alone_lets_a_masked_change_be_recomputed_from_t0_and_t1():
    structures, members, published, masked, _ = decide(LEAKING, 10, change_alone=True)
    rows = [cell_vector(members[group], wave, structures) for group, wave in published]
    structure_zero = next(index for index, group in enumerate(members) if group == [0])
    assert (structure_zero, "change") in masked
    assert masked_cell_is_derivable(structures, members[structure_zero], "change", rows)


def test_the_change_is_masked_where_t0_and_t1_would_give_it_away():
    structures, members, published, _, reasons = decide(LEAKING, 10)
    assert [reason for reason in reasons["change"][:2]] == [SECONDARY, SECONDARY]  # sector, organisation
    assert smallest_revealed_group(structures, members, published, 10) is None


def test_the_t0_sum_of_youth_who_left_is_not_given_away():
    # 12 at T0, 11 of them again at T1: T0 − T1 + change would be the one youth who left.
    structures, members, published, _, reasons = decide([[Structure(1, 0, 11)], [Structure(0, 0, 30)]], 10)
    assert smallest_revealed_group(structures, members, published, 10) is None
    assert reasons["change"][0] == SECONDARY


def test_aligned_waves_keep_the_change_published():
    organisations = [[Structure(0, 0, 12), Structure(10, 0, 15)], [Structure(0, 0, 20)]]
    structures, members, published, _, reasons = decide(organisations, 10)
    assert reasons["change"] == [None] * len(members)
    assert smallest_revealed_group(structures, members, published, 10) is None


youth = st.integers(min_value=0, max_value=9)
structure = st.builds(Structure, youth, youth, st.integers(min_value=0, max_value=14))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(structure, min_size=1, max_size=3), min_size=1, max_size=2),
    st.integers(min_value=5, max_value=6),
)
def test_no_combination_of_published_cells_reveals_fewer_than_k_youth(organisations, minimum_group_size):
    structures, members, published, masked, _ = decide(organisations, minimum_group_size)
    assert smallest_revealed_group(structures, members, published, minimum_group_size) is None
    rows = [cell_vector(members[group], wave, structures) for group, wave in published]
    for group, wave in masked:
        if sum(structures[s].count(wave) for s in members[group]) < minimum_group_size:
            assert not masked_cell_is_derivable(structures, members[group], wave, rows)


def test_the_change_is_masked_alike_whatever_waves_the_export_asks_for(admin, dataset):
    def change_rows(*options):
        rows = json.loads(admin("export", "scores", "--format", "json", *options).out)["rows"]
        return [row for row in rows if row["wave"] == "change"]

    assert change_rows("--wave", "change") == change_rows("--wave", "all")
    assert change_rows("--wave", "change", "--organisation", "1") == [
        row for row in change_rows("--wave", "all") if row["organisation"] in (None, "Organisation 001")
    ]
