"""What can happen to a youth's conversation: the engine's inputs, as plain values.

The shell (``bot/``) turns each Telegram update, or a due scheduled message, into exactly one event and
calls ``conversations.step(state, event, context)``. Events carry only what the youth sent: no
Telegram objects, no identifiers, no current time (that is in the context).

Updates that are not for the engine never become events: group and channel messages are
ignored by the shell, and strangers (no youth yet) get ``conversations.strangers`` messages.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Enrolled:
    """The shell has just redeemed a valid invitation and created the youth and their run.

    Only valid on a fresh state (``ConversationState.new()``): a known youth is never re-enrolled.
    """


@dataclass(frozen=True)
class FollowUpStarted:
    """The shell has just started a known youth's run of a later wave (a follow-up questionnaire).

    Like ``Enrolled``, only valid on a fresh state: each questionnaire has its own run, so the
    youth sees a short greeting and the information notice again (consent is per questionnaire).
    ``wave`` is the référentiel wave id (``T1``, ``exit``), used to name the questionnaire.
    """

    wave: str


@dataclass(frozen=True)
class Restarted:
    """A known youth sent ``/start`` again (with or without a token): resume, never re-enrol."""


@dataclass(frozen=True)
class TextReceived:
    """The youth typed a message that is not a command."""

    text: str


@dataclass(frozen=True)
class ButtonPressed:
    """The youth pressed an inline button; ``data`` is its callback data, which may be forged.

    The shell must answer every callback query: with the text of a ``Notice`` output if there is
    one, else with no text.
    """

    data: str


@dataclass(frozen=True)
class CommandReceived:
    """The youth sent a command other than ``/start``.

    ``name`` is lowercase without the slash nor ``@botname`` (``pause``, ``reprendre``, ``stop``,
    ``aide``, ``langue``; ``help`` and ``language`` are accepted too); unknown names get help.
    ``argument`` is the rest of the message, stripped (usually empty).
    """

    name: str
    argument: str = ""


@dataclass(frozen=True)
class UnsupportedMessageReceived:
    """The youth sent something the engine cannot read: ``sticker``, ``photo``, ``voice``, ``edited``…

    ``kind`` is informative only (never stored); the answer is a short re-prompt.
    """

    kind: str


@dataclass(frozen=True)
class ReminderDue:
    """The shell's scheduler says it is time to nudge this youth (it decides when; the engine, if)."""


@dataclass(frozen=True)
class FollowUpDue:
    """The shell's scheduler says the offer of wave ``wave``'s questionnaire is due for this youth.

    The shell decides when and whether the youth may be offered it (one eligibility rule, in
    storage: an earlier wave completed, their latest questionnaire finished, no run of ``wave``);
    the table decides what the conversation does with it (offer now, or once a stop is cancelled).
    ``answered_at`` is when the youth finished their last questionnaire (completed, or declined):
    the offer says time has passed only if it has.
    """

    wave: str
    answered_at: datetime


@dataclass(frozen=True)
class InvitationOpened:
    """A known youth opened an invitation link (``/start TOKEN``) of a later wave that may start.

    The shell found the token valid for them (their structure, unused, not expired) and the youth
    eligible for ``wave`` (the same rule as offers); the table decides whether it starts now, with
    ``StartFollowUp``, or is only a ``/start`` (the shell then leaves the token unused).
    """

    wave: str


Event = (
    Enrolled
    | FollowUpStarted
    | Restarted
    | TextReceived
    | ButtonPressed
    | CommandReceived
    | UnsupportedMessageReceived
    | ReminderDue
    | FollowUpDue
    | InvitationOpened
)
