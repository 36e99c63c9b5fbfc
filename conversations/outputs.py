"""What the engine asks the shell to do: messages to send and effects to store, as plain values.

``step`` returns a ``conversations.state.Transition``: the new state and an ordered tuple of
outputs. The shell must:

1. apply every *effect* (``SaveAnswer``, ``DiscardAnswer``, ``RecordConsent``, ``RecordDeclined``,
   ``ChangeLocale``, ``CompleteRun``, ``EraseYouth``, ``StartFollowUp``) and store the new state, all in ONE
   transaction, together with the update id (so a redelivered update or a double tap changes
   nothing); effects are idempotent by design (``SaveAnswer`` is an upsert on the question id);
2. only then perform the *messages* (``Send``, ``EditQuestion``, ``Notice``) in order.

Texts are final (already translated and filled in), plain text without parse mode, each under
Telegram's 4096 characters. Callback data are built by ``conversations.callback_data``: short
ASCII, at most 64 bytes.
"""

from dataclasses import dataclass

from referentiel.answers import AnswerValue


@dataclass(frozen=True)
class Button:
    """One inline button: what the youth sees, and the callback data the engine will parse."""

    label: str
    data: str


@dataclass(frozen=True)
class Keyboard:
    """An inline keyboard, row by row."""

    rows: tuple[tuple[Button, ...], ...]

    def buttons(self) -> tuple[Button, ...]:
        """Return every button, row after row."""
        return tuple(button for row in self.rows for button in row)


@dataclass(frozen=True)
class Send:
    """Send a new message, with inline buttons if ``keyboard`` is given.

    ``holds_question`` marks the message the youth answers next (a question, the consent notice,
    the stop confirmation): the shell remembers its message id, replacing the previous one, so
    that a later ``EditQuestion`` can find it.
    """

    text: str
    keyboard: Keyboard | None = None
    holds_question: bool = False


@dataclass(frozen=True)
class EditQuestion:
    """Edit the message remembered from the last ``Send(holds_question=True)``.

    With ``keyboard=None`` its buttons disappear (the question shows the choice made); with a
    keyboard, the buttons are replaced (multiple choice toggles). If the message is too old to be
    edited, the shell may ignore the failure: the answer is already stored.
    """

    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Notice:
    """A short toast answering the button press being handled (``answerCallbackQuery`` text)."""

    text: str


@dataclass(frozen=True)
class SaveAnswer:
    """Store (insert or replace) the youth's answer to a question; ``None`` means skipped."""

    question_id: str
    value: AnswerValue


@dataclass(frozen=True)
class DiscardAnswer:
    """Delete a stored answer: after "Retour", a changed answer hid this question."""

    question_id: str


@dataclass(frozen=True)
class RecordConsent:
    """Store that the youth agreed, now, to the information notice of this version."""

    notice_version: str


@dataclass(frozen=True)
class RecordDeclined:
    """Store that the youth said no: no messages to them (reminders stop) unless they come back."""


@dataclass(frozen=True)
class ChangeLocale:
    """Store the youth's chosen language; use it for every later context."""

    locale: str


@dataclass(frozen=True)
class CompleteRun:
    """Mark the run as completed now (reminders stop); the answers are all stored already."""


@dataclass(frozen=True)
class EraseYouth:
    """Erase the youth: contact, answers, run, pending reminders; write an audit entry without identity."""


@dataclass(frozen=True)
class StartFollowUp:
    """Start the youth's questionnaire of wave ``wave`` in a run of its own.

    The shell creates the run (a fresh state) in the same transaction and steps
    ``FollowUpStarted(wave)`` there, whose messages follow this step's.
    """

    wave: str


Message = Send | EditQuestion | Notice
Effect = (
    SaveAnswer
    | DiscardAnswer
    | RecordConsent
    | RecordDeclined
    | ChangeLocale
    | CompleteRun
    | EraseYouth
    | StartFollowUp
)
Output = Message | Effect

MESSAGE_TYPES = (Send, EditQuestion, Notice)
EFFECT_TYPES = (
    SaveAnswer,
    DiscardAnswer,
    RecordConsent,
    RecordDeclined,
    ChangeLocale,
    CompleteRun,
    EraseYouth,
    StartFollowUp,
)
