"""Information and consent: the notice, "Yes, I agree", "No, thanks", and coming back after a no.

The youth must agree, knowing what is asked and who sees what, before any question. A "no" is
recorded and respected: the engine sends nothing more (reminders get no output) until the
youth writes again, which shows the notice again.
"""

from conversations import callback_data
from conversations.context import Context
from conversations.events import Event
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
)


def consent_keyboard(context: Context) -> Keyboard:
    """Return the two explicit consent buttons."""
    return Keyboard(
        (
            (Button(f"✅ {context.text(AGREE)}", callback_data.consent(agree=True)),),
            (Button(f"❌ {context.text(DECLINE)}", callback_data.consent(agree=False)),),
        )
    )


def notice(context: Context) -> str:
    """Return the information notice, with the deployment's smallest group size filled in."""
    return context.text(NOTICE, minimum_group_size=context.minimum_group_size)


def show_notice(state: ConversationState, event: Event, context: Context) -> Transition:
    """Show the information notice with the consent buttons (at enrolment, or on coming back)."""
    shown = state.moved(phase=Phase.CONSENT, question_id=None, selection=(), resume_phase=None)
    return Transition(shown, (Send(notice(context), consent_keyboard(context), holds_question=True),))


def ask_consent_again(state: ConversationState, event: Event, context: Context) -> Transition:
    """Re-prompt with the consent buttons when the youth typed or sent something else."""
    return Transition(
        state, (Send(context.text(CONSENT_BUTTONS_PLEASE), consent_keyboard(context), holds_question=True),)
    )


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
