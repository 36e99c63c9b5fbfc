"""How a question looks on a phone: its text with progress and hint, its buttons, and its answered form.

Options are numbered ("2. Plutôt oui") so that typing the number works too; yes/no options
share one row, others get a row each so labels are not cut. Every question has "Skip", and
"Back" unless it is the first. A multiple-choice option shows ✅ once toggled on.
"""

from conversations import callback_data
from conversations.context import Context
from conversations.navigation import previous_question, progress
from conversations.outputs import Button, EditQuestion, Keyboard, Send
from conversations.state import ConversationState
from conversations.texts import (
    BACK,
    CHOSEN,
    DONE,
    HINT_MULTIPLE,
    HINT_NUMBER,
    HINT_NUMBER_RANGE,
    HINT_TEXT,
    PROGRESS,
    SKIP,
    SKIPPED,
)
from referentiel.answers import AnswerValue, chosen_options
from referentiel.models import Question

CHECK_MARK = "✅"


def question_text(question: Question, state: ConversationState, context: Context) -> str:
    """Return the question as asked: progress, text and, for typed or multiple answers, a hint."""
    position, total = progress(context.referentiel, state.answers, question.id)
    lines = [context.text(PROGRESS, position=position, total=total), context.localized(question.text)]
    hint = _hint(question, context)
    if hint:
        lines.append(hint)
    return "\n".join(lines)


def _hint(question: Question, context: Context) -> str | None:
    if question.type == "multiple_choice":
        return context.text(HINT_MULTIPLE)
    if question.type == "number":
        if question.minimum is not None and question.maximum is not None:
            return context.text(HINT_NUMBER_RANGE, minimum=question.minimum, maximum=question.maximum)
        return context.text(HINT_NUMBER)
    if question.type == "short_text":
        return context.text(HINT_TEXT)
    return None


def question_keyboard(question: Question, state: ConversationState, context: Context) -> Keyboard:
    """Return the buttons of a question, with the pending selection of a multiple choice."""
    multiple = question.type == "multiple_choice"
    # A question asked again after "Back" shows the answer given before.
    marked = set(state.selection) if multiple else chosen_options(state.answers.get(question.id))
    option_buttons = []
    for number, option in enumerate(question.options, start=1):
        label = f"{number}. {context.localized(option.label)}"
        if option.id in marked:
            label = f"{CHECK_MARK} {label}"
        if multiple:
            data = callback_data.toggle(question.id, option.id)
        else:
            data = callback_data.answer(question.id, option.id)
        option_buttons.append(Button(label, data))
    rows: list[tuple[Button, ...]] = (
        [tuple(option_buttons)] if question.type == "yes_no" else [(button,) for button in option_buttons]
    )
    if multiple:
        rows.append((Button(f"✔️ {context.text(DONE)}", callback_data.validate(question.id)),))
    navigation = [Button(f"⏭ {context.text(SKIP)}", callback_data.skip(question.id))]
    if previous_question(context.referentiel, state.answers, question.id) is not None:
        navigation.insert(0, Button(f"↩ {context.text(BACK)}", callback_data.back(question.id)))
    rows.append(tuple(navigation))
    return Keyboard(tuple(rows))


def ask(question: Question, state: ConversationState, context: Context) -> Send:
    """Return the message asking ``question`` (the one the youth answers next)."""
    return Send(
        question_text(question, state, context),
        question_keyboard(question, state, context),
        holds_question=True,
    )


def ask_again(hint: str, question: Question, state: ConversationState, context: Context) -> Send:
    """Return a re-prompt (after input not understood): the hint, then the question again with its
    buttons. The question itself, not only its buttons: a youth coming back days later, after
    the reminders, would otherwise read answers whose question is far up the chat."""
    return Send(
        f"{hint}\n\n{question_text(question, state, context)}",
        question_keyboard(question, state, context),
        holds_question=True,
    )


def show_selection(question: Question, state: ConversationState, context: Context) -> EditQuestion:
    """Return the edit that shows a multiple-choice question's toggles after a press."""
    return EditQuestion(question_text(question, state, context), question_keyboard(question, state, context))


def answer_label(question: Question, value: AnswerValue, context: Context) -> str:
    """Return how an answer reads to the youth: the option labels, the number or the text."""
    if question.options:
        chosen = chosen_options(value)
        return ", ".join(
            context.localized(option.label) for option in question.options if option.id in chosen
        )
    return str(value)


def show_answered(question: Question, value: AnswerValue, context: Context) -> EditQuestion:
    """Return the edit that shows the question with its answer, and removes its buttons."""
    answered = (
        context.text(SKIPPED)
        if value is None
        else context.text(CHOSEN, answer=answer_label(question, value, context))
    )
    return EditQuestion(f"{context.localized(question.text)}\n{answered}")


def show_left(question: Question, context: Context) -> EditQuestion:
    """Return the edit that removes a question's buttons when the youth goes back before it."""
    return EditQuestion(context.localized(question.text))
