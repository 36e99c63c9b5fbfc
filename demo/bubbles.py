"""Render the bot's messages as chat bubbles in a terminal, buttons numbered for typing."""

import textwrap

from telegram_emulator import BotMessage

BUBBLE_WIDTH = 64


def render_bot_message(message: BotMessage) -> str:
    """Return one bot message as a bubble, its buttons numbered for typing.

    An edit shows only its last line (the choice now shown under the question), as a phone would
    show the message changing in place rather than a new one.
    """
    text = message.text or ""
    heading = "Voix"
    if message.is_edit:
        heading = "Voix (message modifié)"
        text = text.rstrip().split("\n")[-1]
    lines = [f"  ┌─ {heading} " + "─" * max(0, BUBBLE_WIDTH - len(heading) - 4)]
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, BUBBLE_WIDTH - 2) or [""]
        lines.extend(f"  │ {line}" for line in wrapped)
    for index, label in enumerate(message.buttons, start=1):
        lines.append(f"  │   [{index}] {label}")
    lines.append("  └" + "─" * (BUBBLE_WIDTH - 1))
    return "\n".join(lines)


def render_youth_message(text: str, name: str) -> str:
    """Return what the youth did, right-aligned like the sender's side of a chat."""
    line = f"{text}  ◀ {name}"
    return line.rjust(BUBBLE_WIDTH + 4)
