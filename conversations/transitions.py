"""Theory of operation: every move of the conversation, in one table.

A youth's conversation is a small state machine. ``step(state, event, context)`` is the only
entry point: it classifies the event into a ``Trigger`` (a command by name, a button by the
action of its callback data, a typed message…), looks up ``(phase, trigger)`` in ``TABLE`` and
runs that row's handler, a pure function returning the new state and the outputs. Each row also
declares the phases it may lead to; the tests check every handler against that declaration, and
``conversations.diagram`` draws the phase diagram of ``docs/conversation.md`` from it. So the
table is the truth: a move that is not here does not happen.

Rule 1: everything that decides which handler runs lives in this file, as data.
Rule 2: the commands, help, language, stop and reminders behave alike in every phase
(``shared_rows``); a phase's own rows override them. A button missing from a phase's rows is an
older message's button or forged data (``DEFAULT_BUTTON``: a gentle ``Notice``, nothing stored).
Rule 3: a handler's destination depends on the phase only to go back where the youth was:
``prompt`` ("show again what is waiting", see ``PROMPTED``) and the stop confirmation, which
remembers the phase in ``resume_phase``.
Rule 4: ``Enrolled`` and ``FollowUpStarted`` are only valid on a new state; anywhere else they
are a shell bug (``InvalidEventError``), because a known youth is never re-enrolled and each
questionnaire (wave) starts in a run of its own.
Rule 5: what the shell's scheduler says is due (``ReminderDue``, ``FollowUpDue``) does nothing
where a phase has no row for it: it never re-prompts.

The phases, in the order a youth meets them::

    NEW ─Enrolled→ CONSENT ─agree→ QUESTIONNAIRE ─last answer→ COMPLETED
                      │ decline          ╲ /pause ⇄ any message: PAUSED       │
                      ▼                   ╲ /stop → CONFIRMING_STOP ─erase→ ERASED
                   DECLINED ─any message→ CONSENT  (cancel → back where the youth was)
                      │                                                     │ follow-up due
                      └──────────────── follow-up due ─────────────→ OFFERED ─start→ CLOSED

A follow-up questionnaire (T1, exit) is offered to a finished one (completed, or declined) when
the shell says it is due (``FollowUpDue``); "Start", ``/start``, ``/reprendre`` or any message —
or an invitation link of that wave (``InvitationOpened``) — gives ``StartFollowUp``: the shell
opens the wave's own run, ``NEW ─FollowUpStarted→ CONSENT`` (greeting and notice again), and
this run is ``CLOSED`` (see ``conversations.follow_ups``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from conversations import callback_data
from conversations.callback_data import Action
from conversations.consent import (
    agree,
    ask_consent_again,
    decline,
    pause_before_consent,
    show_notice,
    type_consent,
)
from conversations.context import Context
from conversations.errors import InvalidEventError
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    Enrolled,
    Event,
    FollowUpDue,
    FollowUpStarted,
    InvitationOpened,
    ReminderDue,
    Restarted,
    TextReceived,
    UnsupportedMessageReceived,
)
from conversations.follow_ups import (
    decline_follow_up,
    offer,
    offer_after_stop,
    show_follow_up_notice,
    start_follow_up,
)
from conversations.interruptions import (
    already_completed,
    already_paused,
    ask_language,
    ask_stop,
    cancel_stop,
    change_language,
    erase,
    help_message,
    ignore_button,
    nothing,
    pause,
    prompt,
    remind,
    resume_with_text,
)
from conversations.outputs import Notice
from conversations.questionnaire import (
    ask_current,
    press_answer,
    press_back,
    press_skip,
    press_toggle,
    press_validate,
    type_answer,
    unsupported,
)
from conversations.state import ConversationState, Phase, Transition
from conversations.typed_answers import typed_command

Handler = Callable[[ConversationState, Event, Context], Transition]


class Trigger(StrEnum):
    """What an event means for the table, whatever its details."""

    ENROLLED = "Enrolled"
    FOLLOW_UP_STARTED = "FollowUpStarted"
    RESTARTED = "/start"
    TEXT = "text"
    UNSUPPORTED = "sticker, photo…"
    REMINDER = "reminder"
    FOLLOW_UP_DUE = "follow-up due"
    INVITATION = "invitation"
    PAUSE = "/pause"
    RESUME = "/reprendre"
    STOP = "/stop"
    HELP = "/aide"
    LANGUAGE = "/langue"
    AGREE = "agree"
    DECLINE = "decline"
    ANSWER = "option"
    TOGGLE = "toggle"
    VALIDATE = "done"
    SKIP = "skip"
    BACK = "back"
    CONTINUE = "continue"
    CHOOSE_LANGUAGE = "language"
    CONFIRM_STOP = "erase"
    CANCEL_STOP = "cancel stop"
    START_FOLLOW_UP = "start follow-up"
    NO_FOLLOW_UP = "no follow-up"
    FORGED = "unknown button"


BUTTON_TRIGGERS = frozenset(
    {
        Trigger.AGREE,
        Trigger.DECLINE,
        Trigger.ANSWER,
        Trigger.TOGGLE,
        Trigger.VALIDATE,
        Trigger.SKIP,
        Trigger.BACK,
        Trigger.CONTINUE,
        Trigger.CHOOSE_LANGUAGE,
        Trigger.CONFIRM_STOP,
        Trigger.CANCEL_STOP,
        Trigger.START_FOLLOW_UP,
        Trigger.NO_FOLLOW_UP,
        Trigger.FORGED,
    }
)

COMMANDS = {
    "pause": Trigger.PAUSE,
    "reprendre": Trigger.RESUME,
    "resume": Trigger.RESUME,
    "continuer": Trigger.RESUME,
    "stop": Trigger.STOP,
    "aide": Trigger.HELP,
    "help": Trigger.HELP,
    "langue": Trigger.LANGUAGE,
    "language": Trigger.LANGUAGE,
    "start": Trigger.RESTARTED,
}

_BUTTONS = {
    Action.ANSWER: Trigger.ANSWER,
    Action.TOGGLE: Trigger.TOGGLE,
    Action.VALIDATE: Trigger.VALIDATE,
    Action.SKIP: Trigger.SKIP,
    Action.BACK: Trigger.BACK,
    Action.RESUME: Trigger.CONTINUE,
    Action.LANGUAGE: Trigger.CHOOSE_LANGUAGE,
    Action.FOLLOW_UP: Trigger.START_FOLLOW_UP,
    Action.NO_FOLLOW_UP: Trigger.NO_FOLLOW_UP,
}

# Events that start a run, valid only on a new state (Rule 4).
STARTING_TRIGGERS = frozenset({Trigger.ENROLLED, Trigger.FOLLOW_UP_STARTED})
# What the shell's scheduler says is due: nothing where a phase has no row for it (Rule 5).
SCHEDULED_TRIGGERS = frozenset({Trigger.REMINDER, Trigger.FOLLOW_UP_DUE})


# Events whose type alone says what happened; commands and buttons are read below.
_EVENT_TRIGGERS: dict[type, Trigger] = {
    Enrolled: Trigger.ENROLLED,
    FollowUpStarted: Trigger.FOLLOW_UP_STARTED,
    Restarted: Trigger.RESTARTED,
    UnsupportedMessageReceived: Trigger.UNSUPPORTED,
    ReminderDue: Trigger.REMINDER,
    FollowUpDue: Trigger.FOLLOW_UP_DUE,
    InvitationOpened: Trigger.INVITATION,
}


def trigger_of(event: Event) -> Trigger:
    """Classify an event (an unknown command means help; unreadable button data means forged)."""
    if isinstance(event, TextReceived):  # « stop » typed is /stop (``typed_answers.typed_command``)
        command = typed_command(event.text)
        return Trigger.TEXT if command is None else COMMANDS[command]
    simple = _EVENT_TRIGGERS.get(type(event))
    if simple is not None:
        return simple
    if isinstance(event, CommandReceived):
        return COMMANDS.get(event.name.lower().lstrip("/").split("@")[0], Trigger.HELP)
    if not isinstance(event, ButtonPressed):
        raise InvalidEventError(f"{type(event).__name__} is not an event the engine knows")
    button = callback_data.parse(event.data)
    if button is None:
        return Trigger.FORGED
    if button.action is Action.CONSENT:
        return Trigger.AGREE if button.value == "yes" else Trigger.DECLINE
    if button.action is Action.STOP:
        return Trigger.CONFIRM_STOP if button.value == "yes" else Trigger.CANCEL_STOP
    return _BUTTONS[button.action]


@dataclass(frozen=True)
class Rule:
    """One row: the handler to run, and every phase it may lead to."""

    handler: Handler
    targets: frozenset[Phase]


def rule(handler: Handler, *targets: Phase) -> Rule:
    """Write a row of the table."""
    return Rule(handler, frozenset(targets))


def resuming(handler: Handler) -> Handler:
    """Leave the pause, then run ``handler``; an older message's button keeps the pause."""

    def run(state: ConversationState, event: Event, context: Context) -> Transition:
        resumed = state.moved(phase=Phase.QUESTIONNAIRE, resume_phase=None)
        result = handler(resumed, event, context)
        if result.state == resumed and all(isinstance(output, Notice) for output in result.outputs):
            return Transition(state, result.outputs)
        return result

    run.__name__ = f"resume then {handler.__name__}"
    run.__doc__ = handler.__doc__
    return run


