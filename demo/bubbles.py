"""Render the bot's messages as chat bubbles in a terminal, buttons numbered for typing."""

import re
import textwrap

from demo.hints import DEFAULT_LANGUAGE, hints_for
from telegram_emulator import BotMessage

BUBBLE_WIDTH = 64
_NO_BREAK = "\u00a0"
# French puts a space before : ; ! ? » and after «; a line must never start or end on that space,
# so it is made unbreakable while wrapping ("tes réponses : envoie /stop", never ": envoie").
_SPACE_BEFORE_PUNCTUATION = re.compile(r" (?=[:;!?»])")
_SPACE_AFTER_QUOTE = re.compile(r"(?<=«) ")


def render_bot_message(message: BotMessage, language: str = DEFAULT_LANGUAGE) -> str:
    """Return one bot message as a bubble, its buttons numbered for typing.

    An edit shows only its last line (the choice now shown under the question), as a phone would
    show the message changing in place rather than a new one.
    """
    text = message.text or ""
    heading = "Voix"
    if message.is_edit:
        heading = f"Voix ({hints_for(language).edited})"
        text = text.rstrip().split("\n")[-1]
    lines = [_top(heading), *_body(text)]
    for index, label in enumerate(message.buttons, start=1):
        lines.append(f"  │   [{index}] {label}")
    lines.append(_bottom())
    return "\n".join(lines)


def render_toast(text: str, language: str = DEFAULT_LANGUAGE) -> str:
    """Return the short text a phone shows over the chat after a press (``answerCallbackQuery``)."""
    return "\n".join([_top(f"Voix ({hints_for(language).toast})"), *_body(text), _bottom()])


def render_youth_message(text: str, name: str) -> str:
    """Return what the youth did, right-aligned like the sender's side of a chat."""
    line = f"{text}  ◀ {name}"
    return line.rjust(BUBBLE_WIDTH + 4)


def wrap(paragraph: str, width: int = BUBBLE_WIDTH - 2) -> list[str]:
    """Wrap one paragraph without leaving punctuation alone at the start of a line."""
    glued = _SPACE_AFTER_QUOTE.sub(_NO_BREAK, _SPACE_BEFORE_PUNCTUATION.sub(_NO_BREAK, paragraph))
    return [line.replace(_NO_BREAK, " ") for line in textwrap.wrap(glued, width)] or [""]


def _top(heading: str) -> str:
    return f"  ┌─ {heading} " + "─" * max(0, BUBBLE_WIDTH - len(heading) - 4)


def _body(text: str) -> list[str]:
    return [f"  │ {line}" for paragraph in text.split("\n") for line in wrap(paragraph)]


def _bottom() -> str:
    return "  └" + "─" * (BUBBLE_WIDTH - 1)
