"""Help that fits: the help block once per questionnaire, a short line for later triggers.

After an answer that matches a safeguarding trigger (``referentiel.safeguarding``):

* the first trigger of the questionnaire shows the help block: the trigger's advice (what fits
  *this* answer), the resources of its topic then those always shown (119, 112), and an offer to
  pause; a référentiel without help resources (v1) shows the fixed block instead;
* a later trigger adds its one-line reminder, never the whole block again;
* answering the same question again after "Retour" repeats nothing.

Whether a trigger already fired is recomputed from the answers in the state, which the shell
stores anyway: the engine keeps no trace of the help it showed. At the end everyone sees every
resource (``completion_help``), so seeing them reveals nothing.
"""

from collections.abc import Mapping

from conversations.context import Context
from conversations.outputs import Output, Send
from conversations.texts import HELP_INTRO, HELP_REMINDER, PAUSE_OFFER, SAFEGUARDING
from referentiel.answers import AnswerValue
from referentiel.models import HelpResource, SafeguardingTrigger, label_separator
from referentiel.safeguarding import matching_trigger, resources_for, triggered_questions


def help_after(
    question_id: str, value: AnswerValue, earlier: Mapping[str, AnswerValue], context: Context
) -> tuple[Output, ...]:
    """Return the help to show after this answer, given the answers before it (none if reassuring)."""
    referentiel = context.referentiel
    trigger = matching_trigger(referentiel, question_id, value)
    if trigger is None:
        return ()
    already = triggered_questions(referentiel, earlier)
    if question_id in already:
        return ()  # the same question answered again: the youth has seen this help
    if already:
        reminder = context.localized(trigger.reminder) if trigger.reminder else context.text(HELP_REMINDER)
        return (Send(reminder),)
    return (Send(f"{_block(trigger, context)}\n\n{context.text(PAUSE_OFFER)}"),)


def completion_help(context: Context) -> Output:
    """Return the help block everyone sees at the end: every resource of the référentiel."""
    resources = context.referentiel.help_resources
    if not resources:
        return Send(context.text(SAFEGUARDING))
    return Send("\n".join((context.text(HELP_INTRO), *(_line(resource, context) for resource in resources))))


def _block(trigger: SafeguardingTrigger, context: Context) -> str:
    resources = resources_for(context.referentiel, trigger)
    if trigger.advice is None or not resources:
        return context.text(SAFEGUARDING)
    return "\n".join(
        (context.localized(trigger.advice), *(_line(resource, context) for resource in resources))
    )


def _line(resource: HelpResource, context: Context) -> str:
    separator = label_separator(context.locale)
    return f"{context.localized(resource.name)}{separator}{context.localized(resource.description)}"
