"""Turn the engine's messages into Bot API calls, after the step's transaction has committed.

* The button press being handled is answered (``answerCallbackQuery``) while the messages go
  out, with the text of the step's ``Notice`` if there is one, so the phone's spinner stops at
  once. A press is answered even when nothing else is sent; a query too old to answer is not an
  error.
* ``Send`` → ``sendMessage`` with an inline keyboard; the message id of a ``holds_question`` send
  is returned so the shell can edit it later.
* ``EditQuestion`` → ``editMessageText`` of that message; "message is not modified" is fine, and
  a message that can no longer be edited is replaced by a new one when it carries buttons.
* 403 Forbidden means the youth blocked the bot: stop sending and report it (the shell marks the
  contact blocked, which stops reminders).

Every call goes through the ``RetryPolicy`` (``bot.retries``). Answering a press and editing are
repeated through any passing fault: doing them twice changes nothing. A ``sendMessage`` is
repeated when nothing was done (5xx, no connection); when the fault leaves its outcome unknown it
is repeated only if it has no buttons (a plain text twice harms no one, a lost safeguarding
message would). A message with buttons is never sent twice: a question whose outcome is unknown
is reported (``question_unknown``), and the youth's next press on it is recognised by the
pressed message. When a call still fails after its budget, ``gave_up`` tells the shell to
apologise; the answer is stored either way.

``deliver`` and ``answer_button`` serve the scheduler and the staff side with their earlier
contract: a failure left after the retries is raised, and a 429 at once, for the scheduler to
pause every send (``SCHEDULED``).
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.retries import OutcomeUnknown, RetryPolicy
from conversations.outputs import EditQuestion, Keyboard, Message, Notice, Send

logger = logging.getLogger(__name__)

# Called just before a message holding the question is sent (the shell records that it is out).
BeforeQuestion = Callable[[], Awaitable[None]]
# The scheduler's sends: passing faults repeated, a 429 raised at once (it pauses every send).
SCHEDULED = RetryPolicy(flood_wait_limit=0.0)


class BotApi(Protocol):
    """The three Bot API calls the conversation needs (``telegram.Bot`` provides them)."""

    async def send_message(self, *, chat_id: int, text: str, reply_markup: Any = None) -> Any:
        """Send a text message."""

    async def edit_message_text(
        self,
        *,
        text: str,
        chat_id: int | None = None,
        message_id: int | None = None,
        reply_markup: Any = None,
    ) -> Any:
        """Edit the text (and buttons) of a message."""

    async def answer_callback_query(self, callback_query_id: str, *, text: str | None = None) -> Any:
        """Stop the spinner of a pressed button, with an optional toast."""


@dataclass(frozen=True)
class Delivery:
    """What sending did, for the shell to record.

    ``question_message_id``: the message now holding the question, when it changed.
    ``question_unknown``: a question went out but a fault hid whether it arrived.
    ``question_unsent``: a question could not be sent at all (its budget was spent).
    ``blocked``: the youth blocked the bot. ``gave_up``: a call failed for good; apologise.
    """

    question_message_id: int | None = None
    question_unknown: bool = False
    question_unsent: bool = False
    blocked: bool = False
    gave_up: bool = False


def keyboard_markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Build Telegram's inline keyboard from the engine's."""
    if keyboard is None:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.label, callback_data=button.data) for button in row]
            for row in keyboard.rows
        ]
    )


