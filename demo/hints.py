"""What the demo itself says to the person playing the youth, in the language the bot speaks to them.

The bot's own words come from its catalogs; these few belong to the terminal that stands in for
a phone (how to press a button, what an edit or a toast is), so they follow the youth's language
too: after ``/langue``, the hints change with the bot.
"""

import re
from dataclasses import dataclass

from conversations.typed_answers import numbers_are_ambiguous

# "[2]" always presses button [2]; a bare "2" presses it only where the engine would read it so.
_BRACKETED = re.compile(r"\[\s*(\d{1,3})\s*\]")
_OPTION = re.compile(r"^(?:✅\s*)?\d+\.\s+(.*)$")


@dataclass(frozen=True)
class Hints:
    """The demo's words in one language."""

    press_or_type: str
    numbers_are_answers: str
    edited: str
    toast: str


HINTS = {
    "fr": Hints(
        press_or_type="(tape le numéro d’un bouton, ou écris ton message)",
        numbers_are_answers="(ici, les réponses sont des nombres : pour appuyer sur un bouton, "
        "tape son numéro entre crochets, comme [2])",
        edited="message modifié",
        toast="notification",
    ),
    "en": Hints(
        press_or_type="(type a button’s number, or write your message)",
        numbers_are_answers="(here the answers are numbers: to press a button, type its number in "
        "brackets, like [2])",
        edited="edited",
        toast="notification",
    ),
}
DEFAULT_LANGUAGE = "fr"


def hints_for(language: str) -> Hints:
    """Return the demo's words in ``language``, or in French (the demo's own language)."""
    return HINTS.get(language, HINTS[DEFAULT_LANGUAGE])


def numbers_are_answers(labels: list[str]) -> bool:
    """Tell whether a keyboard's options are numbers ("2. 1"), so a bare typed number is ambiguous."""
    options = [found[1] for found in map(_OPTION.match, labels) if found]
    return numbers_are_ambiguous(options)


def pressed_button(line: str, labels: list[str]) -> str | None:
    """Return the label of the button a typed line presses, or None to send the line as a message.

    "[2]" presses button [2]. A bare "2" does too, except where the options are themselves numbers
    ("how many adults?"): there, as in the bot, a typed number is sent as a message and the bot
    asks to press a button, rather than guessing.
    """
    bracketed = _BRACKETED.fullmatch(line)
    if bracketed:
        number = int(bracketed[1])
    elif line.isdecimal() and not numbers_are_answers(labels):
        number = int(line)
    else:
        return None
    return labels[number - 1] if 1 <= number <= len(labels) else None
