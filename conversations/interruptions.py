"""What can interrupt any phase: /pause and resuming, reminders, /stop, /aide, /langue.

"Where we were" is one function, ``prompt``: after help, a language change or a cancelled
stop, the youth sees the message they have to answer again (the notice, the current question,
the stop confirmation), so the conversation never leaves them without buttons.
"""

from conversations import callback_data
from conversations.consent import show_notice
from conversations.context import Context
from conversations.events import ButtonPressed, Event, TextReceived
from conversations.follow_ups import show_offer
from conversations.outputs import Button, ChangeLocale, EditQuestion, EraseYouth, Keyboard, Send
from conversations.questionnaire import ask_current, show_current, stale_button, type_answer, understood_text
from conversations.state import ConversationState, Phase, Transition
from conversations.texts import (
    ALREADY_COMPLETED,
    ALREADY_PAUSED,
    CHOOSE_LANGUAGE,
    CONFIRM_STOP,
    CONTINUE,
    ERASE,
    ERASED,
    HELP,
    KEEP,
    LANGUAGE_CHANGED,
    LANGUAGE_NAMES,
    NOT_ERASED,
    PAUSED,
    REMINDER,
    SAFEGUARDING,
)


def nothing(state: ConversationState, event: Event, context: Context) -> Transition:
    """Do nothing: e.g. a reminder after a "no", after completion, or for an erased youth."""
    return Transition(state)


def prompt(state: ConversationState, event: Event, context: Context) -> Transition:
    """Show again what the youth has to answer in this phase (no greeting: they never left)."""
    if state.phase in (Phase.NEW, Phase.CONSENT, Phase.DECLINED):
        return show_notice(state, event, context)
    if state.phase in (Phase.QUESTIONNAIRE, Phase.PAUSED):
        return show_current(state, event, context)
    if state.phase is Phase.CONFIRMING_STOP:
        return ask_stop(state, event, context)
    if state.phase is Phase.COMPLETED:
        return already_completed(state, event, context)
    if state.phase is Phase.OFFERED:
        return show_offer(state, event, context)
    return Transition(state)


def _continue_keyboard(context: Context) -> Keyboard:
    return Keyboard(((Button(f"▶️ {context.text(CONTINUE)}", callback_data.resume()),),))


def pause(state: ConversationState, event: Event, context: Context) -> Transition:
    """Take a break: everything is saved already; the question stays where it was."""
    paused = state.moved(phase=Phase.PAUSED, resume_phase=Phase.QUESTIONNAIRE)
    return Transition(paused, (Send(context.text(PAUSED), _continue_keyboard(context)),))


def already_paused(state: ConversationState, event: Event, context: Context) -> Transition:
    """Answer a second /pause."""
    return Transition(state, (Send(context.text(ALREADY_PAUSED), _continue_keyboard(context)),))


def resume_with_text(state: ConversationState, event: Event, context: Context) -> Transition:
    """Resume on any message; if it answers the question ("2"), take it as the answer."""
    resumed = state.moved(phase=Phase.QUESTIONNAIRE, resume_phase=None)
    if isinstance(event, TextReceived) and understood_text(resumed, event, context):
        return type_answer(resumed, event, context)
    return ask_current(resumed, event, context)


def remind(state: ConversationState, event: Event, context: Context) -> Transition:
    """Nudge a youth who has not finished, with a button to continue."""
    return Transition(state, (Send(context.text(REMINDER), _continue_keyboard(context)),))


def _stop_keyboard(context: Context) -> Keyboard:
    return Keyboard(
        (
            (Button(f"🗑 {context.text(ERASE)}", callback_data.stop(confirm=True)),),
            (Button(f"↩ {context.text(KEEP)}", callback_data.stop(confirm=False)),),
        )
    )


def ask_stop(state: ConversationState, event: Event, context: Context) -> Transition:
    """Ask to confirm erasing everything; remember where to go back if the youth cancels."""
    if state.phase is Phase.CONFIRMING_STOP:
        resume_phase = state.resume_phase
    elif state.phase is Phase.PAUSED:
        resume_phase = Phase.QUESTIONNAIRE
    else:
        resume_phase = state.phase
    confirming = state.moved(phase=Phase.CONFIRMING_STOP, resume_phase=resume_phase)
    return Transition(
        confirming, (Send(context.text(CONFIRM_STOP), _stop_keyboard(context), holds_question=True),)
    )


def erase(state: ConversationState, event: Event, context: Context) -> Transition:
    """Erase the youth (the shell deletes contact, answers, run and reminders) and say goodbye."""
    edit = EditQuestion(f"{context.text(CONFIRM_STOP)}\n\n✔️ {context.text(ERASE)}")
    return Transition(ConversationState(phase=Phase.ERASED), (EraseYouth(), edit, Send(context.text(ERASED))))


def cancel_stop(state: ConversationState, event: Event, context: Context) -> Transition:
    """Keep everything and go back to where the youth was."""
    edit = EditQuestion(f"{context.text(CONFIRM_STOP)}\n\n✔️ {context.text(KEEP)}")
    back = state.moved(phase=state.resume_phase or Phase.QUESTIONNAIRE, resume_phase=None)
    outputs = (edit, Send(context.text(NOT_ERASED)))
    if back.phase in (Phase.CONSENT, Phase.QUESTIONNAIRE, Phase.OFFERED):
        following = prompt(back, event, context)
        return Transition(following.state, (*outputs, *following.outputs))
    return Transition(back, outputs)


def help_message(state: ConversationState, event: Event, context: Context) -> Transition:
    """Explain the commands and where to find help, then show what is waiting for an answer."""
    following = prompt(state, event, context)
    messages = (Send(context.text(HELP)), Send(context.text(SAFEGUARDING)))
    return Transition(following.state, (*messages, *following.outputs))


def ask_language(state: ConversationState, event: Event, context: Context) -> Transition:
    """Offer the référentiel's languages as buttons, each named in its own language."""
    buttons = tuple(
        Button(LANGUAGE_NAMES.get(locale, locale), callback_data.language(locale))
        for locale in context.referentiel.languages
    )
    return Transition(state, (Send(context.text(CHOOSE_LANGUAGE), Keyboard((buttons,))),))


def change_language(state: ConversationState, event: Event, context: Context) -> Transition:
    """Store the chosen language, confirm in it, and show again what is waiting in it."""
    button = callback_data.parse(event.data) if isinstance(event, ButtonPressed) else None
    if button is None or button.value not in context.referentiel.languages:
        return stale_button(state, context)
    chosen = context.with_locale(button.value)
    following = prompt(state, event, chosen)
    outputs = (ChangeLocale(button.value), Send(chosen.text(LANGUAGE_CHANGED)), *following.outputs)
    return Transition(following.state, outputs)


def already_completed(state: ConversationState, event: Event, context: Context) -> Transition:
    """Answer any message after completion: thanks, and how to erase."""
    return Transition(state, (Send(context.text(ALREADY_COMPLETED)),))


def ignore_button(state: ConversationState, event: Event, context: Context) -> Transition:
    """Answer a press that means nothing in this phase (an older message's button, forged data)."""
    return stale_button(state, context)
