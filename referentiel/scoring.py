"""Score one youth: answers of one wave → one value per indicator, and change between two waves.

Public API:

* ``score_youth(referentiel, answers) -> dict[indicator_id, IndividualScore | None]``;
* ``score_indicator(referentiel, indicator, answers) -> IndividualScore | None``;
* ``paired_change(referentiel, before, after, after_referentiel=None)
  -> dict[indicator_id, float | None]`` — after − before, for one youth (paired on the
  pseudonym by the caller).

Every value is in the indicator's unit, so a group value is the mean of per-youth values:
``proportion`` and ``count_at_least`` give 100 (favourable) or 0; ``score`` gives 0–100;
``mean`` gives the option value or the number. ``None`` means *missing*: too few answers, or
not in the indicator's population (a question hidden by its condition). Missing is never zero.

Pure: no I/O, no clock, no randomness.
"""

from dataclasses import dataclass

from referentiel.answers import (
    Answers,
    AnswerValue,
    chosen_options,
    is_hidden_by_condition,
    validate_answer,
)
from referentiel.errors import ReferentielError
from referentiel.indicator_validation import minimum_answered
from referentiel.models import Indicator, Question, Referentiel
from referentiel.versioning import comparable_pairs

FAVOURABLE = 100.0
UNFAVOURABLE = 0.0


class AnswerRejected(ReferentielError):
    """A stored answer is not a value its question accepts (a bug upstream, not a youth's)."""

    exit_code = 2


@dataclass(frozen=True)
class IndividualScore:
    """One youth's value for one indicator, and how many of its questions were answered."""

    indicator_id: str
    value: float
    answered: int
    expected: int


def score_youth(referentiel: Referentiel, answers: Answers) -> dict[str, IndividualScore | None]:
    """Return every indicator's value for one youth's answers in one wave."""
    check_answers(referentiel, answers)
    return {
        indicator.id: score_indicator(referentiel, indicator, answers) for indicator in referentiel.indicators
    }


def check_answers(referentiel: Referentiel, answers: Answers) -> None:
    """Raise ``AnswerRejected`` if an answer to a known question is not one it accepts."""
    for question_id, value in answers.items():
        try:
            question = referentiel.question(question_id)
        except KeyError:
            continue  # structure-specific extra questions are not the référentiel's
        if not validate_answer(question, value):
            raise AnswerRejected(
                f"answer {value!r} to {question_id!r} is not accepted by "
                f"{referentiel.id} version {referentiel.version}"
            )


def score_indicator(
    referentiel: Referentiel, indicator: Indicator, answers: Answers
) -> IndividualScore | None:
    """Return one indicator's value for one youth, or ``None`` when it is missing."""
    if indicator.kind == "distribution":
        raise ValueError(f"{indicator.id!r} is a distribution: score its shares (referentiel.indicators)")
    questions = [referentiel.question(question_id) for question_id in indicator.questions]
    if indicator.kind == "proportion":
        return _proportion(indicator, questions[0], answers)
    if indicator.kind == "score":
        return _score(indicator, questions, answers)
    if indicator.kind == "mean":
        return _mean(indicator, questions[0], answers.get(questions[0].id))
    return _count_at_least(indicator, questions, answers)


def _proportion(indicator: Indicator, question: Question, answers: Answers) -> IndividualScore | None:
    value = answers.get(question.id)
    if value is None:
        if indicator.hidden_counts_as_unfavourable and is_hidden_by_condition(question, answers):
            return IndividualScore(indicator.id, UNFAVOURABLE, answered=0, expected=1)
        return None
    favourable = bool(chosen_options(value) & set(indicator.favourable))
    return IndividualScore(indicator.id, FAVOURABLE if favourable else UNFAVOURABLE, answered=1, expected=1)


def item_position(question: Question, value: AnswerValue) -> float | None:
    """Return a scale answer's place from 0 (lowest) to 1 (highest), reverse items flipped."""
    if not isinstance(value, str):
        return None
    option = question.option(value)
    values = [option.value for option in question.options if option.value is not None]
    if option is None or option.value is None or len(values) < 2:
        return None
    lowest, highest = min(values), max(values)
    position = (option.value - lowest) / (highest - lowest)
    return 1 - position if question.reverse else position


def _score(indicator: Indicator, questions: list[Question], answers: Answers) -> IndividualScore | None:
    positions = [item_position(question, answers.get(question.id)) for question in questions]
    answered = [position for position in positions if position is not None]
    if len(answered) < minimum_answered(indicator):
        return None
    value = 100 * sum(answered) / len(answered)
    return IndividualScore(indicator.id, value, answered=len(answered), expected=len(questions))


def _mean(indicator: Indicator, question: Question, value: AnswerValue) -> IndividualScore | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return IndividualScore(indicator.id, float(value), answered=1, expected=1)
    if isinstance(value, str):
        option = question.option(value)
        if option is not None and option.value is not None:
            return IndividualScore(indicator.id, float(option.value), answered=1, expected=1)
    return None


def _count_at_least(
    indicator: Indicator, questions: list[Question], answers: Answers
) -> IndividualScore | None:
    """Favourable if the threshold is reached, unfavourable if it no longer can be."""
    assert indicator.threshold is not None
    favourable = set(indicator.favourable)
    values = [answers.get(question.id) for question in questions]
    missing = sum(1 for value in values if value is None)
    reached = sum(1 for value in values if chosen_options(value) & favourable)
    answered = len(values) - missing
    if reached >= indicator.threshold:
        return IndividualScore(indicator.id, FAVOURABLE, answered, len(values))
    if reached + missing < indicator.threshold:
        return IndividualScore(indicator.id, UNFAVOURABLE, answered, len(values))
    return None


def paired_change(
    referentiel: Referentiel,
    before: Answers,
    after: Answers,
    after_referentiel: Referentiel | None = None,
) -> dict[str, float | None]:
    """Return after − before for one youth, per indicator of the later version.

    ``before`` is scored under ``referentiel``; ``after`` under ``after_referentiel`` (the
    same by default). Across versions, a later indicator is paired with the earlier indicator
    it declares ``comparable_with`` (its id may differ, its questions may have been renamed);
    an indicator without such a declaration gets ``None``, like one missing at either wave: a
    change is only meaningful on equal terms.
    """
    later = after_referentiel or referentiel
    before_scores = score_youth(referentiel, before)
    after_scores = score_youth(later, after)
    pairs = comparable_pairs(referentiel, later)
    changes: dict[str, float | None] = {}
    for indicator in later.indicators:
        earlier_id = pairs.get(indicator.id)
        first = before_scores.get(earlier_id) if earlier_id is not None else None
        second = after_scores.get(indicator.id)
        if first is not None and second is not None:
            changes[indicator.id] = second.value - first.value
        else:
            changes[indicator.id] = None
    return changes
