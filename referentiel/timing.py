"""Estimate how long a questionnaire takes, so ``voix referentiel check`` can show it.

Seconds per question type, for a teenager reading on a phone (a judgement, to be checked
against pilot timings): a tap on one of 2 buttons is quick, a scale needs reading 4 options,
a multiple choice needs several taps and "done". Each dimension's introduction adds a few
seconds. The short path skips every conditional question; the long path asks them all.
The consent notice announces this figure (``conversations.consent.answering_minutes``).
"""

from referentiel.models import Question, Referentiel

SECONDS_PER_TYPE = {
    "yes_no": 6,
    "scale": 9,
    "single_choice": 10,
    "multiple_choice": 18,
    "number": 10,
    "short_text": 30,
}
SECONDS_PER_INTRODUCTION = 5


def estimated_seconds(referentiel: Referentiel) -> tuple[int, int]:
    """Return (shortest, longest) answering time in seconds, conditions all false or all true."""
    return (
        _seconds([q for q in referentiel.questions if q.condition is None]),
        _seconds(list(referentiel.questions)),
    )


def _seconds(questions: list[Question]) -> int:
    dimensions = {question.dimension for question in questions if question.dimension is not None}
    return sum(SECONDS_PER_TYPE[question.type] for question in questions) + (
        SECONDS_PER_INTRODUCTION * len(dimensions)
    )