NEW, CONSENT, DECLINED = Phase.NEW, Phase.CONSENT, Phase.DECLINED
QUESTIONNAIRE, PAUSED, COMPLETED = Phase.QUESTIONNAIRE, Phase.PAUSED, Phase.COMPLETED
OFFERED, CLOSED = Phase.OFFERED, Phase.CLOSED
CONFIRMING_STOP, ERASED = Phase.CONFIRMING_STOP, Phase.ERASED
ANSWERED = (QUESTIONNAIRE, COMPLETED)  # an answer either asks the next question or completes

# Where ``prompt`` ("show again what is waiting for an answer") leads from each phase.
PROMPTED = {
    NEW: CONSENT,
    CONSENT: CONSENT,
    DECLINED: CONSENT,  # coming back after a "no" offers the notice again
    QUESTIONNAIRE: QUESTIONNAIRE,
    PAUSED: QUESTIONNAIRE,  # any message resumes
    CONFIRMING_STOP: CONFIRMING_STOP,
    COMPLETED: COMPLETED,
    OFFERED: OFFERED,  # the offer again
}


def shared_rows(phase: Phase) -> dict[Trigger, Rule]:
    """Return the rows every phase but NEW, CLOSED and ERASED has; a phase's own rows override them."""
    prompted = PROMPTED[phase]
    return {
        Trigger.HELP: rule(help_message, prompted),
        Trigger.LANGUAGE: rule(ask_language, phase),
        Trigger.CHOOSE_LANGUAGE: rule(change_language, prompted, phase),  # or a forged language, ignored
        Trigger.STOP: rule(ask_stop, CONFIRMING_STOP),
        Trigger.RESTARTED: rule(prompt, prompted),
        Trigger.INVITATION: rule(prompt, prompted),  # a /start whose invitation cannot start now
        Trigger.RESUME: rule(prompt, prompted),
        Trigger.CONTINUE: rule(prompt, prompted),
        Trigger.TEXT: rule(prompt, prompted),
        Trigger.UNSUPPORTED: rule(prompt, prompted),
        Trigger.PAUSE: rule(prompt, prompted),
        Trigger.REMINDER: rule(nothing, phase),  # reminders only nudge a questionnaire in progress
        Trigger.FOLLOW_UP_DUE: rule(nothing, phase),  # offers only go to a finished questionnaire
    }


