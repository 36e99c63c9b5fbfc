"""The state of one youth's conversation, stored by the shell as JSON in ``runs.state``.

The state is small and explicit so that the conversation survives restarts exactly where it
was: the phase, the question being asked, the answers given so far (the engine needs them for
conditions, progress and "Retour"; the shell stores the same answers through ``SaveAnswer``),
the pending selection of a multiple-choice question, the phase to return to after a pause or
a cancelled stop, the furthest question asked (so "Retour" and forward again does not repeat
a dimension's introduction), and the later questionnaire (wave) on offer after this one.

What is never in the state: safeguarding triggers (an answer that showed help resources leaves
no trace but the message), anything about the person, the time.
"""

import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from conversations.errors import InvalidStateError
from conversations.outputs import EFFECT_TYPES, MESSAGE_TYPES, Effect, Message, Output
from referentiel.answers import AnswerValue

STATE_FORMAT = 1


class Phase(StrEnum):
    """Where the conversation is; see ``conversations.transitions`` for the moves between phases."""

    NEW = "new"  # created by the shell at enrolment, nothing shown yet
    CONSENT = "consent"  # the information notice is shown, waiting for yes or no
    DECLINED = "declined"  # the youth said no: silence unless they come back
    QUESTIONNAIRE = "questionnaire"  # asking ``question_id``
    PAUSED = "paused"  # /pause: waiting for /reprendre or any message
    CONFIRMING_STOP = "confirming_stop"  # /stop: waiting for "erase" or "cancel"
    COMPLETED = "completed"  # every shown question answered or skipped
    OFFERED = "offered"  # after completion (or a "no"): a later questionnaire is offered
    CLOSED = "closed"  # a later questionnaire took over, in a run of its own; nothing more happens here
    ERASED = "erased"  # the youth is erased; nothing more happens


@dataclass(frozen=True)
class ConversationState:
    """One youth's conversation; immutable, replaced at every step.

    ``question_id`` is the question being asked in ``QUESTIONNAIRE`` (and kept while paused or
    confirming a stop). ``selection`` holds the toggled options of a multiple-choice question
    until "Valider". ``resume_phase`` is where ``PAUSED`` and ``CONFIRMING_STOP`` go back to.
    ``furthest_question_id`` is the furthest question asked so far, in the référentiel's order:
    a dimension's introduction is shown only when the questionnaire goes beyond it.
    ``offered_wave`` is the wave whose questionnaire is offered in ``OFFERED`` (and kept while a
    stop waits for confirmation there).
    """

    phase: Phase = Phase.NEW
    question_id: str | None = None
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    selection: tuple[str, ...] = ()
    resume_phase: Phase | None = None
    furthest_question_id: str | None = None
    offered_wave: str | None = None

    @classmethod
    def new(cls) -> "ConversationState":
        """Return the state the shell stores when it enrols a youth, before ``Enrolled``."""
        return cls()

    def moved(self, **changes: Any) -> "ConversationState":
        """Return a copy with some fields changed."""
        return replace(self, **changes)

    def to_json(self) -> str:
        """Return the state as a JSON text (multiple-choice answers become lists)."""
        return json.dumps(
            {
                "format": STATE_FORMAT,
                "phase": self.phase.value,
                "question_id": self.question_id,
                "answers": {key: _json_value(value) for key, value in self.answers.items()},
                "selection": list(self.selection),
                "resume_phase": self.resume_phase.value if self.resume_phase else None,
                "furthest_question_id": self.furthest_question_id,
                "offered_wave": self.offered_wave,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> "ConversationState":
        """Read a state written by ``to_json``; raise ``InvalidStateError`` if it is not one."""
        try:
            data = json.loads(text)
            if data.get("format") != STATE_FORMAT:
                raise InvalidStateError(f"Unknown conversation state format: {data.get('format')!r}")
            resume = data["resume_phase"]
            question_id = data["question_id"]
            # States stored before these fields existed have none: introductions as before, no offer.
            furthest = data.get("furthest_question_id")
            offered_wave = data.get("offered_wave")
            if any(
                value is not None and not isinstance(value, str)
                for value in (question_id, furthest, offered_wave)
            ):
                raise InvalidStateError(
                    "The question ids and offered wave of a conversation state must be strings"
                )
            return cls(
                phase=Phase(data["phase"]),
                question_id=question_id,
                answers={str(key): _answer_value(value) for key, value in data["answers"].items()},
                selection=tuple(str(option) for option in data["selection"]),
                resume_phase=Phase(resume) if resume is not None else None,
                furthest_question_id=furthest,
                offered_wave=offered_wave,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidStateError(f"Not a conversation state: {error}") from error


def _json_value(value: AnswerValue) -> Any:
    if value is None or isinstance(value, (str, int)):
        return value
    return list(value)


def _answer_value(value: Any) -> AnswerValue:
    if value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise InvalidStateError(f"Not an answer value: {value!r}")


@dataclass(frozen=True)
class Transition:
    """The result of one step: the state to store and the outputs (see ``conversations.outputs``)."""

    state: ConversationState
    outputs: tuple[Output, ...] = ()

    @property
    def effects(self) -> tuple[Effect, ...]:
        """Return the outputs to apply in the transaction with the state, in order."""
        return tuple(output for output in self.outputs if isinstance(output, EFFECT_TYPES))

    @property
    def messages(self) -> tuple[Message, ...]:
        """Return the outputs to send after the transaction, in order."""
        return tuple(output for output in self.outputs if isinstance(output, MESSAGE_TYPES))
