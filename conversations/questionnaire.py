"""The questionnaire phase: answers by button or by typing, "Skip", "Back", and completion.

Every handler checks that a button belongs to the question being asked: a press on an older
message's button, or forged data naming another question or option, only gets a gentle
``Notice`` and stores nothing. Values are stored only after ``validate_answer`` accepted them.

After each answer the outputs are, in order: the effects (``SaveAnswer``, then ``DiscardAnswer``
for questions the new answer hides, then ``CompleteRun`` at the end), the edit showing the
choice, the help that fits if the answer matches a safeguarding trigger (the block once per
questionnaire, then one line: ``conversations.safeguarding``), the encouragement of a new
dimension, and the next question (or the thanks and the help block everyone gets at the end).
"""

from conversations import callback_data
from conversations.context import Context
from conversations.errors import InvalidEventError, InvalidStateError
from conversations.events import ButtonPressed, Event, TextReceived, UnsupportedMessageReceived
from conversations.navigation import (
    find_question,
    hidden_answers,
    is_beyond,
    next_question,
    previous_question,
)
from conversations.outputs import CompleteRun, DiscardAnswer, Notice, Output, SaveAnswer, Send
from conversations.question_messages import ask, ask_again, show_answered, show_left, show_selection
from conversations.safeguarding import completion_help, help_after
from conversations.state import ConversationState, Phase, Transition
from conversations.texts import (
    BUTTONS_PLEASE,
    CHANGE_WITH_BACK,
    CHOOSE_AT_LEAST_ONE,
    COMPLETED,
    EDITED,
    FIRST_QUESTION,
    NUMBER_PLEASE,
    NUMBER_RANGE_PLEASE,
    OLD_BUTTON,
    PRESS_A_BUTTON_PLEASE,
    SKIP,
    TEXT_PLEASE,
    UNSUPPORTED,
    WELCOME_BACK,
)
from conversations.typed_answers import has_number_labels, interpret, normalize
from referentiel.answers import AnswerValue, validate_answer
from referentiel.models import Question

SINGLE_ANSWER_TYPES = frozenset({"scale", "yes_no", "single_choice"})


def current_question(state: ConversationState, context: Context) -> Question:
    """Return the question being asked; a state naming an unknown one is a shell mistake."""
    question = find_question(context.referentiel, state.question_id or "")
    if question is None:
        raise InvalidStateError(
            f"The state asks question {state.question_id!r}, which référentiel "
            f"{context.referentiel.id} v{context.referentiel.version} does not have"
        )
    return question


def stale_button(state: ConversationState, context: Context) -> Transition:
    """Ignore a press on an older message's button or on forged data, gently."""
    return Transition(state, (Notice(context.text(OLD_BUTTON)),))


def start(state: ConversationState, context: Context, outputs: tuple[Output, ...] = ()) -> Transition:
    """Ask the first shown question (after consent), with its dimension's encouragement."""
    first = next_question(context.referentiel, state.answers, None)
    if first is None:
        return Transition(
            state.moved(phase=Phase.COMPLETED, question_id=None),
            (*outputs, CompleteRun(), *_completion(context)),
        )
    asked = state.moved(phase=Phase.QUESTIONNAIRE, question_id=first.id, selection=())
    introduction = _introduction(first, None, state, context)
    asked = _reaching(asked, first, context)
    return Transition(asked, (*outputs, *introduction, ask(first, asked, context)))


def _pressed(state: ConversationState, event: Event, context: Context) -> tuple[Question, str | None] | None:
    """Return the current question and the pressed option, or ``None`` if the button is not about it."""
    question = current_question(state, context)
    button = callback_data.parse(event.data) if isinstance(event, ButtonPressed) else None
    if button is None or button.question_id != question.id:
        return None
    return question, button.option_id


def press_answer(state: ConversationState, event: Event, context: Context) -> Transition:
    """Store the option pressed for a single-answer question and move on."""
    pressed = _pressed(state, event, context)
    if pressed is None:
        return stale_button(state, context)
    question, option_id = pressed
    if question.type not in SINGLE_ANSWER_TYPES or not validate_answer(question, option_id):
        return stale_button(state, context)
    return advance(state, question, option_id, context)


