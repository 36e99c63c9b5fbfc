"""Answer values, the contract shared with the conversation, storage and exports.

One youth's answers in one wave are a ``Mapping[str, AnswerValue]`` from question id to value:

* scale, yes_no, single_choice → the chosen option's id (``str``);
* multiple_choice → the chosen option ids (``tuple`` or ``list`` of ``str``);
* number → ``int``; short_text → ``str``;
* "je préfère ne pas répondre" (skipped) → ``None``;
* a question not asked (hidden by its condition, or not reached) is absent.

``None`` and absent are both *missing*, never zero. Everything here is pure.
"""

from collections.abc import Mapping, Sequence

from referentiel.models import Question, Referentiel

AnswerValue = str | int | Sequence[str] | None
Answers = Mapping[str, AnswerValue]

# Longest free text accepted; free text is never scored nor exported per youth.
MAXIMUM_SHORT_TEXT_LENGTH = 500


def chosen_options(value: AnswerValue) -> frozenset[str]:
    """Return the option ids an answer selects (empty for missing, numbers and free text)."""
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, int) or value is None:
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str))


def is_question_shown(question: Question, answers: Answers) -> bool:
    """Return whether a question is asked, given the answers so far (missing hides it)."""
    condition = question.condition
    if condition is None:
        return True
    return bool(chosen_options(answers.get(condition.question)) & set(condition.any_of))


def is_hidden_by_condition(question: Question, answers: Answers) -> bool:
    """Return whether a question was hidden because its condition was answered otherwise.

    Unlike a skipped or unreached condition, this is a known fact about the youth (e.g. "no
    adult to call"), which some indicators count as unfavourable rather than missing.
    """
    condition = question.condition
    if condition is None:
        return False
    return answers.get(condition.question) is not None and not is_question_shown(question, answers)


def validate_answer(question: Question, value: AnswerValue) -> bool:
    """Return whether the question accepts this value; ``None`` (skipped) is always accepted."""
    if value is None:
        return True
    if question.type in ("scale", "yes_no", "single_choice"):
        return isinstance(value, str) and value in question.option_ids
    if question.type == "multiple_choice":
        return _valid_selection(question, value)
    if question.type == "number":
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        low = question.minimum if question.minimum is not None else value
        high = question.maximum if question.maximum is not None else value
        return low <= value <= high
    # short_text
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAXIMUM_SHORT_TEXT_LENGTH


def _valid_selection(question: Question, value: AnswerValue) -> bool:
    if isinstance(value, (str, int)) or value is None:
        return False
    chosen = list(value)
    if not chosen or len(set(chosen)) != len(chosen):
        return False
    if not all(isinstance(item, str) and item in question.option_ids for item in chosen):
        return False
    exclusive = {option.id for option in question.options if option.exclusive}
    return len(chosen) == 1 or not (set(chosen) & exclusive)


def shown_questions(referentiel: Referentiel, answers: Answers) -> list[Question]:
    """Return the questions a youth with these answers is (or was) asked, in order."""
    return [question for question in referentiel.questions if is_question_shown(question, answers)]


def breakdown_groups(referentiel: Referentiel, answers: Answers) -> dict[str, str | None]:
    """Return the youth's group in each breakdown (``age_band``: ``"15_16"``), ``None`` if skipped.

    An export breaking indicators down by age band or time here puts each youth's values in the
    group of their answer at the same wave; a youth who skipped the question is in no group
    (and still counts in the totals). The small-group rules apply to each group as to any other.
    """
    groups: dict[str, str | None] = {}
    for question_id in referentiel.breakdowns:
        value = answers.get(question_id)
        question = referentiel.question(question_id)
        groups[question_id] = value if isinstance(value, str) and value in question.option_ids else None
    return groups
