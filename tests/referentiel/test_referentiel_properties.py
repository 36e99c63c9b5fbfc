"""Properties over any valid answers, and the package's purity and size rules."""

import ast
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from referentiel.answers import validate_answer
from referentiel.loading import current_referentiel
from referentiel.models import Question
from referentiel.scoring import score_youth

PACKAGE = Path(__file__).parents[2] / "referentiel"
FORBIDDEN_IMPORTS = {"telegram", "aiosqlite", "apscheduler", "bot", "admin"}
V1 = current_referentiel()


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
