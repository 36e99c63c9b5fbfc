"""Turn a staff command's answer into Bot API calls: texts, photos (QR cards), documents, the command menu.

The pressed button is answered first (its toast is the answer's ``Notice``), then the messages go
in order. A staff member who blocked the bot gets nothing more and nothing is recorded: staff
have no reminders to stop. The command menu of a staff chat is set for that chat only
(``BotCommandScopeChat``), so a youth never sees staff commands in their menu; a revoked staff
member's keeps /aide alone once they write again.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat, InputFile
from telegram.error import Forbidden, TelegramError

from bot.retries import Failure, failure_of
from bot.sender import answer_button, keyboard_markup
from bot.staff_requests import Document, Photo, StaffOutput
from conversations.outputs import Notice, Send

logger = logging.getLogger(__name__)


async def send_to_staff(
    bot: Bot,
    chat_id: int,
    callback_query_id: str | None,
    outputs: Sequence[StaffOutput],
    used_keyboard: int | None = None,
    shown: Callable[[int, bool], Awaitable[None]] | None = None,
) -> bool:
    """Answer the press (if any), take the keyboard off the message ``used_keyboard`` (one that
    answers once: ``storage.staff_keyboards``), then send every message, photo and document in
    order. ``shown`` is told of each invitation's card before it is sent (True: it may reach the
    staff member, and be handed to a youth) and again if it surely did not (False: refused, or
    never left; a timeout or a connection lost after it left stays True). Return False if the
    staff member has blocked the bot (nothing more reaches them)."""
    if callback_query_id is not None:
        await answer_button(bot, callback_query_id, [item for item in outputs if isinstance(item, Notice)])
    if used_keyboard is not None:
        try:
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=used_keyboard, reply_markup=None)
        except TelegramError as error:  # gone already (a second press), or too old: it answers once anyway
            logger.debug("a used staff keyboard stays on its message: %s", type(error).__name__)
    try:
        for output in outputs:
            if isinstance(output, Send):
                await bot.send_message(
                    chat_id=chat_id, text=output.text, reply_markup=keyboard_markup(output.keyboard)
                )
            elif isinstance(output, Photo):
                card = output.invitation_id
                if shown is not None and card is not None:
                    await shown(card, True)  # before it leaves: a crash during the call keeps it valid
                try:
                    await bot.send_photo(
                        chat_id=chat_id,
                        photo=InputFile(output.content, filename=output.filename),
                        caption=output.caption,
                    )
                except TelegramError as error:
                    if shown is not None and card is not None and failure_of(error) is not Failure.UNKNOWN:
                        await shown(card, False)  # refused, or never left: nobody saw it
                    raise
            elif isinstance(output, Document):
                await bot.send_document(
                    chat_id=chat_id,
                    document=InputFile(output.content, filename=output.filename),
                    caption=output.caption,
                )
    except Forbidden:
        logger.info("a staff member has blocked the bot; nothing more is sent to them")
        return False
    return True


async def set_staff_menu(bot: Bot, chat_id: int, commands: Sequence[tuple[str, str]]) -> None:
    """Show these commands (name, description) in this chat's menu only, in every app language."""
    try:
        await bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError as error:
        logger.warning("the staff command menu could not be set: %s", type(error).__name__)
