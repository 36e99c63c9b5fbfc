"""The PTB callbacks: parse the update, run one step in one transaction, then send.

Every callback is short on purpose; the work is in ``updates`` (Telegram → event), ``steps``
(event → stored state and messages), ``sender`` (messages → Bot API). Someone the bot does not
know yet ("a stranger") either redeems an invitation with ``/start TOKEN`` or is told, kindly,
that an invitation is needed; nothing about them is stored. Staff accounts, staff links and staff
commands are the staff side's (``staff_handlers``), asked first. A known youth's ``/start TOKEN`` may
start a follow-up questionnaire (``storage.follow_ups``). Reminders and follow-up offers are not
sent from here but by the one scheduler (``bot.scheduler``).
"""

import asyncio
import dataclasses
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.retries import RetryPolicy
from bot.sender import BeforeQuestion, BotApi, Sender
from bot.services import Services
from bot.staff_handlers import StaffHandlers
from bot.steps import StepOutcome, enrol_and_greet, record_delivery, step_known_youth
from bot.texts import SOMETHING_WENT_WRONG, STAFF_SOMETHING_WENT_WRONG
from bot.updates import Incoming, MembershipChanged, StartRequested, parse_update, pasted_token
from conversations import texts
from conversations.context import Context
from conversations.events import ButtonPressed, Restarted
from conversations.outputs import Message as EngineMessage
from conversations.outputs import Notice
from conversations.strangers import greet_stranger, reject_invitation, throttled
from storage.invitations import Rejection
from storage.question_messages import mark_question_being_sent
from storage.staff import find_staff_by_telegram_user
from storage.youth_records import (
    YouthRecord,
    find_youth_by_telegram_user,
    mark_contact_blocked,
    mark_contact_reachable,
)

logger = logging.getLogger(__name__)
# How long an apology waits to learn who it goes to (staff or youth, and their language).
SENDER_LOOKUP_SECONDS = 0.5

Outcome = StepOutcome | tuple[EngineMessage, ...] | None


