"""A staff member's own account: the welcome, the optional name, the language, the menu and the help.

``StaffAccount`` answers what concerns the account itself rather than the youth: the name
question asked at binding (yes, no, the name, or "No name after all" under the request for
one), ``/langue``, ``/aide`` and the command menu of the chat, in the member's language.
"""

from collections.abc import Sequence
from dataclasses import replace

from telegram import Bot

from bot.services import Services
from bot.staff_callback_data import Step, build
from bot.staff_requests import StaffOutput, StaffRequest
from bot.staff_sender import set_staff_menu
from bot.staff_texts import (
    ASK_NAME_AGREEMENT,
    BOUND_COORDINATOR,
    BOUND_EDUCATOR,
    CHOOSE_STAFF_LANGUAGE,
    GIVE_NAME,
    HELP_COORDINATOR,
    HELP_EDUCATOR,
    MENU_FOLLOW_UP,
    MENU_HELP,
    MENU_INVITE,
    MENU_LANGUAGE,
    MENU_PROGRESS,
    MENU_RESULTS,
    NAME_ALREADY_ANSWERED,
    NAME_KEPT,
    NAME_REFUSED,
    NO_NAME,
    NO_NAME_AFTER_ALL,
    NO_NAME_KEPT,
    STAFF_LANGUAGE_CHANGED,
    WRITE_NAME,
)
from conversations.outputs import Button, Keyboard, Notice, Send
from conversations.texts import LANGUAGE_NAMES
from storage.authorization import Action, NotAllowed, require
from storage.staff import (
    AWAITING_NAME,
    AWAITING_NAME_AGREEMENT,
    Role,
    clean_display_name,
    set_awaiting,
    set_display_name,
    set_locale,
)

Outputs = Sequence[StaffOutput]

MENUS = {
    Role.EDUCATOR: (
        ("inviter", MENU_INVITE),
        ("suivi", MENU_PROGRESS),
        ("relancer", MENU_FOLLOW_UP),
        ("langue", MENU_LANGUAGE),
        ("aide", MENU_HELP),
    ),
    Role.COORDINATOR: (("resultats", MENU_RESULTS), ("langue", MENU_LANGUAGE), ("aide", MENU_HELP)),
}
# The youth's /langue (and its English name), answered for staff here: never a staff command a
# youth would be refused.
LANGUAGE_COMMANDS = ("langue", "language")


class StaffAccount:
    """The answers about a staff member's own account, sharing the bot's services."""

    def __init__(self, services: Services, bot: Bot) -> None:
        self.services = services
        self.bot = bot

    async def name_agreement(self, request: StaffRequest, agreed: bool) -> Outputs:
        """The name question's buttons (and "No name after all" under the request for a name)."""
        awaiting = request.member.awaiting
        if awaiting not in (AWAITING_NAME_AGREEMENT, AWAITING_NAME):
            return (Notice(request.text(NAME_ALREADY_ANSWERED)),)  # by a button, or a command
        if agreed:
            await set_awaiting(self.services.database, request.member.id, AWAITING_NAME)
            return (write_name(request),)
        await set_display_name(self.services.database, request.member.id, None)
        return (Send(request.text(NO_NAME_KEPT)), *await self.help(request))

    async def name_given(self, request: StaffRequest, text: str) -> Outputs:
        """The name written after agreeing to give one, kept if it reads as a name."""
        name = clean_display_name(text)
        if name is None:
            return (Send(request.text(NAME_REFUSED)),)
        await set_display_name(self.services.database, request.member.id, name)
        return (Send(request.text(NAME_KEPT, name=name)), *await self.help(request))

    def language_question(self, request: StaffRequest) -> Send:
        """``/langue``: a button per language the deployment offers, in that language's own name."""
        require(request.actor, Action.SHOW_STAFF_HELP, None)  # any staff member's own account
        buttons = tuple(
            (Button(LANGUAGE_NAMES.get(language, language), build(Step.LANGUAGE, language)),)
            for language in self.services.translator.languages
        )
        return Send(request.text(CHOOSE_STAFF_LANGUAGE), Keyboard(buttons))

    async def language_chosen(self, request: StaffRequest, language: str) -> Outputs:
        """Keep the language, then say so and set the command menu in it."""
        require(request.actor, Action.SHOW_STAFF_HELP, None)
        if language not in self.services.translator.languages:
            raise NotAllowed("no such language")
        await set_locale(self.services.database, request.member.id, language)
        chosen = replace(request, member=replace(request.member, locale=language))
        await set_staff_menu(self.bot, request.incoming.chat_id, menu(chosen))
        left = name_step_left(chosen)  # still open: asked again, in the new language
        return (Send(chosen.text(STAFF_LANGUAGE_CHANGED)), *((left,) if left else ()))

    async def help(self, request: StaffRequest) -> Outputs:
        """What this role can do, and the chat's command menu set again (it may have changed)."""
        require(request.actor, Action.SHOW_STAFF_HELP, None)
        await set_staff_menu(self.bot, request.incoming.chat_id, menu(request))
        return (Send(await _for_role(request, HELP_EDUCATOR, HELP_COORDINATOR)),)


def name_question(request: StaffRequest) -> Send:
    """May Voix keep a name? Yes or no."""
    agreement = Keyboard(
        (
            (Button(request.text(GIVE_NAME), build(Step.NAME, "yes")),),
            (Button(request.text(NO_NAME), build(Step.NAME, "no")),),
        )
    )
    return Send(request.text(ASK_NAME_AGREEMENT), agreement)


def write_name(request: StaffRequest) -> Send:
    """Write the name, or keep none after all."""
    return Send(
        request.text(WRITE_NAME),
        Keyboard(((Button(request.text(NO_NAME_AFTER_ALL), build(Step.NAME, "no")),),)),
    )


def name_step_left(request: StaffRequest) -> Send | None:
    """What is still open of the name question, asked again: the question itself, or the request
    for the name; None once it is answered."""
    if request.member.awaiting == AWAITING_NAME_AGREEMENT:
        return name_question(request)
    if request.member.awaiting == AWAITING_NAME:
        return write_name(request)
    return None


def menu(request: StaffRequest) -> list[tuple[str, str]]:
    """The chat's command menu for this role, in the member's language. A revoked member keeps
    /aide alone, which says their access was withdrawn and whom to ask: not the youth's menu,
    whose every entry would answer the same (an account bound to staff never answers as a youth)."""
    if request.member.revoked_at is not None:
        return [("aide", request.text(MENU_HELP))]
    return [(name, request.text(description)) for name, description in MENUS[request.member.role]]


async def welcome(request: StaffRequest) -> str:
    """Bound: whose account this now is, for which structures or scope."""
    return await _for_role(request, BOUND_EDUCATOR, BOUND_COORDINATOR)


async def _for_role(request: StaffRequest, for_educator: str, for_coordinator: str) -> str:
    """The role's message, naming the educator's structures or the coordinator's scope."""
    words = await request.scope_words()
    if request.member.role is Role.EDUCATOR:
        return request.text(for_educator, structures=words)
    return request.text(for_coordinator, scope=words)
