"""The youth's conversation as a pure state machine: ``step(state, event, context) -> Transition``.

Modules, one concept each:

* ``events`` — the inputs (``Enrolled``, ``TextReceived``, ``ButtonPressed``…);
* ``outputs`` — the outputs: messages (``Send``, ``EditQuestion``, ``Notice``) and effects
  (``SaveAnswer``, ``RecordConsent``, ``EraseYouth``…);
* ``state`` — ``ConversationState`` (JSON round trip), ``Phase``, ``Transition``;
* ``context`` — ``Context`` (référentiel, locale, translate, now) and the ``N_`` marker;
* ``callback_data`` — the inline buttons' data, built and parsed in one place;
* ``transitions`` — the theory of operation, the transition table and ``step``;
* ``consent``, ``questionnaire``, ``interruptions`` — the handlers the table names;
* ``navigation``, ``typed_answers``, ``question_messages`` — question order and progress,
  understanding typed answers, how a question looks;
* ``texts`` — every user-facing msgid; ``strangers`` — messages for people not enrolled;
* ``diagram`` — the Mermaid phase diagram, drawn from the table.

Nothing here imports telegram, aiosqlite, apscheduler, babel, bot or admin, nor does any I/O.
"""

from conversations.context import Context, choose_locale, identity_translate
from conversations.state import ConversationState, Phase, Transition
from conversations.strangers import greet_stranger, reject_invitation, throttled
from conversations.texts import NOTICE_VERSION
from conversations.transitions import step

__all__ = [
    "NOTICE_VERSION",
    "Context",
    "ConversationState",
    "Phase",
    "Transition",
    "choose_locale",
    "greet_stranger",
    "identity_translate",
    "reject_invitation",
    "step",
    "throttled",
]
