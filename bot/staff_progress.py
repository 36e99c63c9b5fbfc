"""``/suivi``: for each youth of an educator's structures, by code, where they are — never what they said.

The same query as ``voix admin youth list`` (``storage.youth_progress``): consent, each wave (not
started, notice shown, answering 40 %, paused, completed, offered: how far never depends on the
answers, see there), the day of the last
activity, reminders sent and whether the youth blocked the bot; then the links not opened and
the erasures. No answer, item or score is read. From ``PAGED_FROM`` youth on, a structure is
shown ``PAGE_SIZE`` youth at a time with buttons to turn the pages; any message longer than
Telegram allows is cut between lines.
"""

from datetime import datetime

from babel.numbers import format_percent

from bot.errors import OutdatedButton
from bot.staff_callback_data import StaffButton, Step, build
from bot.staff_requests import StaffOutput, StaffRequest, cut_lines, page_buttons
from bot.translations import N_plural
from conversations.context import N_
from conversations.outputs import Keyboard, Send
from storage.authorization import Action, NotAllowed, require
from storage.youth_progress import (
    DECLINED,
    NOTICE_SHOWN,
    WAVES,
    StructureProgress,
    WaveState,
    YouthProgress,
    structure_progress,
)
from voix.dates import day_in_words

PAGED_FROM = 60
PAGE_SIZE = 20

HEADER = N_plural("{structure}: {count} young person", "{structure}: {count} young people")
HEADER_PAGE = N_plural(
    "{structure}: {count} young person (page {page}/{pages})",
    "{structure}: {count} young people (page {page}/{pages})",
)
NO_YOUTH = N_("{structure}: no young person yet. /inviter makes invitations.")
CONSENT_GIVEN = N_("consent given")
CONSENT_DECLINED = N_("consent declined")
CONSENT_NOT_YET = N_("consent not yet given")
LAST_ACTIVITY = N_("active on {day}")
NO_ACTIVITY = N_("no activity yet")
REMINDERS = N_("reminders: {count}")
BLOCKED = N_("blocked the bot")
FOOTER = N_(
    "Invitations not opened yet: {links}. Erased (at their request or after the retention period): {erased}."
)


async def command(request: StaffRequest, argument: str) -> list[StaffOutput]:
    """``/suivi``: every structure of the educator, one after the other (the first page of big ones)."""
    require(request.actor, Action.VIEW_PROGRESS, None)
    outputs: list[StaffOutput] = []
    for structure_id, _ in await request.own_structures():
        outputs.extend(await _structure(request, structure_id, 0))
    return outputs


async def button(request: StaffRequest, pressed: StaffButton) -> list[StaffOutput]:
    """A page button: that page of that structure, if the policy allows it."""
    if pressed.number is None:
        raise NotAllowed("forged page")
    return await _structure(request, pressed.structure_id, pressed.number)


async def _structure(request: StaffRequest, structure_id: int | None, page: int) -> list[StaffOutput]:
    structure_id, name = await request.allowed_structure(Action.VIEW_PROGRESS, structure_id)
    found: StructureProgress = await request.storage(structure_progress, structure_id, request.now)
    youth = found.youth
    if not youth:
        await request.audit("progress viewed", {"structure_id": structure_id, "youth": 0, "page": 1})
        return [Send(request.text(NO_YOUTH, structure=name)), Send(_footer(request, found))]
    pages = 1 if len(youth) < PAGED_FROM else -(-len(youth) // PAGE_SIZE)
    if page >= pages:
        raise OutdatedButton("/suivi")  # from when there were more youth
    shown = youth if pages == 1 else youth[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if pages == 1:
        header = request.plural(HEADER, len(youth), structure=name, count=len(youth))
    else:
        header = request.plural(
            HEADER_PAGE, len(youth), structure=name, count=len(youth), page=page + 1, pages=pages
        )
    await request.audit(
        "progress viewed", {"structure_id": structure_id, "youth": len(shown), "page": page + 1}
    )
    lines = [header, *(_line(request, item) for item in shown)]
    messages = [Send(text) for text in cut_lines(lines)]
    keyboard = _pages_keyboard(request, structure_id, page, pages)
    return [*messages, Send(_footer(request, found), keyboard)]


def _line(request: StaffRequest, item: YouthProgress) -> str:
    """One youth on one line: code, consent, each wave, last activity, reminders, blocked."""
    if item.current.word == DECLINED:
        consent = CONSENT_DECLINED
    elif item.current.word == NOTICE_SHOWN:
        consent = CONSENT_NOT_YET
    else:
        consent = CONSENT_GIVEN
    parts = [request.text(consent)]
    for wave in WAVES:
        parts.append(f"{request.wave_name(wave)} {_state_words(request, item.states[wave])}")
    parts.append(_activity(request, item.last_activity))
    parts.append(request.text(REMINDERS, count=item.reminders_sent))
    if item.blocked:
        parts.append(request.text(BLOCKED))
    return f"{item.code} — " + " · ".join(parts)


def _state_words(request: StaffRequest, state: WaveState) -> str:
    words = [request.text(state.word)]
    if state.percent_behind is not None:
        words.append(format_percent(state.percent_behind / 100, locale=request.language))
    if state.detail:
        words.append(state.detail)
    return " ".join(words)


def _activity(request: StaffRequest, last_activity: str | None) -> str:
    """The day of the last activity (no hour: staff need no more), in the deployment's time zone."""
    try:
        moment = datetime.fromisoformat(last_activity or "")
    except ValueError:
        return request.text(NO_ACTIVITY)
    zone = request.services.reminder_policy.zone
    day = moment.astimezone(zone).date() if moment.tzinfo else moment.date()
    return request.text(LAST_ACTIVITY, day=day_in_words(day, "d MMM y", request.language))


def _footer(request: StaffRequest, found: StructureProgress) -> str:
    return request.text(FOOTER, links=found.links_not_opened, erased=found.erased)


def _pages_keyboard(request: StaffRequest, structure_id: int, page: int, pages: int) -> Keyboard | None:
    buttons = page_buttons(
        request, page, pages, lambda number: build(Step.PROGRESS_PAGE, structure_id, number)
    )
    return Keyboard((buttons,)) if buttons else None
