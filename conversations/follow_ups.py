"""Follow-up questionnaires (T1, exit): the offer, its "no, thanks", and the fresh start of a later wave.

A youth who completed a questionnaire may later be asked the next wave's. The shell decides
*when* (an educator's ``voix admin followup open``, or the référentiel's delay after T0) and sends
``offer_follow_up``: a friendly message with "Start" and "No, thanks". The youth's next move then
decides:

* "Start", ``/start``, ``/reprendre`` or any typed message (``starts_follow_up``) makes the shell
  create the run of that wave with a fresh state and step ``FollowUpStarted``: a short greeting,
  then the information notice again, because consent is given per questionnaire;
* "No, thanks" is answered here, in the completed run, like a "no" to the notice: a kind word
  and silence, until the youth writes again.

The offer says "some time has passed" only when it has (``A_WHILE`` since the youth's last
answers, which the shell reads from the completed run; the time is the context's).

Everything here is pure: the offer is worded from the context, the wave's title from the
référentiel; nothing is stored by these functions but what their outputs ask for.
"""

from datetime import datetime, timedelta

from conversations import callback_data
from conversations.callback_data import Action
from conversations.consent import answering_minutes, show_notice
from conversations.context import Context
from conversations.errors import InvalidEventError
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    Event,
    FollowUpStarted,
    Restarted,
    TextReceived,
)
from conversations.interruptions import ignore_button
from conversations.outputs import Button, EditQuestion, Keyboard, Send
from conversations.state import ConversationState, Transition
from conversations.texts import (
    DECLINE,
    DECLINED,
    FOLLOW_UP_GREETING,
    FOLLOW_UP_HELLO_AFTER_A_WHILE,
    FOLLOW_UP_HELLO_AGAIN,
    FOLLOW_UP_OFFER,
    START,
)

# Commands that mean "let's go" when a follow-up is waiting (the others keep their usual meaning).
_STARTING_COMMANDS = frozenset({"reprendre", "resume", "continuer"})
# From how long after the youth's last answers an offer says that some time has passed.
A_WHILE = timedelta(days=7)


def questionnaire_name(context: Context, wave: str) -> str | None:
    """Return the wave's title in the youth's language, lowercased to sit inside a sentence."""
    try:
        title = context.localized(context.referentiel.wave(wave).title)
    except KeyError:
        return None
    return title[:1].lower() + title[1:]


def offer_follow_up(context: Context, wave: str, answered_at: datetime) -> tuple[Send, ...]:
    """Word the offer of wave ``wave``'s questionnaire, with "Start" and "No, thanks" buttons.

    ``answered_at`` is when the youth completed their last questionnaire: the greeting says time
    has passed only if it has. The message holds the buttons the youth answers next, so the shell
    remembers it (and a "No, thanks" can remove its buttons).
    """
    body = _offer_body(context, wave)
    if body is None:
        raise InvalidEventError(f"No wave {wave!r} in référentiel {context.referentiel.id}")
    hello = FOLLOW_UP_HELLO_AFTER_A_WHILE if context.now - answered_at >= A_WHILE else FOLLOW_UP_HELLO_AGAIN
    keyboard = Keyboard(
        (
            (Button(f"▶️ {context.text(START)}", callback_data.follow_up(wave, start=True)),),
            (Button(f"❌ {context.text(DECLINE)}", callback_data.follow_up(wave, start=False)),),
        )
    )
    return (Send(f"{context.text(hello)}\n{body}", keyboard, holds_question=True),)


def _offer_body(context: Context, wave: str) -> str | None:
    """Return what the offer says of the questionnaire (all but the greeting), or None for an unknown wave."""
    name = questionnaire_name(context, wave)
    if name is None:
        return None
    fewest, most = answering_minutes(context.referentiel)
    return context.text(FOLLOW_UP_OFFER, questionnaire=name, shortest_minutes=fewest, longest_minutes=most)


def starts_follow_up(event: Event, wave: str) -> bool:
    """Tell whether this event, from a youth offered wave ``wave``, means "start it now"."""
    if isinstance(event, (Restarted, TextReceived)):
        return True
    if isinstance(event, CommandReceived):
        return event.name.lower().lstrip("/").split("@")[0] in _STARTING_COMMANDS
    if isinstance(event, ButtonPressed):
        button = callback_data.parse(event.data)
        return button is not None and button.action is Action.FOLLOW_UP and button.value == wave
    return False


def show_follow_up_notice(state: ConversationState, event: Event, context: Context) -> Transition:
    """Greet the youth back and show the information notice of this new questionnaire."""
    if not isinstance(event, FollowUpStarted):
        raise InvalidEventError(f"Expected FollowUpStarted, got {event!r}")
    name = questionnaire_name(context, event.wave)
    if name is None:
        raise InvalidEventError(f"No wave {event.wave!r} in référentiel {context.referentiel.id}")
    notice = show_notice(state, event, context)
    greeting = Send(context.text(FOLLOW_UP_GREETING, questionnaire=name))
    return Transition(notice.state, (greeting, *notice.outputs))


def decline_follow_up(state: ConversationState, event: Event, context: Context) -> Transition:
    """Answer "No, thanks" to an offer: its buttons go, a kind word; nothing is started or stored.

    Only the offer still open counts: an older offer's button (its wave started or answered since)
    is an old button, so it never rewrites the message now remembered as the question.
    """
    button = callback_data.parse(event.data) if isinstance(event, ButtonPressed) else None
    if button is None or button.value is None or button.value != context.offered_wave:
        return ignore_button(state, event, context)
    body = _offer_body(context, button.value)
    if body is None:
        return ignore_button(state, event, context)
    # The answered offer keeps what it offered, not its greeting (which depended on when it was sent).
    edit = EditQuestion(f"{body}\n\n✔️ {context.text(DECLINE)}")
    return Transition(state, (edit, Send(context.text(DECLINED))))
