"""Golden group values, computed by hand: a small table of youth answers → the expected number.

One table per indicator kind of the issue, each written out here so a reviewer can redo the sum.
The tables are short: which groups an export may publish is the disclosure rule's decision
(``admin.disclosure``, tested in ``tests/admin``), not aggregation's.
"""

from collections.abc import Mapping, Sequence

from referentiel.aggregation import aggregate, aggregate_change, aggregate_share_improved
from referentiel.answers import AnswerValue
from referentiel.models import Referentiel
from referentiel.scoring import paired_change, score_youth


def group_value(
    referentiel: Referentiel, indicator_id: str, youth: Sequence[Mapping[str, AnswerValue]]
) -> float:
    values = [score_youth(referentiel, answers)[indicator_id] for answers in youth]
    return round(aggregate(referentiel, indicator_id, values).value, 4)


def test_mean_score_rescaled_0_100_with_reverse_items_and_the_four_of_five_rule(v1: Referentiel) -> None:
    # self_esteem: agreement 4..1 → 100, 66.67, 33.33, 0; self_failing and self_other reversed.
    #   like         qualities    do_well      failing(rev)  other(rev)    youth score
    table = [
        ("yes_totally", "yes_totally", "yes_totally", "not_at_all", "not_at_all"),  # 100
        ("mostly_yes", "mostly_yes", "mostly_yes", "mostly_no", "mostly_no"),  # 66.6667
        ("not_at_all", "not_at_all", "not_at_all", "yes_totally", "yes_totally"),  # 0
        ("yes_totally", "mostly_no", None, "mostly_yes", "not_at_all"),  # (100+33.33+33.33+100)/4 = 66.6667
        ("yes_totally", None, None, "not_at_all", "not_at_all"),  # 3 of 5 answered: missing
        (None, None, None, None, None),  # "préfère ne pas répondre" everywhere: missing, not 0
        ("mostly_no", "mostly_no", "mostly_no", "mostly_no", "mostly_no"),  # (33.33×3 + 66.67×2)/5 = 46.6667
    ]
    names = ("self_like", "self_qualities", "self_do_well", "self_failing", "self_other")
    youth = [dict(zip(names, row, strict=True)) for row in table]
    # mean of 100, 66.6667, 0, 66.6667, 46.6667 over n = 5
    assert group_value(v1, "self_esteem", youth) == round((100 + 200 / 3 + 0 + 200 / 3 + 140 / 3) / 5, 4)
    assert aggregate(v1, "self_esteem", [score_youth(v1, y)["self_esteem"] for y in youth]).n == 5


def test_proportion_meeting_a_threshold(v1: Referentiel) -> None:
    #   safe_home      favourable?
    table = ["yes_totally", "mostly_yes", "mostly_no", "not_at_all", "mostly_yes", None, "yes_totally"]
    # 4 favourable of 6 answered (None is missing) → 66.6667 %
    assert group_value(v1, "feel_safe", [{"safe_home": answer} for answer in table]) == 66.6667


def test_proportion_among_a_sub_population(v1: Referentiel) -> None:
    # course_fits_wishes: only youth in school or training are asked course_fits.
    #   school_now   course_fits     counted?
    table = [
        ("lycee", "yes_totally"),  # yes, favourable
        ("college", "mostly_no"),  # yes, unfavourable
        ("apprentice", "mostly_yes"),  # yes, favourable
        ("nothing", None),  # not in the sub-population: not asked, not counted
        ("nothing", None),  # idem
        ("vocational", "not_at_all"),  # yes, unfavourable
        ("other", "yes_totally"),  # yes, favourable
        ("lycee", None),  # skipped: missing
    ]
    youth = [
        {"school_now": school} | ({} if school == "nothing" else {"course_fits": answer})
        for school, answer in table
    ]
    values = [score_youth(v1, answers)["course_fits_wishes"] for answers in youth]
    result = aggregate(v1, "course_fits_wishes", values)
    assert (result.n, result.value) == (5, 60.0)  # 3 of the 5 in school who answered


def test_mean_count_and_share_with_at_least_one(v1: Referentiel) -> None:
    #   adults_count   count  at least one
    table = ["none", "one", "two", "three_plus", "three_plus", None, "one"]
    youth = [{"adults_count": answer} for answer in table]
    # counts 0, 1, 2, 3, 3, 1 → mean 10/6; at least one: 5 of 6
    assert group_value(v1, "adults_to_call", youth) == round(10 / 6, 4)
    assert group_value(v1, "has_adult_to_call", youth) == round(500 / 6, 4)


def test_count_at_least_four_of_five_tasks(v1: Referentiel) -> None:
    tasks = ("cook_meal", "laundry", "budget_shopping", "appointment", "transport")
    table = [
        ("alone", "alone", "alone", "alone", "with_help"),  # 4 alone → 100
        ("alone", "alone", "alone", "with_help", "with_help"),  # 3 → 0
        ("alone", "alone", "alone", "alone", None),  # 4 already → 100
        ("alone", "alone", "alone", None, "not_yet"),  # 3 and 1 missing: undecided → missing
        ("not_yet", "not_yet", "with_help", None, None),  # cannot reach 4 → 0
        ("alone", "alone", "alone", "alone", "alone"),  # 100
    ]
    youth = [dict(zip(tasks, row, strict=True)) for row in table]
    assert group_value(v1, "autonomous_4_of_5", youth) == 60.0  # 3 of 5 decided


def test_perceived_change_retrospective_item(v1: Referentiel) -> None:
    #   time_here   safety_change   counted?
    table = [
        ("over_1y", "much_better"),  # favourable
        ("3_to_12m", "bit_better"),  # favourable
        ("over_1y", "same"),  # unfavourable
        ("over_1y", "worse"),  # unfavourable
        ("under_3m", None),  # not asked before 3 months: not counted
        ("3_to_12m", "bit_better"),  # favourable
        ("over_1y", None),  # skipped: missing
    ]
    youth = [
        {"time_here": time} | ({} if time == "under_3m" else {"safety_change": answer})
        for time, answer in table
    ]
    assert group_value(v1, "safety_better", youth) == 60.0  # 3 of 5


def test_paired_change_mean_change_and_share_improved(v1: Referentiel) -> None:
    #   safe_home at T0   at T1          feel_safe change (points)
    table = [
        ("not_at_all", "yes_totally"),  # 0 → 100: +100, improved
        ("mostly_no", "mostly_yes"),  # +100, improved
        ("mostly_yes", "mostly_yes"),  # 0, not improved
        ("yes_totally", "mostly_no"),  # −100, not improved
        ("mostly_no", "mostly_no"),  # 0, not improved
        ("mostly_yes", None),  # T1 missing: not paired
        (None, "yes_totally"),  # T0 missing: not paired
        ("not_at_all", "mostly_yes"),  # +100, improved
    ]
    changes = [
        paired_change(v1, {"safe_home": first}, {"safe_home": second})["feel_safe"] for first, second in table
    ]
    mean = aggregate_change(v1, "feel_safe", changes)
    assert (mean.n, mean.value, mean.unit) == (6, 100 * (1 + 1 + 0 - 1 + 0 + 1) / 6, "percentage_points")
    improved = aggregate_share_improved(v1, "feel_safe", changes)
    assert (improved.n, improved.value, improved.unit) == (6, 50.0, "percent")  # 3 of 6
    assert improved.ci_low < 50 < improved.ci_high
