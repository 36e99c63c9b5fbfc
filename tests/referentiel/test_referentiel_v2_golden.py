"""Golden group values for every indicator of v2, computed by hand from a small table of youth.

Each table is written out so a reviewer can redo the sum; the tables are short, since which
groups an export may publish is decided by ``admin.disclosure``, not here. Agreement:
yes_totally = 100, mostly_yes = 66.67, mostly_no = 33.33, not_at_all = 0 on a score;
know_what_to_do: know = 100, unsure = 50, dont_know = 0; know_how: alone = 100, with_help = 50,
not_yet = 0.
"""

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from referentiel.aggregation import aggregate
from referentiel.answers import AnswerValue
from referentiel.models import Referentiel
from referentiel.scoring import score_youth

AGREEMENT = ["yes_totally", "mostly_yes", "mostly_no", "not_at_all", "mostly_yes", None]  # 3 of 5 favourable
YES_NO = ["yes", "yes", "no", "yes", None, "no"]  # 3 of 5 yes
SOURCE = Path(__file__).read_text("utf-8")


def group(
    referentiel: Referentiel, indicator_id: str, youth: Sequence[Mapping[str, AnswerValue]]
) -> tuple[int, float]:
    values = [score_youth(referentiel, answers)[indicator_id] for answers in youth]
    result = aggregate(referentiel, indicator_id, values)
    return result.n, round(result.value, 4)


def one_question(question_id: str, answers: Sequence[AnswerValue]) -> list[dict[str, AnswerValue]]:
    return [{question_id: answer} for answer in answers]


@pytest.mark.parametrize(
    ("indicator_id", "question_id", "answers"),
    [
        ("feel_safe", "safe_home", AGREEMENT),
        ("has_friend", "friend", AGREEMENT),
        ("gets_to_practise", "chances_to_do", AGREEMENT),
        ("opinion_counted", "opinion_counts", AGREEMENT),
        ("knows_who_to_tell", "who_to_tell", YES_NO),
        ("helped_to_choose", "helped_choose", YES_NO),
        ("knows_health_contact", "health_talk", YES_NO),
    ],
)
def test_shares_of_favourable_answers(
    v2: Referentiel, indicator_id: str, question_id: str, answers: list
) -> None:  # type: ignore[type-arg]
    assert group(v2, indicator_id, one_question(question_id, answers)) == (5, 60.0)


def test_opinion_counted_includes_youth_with_no_school(v2: Referentiel) -> None:
    #   school_now   opinion_counts    favourable?
    table = [
        ("nothing", "yes_totally"),  # yes: a youth with no school is counted
        ("lycee", "mostly_no"),  # no
        ("college", "mostly_yes"),  # yes
        ("nothing", "not_at_all"),  # no
        ("apprentice", "yes_totally"),  # yes
    ]
    youth = [{"school_now": school, "opinion_counts": opinion} for school, opinion in table]
    assert group(v2, "opinion_counted", youth) == (5, 60.0)


def test_safety_score_needs_both_answers(v2: Referentiel) -> None:
    #   safe_home       safe_night      youth score
    table = [
        ("yes_totally", "yes_totally"),  # 100
        ("mostly_yes", "mostly_no"),  # (66.67 + 33.33) / 2 = 50
        ("not_at_all", "mostly_yes"),  # 33.33
        ("mostly_yes", None),  # 1 of 2: missing
        ("mostly_no", "mostly_no"),  # 33.33
        ("yes_totally", "mostly_yes"),  # 83.33
    ]
    youth = [{"safe_home": home, "safe_night": night} for home, night in table]
    assert group(v2, "safety_score", youth) == (5, 60.0)  # (100 + 50 + 33.33 + 33.33 + 83.33) / 5


def test_path_fits_plans_among_youth_who_know_what_they_want(v2: Referentiel) -> None:
    #   has_plan    path_fits        counted?
    table = [
        ("yes", "yes_totally"),  # favourable
        ("a_bit", "mostly_no"),  # unfavourable
        ("not_yet", None),  # not asked: not counted
        ("yes", "mostly_yes"),  # favourable
        ("a_bit", "not_at_all"),  # unfavourable
        ("yes", "yes_totally"),  # favourable
    ]
    youth = [{"has_plan": plan} | ({} if plan == "not_yet" else {"path_fits": fits}) for plan, fits in table]
    assert group(v2, "path_fits_plans", youth) == (5, 60.0)


def test_no_school_is_the_share_with_nothing(v2: Referentiel) -> None:
    answers = ["nothing", "lycee", "college", "nothing", "vocational", None]
    assert group(v2, "no_school", one_question("school_now", answers)) == (5, 40.0)


def test_risk_know_how_needs_five_of_seven(v2: Referentiel) -> None:
    items = v2.indicator("risk_know_how").questions
    assert len(items) == 7
    table = [
        ["know"] * 7,  # 100
        ["unsure"] * 7,  # 50
        ["know"] * 5 + [None] * 2,  # 5 of 7 answered: 100
        ["know"] * 4 + [None] * 3,  # 4 of 7: missing
        ["know", "know", "unsure", "unsure", "dont_know", "dont_know", "know"],  # 4 / 7 = 57.142857
        ["dont_know"] * 7,  # 0
    ]
    youth = [dict(zip(items, row, strict=True)) for row in table]
    assert group(v2, "risk_know_how", youth) == (5, round((100 + 50 + 100 + 400 / 7 + 0) / 5, 4))


