"""A youth answered T0 under v1 and T1 under v2: each is scored under its own version, and a change
exists exactly for the indicators v2 declares ``comparable_with`` v1."""

from referentiel.aggregation import aggregate_share_improved
from referentiel.answers import Answers
from referentiel.models import Referentiel
from referentiel.scoring import paired_change, score_youth
from referentiel.versioning import comparable_pairs

T0_UNDER_V1: Answers = {
    "time_here": "under_3m",
    "safe_home": "mostly_no",
    "safe_night": "mostly_no",
    "who_to_tell": "no",
    "school_now": "nothing",
    "helped_choose": "yes",
    "risk_alcohol": "mostly_yes",
    "risk_tobacco": "mostly_yes",
    "risk_cannabis": "mostly_yes",
    "risk_photos": "mostly_yes",
    "risk_harassment": "mostly_yes",
    "health_talk": "no",
    "self_like": "mostly_no",
    "self_qualities": "mostly_no",
    "self_do_well": "mostly_no",
    "self_failing": "mostly_yes",
    "self_other": "mostly_yes",
    "trusted_adult": "not_at_all",
    "adults_count": "none",
    "friend": "mostly_yes",
    "cook_meal": "with_help",
    "laundry": "with_help",
    "budget_shopping": "not_yet",
    "appointment": "not_yet",
    "transport": "alone",
}
T1_UNDER_V2: Answers = {
    "time_here": "3_to_12m",
    "age_band": "15_16",
    "safe_home": "yes_totally",
    "safe_night": "mostly_yes",
    "who_to_tell": "yes",
    "safety_since": "much_better",
    "school_now": "lycee",
    "opinion_counts": "mostly_yes",
    "helped_choose": "yes",
    "has_plan": "a_bit",
    "path_fits": "mostly_yes",
    "school_since": "bit_better",
    "notice_risk": "know",
    "substance_help": "know",
    "consent": "know",
    "intimate_images": "unsure",
    "online_meeting": "know",
    "online_bullying": "know",
    "running_away": "unsure",
    "health_talk": "yes",
    "health_since": "same",
    "self_like": "mostly_yes",
    "self_qualities": "mostly_yes",
    "self_do_well": "yes_totally",
    "self_worth": "mostly_yes",
    "self_opinion": "mostly_yes",
    "esteem_since": "bit_better",
    "adults_count": "two",
    "who_helps": ("educator", "referent_ase"),
    "friend": "mostly_yes",
    "support_since": "much_better",
    "cook_meal": "alone",
    "wash_clothes": "alone",
    "manage_money": "with_help",
    "appointment": "with_help",
    "transport": "alone",
    "chances_to_do": "mostly_yes",
    "autonomy_since": "bit_better",
}
# v2 indicator → (v1 value, v2 value) for the declared pairs, by hand.
DECLARED = {
    "feel_safe": (0.0, 100.0),  # mostly_no → yes_totally
    "safety_score": (100 / 3, 250 / 3),  # (33.33 + 33.33) / 2 → (100 + 66.67) / 2
    "knows_who_to_tell": (0.0, 100.0),
    "helped_to_choose": (100.0, 100.0),
    "no_school": (100.0, 0.0),  # nothing → lycée: the share falls, which is better
    "knows_health_contact": (0.0, 100.0),
    "has_adult_to_call": (0.0, 100.0),
    "has_friend": (100.0, 100.0),
}


def test_each_version_scores_its_own_answers(v1: Referentiel, v2: Referentiel) -> None:
    before, after = score_youth(v1, T0_UNDER_V1), score_youth(v2, T1_UNDER_V2)
    for indicator_id, (first, second) in DECLARED.items():
        assert before[indicator_id] is not None and after[indicator_id] is not None
        assert round(before[indicator_id].value, 6) == round(first, 6), indicator_id  # type: ignore[union-attr]
        assert round(after[indicator_id].value, 6) == round(second, 6), indicator_id  # type: ignore[union-attr]
    # v1's own rules: its self-esteem reverses two items; v2's has none to reverse.
    assert round(before["self_esteem"].value, 4) == round(100 / 3, 4)  # type: ignore[union-attr]
    # (66.67 × 4 + 100) / 5 = 73.33
    assert round(after["self_esteem"].value, 4) == round(220 / 3, 4)  # type: ignore[union-attr]
    assert "risk_awareness" in before and "risk_awareness" not in after


def test_a_change_exists_exactly_for_the_declared_indicators(v1: Referentiel, v2: Referentiel) -> None:
    declared = {
        indicator.id: earlier.indicator
        for indicator in v2.declared_indicators
        for earlier in indicator.comparable_with
        if earlier.version == 1
    }
    assert dict(comparable_pairs(v1, v2)) == declared  # every declaration holds: none refused
    changes = paired_change(v1, T0_UNDER_V1, T1_UNDER_V2, after_referentiel=v2)
    assert set(changes) == {indicator.id for indicator in v2.indicators}
    for indicator_id, change in changes.items():
        if indicator_id in DECLARED:
            first, second = DECLARED[indicator_id]
            assert change is not None and round(change, 6) == round(second - first, 6), indicator_id
        else:
            assert change is None, indicator_id  # e.g. self_esteem: other items, no change


def test_leaving_nothing_for_the_lycee_across_versions_is_an_improvement(
    v1: Referentiel, v2: Referentiel
) -> None:
    changes = [paired_change(v1, T0_UNDER_V1, T1_UNDER_V2, v2)["no_school"]] * 10
    improved = aggregate_share_improved(v2, "no_school", changes)
    assert (improved.n, improved.value) == (10, 100.0)