def press_toggle(state: ConversationState, event: Event, context: Context) -> Transition:
    """Toggle an option of a multiple-choice question (an exclusive option clears the others)."""
    pressed = _pressed(state, event, context)
    if pressed is None:
        return stale_button(state, context)
    question, option_id = pressed
    option = question.option(option_id or "")
    if question.type != "multiple_choice" or option is None:
        return stale_button(state, context)
    if option.id in state.selection:
        chosen = [chosen_id for chosen_id in state.selection if chosen_id != option.id]
    elif option.exclusive:
        chosen = [option.id]
    else:
        exclusive = {other.id for other in question.options if other.exclusive}
        chosen = [chosen_id for chosen_id in state.selection if chosen_id not in exclusive] + [option.id]
    selection = tuple(other.id for other in question.options if other.id in chosen)
    toggled = state.moved(selection=selection)
    return Transition(toggled, (show_selection(question, toggled, context),))


def press_validate(state: ConversationState, event: Event, context: Context) -> Transition:
    """Store the selection of a multiple-choice question ("Done"), or ask for at least one."""
    pressed = _pressed(state, event, context)
    if pressed is None:
        return stale_button(state, context)
    question, _ = pressed
    if question.type != "multiple_choice":
        return stale_button(state, context)
    if not state.selection or not validate_answer(question, state.selection):
        return Transition(state, (Notice(context.text(CHOOSE_AT_LEAST_ONE)),))
    return advance(state, question, state.selection, context)


def press_skip(state: ConversationState, event: Event, context: Context) -> Transition:
    """Record "prefer not to answer" (``None``) and move on."""
    pressed = _pressed(state, event, context)
    if pressed is None:
        return stale_button(state, context)
    question, _ = pressed
    return advance(state, question, None, context)


def press_back(state: ConversationState, event: Event, context: Context) -> Transition:
    """Go back to the previous shown question, showing the answer given there."""
    pressed = _pressed(state, event, context)
    if pressed is None:
        return stale_button(state, context)
    question, _ = pressed
    previous = previous_question(context.referentiel, state.answers, question.id)
    if previous is None:
        return Transition(state, (Notice(context.text(FIRST_QUESTION)),))
    back = state.moved(question_id=previous.id, selection=_selection_of(previous, state))
    return Transition(back, (show_left(question, context), ask(previous, back, context)))


def type_answer(state: ConversationState, event: Event, context: Context) -> Transition:
    """Understand a typed answer (number, label, "skip"…), or ask again kindly with the buttons."""
    if not isinstance(event, TextReceived):
        raise InvalidEventError(f"Expected a typed message, got {event!r}")
    question = current_question(state, context)
    if normalize(event.text) == normalize(context.text(SKIP)):
        return advance(state, question, None, context)
    value = interpret(question, event.text, _label_languages(context))
    if value is None:
        return Transition(state, (ask_again(_typing_hint(question, context), question, state, context),))
    return advance(state, question, value, context)


def understood_text(state: ConversationState, event: Event, context: Context) -> bool:
    """Return whether a typed message answers the current question (used when resuming)."""
    if not isinstance(event, TextReceived):
        raise InvalidEventError(f"Expected a typed message, got {event!r}")
    question = current_question(state, context)
    return interpret(question, event.text, _label_languages(context)) is not None


def unsupported(state: ConversationState, event: Event, context: Context) -> Transition:
    """Answer a sticker, photo, voice or edited message with the question's buttons again."""
    question = current_question(state, context)
    said = context.text(UNSUPPORTED)
    if isinstance(event, UnsupportedMessageReceived) and event.kind == "edited":
        back = previous_question(context.referentiel, state.answers, question.id) is not None
        said = context.text(EDITED) + (f" {context.text(CHANGE_WITH_BACK)}" if back else "")
    hint = f"{said} {_typing_hint(question, context)}"
    return Transition(state, (ask_again(hint, question, state, context),))