TABLE: dict[Phase, dict[Trigger, Rule]] = {
    NEW: {
        Trigger.ENROLLED: rule(show_notice, CONSENT),
        Trigger.FOLLOW_UP_STARTED: rule(show_follow_up_notice, CONSENT),
    },
    CONSENT: {
        **shared_rows(CONSENT),
        Trigger.AGREE: rule(agree, *ANSWERED),
        Trigger.DECLINE: rule(decline, DECLINED),
        Trigger.TEXT: rule(type_consent, CONSENT, DECLINED, *ANSWERED),  # "oui", "non", "1"… or asked again
        Trigger.UNSUPPORTED: rule(ask_consent_again, CONSENT),
        Trigger.PAUSE: rule(pause_before_consent, CONSENT),
    },
    DECLINED: {
        # Silence, unless the youth comes back in any way: then the notice again.
        **shared_rows(DECLINED),
        Trigger.CONTINUE: rule(show_notice, CONSENT),
        Trigger.FOLLOW_UP_DUE: rule(offer, OFFERED),
        Trigger.INVITATION: rule(start_follow_up, CLOSED),
    },
    QUESTIONNAIRE: {
        **shared_rows(QUESTIONNAIRE),
        Trigger.ANSWER: rule(press_answer, *ANSWERED),
        Trigger.TOGGLE: rule(press_toggle, QUESTIONNAIRE),
        Trigger.VALIDATE: rule(press_validate, *ANSWERED),
        Trigger.SKIP: rule(press_skip, *ANSWERED),
        Trigger.BACK: rule(press_back, QUESTIONNAIRE),
        Trigger.TEXT: rule(type_answer, *ANSWERED),
        Trigger.UNSUPPORTED: rule(unsupported, QUESTIONNAIRE),
        Trigger.RESTARTED: rule(ask_current, QUESTIONNAIRE),
        Trigger.RESUME: rule(ask_current, QUESTIONNAIRE),
        Trigger.CONTINUE: rule(ask_current, QUESTIONNAIRE),
        Trigger.PAUSE: rule(pause, PAUSED),
        Trigger.REMINDER: rule(remind, QUESTIONNAIRE),
    },
    PAUSED: {
        **shared_rows(PAUSED),
        Trigger.TEXT: rule(resume_with_text, *ANSWERED),
        Trigger.ANSWER: rule(resuming(press_answer), PAUSED, *ANSWERED),
        Trigger.TOGGLE: rule(resuming(press_toggle), PAUSED, QUESTIONNAIRE),
        Trigger.VALIDATE: rule(resuming(press_validate), PAUSED, *ANSWERED),
        Trigger.SKIP: rule(resuming(press_skip), PAUSED, *ANSWERED),
        Trigger.BACK: rule(resuming(press_back), PAUSED, QUESTIONNAIRE),
        Trigger.UNSUPPORTED: rule(ask_current, QUESTIONNAIRE),
        Trigger.RESTARTED: rule(ask_current, QUESTIONNAIRE),
        Trigger.RESUME: rule(ask_current, QUESTIONNAIRE),
        Trigger.CONTINUE: rule(ask_current, QUESTIONNAIRE),
        Trigger.PAUSE: rule(already_paused, PAUSED),
        Trigger.REMINDER: rule(remind, PAUSED),
    },
    CONFIRMING_STOP: {
        **shared_rows(CONFIRMING_STOP),
        Trigger.CONFIRM_STOP: rule(erase, ERASED),
        Trigger.CANCEL_STOP: rule(cancel_stop, CONSENT, QUESTIONNAIRE, COMPLETED, DECLINED, OFFERED),
        Trigger.FOLLOW_UP_DUE: rule(offer_after_stop, CONFIRMING_STOP),
    },
    COMPLETED: {
        **shared_rows(COMPLETED),
        Trigger.TEXT: rule(already_completed, COMPLETED),
        Trigger.FOLLOW_UP_DUE: rule(offer, OFFERED),
        Trigger.INVITATION: rule(start_follow_up, CLOSED),
    },
    OFFERED: {
        # Any message starts the offered questionnaire; "No, thanks" leaves the offer open.
        **shared_rows(OFFERED),
        Trigger.START_FOLLOW_UP: rule(start_follow_up, CLOSED, OFFERED),  # or an older offer's button
        Trigger.NO_FOLLOW_UP: rule(decline_follow_up, OFFERED),
        Trigger.TEXT: rule(start_follow_up, CLOSED),
        Trigger.RESTARTED: rule(start_follow_up, CLOSED),
        Trigger.RESUME: rule(start_follow_up, CLOSED),
        Trigger.INVITATION: rule(start_follow_up, CLOSED),
        Trigger.FOLLOW_UP_DUE: rule(offer, OFFERED),  # a later wave's offer replaces this one
    },
    CLOSED: {},
    ERASED: {},
}

