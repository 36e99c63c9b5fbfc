"""Information and consent: the notice, "Yes, I agree", "No, thanks", and coming back after a no.

The youth must agree, knowing what is asked and who sees what, before any question. A "no" is
recorded and respected: the engine sends nothing more (reminders get no output) until the
youth writes again, which shows the notice again. A typed "oui", "non", a button's number or
label counts like the button; anything less clear is asked again, since consent must be clear.
"""

from conversations import callback_data
from conversations.context import Context
from conversations.events import Event, TextReceived
from conversations.outputs import Button, EditQuestion, Keyboard, RecordConsent, RecordDeclined, Send
from conversations.questionnaire import start
from conversations.state import ConversationState, Phase, Transition
from conversations.texts import (
    AGREE,
    AGREED,
    COME_BACK_LATER,
    CONSENT_BUTTONS_PLEASE,
    DECLINE,
    DECLINED,
    NOTICE,
    NOTICE_VERSION,
    TYPED_NO,
    TYPED_YES,
)
from conversations.typed_answers import is_signed_number, normalize
from referentiel.models import Referentiel
from referentiel.timing import estimated_seconds

SECONDS_PER_MINUTE = 60


def consent_keyboard(context: Context) -> Keyboard:
    """Return the two explicit consent buttons."""
    return Keyboard(
        (
            (Button(f"✅ {context.text(AGREE)}", callback_data.consent(agree=True)),),
            (Button(f"❌ {context.text(DECLINE)}", callback_data.consent(agree=False)),),
        )
    )


def answering_minutes(referentiel: Referentiel) -> tuple[int, int]:
    """Return the answering time promised to the youth, in whole minutes, from ``referentiel.timing``.

    The estimate that ``voix referentiel check`` prints, rounded outwards ("4 min 09 s to 5 min
    39 s" → 4 to 6), and always a range of at least one minute.
    """
    shortest, longest = estimated_seconds(referentiel)
    fewest = max(1, shortest // SECONDS_PER_MINUTE)
    most = max(fewest + 1, -(-longest // SECONDS_PER_MINUTE))
    return fewest, most


def notice(context: Context) -> str:
    """Return the information notice, with the group size and the answering time filled in."""
    fewest, most = answering_minutes(context.referentiel)
    return context.text(
        NOTICE,
        minimum_group_size=context.minimum_group_size,
        shortest_minutes=fewest,
        longest_minutes=most,
    )


def show_notice(state: ConversationState, event: Event, context: Context) -> Transition:
    """Show the information notice with the consent buttons (at enrolment, or on coming back)."""
    shown = state.moved(phase=Phase.CONSENT, question_id=None, selection=(), resume_phase=None)
    return Transition(shown, (Send(notice(context), consent_keyboard(context), holds_question=True),))


def ask_consent_again(state: ConversationState, event: Event, context: Context) -> Transition:
    """Re-prompt with the consent buttons when the youth typed or sent something else."""
    return Transition(
        state, (Send(context.text(CONSENT_BUTTONS_PLEASE), consent_keyboard(context), holds_question=True),)
    )


def type_consent(state: ConversationState, event: Event, context: Context) -> Transition:
    """Take a typed yes or no like the button; ask again with the buttons if it is not clear."""
    agreed = typed_consent(event.text, context) if isinstance(event, TextReceived) else None
    if agreed is None:
        return ask_consent_again(state, event, context)
    return (agree if agreed else decline)(state, event, context)


def typed_consent(text: str, context: Context) -> bool | None:
    """Return True for a typed yes, False for a typed no, None when it is not clearly either.

    Understood: the buttons' numbers (1, 2) and labels, and each language's ``TYPED_YES`` and
    ``TYPED_NO`` words, in every language of the référentiel (the youth's first), ignoring case,
    accents and punctuation.
    """
    if is_signed_number(text):  # « -1 » is no clear yes
        return None
    typed = normalize(text)
    yes = _typed_words(context, AGREE, TYPED_YES) | {"1"}
    no = _typed_words(context, DECLINE, TYPED_NO) | {"2"}
    if typed in yes and typed not in no:
        return True
    if typed in no and typed not in yes:
        return False
    return None


def _typed_words(context: Context, label: str, words: str) -> set[str]:
    languages = dict.fromkeys((context.locale, *context.referentiel.languages))
    typed: set[str] = set()
    for language in languages:
        typed.add(normalize(context.translate(language, label)))
        typed.update(normalize(word) for word in context.translate(language, words).split(","))
    typed.discard("")
    return typed


def agree(state: ConversationState, event: Event, context: Context) -> Transition:
    """Record consent to this notice version, then ask the first question."""
    edit = EditQuestion(f"{notice(context)}\n\n✔️ {context.text(AGREE)}")
    return start(state, context, (RecordConsent(NOTICE_VERSION), edit, Send(context.text(AGREED))))


def decline(state: ConversationState, event: Event, context: Context) -> Transition:
    """Record the refusal and say goodbye; nothing more is sent unless the youth comes back."""
    edit = EditQuestion(f"{notice(context)}\n\n✔️ {context.text(DECLINE)}")
    declined = state.moved(phase=Phase.DECLINED, question_id=None, selection=(), resume_phase=None)
    return Transition(declined, (RecordDeclined(), edit, Send(context.text(DECLINED))))


def pause_before_consent(state: ConversationState, event: Event, context: Context) -> Transition:
    """Acknowledge /pause before any question: the notice waits for the youth."""
    return Transition(state, (Send(context.text(COME_BACK_LATER)),))
