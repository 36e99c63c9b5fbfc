"""Properties over any valid answers, and the package's purity and size rules."""

import ast
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from referentiel.aggregation import aggregate, aggregate_change, aggregate_share_improved
from referentiel.answers import validate_answer
from referentiel.loading import find_referentiel
from referentiel.models import Question
from referentiel.scoring import paired_change, score_youth

PACKAGE = Path(__file__).parents[2] / "referentiel"
FORBIDDEN_IMPORTS = {"telegram", "aiosqlite", "apscheduler", "bot", "admin"}
V1 = find_referentiel("voix-mecs", 1)


def answer_for(question: Question) -> st.SearchStrategy[Any]:
    """Return a strategy of values the question accepts, skipping (None) included."""
    ids = list(question.option_ids)
    if question.type == "multiple_choice":
        value: st.SearchStrategy[Any] = st.lists(st.sampled_from(ids), min_size=1, unique=True).map(tuple)
    elif question.type == "number":
        value = st.integers(question.minimum or 0, question.maximum or 0)
    elif question.type == "short_text":
        value = st.text(min_size=1, max_size=20).filter(str.strip)
    else:
        value = st.sampled_from(ids)
    return st.one_of(st.none(), value)


ANSWERS = st.fixed_dictionaries({}, optional={question.id: answer_for(question) for question in V1.questions})


@given(ANSWERS)
def test_every_value_stays_in_its_unit(answers: dict[str, Any]) -> None:
    for question_id, value in answers.items():
        assert validate_answer(V1.question(question_id), value)
    for indicator_id, score in score_youth(V1, answers).items():
        if score is None:
            continue
        indicator = V1.indicator(indicator_id)
        if indicator.unit == "percent":
            assert score.value in (0.0, 100.0)
        elif indicator.unit == "score_0_100":
            assert 0 <= score.value <= 100
            assert score.answered >= 2 / 3 * score.expected
        else:
            assert 0 <= score.value <= 3


@given(ANSWERS)
def test_skipping_an_answer_is_the_same_as_not_being_asked_it(answers: dict[str, Any]) -> None:
    skipped = {question_id: None for question_id in answers}
    assert score_youth(V1, skipped) == score_youth(V1, {})


GROUP = st.lists(ANSWERS, min_size=0, max_size=25)


def group_results(youth: list[dict[str, Any]]) -> dict[str, Any]:
    """Every indicator's aggregate over a group, where it has at least the 2 values an interval needs."""
    scores = [score_youth(V1, answers) for answers in youth]
    results = {}
    for indicator in V1.indicators:
        values = [score[indicator.id] for score in scores]
        counted = sum(value is not None for value in values)
        results[indicator.id] = aggregate(V1, indicator.id, values) if counted >= 2 else counted
    return results


@given(GROUP, st.randoms(use_true_random=False))
def test_permuting_youth_never_changes_an_aggregate(youth: list[dict[str, Any]], random: Any) -> None:
    shuffled = list(youth)
    random.shuffle(shuffled)
    original, permuted = group_results(youth), group_results(shuffled)
    for indicator_id, result in original.items():
        other = permuted[indicator_id]
        if isinstance(result, int):  # fewer than 2 values
            assert other == result
            continue
        assert other.n == result.n
        for field in ("value", "ci_low", "ci_high"):
            first, second = getattr(result, field), getattr(other, field)
            assert abs(first - second) <= 1e-9 * max(1.0, abs(first))


@given(GROUP, st.sampled_from([{}, {"time_here": None, "safe_home": None, "self_like": None}]))
def test_adding_a_youth_who_answered_nothing_never_changes_a_score(
    youth: list[dict[str, Any]], silent: dict[str, Any]
) -> None:
    assert all(score is None for score in score_youth(V1, silent).values())
    assert group_results([*youth, silent]) == group_results(youth)


@given(st.lists(st.tuples(ANSWERS, ANSWERS), max_size=15))
def test_change_aggregates_stay_in_range(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    changes = [paired_change(V1, before, after) for before, after in pairs]
    for indicator in V1.indicators:
        values = [change[indicator.id] for change in changes]
        if sum(value is not None for value in values) < 2:
            continue
        mean = aggregate_change(V1, indicator.id, values)
        improved = aggregate_share_improved(V1, indicator.id, values)
        bound = 3 if indicator.unit == "count" else 100
        assert -bound <= mean.value <= bound
        assert 0 <= improved.ci_low <= improved.value <= improved.ci_high <= 100


def test_the_package_stays_pure_and_small() -> None:
    for module in PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & FORBIDDEN_IMPORTS, f"{module.name} imports {roots}"
        assert len(module.read_text("utf-8").splitlines()) <= 400, module.name
