"""The staff side of the bot: binding a staff link, and routing staff updates to their answers.

``StaffHandlers.handled`` is asked first for every private update. It takes the updates that are
not the youth conversation's: everything from a staff account, a ``/start`` with a staff link,
and staff commands or staff buttons from anyone else (a youth, a stranger), which the policy
refuses with the one sentence ``NOT_AVAILABLE``; a revoked staff member reads that their access
was withdrawn. Each command and button handler asks the policy itself
(``storage.authorization.require``) for the scope it touches, resolved from the database; a
refusal anywhere ends as that same sentence, and changes nothing. What concerns the member's own
account (the name, the language, the help) is ``bot.staff_account``'s.
"""

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot

from bot import staff_follow_ups, staff_invitations, staff_progress, staff_results
from bot.errors import OutdatedButton
from bot.services import Services
from bot.staff_account import LANGUAGE_COMMANDS, StaffAccount, menu, name_question, name_step_left, welcome
from bot.staff_callback_data import StaffButton, Step, is_staff_data, parse
from bot.staff_requests import StaffOutput, StaffRequest
from bot.staff_sender import send_to_staff, set_staff_menu
from bot.staff_texts import (
    ACCESS_WITHDRAWN,
    ALREADY_SET_UP,
    ALREADY_STAFF,
    ARGUMENT_IGNORED,
    CANCELLED,
    EDITED_NOT_READ,
    INTERRUPTED,
    INTERRUPTED_INVITATIONS,
    KEYBOARD_USED,
    NOT_AVAILABLE,
    OUTDATED_BUTTON,
    STAFF_CANNOT_ANSWER,
    STAFF_LINK_DAMAGED,
    STAFF_LINK_UNUSABLE,
    TYPE_HELP,
    YOUTH_ACCOUNT_CANNOT_BE_STAFF,
)
from bot.updates import Incoming, MembershipChanged, StartRequested
from conversations.events import ButtonPressed, CommandReceived, TextReceived, UnsupportedMessageReceived
from conversations.outputs import Notice, Send
from storage.authorization import STRANGER, YOUTH, Action, NotAllowed, decide
from storage.invitations import is_invitation_token
from storage.runs import claim_update
from storage.staff import (
    AWAITING_NAME,
    BindingRefused,
    StaffMember,
    bind_staff,
    find_staff_by_telegram_user,
    is_staff_token,
    looks_like_staff_link,
    set_awaiting,
)
from storage.staff_keyboards import use_keyboard
from storage.staff_replies import (
    mark_card,
    reply_pending,
    reply_sent,
    take_interrupted,
    withdraw_unanswered,
)
from storage.youth_records import YouthRecord

logger = logging.getLogger(__name__)

Outputs = Sequence[StaffOutput]
CommandHandler = Callable[[StaffRequest, str], Awaitable[Outputs]]
ButtonHandler = Callable[[StaffRequest, StaffButton], Awaitable[Outputs]]

# The staff commands, the action the policy is asked about for anyone else, and their handler.
STAFF_COMMANDS: dict[str, tuple[Action, CommandHandler]] = {
    "inviter": (Action.INVITE_YOUTH, staff_invitations.command),
    "suivi": (Action.VIEW_PROGRESS, staff_progress.command),
    "relancer": (Action.OPEN_FOLLOW_UP, staff_follow_ups.command),
    "resultats": (Action.VIEW_RESULTS, staff_results.command),
}
# The only staff command that reads what follows it (« /inviter 5 »); the others say they left it.
COMMANDS_WITH_ARGUMENT = frozenset({"inviter"})
# How much of the words left aside the reply quotes.
QUOTED_ARGUMENT_LENGTH = 40
# The staff buttons past the name question: the action the policy is asked about for anyone
# else, and their handler.
BUTTONS: dict[Step, tuple[Action, ButtonHandler]] = {
    Step.INVITE: (Action.INVITE_YOUTH, staff_invitations.button),
    Step.PROGRESS_PAGE: (Action.VIEW_PROGRESS, staff_progress.button),
    Step.FOLLOW_UP_STRUCTURE: (Action.OPEN_FOLLOW_UP, staff_follow_ups.button),
    Step.FOLLOW_UP_WAVE: (Action.OPEN_FOLLOW_UP, staff_follow_ups.button),
    Step.FOLLOW_UP_WHO: (Action.OPEN_FOLLOW_UP, staff_follow_ups.button),
    Step.FOLLOW_UP_CONFIRMED: (Action.OPEN_FOLLOW_UP, staff_follow_ups.button),
    Step.RESULTS_LEVEL: (Action.VIEW_RESULTS, staff_results.button),
    Step.RESULTS_DOCUMENTS: (Action.VIEW_RESULTS, staff_results.button),
}


