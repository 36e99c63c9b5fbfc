"""The disclosure rule on its own: primary suppression at k, secondary suppression by residuals."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin.disclosure import SECONDARY, SMALL_GROUP, DisclosureTree, GroupCount, suppress
from admin.errors import UsageError


def tree(organisations: dict[str, dict[str, int]]) -> list[GroupCount]:
    """Sector → organisations → structures, with each parent's n the sum of its children's."""
    groups = [GroupCount("sector", None, sum(sum(parts.values()) for parts in organisations.values()))]
    for organisation, structures in organisations.items():
        groups.append(GroupCount(organisation, "sector", sum(structures.values())))
        groups.extend(GroupCount(structure, organisation, n) for structure, n in structures.items())
    return groups


def masked(reasons):
    return {key: reason for key, reason in reasons.items() if reason is not None}


@pytest.mark.parametrize(("n", "expected"), [(9, SMALL_GROUP), (10, None)])
def test_a_group_is_masked_below_k_and_published_at_k(n, expected):
    assert suppress([GroupCount("alone", None, n)], 10) == {"alone": expected}


@pytest.mark.parametrize(("n", "k", "expected"), [(4, 5, SMALL_GROUP), (5, 5, None), (11, 12, SMALL_GROUP)])
def test_k_is_configurable(n, k, expected):
    assert suppress([GroupCount("alone", None, n)], k) == {"alone": expected}


def test_k_below_five_is_refused():
    with pytest.raises(UsageError, match="--min-group 4 is below the floor of 5"):
        suppress([GroupCount("alone", None, 50)], 4)


def test_one_masked_structure_makes_the_smallest_sibling_masked_too():
    reasons = suppress(tree({"org": {"a": 3, "b": 12, "c": 20}}), 10)
    assert masked(reasons) == {"a": SMALL_GROUP, "b": SECONDARY}


def test_two_small_structures_that_together_reach_k_protect_each_other():
    reasons = suppress(tree({"org": {"a": 4, "b": 6, "c": 20}}), 10)
    assert masked(reasons) == {"a": SMALL_GROUP, "b": SMALL_GROUP}


def test_two_small_structures_below_k_together_need_a_third():
    reasons = suppress(tree({"org": {"a": 2, "b": 3, "c": 15, "d": 11}}), 10)
    assert masked(reasons) == {"a": SMALL_GROUP, "b": SMALL_GROUP, "d": SECONDARY}


def test_when_only_one_sibling_is_left_the_residual_must_still_reach_k():
    # org = a + b; a masked → b would reveal a; masking b leaves org (n = 13) published alone.
    reasons = suppress(tree({"org": {"a": 3, "b": 10}, "other": {"c": 40}}), 10)
    assert masked(reasons) == {"a": SMALL_GROUP, "b": SECONDARY}


def test_a_masked_organisation_is_protected_at_sector_level():
    reasons = suppress(tree({"small": {"a": 4}, "mid": {"b": 12}, "big": {"c": 30, "d": 25}}), 10)
    # "small" is masked; the sector minus "mid" and "big" would reveal it: "mid" is masked too,
    # and its only structure "b" as well, otherwise "mid" could be read from "b".
    assert masked(reasons) == {"small": SMALL_GROUP, "a": SMALL_GROUP, "mid": SECONDARY, "b": SECONDARY}


def test_nothing_masked_means_nothing_added():
    assert masked(suppress(tree({"o1": {"a": 10, "b": 11}, "o2": {"c": 12}}), 10)) == {}


def residuals_are_safe(groups: list[GroupCount], reasons, k: int) -> bool:
    """Every published group minus its published parts is empty or has ≥ k youth."""
    by_key = {group.key: group for group in groups}
    for group in groups:
        if reasons[group.key] is not None:
            continue
        covered = 0
        pending = [other for other in groups if other.parent == group.key]
        while pending:
            part = pending.pop()
            if reasons[part.key] is None:
                covered += part.n
            else:
                pending.extend(other for other in groups if other.parent == part.key)
        residual = by_key[group.key].n - covered
        if 0 < residual < k:
            return False
    return True


sizes = st.integers(min_value=0, max_value=30)


@given(
    st.dictionaries(
        st.sampled_from([f"o{number}" for number in range(5)]),
        st.lists(sizes, min_size=1, max_size=5),
        min_size=1,
    ),
    st.integers(min_value=5, max_value=12),
)
def test_no_published_combination_reveals_fewer_than_k_youth(organisations, k):
    counter = itertools.count()
    groups = tree(
        {
            organisation: {f"{organisation}-s{next(counter)}": n for n in structures}
            for organisation, structures in organisations.items()
        }
    )
    reasons = suppress(groups, k)
    assert residuals_are_safe(groups, reasons, k)
    for group in groups:
        if group.n < k:
            assert reasons[group.key] == SMALL_GROUP


def test_one_tree_decides_many_counts_as_suppress_does():
    shape = {"o1": {"a": 3, "b": 12, "c": 20}, "o2": {"d": 4, "e": 6, "f": 20}, "o3": {"g": 2}}
    groups = tree(shape)
    prepared = DisclosureTree([(group.key, group.parent) for group in groups])
    for scale in (1, 2, 3, 5):
        scaled = tree({o: {s: n * scale for s, n in parts.items()} for o, parts in shape.items()})
        assert dict(zip(prepared.keys, prepared.decide([g.n for g in scaled], 10), strict=True)) == suppress(
            scaled, 10
        )
    assert prepared.decide([group.n for group in groups], 10)[prepared.keys.index("b")] == SECONDARY


def test_a_tree_with_an_unknown_parent_or_wrong_counts_is_refused():
    with pytest.raises(ValueError, match="unknown parent"):
        suppress([GroupCount("a", "nowhere", 12)], 10)
    prepared = DisclosureTree([("sector", None), ("a", "sector")])
    with pytest.raises(ValueError, match="1 counts for 2 groups"):
        prepared.decide([12], 10)
