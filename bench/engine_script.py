"""Work out the script of ``bench/conversation.py`` with Voix's pure engine, before any bot starts.

The youth agrees, then presses the first option of every question (toggling it, then
validating, where several may be chosen), until the questionnaire is complete.
"""

from datetime import UTC, datetime

from bench.conversation_script import ConversationScript, Press, ScriptMessage
from bot.translations import load_translator
from conversations import callback_data
from conversations.context import Context
from conversations.events import ButtonPressed, Enrolled
from conversations.outputs import EditQuestion, Keyboard, Message, Notice, Send
from conversations.state import ConversationState, Phase
from conversations.transitions import step
from referentiel.loading import current_referentiel
from voix.settings import SUPPORTED_LOCALES

AGREE = callback_data.consent(True)
LOCALE = "fr"
# Any daytime: the texts of a questionnaire do not depend on the time.
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def conversation_script() -> ConversationScript:
    """Run the engine through one whole questionnaire answered with first options."""
    translator = load_translator(SUPPORTED_LOCALES, LOCALE)
    context = Context(current_referentiel(), LOCALE, translator.gettext, NOW)
    enrolled = step(ConversationState.new(), Enrolled(), context)
    state, greeting = enrolled.state, _script_messages(enrolled.messages)
    presses: list[Press] = []
    data: str | None = AGREE
    while data is not None:
        transition = step(state, ButtonPressed(data), context)
        notice = next((message.text for message in transition.messages if isinstance(message, Notice)), None)
        is_answer = data != AGREE and not data.startswith("t:")
        presses.append(Press(data, notice, _script_messages(transition.messages), is_answer))
        state = transition.state
        data = None if state.phase is Phase.COMPLETED else _next_press(presses[-1], data)
    return ConversationScript(greeting, tuple(presses))


def _next_press(previous: Press, previous_data: str) -> str:
    """The first option of the question on screen; after a toggle, the button that validates it."""
    if previous_data.startswith("t:"):
        question_id = previous_data.split(":")[1]
        return callback_data.validate(question_id)
    keyboards = [message["keyboard"] for message in previous.messages if message["keyboard"]]
    if not keyboards:
        raise ValueError(f"no question came after pressing {previous_data!r}")
    first_option = next(data for row in keyboards[-1] for label, data in row if label[:1].isdigit())
    return str(first_option)


def _script_messages(messages: tuple[Message, ...]) -> tuple[ScriptMessage, ...]:
    script: list[ScriptMessage] = []
    for message in messages:
        if isinstance(message, Send | EditQuestion):
            kind = "send" if isinstance(message, Send) else "edit"
            script.append({"kind": kind, "text": message.text, "keyboard": _rows(message.keyboard)})
    return tuple(script)


def _rows(keyboard: Keyboard | None) -> list[list[tuple[str, str]]] | None:
    if keyboard is None:
        return None
    return [[(button.label, button.data) for button in row] for row in keyboard.rows]
