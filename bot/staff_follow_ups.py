"""``/relancer``: an educator opens a follow-up questionnaire (T1, exit) for one youth or all eligible ones.

Steps: the structure (if several), the wave, who (a button per eligible code, or all of them;
``CODES_PER_PAGE`` codes a message, with buttons to turn the pages: Telegram refuses a keyboard
of more than 100 buttons), a confirmation, then the counts and reasons. The rule is
``voix admin followup open``'s (``storage.follow_up_openings``), decided again when the
confirmation is pressed, so an old or replayed confirmation, or two educators at once, queue at
most one offer per youth and wave; the offers then go out at once through the bot's usual
delivery (never at night, never to a youth who blocked the bot).
"""

from collections.abc import Sequence

from bot.errors import OutdatedButton
from bot.staff_callback_data import EVERYONE, StaffButton, Step, build
from bot.staff_requests import StaffOutput, StaffRequest, choose_structure, page_buttons
from bot.staff_texts import CANCEL
from bot.translations import N_plural
from conversations.context import N_
from conversations.outputs import Button, Keyboard, Send
from referentiel.loading import current_referentiel
from referentiel.models import Wave
from storage.authorization import Action, NotAllowed, require
from storage.follow_up_openings import Candidate, Opening, candidates, open_follow_ups

CODES_PER_ROW = 3
# Codes a message shows: with « All », the page buttons and « Cancel », 34 buttons, well under the
# 100 Telegram takes in one keyboard (and under the size of markup it refuses below that).
CODES_PER_PAGE = 30

CHOOSE_WAVE = N_("{structure}: which questionnaire should be sent?")
CHOOSE_WHO = N_plural(
    "{structure}, {questionnaire}: {eligible} young person can receive it now. Send it?",
    "{structure}, {questionnaire}: {eligible} young people can receive it now. Send it to all of them, "
    "or to one?",
)
CODES_PAGE = N_("Codes {first} to {last} of {eligible}.")
NOBODY = N_("{structure}, {questionnaire}: no young person can receive it now.")
NOT_ELIGIBLE = N_("Not now: {count} ({reason})")
ALL_ELIGIBLE = N_("All ({count})")
CONFIRM_ONE = N_("Send the {questionnaire} to {code}?")
CONFIRM_ALL = N_plural(
    "Send the {questionnaire} to the young person of {structure} who can receive it?",
    "Send the {questionnaire} to the {count} young people of {structure} who can receive it?",
)
YES_SEND = N_("Yes, send")
DONE = N_plural(
    "{questionnaire}, {structure}: offered to {queued} young person; the offer goes now "
    "(at 9:00 if it is night).",
    "{questionnaire}, {structure}: offered to {queued} young people; the offers go now "
    "(at 9:00 if it is night).",
)
NOTHING_OFFERED = N_("{questionnaire}, {structure}: nothing was offered.")


async def command(request: StaffRequest, argument: str) -> list[StaffOutput]:
    """``/relancer``: start with the structure (asked only if the educator has several)."""
    require(request.actor, Action.OPEN_FOLLOW_UP, None)
    structures = await request.own_structures()
    if len(structures) == 1:
        return await _choose_wave(request, structures[0][0])
    return list(choose_structure(request, structures, Step.FOLLOW_UP_STRUCTURE))


async def button(request: StaffRequest, pressed: StaffButton) -> list[StaffOutput]:
    """One of the steps after the command; each asks the policy again for the structure it names."""
    if pressed.step is Step.FOLLOW_UP_STRUCTURE:
        return await _choose_wave(request, pressed.structure_id)
    structure_id, name = await request.allowed_structure(Action.OPEN_FOLLOW_UP, pressed.structure_id)
    wave = _follow_up_wave(pressed.wave)
    questionnaire = _title(request, wave)
    found = await request.storage(candidates, structure_id, wave.id, _earlier(wave), request.now)
    if pressed.step is Step.FOLLOW_UP_WAVE:
        return _choose_who(request, (structure_id, name), wave, questionnaire, found, pressed.number or 0)
    who = _who(pressed.who, found)
    if pressed.step is Step.FOLLOW_UP_WHO:
        eligible = sum(candidate.reason is None for candidate in found)
        named = _in_sentence(questionnaire)
        if eligible == 0 or (who is not None and not _eligible(who, found)):
            raise OutdatedButton("/relancer")  # offered since the list was shown
        question = (
            request.plural(
                CONFIRM_ALL,
                eligible,
                questionnaire=named,
                count=eligible,
                structure=name,
            )
            if who is None
            else request.text(CONFIRM_ONE, questionnaire=named, code=who)
        )
        confirm = Button(
            request.text(YES_SEND), build(Step.FOLLOW_UP_CONFIRMED, structure_id, wave.id, who or EVERYONE)
        )
        cancel = Button(request.text(CANCEL), build(Step.CANCEL))
        return [Send(question, Keyboard(((confirm,), (cancel,))))]
    opening: Opening = await request.storage(
        open_follow_ups,
        structure_id,
        wave.id,
        _earlier(wave),
        request.now,
        "staff",
        {"staff_id": request.member.id},
        None if who is None else {who},
    )
    if opening.queued and request.send_due_follow_ups is not None:
        await request.send_due_follow_ups()
    done = (
        request.plural(
            DONE, opening.queued, questionnaire=questionnaire, structure=name, queued=opening.queued
        )
        if opening.queued
        else request.text(NOTHING_OFFERED, questionnaire=questionnaire, structure=name)
    )
    return [Send("\n".join([done, *_reasons(request, opening.skipped)]))]


