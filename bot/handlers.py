"""The PTB callbacks: parse the update, run one step in one transaction, then send.

Every callback is short on purpose; the work is in ``updates`` (Telegram → event), ``steps``
(event → stored state and messages), ``sender`` (messages → Bot API). Someone the bot does not
know yet ("a stranger") either redeems an invitation with ``/start TOKEN`` or is told, kindly,
that an invitation is needed; nothing about them is stored. A known youth's ``/start TOKEN`` may
start a follow-up questionnaire (``storage.follow_ups``); the bot's repeating job sends the queued
follow-up offers (``send_due_follow_ups``).
"""

import contextlib
import logging

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.reminder_timers import ReminderTimers
from bot.sender import Delivery, answer_button, deliver
from bot.services import Services
from bot.steps import StepOutcome, enrol_and_greet, step_due_follow_up, step_due_reminder, step_known_youth
from bot.texts import SOMETHING_WENT_WRONG
from bot.updates import Incoming, MembershipChanged, StartRequested, parse_update
from conversations import texts
from conversations.context import Context
from conversations.events import ButtonPressed, Restarted
from conversations.outputs import Message, Notice
from conversations.strangers import greet_stranger, reject_invitation, throttled
from storage.follow_ups import claim_due_follow_ups
from storage.invitations import Rejection
from storage.runs import remember_question_message
from storage.youth_records import (
    YouthRecord,
    chat_id_of,
    find_youth_by_telegram_user,
    mark_contact_blocked,
    mark_contact_reachable,
)

logger = logging.getLogger(__name__)

Outcome = StepOutcome | tuple[Message, ...] | None


class Handlers:
    """The bot's callbacks, sharing the services built by the composition root."""

    def __init__(self, services: Services, bot: Bot, timers: ReminderTimers | None = None) -> None:
        self.services = services
        self.bot = bot
        self.timers = timers

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle one message, edit, button press or block of a private chat."""
        incoming = parse_update(update)
        if incoming is None:
            if update.callback_query is not None:
                await answer_button(self.bot, update.callback_query.id, ())
            return
        youth = await find_youth_by_telegram_user(
            self.services.database, self.services.pseudonymiser, incoming.telegram_user_id
        )
        if isinstance(incoming.action, MembershipChanged):
            await self._membership_changed(youth, incoming.action)
            return
        outcome = await (self._known(youth, incoming) if youth else self._stranger(incoming))
        await self._send(incoming, outcome)

    async def send_reminder(self, youth_id: int) -> None:
        """Nudge a youth whose reminder is due (called by their JobQueue timer)."""
        outcome = await step_due_reminder(self.services, youth_id)
        if outcome is None:
            return
        self._start_timer(outcome)
        chat_id = await chat_id_of(self.services.database, self.services.pseudonymiser, youth_id)
        if chat_id is None:
            return
        delivery = await deliver(self.bot, chat_id, outcome.messages, outcome.question_message_id)
        await self._after_delivery(outcome, delivery)

    async def send_due_follow_ups(self, context: object = None) -> int:
        """Send the follow-up offers now due (the repeating job's callback); return how many went out.

        Claimed (marked sent) in one transaction before any is sent, so each goes at most once;
        the engine words each offer (``FollowUpDue``); a failed send is logged by type and the
        others still go.
        """
        services, now = self.services, self.services.clock()
        async with services.database.transaction() as transaction:
            due = await claim_due_follow_ups(
                transaction, services.reminder_policy, services.new_run_referentiel(), now
            )
        sent = 0
        for offer in due:
            outcome = await step_due_follow_up(services, offer.youth_id, offer.wave)
            chat_id = await chat_id_of(services.database, services.pseudonymiser, offer.youth_id)
            if outcome is None or chat_id is None or not outcome.messages:
                continue
            try:
                delivery = await deliver(self.bot, chat_id, outcome.messages, outcome.question_message_id)
            except TelegramError as error:
                logger.warning("a follow-up offer could not be sent: %s", type(error).__name__)
                continue
            await self._after_delivery(outcome, delivery)
            sent += 1
        if sent:
            logger.info("%d follow-up offer(s) sent", sent)
        return sent

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure's type only, and tell the youth kindly; never show a traceback."""
        logger.error("handling an update failed: %s", type(context.error).__name__)
        if not isinstance(update, Update) or parse_update(update) is None:
            return
        user = update.effective_user
        language = self.services.translator.language_for(user.language_code if user else None)
        apology = self.services.translator.gettext(language, SOMETHING_WENT_WRONG)
        if update.callback_query is not None:
            await answer_button(self.bot, update.callback_query.id, ())  # if not answered already
        with contextlib.suppress(TelegramError):
            if update.effective_chat is not None:
                await self.bot.send_message(chat_id=update.effective_chat.id, text=apology)

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
        if token and outcome is not None and not outcome.started_follow_up:
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

    async def _send(self, incoming: Incoming, outcome: Outcome) -> None:
        if isinstance(outcome, StepOutcome):
            self._start_timer(outcome)
        messages = outcome.messages if isinstance(outcome, StepOutcome) else outcome or ()
        if incoming.callback_query_id is not None:
            await answer_button(self.bot, incoming.callback_query_id, messages)
        question_message_id = outcome.question_message_id if isinstance(outcome, StepOutcome) else None
        delivery = await deliver(self.bot, incoming.chat_id, messages, question_message_id)
        if isinstance(outcome, StepOutcome):
            await self._after_delivery(outcome, delivery)

    async def _after_delivery(self, outcome: StepOutcome, delivery: Delivery) -> None:
        if delivery.blocked:
            async with self.services.database.transaction() as transaction:
                await mark_contact_blocked(transaction, outcome.youth_id, self.services.clock())
            return
        if outcome.run_id is not None and delivery.question_message_id is not None:
            await remember_question_message(
                self.services.database, outcome.run_id, delivery.question_message_id
            )

    def _start_timer(self, outcome: StepOutcome) -> None:
        """Time the reminder the step stored, right after its commit and before any send.

        The database is the schedule: a send failing later, or a step of the same youth committed
        meanwhile (a reminder firing while they answer), must not leave the timer on another time.
        """
        if outcome.reminder is not None and self.timers is not None:
            self.timers.schedule(outcome.reminder)

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
