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
* A network failure is retried once for sends; the answer is already stored either way.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from conversations.outputs import EditQuestion, Keyboard, Message, Notice, Send

logger = logging.getLogger(__name__)

SEND_ATTEMPTS = 2


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
    """What sending did: the new question message, if any, and whether the youth blocked the bot."""

    question_message_id: int | None = None
    blocked: bool = False


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


async def answer_button(bot: BotApi, callback_query_id: str, messages: Sequence[Message]) -> None:
    """Answer a button press, with the step's notice as a toast; never raises for a stale query."""
    notice = next((message.text for message in messages if isinstance(message, Notice)), None)
    try:
        await bot.answer_callback_query(callback_query_id, text=notice)
    except TelegramError as error:
        logger.info("could not answer a button press: %s", type(error).__name__)


async def deliver(
    bot: BotApi, chat_id: int, messages: Sequence[Message], question_message_id: int | None
) -> Delivery:
    """Send the messages in order; return the new question message id and whether the bot is blocked."""
    new_question_id: int | None = None
    try:
        for message in messages:
            if isinstance(message, Send):
                sent_id = await _send(bot, chat_id, message.text, message.keyboard)
                if message.holds_question:
                    new_question_id = question_message_id = sent_id
            elif isinstance(message, EditQuestion):
                replacement = await _edit(bot, chat_id, question_message_id, message)
                if replacement is not None:
                    new_question_id = question_message_id = replacement
    except Forbidden:
        logger.info("the youth has blocked the bot; no more messages to them")
        return Delivery(new_question_id, blocked=True)
    return Delivery(new_question_id)


async def _send(bot: BotApi, chat_id: int, text: str, keyboard: Keyboard | None) -> int:
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            sent = await bot.send_message(chat_id=chat_id, text=text, reply_markup=keyboard_markup(keyboard))
            return int(sent.message_id)
        except BadRequest:
            raise
        except NetworkError as error:
            if attempt == SEND_ATTEMPTS:
                raise
            logger.warning("sending failed (%s); trying once more", type(error).__name__)
    raise AssertionError("unreachable")  # pragma: no cover


async def _edit(bot: BotApi, chat_id: int, message_id: int | None, edit: EditQuestion) -> int | None:
    """Edit the question message; return the id of a replacement message if one had to be sent."""
    if message_id is None:
        return await _send(bot, chat_id, edit.text, edit.keyboard) if edit.keyboard else None
    try:
        await bot.edit_message_text(
            text=edit.text,
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=keyboard_markup(edit.keyboard),
        )
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return None
        logger.info("could not edit the question message: %s", type(error).__name__)
        return await _send(bot, chat_id, edit.text, edit.keyboard) if edit.keyboard else None
    return None
