"""Follow-up questionnaires (T1, exit): the offer, its answers, and the fresh start of a later wave.

A youth who finished a questionnaire (completed it, or said no to its notice) may later be asked
the next wave's. The shell decides *when* and *whether* (an educator's ``voix admin followup
open`` or the référentiel's delay after T0, and one eligibility rule in storage) and steps
``FollowUpDue(wave)``; from there the table decides, like for every other event:

* ``offer``: the conversation moves to ``OFFERED`` with a friendly message, "Start" and
  "No, thanks" (while a stop waits for confirmation, ``offer_after_stop`` keeps the offer for
  when the youth cancels);
* ``start_follow_up``: "Start", ``/start``, ``/reprendre`` or any typed message — or an
  invitation link of a later wave (``InvitationOpened``) — gives ``StartFollowUp(wave)``: the
  shell creates that wave's run with a fresh state and steps ``FollowUpStarted`` there
  (``show_follow_up_notice``: a short greeting, then the information notice again, because
  consent is given per questionnaire); this run is then ``CLOSED``;
* ``decline_follow_up``: "No, thanks" is a kind word and silence; the offer stays open until the
  youth writes again.

The offer says "some time has passed" only when it has (``A_WHILE`` since the youth's last
answers, which the shell reads from their finished run and passes in ``FollowUpDue``; the time is
the context's). Shown again (after help, a cancelled stop…), it has no greeting.

Everything here is pure: the offer is worded from the context, the wave's title from the
référentiel; nothing is stored by these functions but what their outputs ask for.
"""

from datetime import datetime, timedelta

from conversations import callback_data
from conversations.callback_data import Action
from conversations.consent import answering_minutes, show_notice
from conversations.context import Context
from conversations.errors import InvalidEventError
from conversations.events import ButtonPressed, Event, FollowUpDue, FollowUpStarted, InvitationOpened
from conversations.outputs import Button, EditQuestion, Keyboard, Send, StartFollowUp
from conversations.questionnaire import stale_button
from conversations.state import ConversationState, Phase, Transition
from conversations.texts import (
    DECLINE,
    DECLINED,
    FOLLOW_UP_GREETING,
    FOLLOW_UP_HELLO_AFTER_A_WHILE,
    FOLLOW_UP_HELLO_AGAIN,
    FOLLOW_UP_OFFER,
    START,
)

# Where a finished questionnaire may go on to a later one (a stop waiting for confirmation there
# keeps the offer for when it is cancelled).
FINISHED_PHASES = frozenset({Phase.COMPLETED, Phase.DECLINED, Phase.OFFERED})
# From how long after the youth's last answers an offer says that some time has passed.
A_WHILE = timedelta(days=7)


def questionnaire_name(context: Context, wave: str) -> str | None:
    """Return the wave's title in the youth's language, lowercased to sit inside a sentence."""
    try:
        title = context.localized(context.referentiel.wave(wave).title)
    except KeyError:
        return None
    return title[:1].lower() + title[1:]


def offer_follow_up(context: Context, wave: str, answered_at: datetime | None) -> tuple[Send, ...]:
    """Word the offer of wave ``wave``'s questionnaire, with "Start" and "No, thanks" buttons.

    ``answered_at`` is when the youth finished their last questionnaire: the greeting says time
    has passed only if it has (``None``: shown again, no greeting). The message holds the buttons
    the youth answers next, so the shell remembers it (and a "No, thanks" can remove its buttons).
    """
    body = _offer_body(context, wave)
    if body is None:
        raise InvalidEventError(f"No wave {wave!r} in référentiel {context.referentiel.id}")
    if answered_at is not None:
        hello = (
            FOLLOW_UP_HELLO_AFTER_A_WHILE if context.now - answered_at >= A_WHILE else FOLLOW_UP_HELLO_AGAIN
        )
        body = f"{context.text(hello)}\n{body}"
    keyboard = Keyboard(
        (
            (Button(f"▶️ {context.text(START)}", callback_data.follow_up(wave, start=True)),),
            (Button(f"❌ {context.text(DECLINE)}", callback_data.follow_up(wave, start=False)),),
        )
    )
    return (Send(body, keyboard, holds_question=True),)


def _offer_body(context: Context, wave: str) -> str | None:
    """Return what the offer says of the questionnaire (all but the greeting), or None for an unknown wave."""
    name = questionnaire_name(context, wave)
    if name is None:
        return None
    fewest, most = answering_minutes(context.referentiel)
    return context.text(FOLLOW_UP_OFFER, questionnaire=name, shortest_minutes=fewest, longest_minutes=most)


def _due(event: Event) -> FollowUpDue:
    if not isinstance(event, FollowUpDue):
        raise InvalidEventError(f"Expected FollowUpDue, got {event!r}")
    return event


def offer(state: ConversationState, event: Event, context: Context) -> Transition:
    """Offer the due wave's questionnaire (replacing an older offer still open)."""
    due = _due(event)
    offered = state.moved(phase=Phase.OFFERED, offered_wave=due.wave, question_id=None, resume_phase=None)
    return Transition(offered, offer_follow_up(context, due.wave, due.answered_at))


def offer_after_stop(state: ConversationState, event: Event, context: Context) -> Transition:
    """Keep a due offer while a stop waits for confirmation: it is shown if the youth cancels."""
    wave = _due(event).wave
    if state.resume_phase not in FINISHED_PHASES:
        return Transition(state)
    return Transition(state.moved(resume_phase=Phase.OFFERED, offered_wave=wave))


def show_offer(state: ConversationState, event: Event, context: Context) -> Transition:
    """Show the open offer again (after help, a language change, a cancelled stop…)."""
    if state.offered_wave is None:
        return Transition(state)
    return Transition(state.moved(phase=Phase.OFFERED), offer_follow_up(context, state.offered_wave, None))


def start_follow_up(state: ConversationState, event: Event, context: Context) -> Transition:
    """Start the offered questionnaire (or the invitation's): the shell opens its run; this one closes.

    A "Start" button counts only for the offer still open: an older offer's is an old button.
    """
    wave = event.wave if isinstance(event, InvitationOpened) else state.offered_wave
    if isinstance(event, ButtonPressed):
        button = callback_data.parse(event.data)
        if button is None or button.action is not Action.FOLLOW_UP or button.value != wave:
            return stale_button(state, context)
    if wave is None:
        return Transition(state)
    return Transition(state.moved(phase=Phase.CLOSED, resume_phase=None), (StartFollowUp(wave),))


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
    """Answer "No, thanks" to the open offer: its buttons go, a kind word; it stays open.

    Only the offer still open counts: an older offer's button is an old button, so it never
    rewrites the message now remembered as the question.
    """
    button = callback_data.parse(event.data) if isinstance(event, ButtonPressed) else None
    if button is None or button.value is None or button.value != state.offered_wave:
        return stale_button(state, context)
    body = _offer_body(context, button.value)
    if body is None:
        return stale_button(state, context)
    # The answered offer keeps what it offered, not its greeting (which depended on when it was sent).
    edit = EditQuestion(f"{body}\n\n✔️ {context.text(DECLINE)}")
    return Transition(state, (edit, Send(context.text(DECLINED))))
