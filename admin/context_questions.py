"""Which questions are context, and which indicators' n count the answers to another question.

Context questions (age band, time here) are what the workshop pack breaks indicators down by:
their answers are published as the breakdowns' cells. A question asked only after some answers to
a question that is not one is asked to as many youth as gave them: the n of an indicator read
from it counts those answers, and is withheld wherever they are (``admin.workshop_indicators``,
``admin.score_decisions``).
"""

from collections.abc import Callable
from typing import TypeVar

from referentiel.models import Condition, Indicator, Question, Referentiel


def breakdown_questions(referentiel: Referentiel) -> tuple[Question, ...]:
    """The context questions indicators are broken down by: those the référentiel declares as
    ``breakdowns`` (version 2: age band, time here), else, for a version that declares none, its
    single-choice context questions (no dimension: version 1's ``time_here``)."""
    if referentiel.breakdowns:
        return tuple(referentiel.question(question_id) for question_id in referentiel.breakdowns)
    return tuple(
        question
        for question in referentiel.questions
        if question.dimension is None and question.type == "single_choice"
    )


def counting_conditions(referentiel: Referentiel) -> frozenset[str]:
    """The indicators whose ``n`` counts some answers to another question: those reading a question
    asked only after those answers (« Ce parcours correspond à ce que tu veux faire ? » after
    « oui » or « un peu » to « Tu sais ce que tu voudrais faire ? »), the youth not asked left out.
    Their n within a breakdown's cell, or beside another indicator in a correlation, would count
    those answers where nothing else publishes them. A context question's too (« Ça a changé
    depuis que tu es arrivé·e ? » after more than 3 months here): the breakdowns withhold its
    answers wherever the questions part does, so its count is not published either. Not those
    counting the youth not asked as « non » (their n counts every youth who answered the earlier
    question)."""
    return frozenset(
        indicator.id
        for indicator in referentiel.indicators
        if not indicator.hidden_counts_as_unfavourable
        and any(
            referentiel.question(question_id).condition is not None for question_id in indicator.questions
        )
    )


def not_broken_down_by(referentiel: Referentiel, question_id: str) -> frozenset[str]:
    """The counting indicators (``counting_conditions``) whose n, in a cell of a breakdown by this
    question's answers, would count answers to another question. Not those asked only after some
    answers to this very one (a perceived change by time here): a cell's n is then the youth of
    that answer who answered, as any indicator's, and « non posée » after the others."""
    counting = counting_conditions(referentiel)
    return frozenset(
        indicator.id
        for indicator in referentiel.indicators
        if indicator.id in counting and conditions_named(referentiel, indicator) != (question_id,)
    )


def asked_after_answers(referentiel: Referentiel, indicator: Indicator, question_id: str) -> set[str] | None:
    """The answers to a context question after which the indicator's questions are asked (« Par
    rapport à ton arrivée… » only after 3 months here), or None: asked whatever the answer."""
    asked: set[str] | None = None
    for condition in conditions_of(referentiel, indicator):
        if condition.question == question_id:
            asked = set(condition.any_of) if asked is None else asked & set(condition.any_of)
    return asked


def earlier_questions(referentiel: Referentiel) -> tuple[str, ...]:
    """The questions the counting indicators' conditions name (``counting_conditions``), in the
    order of the indicators: those whose answered count each such n is a share of."""
    return _of_counting(referentiel, conditions_named)


def later_questions(referentiel: Referentiel) -> tuple[str, ...]:
    """The questions the counting indicators read that a condition asks (``counting_conditions``):
    as many youth are shown one as gave the answers its condition names, and its n is at most that."""
    return _of_counting(referentiel, asked_under_conditions)


def counted_conditions(referentiel: Referentiel) -> tuple[Condition, ...]:
    """The conditions of the questions the counting indicators read (``counting_conditions``),
    once each, in the order of the indicators: how many youth gave the answers each names is what
    such an n tells, give or take the youth who skipped the question or stopped before it, which
    other figures may give back (``admin.counted_decisions``)."""
    return _of_counting(referentiel, conditions_of)


Item = TypeVar("Item")


def _of_counting(
    referentiel: Referentiel, each: Callable[[Referentiel, Indicator], tuple[Item, ...]]
) -> tuple[Item, ...]:
    """What ``each`` gives of every counting indicator, in the order of the indicators, once each."""
    counting = counting_conditions(referentiel)
    found: list[Item] = []
    for indicator in referentiel.indicators:
        if indicator.id in counting:
            found += [item for item in each(referentiel, indicator) if item not in found]
    return tuple(found)


def conditions_of(referentiel: Referentiel, indicator: Indicator) -> tuple[Condition, ...]:
    """The conditions of the questions an indicator reads, in order, once each."""
    found: list[Condition] = []
    for question_id in indicator.questions:
        condition = referentiel.question(question_id).condition
        if condition is not None and condition not in found:
            found.append(condition)
    return tuple(found)


def conditions_named(referentiel: Referentiel, indicator: Indicator) -> tuple[str, ...]:
    """The questions an indicator's questions' conditions name, in order, once each."""
    return tuple(dict.fromkeys(condition.question for condition in conditions_of(referentiel, indicator)))


def asked_under_conditions(referentiel: Referentiel, indicator: Indicator) -> tuple[str, ...]:
    """The questions an indicator reads that a condition asks."""
    return tuple(
        question_id
        for question_id in indicator.questions
        if referentiel.question(question_id).condition is not None
    )