async def _choose_wave(request: StaffRequest, structure_id: int | None) -> list[StaffOutput]:
    structure_id, name = await request.allowed_structure(Action.OPEN_FOLLOW_UP, structure_id)
    rows = tuple(
        (Button(_title(request, wave), build(Step.FOLLOW_UP_WAVE, structure_id, wave.id)),)
        for wave in current_referentiel().waves[1:]
    )
    cancel = ((Button(request.text(CANCEL), build(Step.CANCEL)),),)
    return [Send(request.text(CHOOSE_WAVE, structure=name), Keyboard(rows + cancel))]


def _choose_who(
    request: StaffRequest,
    structure: tuple[int, str],
    wave: Wave,
    questionnaire: str,
    found: Sequence[Candidate],
    page: int,
) -> list[StaffOutput]:
    """Who should receive it: all the eligible youth, or one, by code (one page of codes)."""
    structure_id, name = structure
    eligible = [candidate.code for candidate in found if candidate.reason is None]
    named = _in_sentence(questionnaire)
    skipped: dict[str, int] = {}
    for candidate in found:
        if candidate.reason is not None:
            skipped[candidate.reason] = skipped.get(candidate.reason, 0) + 1
    reasons = _reasons(request, dict(sorted(skipped.items())))
    if not eligible:
        return [Send("\n".join([request.text(NOBODY, structure=name, questionnaire=named), *reasons]))]
    pages = -(-len(eligible) // CODES_PER_PAGE)
    if page >= pages:
        raise OutdatedButton("/relancer")  # from when more youth could receive it
    shown = eligible[page * CODES_PER_PAGE : (page + 1) * CODES_PER_PAGE]
    everyone = Button(
        request.text(ALL_ELIGIBLE, count=len(eligible)),
        build(Step.FOLLOW_UP_WHO, structure_id, wave.id, EVERYONE),
    )
    codes = [Button(code, build(Step.FOLLOW_UP_WHO, structure_id, wave.id, code)) for code in shown]
    rows = [
        (everyone,),
        *(tuple(codes[index : index + CODES_PER_ROW]) for index in range(0, len(codes), CODES_PER_ROW)),
    ]
    turn = page_buttons(
        request, page, pages, lambda number: build(Step.FOLLOW_UP_WAVE, structure_id, wave.id, number)
    )
    if turn:
        rows.append(turn)
    rows.append((Button(request.text(CANCEL), build(Step.CANCEL)),))
    text = request.plural(
        CHOOSE_WHO,
        len(eligible),
        structure=name,
        questionnaire=named,
        eligible=len(eligible),
    )
    if pages > 1:
        first = page * CODES_PER_PAGE + 1
        text += "\n" + request.text(
            CODES_PAGE, first=first, last=first + len(shown) - 1, eligible=len(eligible)
        )
    return [Send("\n".join([text, *reasons]), Keyboard(tuple(rows)))]


def _follow_up_wave(wave_id: str | None) -> Wave:
    """The follow-up wave a button names, if it is one (a forged one is refused)."""
    for wave in current_referentiel().waves[1:]:
        if wave.id == wave_id:
            return wave
    raise NotAllowed("no such follow-up wave")


def _earlier(wave: Wave) -> list[str]:
    waves: list[str] = [item.id for item in current_referentiel().waves]
    return waves[: waves.index(wave.id)]


def _who(pressed: str | None, found: Sequence[Candidate]) -> str | None:
    """The code a button names (None for all), if that youth is in the structure now (else the
    button is out of date: the youth left or was erased; a forged code reads the same)."""
    if pressed == EVERYONE:
        return None
    if pressed is None or pressed not in {candidate.code for candidate in found}:
        raise OutdatedButton("/relancer")
    return pressed


def _in_sentence(title: str) -> str:
    """A title inside a sentence: « envoyer le questionnaire de suivi », without the capital a
    title starts with (an acronym, « T1 », keeps its own)."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def _eligible(code: str, found: Sequence[Candidate]) -> bool:
    return any(candidate.code == code and candidate.reason is None for candidate in found)


def _title(request: StaffRequest, wave: Wave) -> str:
    """The questionnaire's title, with the short name ``/suivi`` shows unless the title says it
    already (« Questionnaire de suivi (T1) », « Questionnaire de départ »)."""
    title = wave.title.get(request.language) or next(iter(wave.title.values()))
    short = request.wave_name(wave.id)
    return title if short.casefold() in title.casefold() else f"{title} ({short})"


def _reasons(request: StaffRequest, skipped: dict[str, int]) -> list[str]:
    return [
        request.text(NOT_ELIGIBLE, count=count, reason=request.text(reason))
        for reason, count in skipped.items()
    ]