# Rule 2: what a trigger missing from a phase's rows does (NEW, CLOSED and ERASED have no shared rows).
DEFAULT_BUTTON = rule(ignore_button, *Phase)
DEFAULT_MESSAGE = {
    NEW: rule(show_notice, CONSENT),
    CLOSED: rule(nothing, CLOSED),
    ERASED: rule(nothing, ERASED),
}


def rule_for(phase: Phase, trigger: Trigger) -> Rule:
    """Return the row that handles ``trigger`` in ``phase`` (Rules 2 and 4 included)."""
    if trigger in STARTING_TRIGGERS and phase is not Phase.NEW:
        raise InvalidEventError(
            f"{trigger.value} received in phase {phase.value}: a run starts only once, on a new state"
        )
    found = TABLE[phase].get(trigger)
    if found is not None:
        return found
    if trigger in BUTTON_TRIGGERS:
        return DEFAULT_BUTTON
    if trigger in SCHEDULED_TRIGGERS:
        return rule(nothing, phase)
    return DEFAULT_MESSAGE.get(phase, rule(prompt, PROMPTED.get(phase, phase)))


def step(state: ConversationState, event: Event, context: Context) -> Transition:
    """Apply one event: return the new state and the outputs (pure; see the module docstring)."""
    return rule_for(state.phase, trigger_of(event)).handler(state, event, context)