class Handlers:
    """The bot's callbacks, sharing the services built by the composition root."""

    def __init__(self, services: Services, bot: BotApi, retry_policy: RetryPolicy | None = None) -> None:
        self.services = services
        self.bot = bot
        self.sender = Sender(bot, retry_policy)
        # The staff side (educators, coordinators), asked first for every update.
        self.staff: StaffHandlers | None = None

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle one message, edit, button press or block of a private chat."""
        incoming = parse_update(update, _own_username(context))
        if incoming is None:
            if update.callback_query is not None:
                await self.sender.answer_button(update.callback_query.id, ())
            return
        youth = await find_youth_by_telegram_user(
            self.services.database, self.services.pseudonymiser, incoming.telegram_user_id
        )
        token = pasted_token(incoming.action) if youth is None else None
        # A stranger's bare token opens as the link would; a staff member's text (a name they
        # were asked for) is theirs, whatever it looks like.
        if token is not None and not await find_staff_by_telegram_user(
            self.services.database, self.services.pseudonymiser, incoming.telegram_user_id
        ):
            incoming = dataclasses.replace(incoming, action=token)
        if self.staff is not None and await self.staff.handled(youth, incoming):
            return
        if isinstance(incoming.action, MembershipChanged):
            await self._membership_changed(youth, incoming.action)
            return
        outcome = await (self._known(youth, incoming) if youth else self._stranger(incoming))
        await self._send(incoming, outcome, incoming.pressed_message_id)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure's type only, and tell the youth kindly; never show a traceback."""
        logger.error("handling an update failed: %s", type(context.error).__name__)
        incoming = parse_update(update, _own_username(context)) if isinstance(update, Update) else None
        if incoming is None:
            return
        if incoming.callback_query_id is not None:
            await self.sender.answer_button(incoming.callback_query_id, ())  # if not answered already
        await self._apologise(incoming)

    async def _known(self, youth: YouthRecord, incoming: Incoming) -> Outcome:
        action, services = incoming.action, self.services
        event = Restarted() if isinstance(action, StartRequested) else action
        assert not isinstance(event, MembershipChanged)
        token = action.argument if isinstance(action, StartRequested) else ""
        # A known youth's token may start a follow-up; bad ones are throttled like strangers' (silently).
        sender_key = services.pseudonymiser.telegram_user_hash(incoming.telegram_user_id)
        if token and services.throttle.is_throttled(sender_key, services.clock()):
            token = ""
        outcome = await step_known_youth(services, youth, event, incoming.update_id, token)
        if token and outcome is not None and not (outcome.started_follow_up or outcome.redelivered):
            services.throttle.record_failure(sender_key, services.clock())
        return outcome

    async def _stranger(self, incoming: Incoming) -> Outcome:
        action, services, context = incoming.action, self.services, self._stranger_context(incoming)
        if isinstance(action, ButtonPressed):
            return (Notice(context.text(texts.OLD_BUTTON)),)
        if not isinstance(action, StartRequested) or not action.argument:
            return greet_stranger(context)
        sender_key = services.pseudonymiser.telegram_user_hash(incoming.telegram_user_id)
        if services.throttle.is_throttled(sender_key, context.now):
            return throttled(context) if services.throttle.first_warning(sender_key) else ()
        outcome = await enrol_and_greet(services, action.argument, incoming)
        if isinstance(outcome, Rejection):
            logger.info("invitation refused: %s", outcome.reason.value)
            services.throttle.record_failure(sender_key, context.now)
            return reject_invitation(context)
        services.throttle.forget(sender_key)
        return outcome

    async def _send(self, incoming: Incoming, outcome: Outcome, pressed_message_id: int | None) -> None:
        messages = outcome.messages if isinstance(outcome, StepOutcome) else outcome or ()
        # The press is answered while the messages go out, not before them: one round trip to
        # Telegram less before the youth sees the next question (answer_button never raises).
        answering = None
        if incoming.callback_query_id is not None:
            answering = asyncio.create_task(self.sender.answer_button(incoming.callback_query_id, messages))
        step = outcome if isinstance(outcome, StepOutcome) else None
        try:
            delivery = await self.sender.deliver(
                incoming.chat_id,
                messages,
                step.question_message_id if step else None,
                pressed_message_id=pressed_message_id,
                before_question=self._before_question(step.run_id if step else None),
            )
        finally:
            if answering is not None:
                await answering
        if step is not None:
            await record_delivery(self.services, step, delivery)
        if delivery.gave_up and not delivery.blocked:
            await self._apologise(incoming)

    async def _apologise(self, incoming: Incoming) -> None:
        """Say kindly that something failed: only once every retry of a call has failed. A staff
        member hears it in their words (the youth's promise that their answers are safe is not
        theirs); staff and youth each in the language of their other messages (a youth's is the
        one chosen with /langue). If even that cannot be looked up, the youth's words in the
        phone's language."""
        translator = self.services.translator
        phone_language = translator.language_for(incoming.language_code)
        apology, language = SOMETHING_WENT_WRONG, phone_language
        try:  # briefly: a busy database (the failure, perhaps) must not hold the apology back
            found = await asyncio.wait_for(
                self._sender_words(incoming, phone_language), SENDER_LOOKUP_SECONDS
            )
            if found is not None:
                apology, language = found
        except Exception:  # the database itself may be what failed
            logger.warning("apologising without knowing who the sender is")
        await self.sender.say(incoming.chat_id, translator.gettext(language, apology))

    async def _sender_words(self, incoming: Incoming, phone_language: str) -> tuple[str, str] | None:
        """The apology and language of a known sender (staff first, as ``on_update`` asks), or None."""
        services = self.services
        member = await find_staff_by_telegram_user(
            services.database, services.pseudonymiser, incoming.telegram_user_id
        )
        if member is not None:
            return STAFF_SOMETHING_WENT_WRONG, member.locale or phone_language
        youth = await find_youth_by_telegram_user(
            services.database, services.pseudonymiser, incoming.telegram_user_id
        )
        return None if youth is None else (SOMETHING_WENT_WRONG, youth.locale)

    def _before_question(self, run_id: int | None) -> BeforeQuestion | None:
        """Record, before a question message leaves, that it may reach the youth (``question_messages``)."""
        if run_id is None:
            return None
        database = self.services.database

        async def mark() -> None:
            await mark_question_being_sent(database, run_id)

        return mark

    async def _membership_changed(self, youth: YouthRecord | None, change: MembershipChanged) -> None:
        if youth is None:
            return
        async with self.services.database.transaction() as transaction:
            if change.blocked:
                await mark_contact_blocked(transaction, youth.id, self.services.clock())
            else:
                await mark_contact_reachable(transaction, youth.id)

    def _stranger_context(self, incoming: Incoming) -> Context:
        services = self.services
        language = services.translator.language_for(incoming.language_code)
        return services.engine_context(services.new_run_referentiel(), language, services.clock())


def _own_username(context: ContextTypes.DEFAULT_TYPE | None) -> str | None:
    """The bot's username (``getMe``, read when the application starts); None before that, or
    where a test hands updates over without a context."""
    try:
        return None if context is None else context.bot.username
    except RuntimeError:  # the bot is not initialised
        return None