def ask_current(state: ConversationState, event: Event, context: Context) -> Transition:
    """Welcome the youth back to the current question, e.g. after /reprendre, /start or "Continue"."""
    shown = show_current(state, event, context)
    return Transition(shown.state, (Send(context.text(WELCOME_BACK)), *shown.outputs))


def show_current(state: ConversationState, event: Event, context: Context) -> Transition:
    """Show the current question again without a greeting: after /aide, a language or a cancelled stop."""
    question = current_question(state, context)
    asked = state.moved(phase=Phase.QUESTIONNAIRE, resume_phase=None)
    return Transition(asked, (ask(question, asked, context),))


def advance(state: ConversationState, question: Question, value: AnswerValue, context: Context) -> Transition:
    """Store an accepted answer and ask the next question, or complete the questionnaire."""
    referentiel = context.referentiel
    answers = {**state.answers, question.id: value}
    discarded = hidden_answers(referentiel, answers)
    for question_id in discarded:
        del answers[question_id]
    effects: list[Output] = [SaveAnswer(question.id, value)]
    effects += [DiscardAnswer(question_id) for question_id in discarded]
    messages: list[Output] = [show_answered(question, value, context)]
    following = next_question(referentiel, answers, question.id)
    if following is None:
        completed = state.moved(phase=Phase.COMPLETED, question_id=None, answers=answers, selection=())
        # The help block everyone gets at the end also covers a trigger on the last answer.
        return Transition(completed, (*effects, CompleteRun(), *messages, *_completion(context)))
    messages += help_after(question.id, value, state.answers, context)
    moved = state.moved(answers=answers, question_id=following.id, selection=())
    moved = _reaching(moved.moved(selection=_selection_of(following, moved)), following, context)
    messages += _introduction(following, question, state, context)
    messages.append(ask(following, moved, context))
    return Transition(moved, (*effects, *messages))


def _completion(context: Context) -> tuple[Output, ...]:
    return (Send(context.text(COMPLETED)), completion_help(context))


def _introduction(
    following: Question, previous: Question | None, state: ConversationState, context: Context
) -> tuple[Output, ...]:
    """Return the encouragement shown when the questionnaire enters a new dimension for the first time.

    Going forward again after "Back" does not repeat it: ``following`` was asked before.
    """
    if following.dimension is None or (previous is not None and previous.dimension == following.dimension):
        return ()
    if not is_beyond(context.referentiel, following.id, state.furthest_question_id):
        return ()
    dimension = next(item for item in context.referentiel.dimensions if item.id == following.dimension)
    return (Send(context.localized(dimension.introduction)),)


def _reaching(state: ConversationState, asked: Question, context: Context) -> ConversationState:
    """Remember ``asked`` as the furthest question if it goes beyond the furthest so far."""
    if is_beyond(context.referentiel, asked.id, state.furthest_question_id):
        return state.moved(furthest_question_id=asked.id)
    return state


def _selection_of(question: Question, state: ConversationState) -> tuple[str, ...]:
    """Return the earlier selection of a multiple-choice question asked again, else nothing."""
    value = state.answers.get(question.id)
    if question.type == "multiple_choice" and isinstance(value, tuple):
        return value
    return ()


def _typing_hint(question: Question, context: Context) -> str:
    if question.type == "number":
        if question.minimum is not None and question.maximum is not None:
            return context.text(NUMBER_RANGE_PLEASE, minimum=question.minimum, maximum=question.maximum)
        return context.text(NUMBER_PLEASE)
    if question.type == "short_text":
        return context.text(TEXT_PLEASE)
    if has_number_labels(question.options):
        return context.text(PRESS_A_BUTTON_PLEASE)  # typing the number would not work here
    return context.text(BUTTONS_PLEASE)


def _label_languages(context: Context) -> tuple[str, ...]:
    others = tuple(language for language in context.referentiel.languages if language != context.locale)
    return (context.locale, *others)