def test_self_esteem_needs_four_of_five_and_reverses_nothing(v2: Referentiel) -> None:
    items = v2.indicator("self_esteem").questions
    table = [
        ["yes_totally"] * 5,  # 100
        ["mostly_yes"] * 5,  # 66.67
        ["yes_totally", "mostly_no", "not_at_all", "mostly_yes", None],  # (100 + 33.33 + 0 + 66.67) / 4 = 50
        ["yes_totally"] * 3 + [None] * 2,  # 3 of 5: missing
        ["not_at_all"] * 5,  # 0
        ["mostly_no"] * 5,  # 33.33
    ]
    youth = [dict(zip(items, row, strict=True)) for row in table]
    assert group(v2, "self_esteem", youth) == (5, 50.0)  # (100 + 66.67 + 50 + 0 + 33.33) / 5


def test_adults_to_call_and_who_they_are(v2: Referentiel) -> None:
    answers = ["none", "one", "two", "three_plus", None, "none"]
    assert group(v2, "has_adult_to_call", one_question("adults_count", answers)) == (5, 60.0)
    #   adults_count   who_helps                        adult outside?
    table: list[tuple[str | None, tuple[str, ...] | None]] = [
        ("none", None),  # not asked, no adult at all: counts as no
        ("one", ("educator",)),  # an educator here: no
        ("two", ("educator", "referent_ase")),  # the référent ASE is outside: yes
        ("one", ("other",)),  # "another adult" is not counted by default: no
        ("three_plus", ("health_staff",)),  # may work in the structure: no
        ("one", ("former_educ",)),  # a former educator: yes
        ("two", None),  # skipped: missing
        (None, None),  # adults_count skipped: missing, not "no"
    ]
    youth = [
        {"adults_count": count} | ({} if count in (None, "none") else {"who_helps": who})
        for count, who in table
    ]
    assert group(v2, "adult_outside", youth) == (6, round(100 * 2 / 6, 4))


def test_autonomy_score_and_four_of_five_tasks(v2: Referentiel) -> None:
    tasks = v2.indicator("autonomy_score").questions
    assert tasks == v2.indicator("autonomous_4_of_5").questions
    table = [
        ["alone"] * 5,  # score 100; 5 alone → 100
        ["alone", "alone", "alone", "with_help", None],  # 87.5; 3 alone + 1 missing: undecided
        ["not_yet"] * 5,  # 0; → 0
        ["with_help"] * 5,  # 50; → 0
        ["alone", None, None, "alone", "alone"],  # 3 of 5 answered: missing; 3 + 2 missing: undecided
        ["alone", "with_help", "not_yet", "alone", "with_help"],  # 60; 2 alone → 0
    ]
    youth = [dict(zip(tasks, row, strict=True)) for row in table]
    assert group(v2, "autonomy_score", youth) == (5, 59.5)  # (100 + 87.5 + 0 + 50 + 60) / 5
    assert score_youth(v2, youth[1])["autonomous_4_of_5"] is None
    extra = [{**dict(zip(tasks, ["alone"] * 4 + ["not_yet"], strict=True))}]  # 4 alone → 100
    assert group(v2, "autonomous_4_of_5", youth + extra) == (5, 40.0)  # 100, 0, 0, 0, 100


DISTRIBUTIONS = [
    ("felt_safety_change", "safety_since"),
    ("felt_school_change", "school_since"),
    ("felt_health_change", "health_since"),
    ("felt_esteem_change", "esteem_since"),
    ("felt_support_change", "support_since"),
    ("felt_autonomy_change", "autonomy_since"),
]


@pytest.mark.parametrize(("indicator_id", "question_id"), DISTRIBUTIONS)
def test_perceived_change_shares_of_each_answer(v2: Referentiel, indicator_id: str, question_id: str) -> None:
    #   time_here    answer           counted in
    table = [
        ("over_1y", "much_better"),  # much_better
        ("3_to_12m", "bit_better"),  # bit_better
        ("over_1y", "same"),  # same
        ("over_1y", "bit_worse"),  # bit_worse
        ("3_to_12m", "much_better"),  # much_better
        ("under_3m", None),  # not asked before 3 months: not counted
        ("over_1y", None),  # skipped: missing
    ]
    youth = [
        {"time_here": time} | ({} if time == "under_3m" else {question_id: answer}) for time, answer in table
    ]
    expected = {"much_worse": 0.0, "bit_worse": 20.0, "same": 20.0, "bit_better": 20.0, "much_better": 40.0}
    shares = {option: group(v2, f"{indicator_id}_{option}", youth) for option in expected}
    assert shares == {option: (5, value) for option, value in expected.items()}


def test_every_v2_indicator_has_a_golden_table(v2: Referentiel) -> None:
    """A new indicator needs its table here: each id is scored by a test above, by name."""
    for indicator in v2.declared_indicators:
        assert re.search(rf'group\(v2, "{indicator.id}"|\("{indicator.id}", ', SOURCE), indicator.id
