"""The callback data of the staff's buttons: built and parsed here, and nowhere else.

Every staff datum starts with ``S:`` (a youth's never does, ``conversations.callback_data``), then
a letter naming the step, then its fields. Data name structures by id, waves, levels and youth
codes — what a forged press could change too, which is why every handler looks the structure up
and asks the policy again, and never trusts what a button claims (``storage.authorization``).

==============================  ===============================================================
``S:n:yes`` / ``S:n:no``        give a display name, or not
``S:i:<structure>:<count>``     create ``count`` invitations for a structure
``S:p:<structure>:<page>``      one page of a structure's follow (``/suivi``)
``S:f:<structure>``             follow-up: structure chosen, choose the wave
``S:w:<structure>:<wave>[:<page>]``  follow-up: wave chosen, choose the youth (that page of codes)
``S:y:<structure>:<wave>:<who>``  follow-up: ``who`` (a code, or ``all``) chosen, confirm
``S:o:<structure>:<wave>:<who>``  follow-up: confirmed, open it
``S:c``                          cancel
``S:g:<language>``               the language of the staff member's messages
``S:l:<level>``                  results: level chosen, choose the wave
``S:d:<level>:<wave>``           results: send the export and the report
==============================  ===============================================================
"""

import re
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "S:"
EVERYONE = "all"


class Step(StrEnum):
    """What a staff button asks for; the value is the second field of its data."""

    NAME = "n"
    INVITE = "i"
    PROGRESS_PAGE = "p"
    FOLLOW_UP_STRUCTURE = "f"
    FOLLOW_UP_WAVE = "w"
    FOLLOW_UP_WHO = "y"
    FOLLOW_UP_CONFIRMED = "o"
    CANCEL = "c"
    RESULTS_LEVEL = "l"
    RESULTS_DOCUMENTS = "d"
    LANGUAGE = "g"


@dataclass(frozen=True)
class StaffButton:
    """Parsed staff callback data."""

    step: Step
    structure_id: int | None = None
    number: int | None = None
    wave: str | None = None
    who: str | None = None
    value: str | None = None


_NUMBER = r"(?P<{}>[0-9]{{1,9}})"
_WAVE = r"(?P<wave>[A-Za-z0-9_]{1,12})"
_WHO = r"(?P<who>all|[2-9A-Z]{3}-[2-9A-Z]{3})"
_STRUCTURE = _NUMBER.format("structure")
_PATTERNS: dict[Step, re.Pattern[str]] = {
    Step.NAME: re.compile(r"S:n:(?P<value>yes|no)"),
    Step.INVITE: re.compile(rf"S:i:{_STRUCTURE}:{_NUMBER.format('number')}"),
    Step.PROGRESS_PAGE: re.compile(rf"S:p:{_STRUCTURE}:{_NUMBER.format('number')}"),
    Step.FOLLOW_UP_STRUCTURE: re.compile(rf"S:f:{_STRUCTURE}"),
    Step.FOLLOW_UP_WAVE: re.compile(rf"S:w:{_STRUCTURE}:{_WAVE}(?::{_NUMBER.format('number')})?"),
    Step.FOLLOW_UP_WHO: re.compile(rf"S:y:{_STRUCTURE}:{_WAVE}:{_WHO}"),
    Step.FOLLOW_UP_CONFIRMED: re.compile(rf"S:o:{_STRUCTURE}:{_WAVE}:{_WHO}"),
    Step.CANCEL: re.compile(r"S:c"),
    Step.RESULTS_LEVEL: re.compile(r"S:l:(?P<value>sector|organisation|structure)"),
    Step.RESULTS_DOCUMENTS: re.compile(rf"S:d:(?P<value>sector|organisation|structure):{_WAVE}"),
    Step.LANGUAGE: re.compile(r"S:g:(?P<value>[a-z]{2,3})"),
}


def is_staff_data(data: str) -> bool:
    """Tell whether callback data is meant for the staff side (well formed or not)."""
    return data.startswith(PREFIX)


def parse(data: str) -> StaffButton | None:
    """Read staff callback data; None for anything forged, truncated or from an older version."""
    if len(data) < 3 or not is_staff_data(data):
        return None
    try:
        step = Step(data[2])
    except ValueError:
        return None
    match = _PATTERNS[step].fullmatch(data)
    if match is None:
        return None
    fields = match.groupdict()
    return StaffButton(
        step,
        structure_id=int(fields["structure"]) if fields.get("structure") else None,
        number=int(fields["number"]) if fields.get("number") else None,
        wave=fields.get("wave"),
        who=fields.get("who"),
        value=fields.get("value"),
    )


def build(step: Step, *fields: object) -> str:
    """Write the callback data of a step; checked by parsing it back (a bug here must fail loudly)."""
    data = ":".join((PREFIX + step.value, *(str(field) for field in fields)))
    if parse(data) is None or len(data.encode()) > 64:
        raise ValueError(f"not a valid staff button: {data!r}")
    return data
