"""Which help to show after an answer: the trigger it matches, and the resources that fit it.

The conversation shows the help block once per questionnaire, at the first trigger; a later
trigger adds one line. Nothing here is stored: whether a trigger fired can be recomputed from the
stored answers (``triggered_questions``), which is why the engine keeps no trace of it and why
exports never publish groups below the minimum size. Pure.
"""

from referentiel.answers import Answers, AnswerValue, chosen_options
from referentiel.models import HelpResource, Referentiel, SafeguardingTrigger


def matching_trigger(
    referentiel: Referentiel, question_id: str, value: AnswerValue
) -> SafeguardingTrigger | None:
    """Return the first trigger this answer matches, or ``None``."""
    chosen = chosen_options(value)
    for trigger in referentiel.safeguarding:
        if trigger.question == question_id and chosen & set(trigger.any_of):
            return trigger
    return None


def triggered_questions(referentiel: Referentiel, answers: Answers) -> frozenset[str]:
    """Return the questions whose answer, among these, matches a trigger."""
    return frozenset(
        question_id
        for question_id, value in answers.items()
        if matching_trigger(referentiel, question_id, value) is not None
    )


def resources_for(referentiel: Referentiel, trigger: SafeguardingTrigger | None) -> tuple[HelpResource, ...]:
    """Return the help resources of a block: the trigger's topic ones first, then those always shown.

    Without a trigger (the block everyone sees at the end), every resource, in file order.
    """
    by_id = {resource.id: resource for resource in referentiel.help_resources}
    if trigger is None:
        return referentiel.help_resources
    topic = [by_id[resource_id] for resource_id in trigger.resources if resource_id in by_id]
    always = [
        resource for resource in referentiel.help_resources if resource.always and resource not in topic
    ]
    return (*topic, *always)
