"""The floor of ``bench/conversation.py``: the bare framework holding Voix's conversation.

Usage: ``python bench/floor_bot.py --api-url URL --token TOKEN --script SCRIPT.json [--concurrent]
[--transport aiohttp]``

A minimal python-telegram-bot bot with no storage and no logic: ``/start`` sends the script's
greeting, and each button press looks its callback data up in the script and makes the same Bot
API calls Voix makes for it (``answerCallbackQuery``, ``editMessageText`` of the pressed message,
then each ``sendMessage``), with the same texts and buttons. PTB's defaults otherwise: updates
one at a time, or all at once with ``--concurrent`` (``concurrent_updates``, no per-chat order),
and PTB's httpx transport, or with ``--transport aiohttp`` the one Voix uses
(``bot/bot_api_request.py``), to tell Voix's own cost from its transport's.
"""

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.conversation_script import ConversationScript, ScriptMessage
from bot.bot_api_request import AiohttpRequest

# ApplicationBuilder's own default pool size for Bot API calls (a request is built here only to
# keep proxies of the environment away from the local emulator).
DEFAULT_CONNECTION_POOL_SIZE = 256


def main() -> None:
    """Read the command line, then poll until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--script", type=Path, required=True)
    parser.add_argument("--concurrent", action="store_true")
    parser.add_argument("--transport", choices=("httpx", "aiohttp"), default="httpx")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    script = ConversationScript.read(arguments.script)
    presses = {press.data: press for press in script.presses}

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        for message in script.greeting:
            await context.bot.send_message(
                update.effective_chat.id, message["text"], reply_markup=_markup(message)
            )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None and query.message is not None
        press = presses[query.data]
        await query.answer(text=press.notice)
        chat_id, message_id = query.message.chat.id, query.message.message_id
        for message in press.messages:
            if message["kind"] == "edit":
                await context.bot.edit_message_text(
                    message["text"], chat_id=chat_id, message_id=message_id, reply_markup=_markup(message)
                )
            else:
                await context.bot.send_message(chat_id, message["text"], reply_markup=_markup(message))

    application = (
        ApplicationBuilder()
        .token(arguments.token)
        .base_url(f"{arguments.api_url}/bot")
        .request(_request(arguments.transport, DEFAULT_CONNECTION_POOL_SIZE))
        .get_updates_request(_request(arguments.transport, 1))
        .concurrent_updates(arguments.concurrent)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(poll_interval=0.0, timeout=30, allowed_updates=["message", "callback_query"])


def _request(transport: str, connection_pool_size: int) -> BaseRequest:
    if transport == "aiohttp":
        return AiohttpRequest(connection_pool_size)
    return HTTPXRequest(connection_pool_size=connection_pool_size, httpx_kwargs={"trust_env": False})


def _markup(message: ScriptMessage) -> Any:
    if not message["keyboard"]:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in message["keyboard"]
        ]
    )


if __name__ == "__main__":
    main()