class StaffHandlers:
    """The staff side's callbacks, sharing the bot's services."""

    def __init__(
        self, services: Services, bot: Bot, send_due_follow_ups: Callable[[], Awaitable[object]]
    ) -> None:
        self.services = services
        self.bot = bot
        self.send_due_follow_ups = send_due_follow_ups
        self.account = StaffAccount(services, bot)

    async def handled(self, youth: YouthRecord | None, incoming: Incoming) -> bool:
        """Handle the update if it belongs to the staff side; return whether it did."""
        services, action = self.services, incoming.action
        link = action.argument if isinstance(action, StartRequested) else ""
        if youth is None:
            member = await find_staff_by_telegram_user(
                services.database, services.pseudonymiser, incoming.telegram_user_id
            )
            if member is not None:
                # Another staff link (a revoked member may be bound anew), else the staff side.
                if not (link and await self._staff_link(incoming, link)):
                    await self._from_staff(member, incoming)
                return True
        # A youth reads the staff side's refusals in the language they chose (/langue).
        language = youth.locale if youth else None
        if link:
            return await self._staff_link(incoming, link, language)
        staff_action = _staff_action(action)
        if staff_action is None:
            return False
        # A youth or a stranger asking for a staff action: the policy refuses it, in the same words.
        if decide(YOUTH if youth else STRANGER, staff_action, None):
            return False
        await self._deny(incoming, language)
        return True

    async def _staff_link(self, incoming: Incoming, token: str, chosen_language: str | None = None) -> bool:
        """Bind the account to the staff link it opened; False if the token is no staff link.
        ``chosen_language``: a youth's, for the refusal (else the phone's)."""
        services, now = self.services, self.services.clock()
        sender = services.pseudonymiser.telegram_user_hash(incoming.telegram_user_id)
        if services.throttle.is_throttled(sender, now):
            return False  # the youth side answers (once) that they must wait
        language = chosen_language or services.translator.language_for(incoming.language_code)
        outcome: StaffMember | BindingRefused | None
        async with services.database.transaction() as transaction:
            known = await is_staff_token(transaction, token)
            if not known and (
                not looks_like_staff_link(token) or await is_invitation_token(transaction, token)
            ):
                return False  # perhaps a youth's invitation: the youth side reads it
            if not await claim_update(transaction, incoming.update_id, now):
                # A redelivery, answered once, unless a crash came between binding and welcome.
                if await take_interrupted(transaction, incoming.update_id, now) is None:
                    return True
                outcome = BindingRefused.ALREADY_YOURS
            elif not known:
                outcome = BindingRefused.DAMAGED
            else:
                outcome = await bind_staff(
                    transaction, services.pseudonymiser, token, incoming.telegram_user_id, language, now
                )
                if isinstance(outcome, StaffMember):
                    await reply_pending(transaction, incoming.update_id, outcome.id, now)
        if outcome is None:
            return False
        if outcome is BindingRefused.ALREADY_YOURS:
            await self._already_yours(incoming)
            return True
        if isinstance(outcome, BindingRefused):
            logger.info("staff link refused: %s", outcome.value)
            services.throttle.record_failure(sender, now)
            refusal = {
                BindingRefused.YOUTH_ACCOUNT: YOUTH_ACCOUNT_CANNOT_BE_STAFF,
                BindingRefused.ALREADY_STAFF: ALREADY_STAFF,
                BindingRefused.DAMAGED: STAFF_LINK_DAMAGED,
            }.get(outcome, STAFF_LINK_UNUSABLE)
            text = services.translator.gettext(language, refusal)
            await send_to_staff(self.bot, incoming.chat_id, None, (Send(text),))
            return True
        services.throttle.forget(sender)
        request = self._request(outcome, incoming)

        async def welcome_them() -> None:
            await set_staff_menu(self.bot, incoming.chat_id, menu(request))
            outputs = (Send(await welcome(request)), name_question(request))
            await send_to_staff(self.bot, incoming.chat_id, None, outputs)

        await self._replied(request, welcome_them())
        return True

    async def _already_yours(self, incoming: Incoming) -> None:
        """A staff member opens their own link again (or its welcome was lost): say so, then
        what was left to do: the name question, or the name, if still unanswered, else the help."""
        services = self.services
        member = await find_staff_by_telegram_user(
            services.database, services.pseudonymiser, incoming.telegram_user_id
        )
        assert member is not None  # the link is bound to this account
        request = self._request(member, incoming)
        # The name question if still open (else their next message would be kept as their name),
        # else the help (which sets the menu too).
        left = name_step_left(request)
        if left is not None:
            await set_staff_menu(self.bot, incoming.chat_id, menu(request))
        next_step = (left,) if left is not None else await self.account.help(request)
        await send_to_staff(
            self.bot, incoming.chat_id, None, (Send(request.text(ALREADY_SET_UP)), *next_step)
        )

    async def _from_staff(self, member: StaffMember, incoming: Incoming) -> None:
        """Answer a bound staff member, once per update (``storage.staff_replies``): a redelivered
        update is not acted on again, but told if a crash interrupted it before its reply."""
        if isinstance(incoming.action, MembershipChanged):
            return  # staff have no reminders to stop; nothing about them to record
        services, now = self.services, self.services.clock()
        used = _keyboard_pressed(member, incoming)
        async with services.database.transaction() as transaction:
            claimed = await claim_update(transaction, incoming.update_id, now)
            if claimed:
                first_press = used is None or await use_keyboard(transaction, member.id, used, now)
                await reply_pending(transaction, incoming.update_id, member.id, now)
            else:
                interrupted = await take_interrupted(transaction, incoming.update_id, now)
        request = self._request(member, incoming)
        if not claimed:
            if interrupted is not None:
                await self._tell_interrupted(request, interrupted)
            return
        await self._replied(request, self._reply(request, first_press, used))

    async def _replied(self, request: StaffRequest, reply: Awaitable[None]) -> None:
        """Send a staff request's reply: once sent, nothing is pending; if it fails for good, the
        invitations it made, that nobody saw, are withdrawn (the bot's apology follows)."""
        services, incoming = self.services, request.incoming
        try:
            await reply
        except Exception:  # cancelled, it stays pending: Telegram delivers the update again
            try:
                withdrawn = await withdraw_unanswered(services.database, incoming.update_id, services.clock())
            except Exception:  # the database may be what failed: the daily task withdraws it later
                logger.warning("a failed staff reply could not withdraw what it made")
                raise
            if withdrawn:  # said if Telegram lets it through; the apology follows
                with contextlib.suppress(Exception):
                    await self._tell_interrupted(request, withdrawn)
            raise
        await reply_sent(services.database, incoming.update_id)

    async def _tell_interrupted(self, request: StaffRequest, withdrawn: int) -> None:
        """Tell a staff member their last request was interrupted (a revoked one, that their
        access was withdrawn), and how many invitations it made were withdrawn."""
        if request.member.revoked_at is not None:
            told = request.text(ACCESS_WITHDRAWN)
        elif withdrawn:
            told = request.plural(INTERRUPTED_INVITATIONS, withdrawn, count=withdrawn)
        else:
            told = request.text(INTERRUPTED)
        await send_to_staff(self.bot, request.incoming.chat_id, None, (Send(told),))

    async def _reply(self, request: StaffRequest, first_press: bool, used: int | None) -> None:
        """Answer one staff update (revoked members get the denial, and /aide alone in their menu). A press on
        a keyboard already pressed (twice quickly, or after « Annuler ») does nothing but say so
        (``storage.staff_keyboards``); a pressed keyboard is taken off its message."""
        incoming, member = request.incoming, request.member
        if member.revoked_at is not None:
            await set_staff_menu(self.bot, incoming.chat_id, menu(request))
            await self._deny(incoming, request.language, refusal=ACCESS_WITHDRAWN)
            return
        outputs: Outputs
        if not first_press:
            outputs = (Notice(request.text(KEYBOARD_USED)),)
        else:
            try:
                outputs = await self._answer(request)
            except NotAllowed as refusal:
                logger.info("staff request refused: %s", refusal)
                await self._deny(incoming, request.language, used)
                return
            except OutdatedButton as outdated:
                text = request.text(OUTDATED_BUTTON, command=outdated.command)
                outputs = (Notice(text), Send(text))
        database = self.services.database

        async def shown(invitation_id: int, may_have_left: bool) -> None:
            await mark_card(database, invitation_id, None if may_have_left else incoming.update_id)

        if not await send_to_staff(
            self.bot, incoming.chat_id, incoming.callback_query_id, outputs, used, shown
        ):
            await withdraw_unanswered(database, incoming.update_id, self.services.clock())  # blocked the bot

    async def _answer(self, request: StaffRequest) -> Outputs:
        """Route one staff update to its command or button handler."""
        action, member = request.incoming.action, request.member
        if isinstance(action, ButtonPressed):
            button = parse(action.data)
            if button is None:
                raise NotAllowed("unreadable button")
            if button.step is Step.NAME:
                return await self.account.name_agreement(request, button.value == "yes")
            if button.step is Step.CANCEL:
                return (Notice(request.text(CANCELLED)), Send(request.text(CANCELLED)))
            if button.step is Step.LANGUAGE:
                return await self.account.language_chosen(request, button.value or "")
            return await BUTTONS[button.step][1](request, button)
        if isinstance(action, CommandReceived) and action.name in LANGUAGE_COMMANDS:
            # The name question stays open: asked again in the language chosen.
            return (self.account.language_question(request),)
        if isinstance(action, CommandReceived | StartRequested) and member.awaiting is not None:
            # Any other command moves on: the name question is left unanswered (no name is kept).
            await set_awaiting(self.services.database, member.id, None)
        elif member.awaiting == AWAITING_NAME and isinstance(action, TextReceived):
            return await self.account.name_given(request, action.text)
        elif (left := name_step_left(request)) is not None:
            return (left,)
        if isinstance(action, StartRequested):
            return (
                (Send(request.text(STAFF_CANNOT_ANSWER)),)
                if action.argument
                else await self.account.help(request)
            )
        if isinstance(action, CommandReceived):
            if action.name == "aide":
                return await self.account.help(request)
            if action.name in STAFF_COMMANDS:
                outputs = await STAFF_COMMANDS[action.name][1](request, action.argument)
                ignored = action.argument.strip()
                if not ignored or action.name in COMMANDS_WITH_ARGUMENT:
                    return outputs
                if len(ignored) > QUOTED_ARGUMENT_LENGTH:
                    ignored = ignored[: QUOTED_ARGUMENT_LENGTH - 1] + "…"
                return (Send(request.text(ARGUMENT_IGNORED, command=action.name, argument=ignored)), *outputs)
        if isinstance(action, UnsupportedMessageReceived) and action.kind == "edited":
            return (Send(request.text(EDITED_NOT_READ)),)
        return (Send(request.text(TYPE_HELP)),)

    def _request(self, member: StaffMember, incoming: Incoming) -> StaffRequest:
        return StaffRequest(
            self.services,
            member,
            incoming,
            self.services.clock(),
            self.bot.username or "",
            self.send_due_follow_ups,
        )

    async def _deny(
        self,
        incoming: Incoming,
        language: str | None = None,
        used: int | None = None,
        refusal: str = NOT_AVAILABLE,
    ) -> None:
        """Say only that the command is not available (as a toast too, for a button); to a revoked
        member, that their access was withdrawn."""
        translator = self.services.translator
        text = translator.gettext(language or translator.language_for(incoming.language_code), refusal)
        outputs = (Notice(text),) if incoming.callback_query_id else (Send(text),)
        await send_to_staff(self.bot, incoming.chat_id, incoming.callback_query_id, outputs, used)


def _staff_action(action: object) -> Action | None:
    """The staff action a youth's or stranger's update asks for, if it is one (a command or a button)."""
    if isinstance(action, CommandReceived) and action.name in STAFF_COMMANDS:
        return STAFF_COMMANDS[action.name][0]
    if isinstance(action, ButtonPressed) and is_staff_data(action.data):
        button = parse(action.data)
        return BUTTONS[button.step][0] if button and button.step in BUTTONS else Action.SHOW_STAFF_HELP
    return None


def _keyboard_pressed(member: StaffMember, incoming: Incoming) -> int | None:
    """The message whose keyboard this press uses up, if it does: any staff button of a bound
    member but a page of ``/suivi`` (pages only show)."""
    action = incoming.action
    if member.revoked_at is not None or not isinstance(action, ButtonPressed):
        return None
    button = parse(action.data)
    if button is None or button.step is Step.PROGRESS_PAGE:
        return None  # data no button of this bot holds (forged, or from an older version) uses up nothing
    return incoming.pressed_message_id
