"""The callback data of every inline button: built and parsed here, and nowhere else.

Format: short ASCII fields separated by ``:``, the first one naming the action. Ids come from
the référentiel, whose patterns keep them short ASCII (question ids ≤ 20, option ids ≤ 12), so
the longest datum, ``t:<question>:<option>``, is 35 bytes, well under Telegram's 64.

======================  ===============================================
``c:yes`` / ``c:no``    consent: agree / decline
``a:<q>:<o>``           answer question ``q`` with option ``o``
``t:<q>:<o>``           toggle option ``o`` of multiple-choice ``q``
``v:<q>``               validate the selection of multiple-choice ``q``
``s:<q>``               skip ``q`` ("Passer", prefer not to answer)
``b:<q>``               back from ``q`` to the previous question ("Retour")
``r``                   resume after a pause or a reminder
``l:<locale>``          choose a language
``x:yes`` / ``x:no``    stop: erase everything / cancel
``f:<w>`` / ``n:<w>``   follow-up offer of wave ``w``: start / no, thanks
======================  ===============================================

Anything else (forged, truncated, from an older version) parses to ``None``. Parsing never
checks that the question is the current one: that is the transitions' job.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

MAXIMUM_BYTES = 64
_FIELD = r"[a-z0-9_]{1,20}"


class Action(StrEnum):
    """What a button asks for; the value is the first field of its callback data."""

    CONSENT = "c"
    ANSWER = "a"
    TOGGLE = "t"
    VALIDATE = "v"
    SKIP = "s"
    BACK = "b"
    RESUME = "r"
    LANGUAGE = "l"
    STOP = "x"
    FOLLOW_UP = "f"
    NO_FOLLOW_UP = "n"


@dataclass(frozen=True)
class ButtonData:
    """Parsed callback data: the action, and the question, option, locale or yes/no it is about."""

    action: Action
    question_id: str | None = None
    option_id: str | None = None
    value: str | None = None  # "yes"/"no" for consent and stop, the locale for language, a wave


_PATTERNS: dict[Action, re.Pattern[str]] = {
    Action.CONSENT: re.compile(r"c:(?P<value>yes|no)"),
    Action.ANSWER: re.compile(rf"a:(?P<question>{_FIELD}):(?P<option>{_FIELD})"),
    Action.TOGGLE: re.compile(rf"t:(?P<question>{_FIELD}):(?P<option>{_FIELD})"),
    Action.VALIDATE: re.compile(rf"v:(?P<question>{_FIELD})"),
    Action.SKIP: re.compile(rf"s:(?P<question>{_FIELD})"),
    Action.BACK: re.compile(rf"b:(?P<question>{_FIELD})"),
    Action.RESUME: re.compile(r"r"),
    Action.LANGUAGE: re.compile(r"l:(?P<value>[a-z]{2})"),
    Action.STOP: re.compile(r"x:(?P<value>yes|no)"),
    Action.FOLLOW_UP: re.compile(r"f:(?P<value>[A-Za-z0-9_]{1,12})"),
    Action.NO_FOLLOW_UP: re.compile(r"n:(?P<value>[A-Za-z0-9_]{1,12})"),
}


def parse(data: str) -> ButtonData | None:
    """Read callback data; return ``None`` for anything this engine never built."""
    if len(data.encode("utf-8")) > MAXIMUM_BYTES:
        return None
    for action, pattern in _PATTERNS.items():
        match = pattern.fullmatch(data)
        if match:
            groups = match.groupdict()
            return ButtonData(action, groups.get("question"), groups.get("option"), groups.get("value"))
    return None


def build(button: ButtonData) -> str:
    """Write callback data; ``parse(build(b)) == b`` for every well-formed ``ButtonData``."""
    fields = [button.action.value]
    fields += [part for part in (button.question_id, button.option_id, button.value) if part is not None]
    data = ":".join(fields)
    if len(data.encode("utf-8")) > MAXIMUM_BYTES:
        raise ValueError(f"Callback data over {MAXIMUM_BYTES} bytes: {data!r}")
    return data


def consent(agree: bool) -> str:
    """Return the data of the consent buttons."""
    return build(ButtonData(Action.CONSENT, value="yes" if agree else "no"))


def answer(question_id: str, option_id: str) -> str:
    """Return the data of an option button of a single-answer question."""
    return build(ButtonData(Action.ANSWER, question_id, option_id))


def toggle(question_id: str, option_id: str) -> str:
    """Return the data of an option button of a multiple-choice question."""
    return build(ButtonData(Action.TOGGLE, question_id, option_id))


def validate(question_id: str) -> str:
    """Return the data of the "Valider" button of a multiple-choice question."""
    return build(ButtonData(Action.VALIDATE, question_id))


def skip(question_id: str) -> str:
    """Return the data of the "Passer" button."""
    return build(ButtonData(Action.SKIP, question_id))


def back(question_id: str) -> str:
    """Return the data of the "Retour" button shown under ``question_id``."""
    return build(ButtonData(Action.BACK, question_id))


def resume() -> str:
    """Return the data of the "Continuer" button of pauses and reminders."""
    return build(ButtonData(Action.RESUME))


def language(locale: str) -> str:
    """Return the data of a language button."""
    return build(ButtonData(Action.LANGUAGE, value=locale))


def stop(confirm: bool) -> str:
    """Return the data of the stop confirmation buttons."""
    return build(ButtonData(Action.STOP, value="yes" if confirm else "no"))


def follow_up(wave: str, start: bool) -> str:
    """Return the data of the follow-up offer's buttons: start wave ``wave``, or "no, thanks"."""
    return build(ButtonData(Action.FOLLOW_UP if start else Action.NO_FOLLOW_UP, value=wave))