class Sender:
    """Sends one step's messages to one chat through the retry policy."""

    def __init__(self, bot: BotApi, policy: RetryPolicy | None = None) -> None:
        self.bot = bot
        self.policy = policy or RetryPolicy()

    async def answer_button(self, callback_query_id: str, messages: Sequence[Message]) -> None:
        """Answer a button press, with the step's notice as a toast; never raises."""
        notice = next((message.text for message in messages if isinstance(message, Notice)), None)
        try:
            await self.policy.call(lambda: self.bot.answer_callback_query(callback_query_id, text=notice))
        except TelegramError as error:
            logger.info("could not answer a button press: %s", type(error).__name__)

    async def say(self, chat_id: int, text: str) -> None:
        """Send a plain text (the shell's apology); never raises. Not repeated once its outcome
        is unknown: it has likely arrived, and an apology said over and over alarms more than one
        lost (a reviewer saw eleven in a row on a connection dropping every answer)."""
        try:
            await self.policy.call(
                lambda: self.bot.send_message(chat_id=chat_id, text=text), repeatable=False
            )
        except TelegramError as error:
            logger.info("could not send a message: %s", type(error).__name__)

    async def deliver(
        self,
        chat_id: int,
        messages: Sequence[Message],
        question_message_id: int | None,
        *,
        pressed_message_id: int | None = None,
        before_question: BeforeQuestion | None = None,
        raise_failures: bool = False,
    ) -> Delivery:
        """Send the messages in order and report what the shell must record.

        ``question_message_id`` is the message to edit; when it is unknown (None or 0), an edit
        goes to ``pressed_message_id``, the message whose button the youth just pressed.
        ``raise_failures`` raises a failure left after the retries instead of reporting ``gave_up``.
        """
        run = _Run(self, chat_id, question_message_id or pressed_message_id, before_question)
        try:
            for message in messages:
                if isinstance(message, Send):
                    await run.send(message)
                elif isinstance(message, EditQuestion):
                    await run.edit(message, adopted=not question_message_id)
        except Forbidden:
            logger.info("the youth has blocked the bot; no more messages to them")
            return replace(run.delivery, blocked=True)
        except TelegramError as error:
            if raise_failures:
                raise
            logger.warning("a message could not be sent: %s", type(error).__name__)
            return replace(run.delivery, gave_up=True)
        return run.delivery


async def deliver(
    bot: BotApi, chat_id: int, messages: Sequence[Message], question_message_id: int | None
) -> Delivery:
    """Send a scheduled step's messages (``SCHEDULED``); raise what still fails, 429 at once."""
    return await Sender(bot, SCHEDULED).deliver(chat_id, messages, question_message_id, raise_failures=True)


async def answer_button(bot: BotApi, callback_query_id: str, messages: Sequence[Message]) -> None:
    """Answer a button press with the step's notice as a toast, through passing faults; never raises."""
    await Sender(bot).answer_button(callback_query_id, messages)


class _Run:
    """One delivery in progress: where the question is, and what happened to it."""

    def __init__(
        self, sender: Sender, chat_id: int, holding: int | None, before_question: BeforeQuestion | None
    ) -> None:
        self.sender = sender
        self.chat_id = chat_id
        self.holding = holding
        self.before_question = before_question
        self.delivery = Delivery()

    async def send(self, message: Send) -> None:
        if message.holds_question:
            await self._send_question(message.text, message.keyboard)
            return
        try:
            await self._send(message.text, message.keyboard, repeatable=message.keyboard is None)
        except OutcomeUnknown:
            logger.info("a message with buttons may not have arrived; not sending it twice")

    async def edit(self, edit: EditQuestion, *, adopted: bool) -> None:
        """Edit the question message; send a replacement if it cannot be edited and has buttons."""
        if self.holding is None:
            if edit.keyboard:
                await self._send_question(edit.text, edit.keyboard)
            return
        message_id = self.holding
        try:
            await self.sender.policy.call(
                lambda: self.sender.bot.edit_message_text(
                    text=edit.text,
                    chat_id=self.chat_id,
                    message_id=message_id,
                    reply_markup=keyboard_markup(edit.keyboard),
                )
            )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return
            logger.info("could not edit the question message: %s", type(error).__name__)
            if edit.keyboard:
                await self._send_question(edit.text, edit.keyboard)
            return
        if adopted and edit.keyboard:
            # The pressed message still holds the question (a toggled choice): remember it.
            self.delivery = replace(self.delivery, question_message_id=message_id, question_unknown=False)

    async def _send_question(self, text: str, keyboard: Keyboard | None) -> None:
        if self.before_question is not None:
            await self.before_question()
        try:
            message_id = await self._send(text, keyboard, repeatable=False)
        except OutcomeUnknown:
            logger.info("a question may not have arrived; not sending it twice")
            self.holding = None
            self.delivery = replace(
                self.delivery, question_message_id=None, question_unknown=True, question_unsent=False
            )
            return
        except TelegramError:
            self.delivery = replace(self.delivery, question_unsent=True, question_unknown=False)
            raise
        self.holding = message_id
        self.delivery = replace(
            self.delivery, question_message_id=message_id, question_unknown=False, question_unsent=False
        )

    async def _send(self, text: str, keyboard: Keyboard | None, *, repeatable: bool) -> int:
        sent = await self.sender.policy.call(
            lambda: self.sender.bot.send_message(
                chat_id=self.chat_id, text=text, reply_markup=keyboard_markup(keyboard)
            ),
            repeatable=repeatable,
        )
        return int(sent.message_id)
