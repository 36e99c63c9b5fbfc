"""Understanding a typed answer: an option's number or label, a number, a short text.

Youth on a phone may type "2", "oui", "Pas du tout" or "1, 3" instead of pressing a button:
matching ignores case, accents, punctuation and extra spaces. Anything not understood returns
``None`` and the question is asked again kindly; a value is only returned if
``referentiel.answers.validate_answer`` accepts it, so a typed answer can never store a value
the question does not accept.
"""

import re
import unicodedata
from collections.abc import Iterable

from referentiel.answers import MAXIMUM_SHORT_TEXT_LENGTH, AnswerValue, validate_answer
from referentiel.models import Option, Question

_NUMBER = re.compile(r"[+-]?\d{1,9}")
# A number written with a minus sign, whatever dash it is: « -1 » on « Tu te sens en sécurité ? »
# means something, never the first button (matching drops punctuation, so it would read 1).
_SIGNED = re.compile(r"[-\u2010-\u2015\u2212\ufe63\uff0d]\s*\d|\d\s*[-\u2010-\u2015\u2212\ufe63\uff0d]")
_SEPARATORS = re.compile(r"\s*(?:[,;/+&]|\bet\b|\band\b)\s*")


# Whole messages a youth may type for a command (any case, accent or punctuation): « stop »
# after a hard question must reach /stop's confirmation, never « answer with the buttons »; no
# option of the référentiel reads so, and it has no free text.
_STOP_WORDS = ("stop", "arreter", "arrete", "j arrete", "je veux arreter", "efface", "efface tout", "erase")
_TYPED_COMMANDS = {
    **dict.fromkeys(_STOP_WORDS, "stop"),
    **dict.fromkeys(("pause", "faire une pause"), "pause"),
    **dict.fromkeys(("aide", "help", "je comprends pas", "je ne comprends pas"), "aide"),
}


def typed_command(text: str) -> str | None:
    """The command a typed message stands for (« Stop ! » → ``stop``), or None."""
    return _TYPED_COMMANDS.get(normalize(text))


def normalize(text: str) -> str:
    """Return text without case, accents, punctuation or extra spaces, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(character for character in decomposed if not unicodedata.combining(character))
    words = re.sub(r"[^\w]+", " ", letters)
    return " ".join(words.split())


def interpret(question: Question, text: str, languages: Iterable[str]) -> AnswerValue:
    """Return the answer a typed message gives to ``question``, or ``None`` if not understood.

    ``languages`` are the label languages to match, the youth's first (labels of every
    language of the référentiel are accepted: "yes" works in French too).
    """
    value: AnswerValue
    if question.type in ("scale", "yes_no", "single_choice"):
        option = _match_option(question.options, text, tuple(languages))
        value = option.id if option else None
    elif question.type == "multiple_choice":
        value = _match_selection(question.options, text, tuple(languages))
    elif question.type == "number":
        stripped = text.strip()
        value = int(stripped) if _NUMBER.fullmatch(stripped) else None
    else:
        stripped = text.strip()
        value = stripped if 0 < len(stripped) <= MAXIMUM_SHORT_TEXT_LENGTH else None
    if value is None or not validate_answer(question, value):
        return None
    return value


def is_signed_number(text: str) -> bool:
    """Whether a typed text has a number with a minus sign (« -1 », « 2- »): never a button's
    number, for an option or for consent; asked again instead."""
    return _SIGNED.search(text) is not None


def _match_option(options: tuple[Option, ...], text: str, languages: tuple[str, ...]) -> Option | None:
    if is_signed_number(text):
        return None
    wanted = normalize(text)
    if wanted.isdecimal():  # not isdigit: « ❶ » is a digit int() cannot read
        # Where some labels are numbers ("2. 1", "3. 2"), a bare number may be a button's or a
        # label's: never guess, the youth presses the button instead.
        if has_number_labels(options):
            return None
        number = int(wanted)
        return options[number - 1] if 1 <= number <= len(options) else None
    for option in options:
        if any(
            normalize(option.label[language]) == wanted for language in languages if language in option.label
        ):
            return option
    return None


def has_number_labels(options: tuple[Option, ...]) -> bool:
    """Tell whether an option's label is a number, which makes a typed number ambiguous."""
    return numbers_are_ambiguous(label for option in options for label in option.label.values())


def numbers_are_ambiguous(labels: Iterable[str]) -> bool:
    """Tell whether a typed number could be one of these labels as well as a button's number.

    The one rule for the engine and for ``voix demo``, which reads a button's labels only.
    """
    return any(normalize(label).isdigit() for label in labels)


def _match_selection(
    options: tuple[Option, ...], text: str, languages: tuple[str, ...]
) -> tuple[str, ...] | None:
    whole = _match_option(options, text, languages)
    if whole is not None:
        return (whole.id,)
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if len(parts) == 1 and all(token.isdecimal() for token in parts[0].split()):
        parts = parts[0].split()
    chosen: list[str] = []
    for part in parts:
        option = _match_option(options, part, languages)
        if option is None:
            return None
        if option.id not in chosen:
            chosen.append(option.id)
    # In the référentiel's order, like a selection made with the buttons.
    order = [option.id for option in options]
    return tuple(sorted(chosen, key=order.index)) or None
