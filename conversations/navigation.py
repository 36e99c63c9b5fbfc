"""Where the questionnaire goes next: order, conditions, "Retour" and progress.

The path through the questions is not stored: it follows from the référentiel's order and the
answers so far (a conditional question is shown when an earlier answer allows it). So "Retour"
is simply the last shown question before the current one, and changing an answer there may
hide later questions, whose stored answers must then be discarded.
"""

from collections.abc import Mapping

from referentiel.answers import AnswerValue, is_question_shown
from referentiel.models import Question, Referentiel

Answers = Mapping[str, AnswerValue]


def question_index(referentiel: Referentiel, question_id: str) -> int:
    """Return the position of a question in the référentiel; raise ``KeyError`` if unknown."""
    for index, question in enumerate(referentiel.questions):
        if question.id == question_id:
            return index
    raise KeyError(question_id)


def find_question(referentiel: Referentiel, question_id: str) -> Question | None:
    """Return the question with this id, or ``None`` (a forged or outdated id)."""
    return next((question for question in referentiel.questions if question.id == question_id), None)


def next_question(referentiel: Referentiel, answers: Answers, after: str | None) -> Question | None:
    """Return the first shown question after ``after`` (or the first one), ``None`` at the end."""
    start = 0 if after is None else question_index(referentiel, after) + 1
    return next(
        (question for question in referentiel.questions[start:] if is_question_shown(question, answers)),
        None,
    )


def previous_question(referentiel: Referentiel, answers: Answers, before: str) -> Question | None:
    """Return the last shown question before ``before``, ``None`` at the first question."""
    earlier = referentiel.questions[: question_index(referentiel, before)]
    return next((question for question in reversed(earlier) if is_question_shown(question, answers)), None)


def progress(referentiel: Referentiel, answers: Answers, current: str) -> tuple[int, int]:
    """Return ``(position, total)`` for "3/28": total counts the questions that can still be shown.

    A later question whose condition depends on a question not asked yet may still be shown, so
    it counts; one whose condition was already answered otherwise does not.
    """
    current_index = question_index(referentiel, current)
    position = 1 + sum(
        1 for question in referentiel.questions[:current_index] if is_question_shown(question, answers)
    )
    remaining = sum(
        1
        for question in referentiel.questions[current_index:]
        if _may_be_shown(referentiel, question, answers, current_index)
    )
    return position, position - 1 + remaining


def _may_be_shown(referentiel: Referentiel, question: Question, answers: Answers, current_index: int) -> bool:
    condition = question.condition
    if condition is None or is_question_shown(question, answers):
        return True
    # Not answered yet, and still ahead: it may allow this question later.
    return question_index(referentiel, condition.question) >= current_index


def is_beyond(referentiel: Referentiel, question_id: str, furthest: str | None) -> bool:
    """Tell whether a question comes after ``furthest`` (the furthest asked; ``None``: nothing yet)."""
    if furthest is None or find_question(referentiel, furthest) is None:
        return True
    return question_index(referentiel, question_id) > question_index(referentiel, furthest)


def hidden_answers(referentiel: Referentiel, answers: Answers) -> tuple[str, ...]:
    """Return the ids of answered questions that the answers now hide (after a changed answer).

    Hiding one may hide others that depend on it, so this repeats until nothing changes.
    """
    remaining = dict(answers)
    hidden: list[str] = []
    changed = True
    while changed:
        changed = False
        for question in referentiel.questions:
            if question.id in remaining and not is_question_shown(question, remaining):
                del remaining[question.id]
                hidden.append(question.id)
                changed = True
    return tuple(hidden)
