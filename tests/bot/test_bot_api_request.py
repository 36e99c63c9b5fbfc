"""The bot's aiohttp transport for the Bot API, against the emulator over real HTTP.

PTB must see what it saw with its own httpx transport: parameters, buttons and files arrive,
Telegram's errors keep their meaning, and transport failures become ``NetworkError`` or
``TimedOut``, which the sender and the updater already handle.
"""

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from bot.bot_api_request import AiohttpRequest
from telegram_emulator import EmulatorClient, TelegramEmulator, check_call_against_spec


def bot_for(base_url: str, token: str, read_timeout: float = 5.0) -> Bot:
    return Bot(
        token,
        base_url=base_url,
        request=AiohttpRequest(4, read_timeout=read_timeout),
        get_updates_request=AiohttpRequest(read_timeout=read_timeout),
    )


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    async with bot_for(emulator.base_url, emulator.token, read_timeout=0.5) as started:
        yield started


async def test_parameters_buttons_and_files_arrive_as_sent(
    bot: Bot, emulator: TelegramEmulator, sim: EmulatorClient
) -> None:
    lina = await sim.user("Lina")
    await lina.send("/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1. Oui", callback_data="a:q:yes")]])
    sent = await bot.send_message(lina.id, "Ça va ?", reply_markup=keyboard)
    question = await lina.next()
    assert (question.text, question.buttons) == ("Ça va ?", ["1. Oui"])
    press = await lina.press("1. Oui")
    assert await bot.answer_callback_query(press.query_id, text="Merci") is True
    await bot.edit_message_text("Ça va ? ✔️ Oui", chat_id=lina.id, message_id=sent.message_id)
    assert (await lina.next()).text == "Ça va ? ✔️ Oui"
    document = await bot.send_document(lina.id, InputFile(b"col1;col2\n", filename="export.csv"))
    assert document.document is not None and document.document.file_name == "export.csv"
    assert await sim.file(document.document.file_id) == b"col1;col2\n"
    assert [check_call_against_spec(call) for call in emulator.calls] == [[]] * len(emulator.calls)


async def test_telegram_errors_keep_their_meaning(bot: Bot, sim: EmulatorClient) -> None:
    lina = await sim.user("Lina")
    await lina.send("/start")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=lina.id, message_id=999)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message((await sim.user("Sami")).id, "Bonjour")


async def test_transport_failures_are_network_errors_and_slow_answers_time_out(
    bot: Bot, sim: EmulatorClient
) -> None:
    lina = await sim.user("Lina")
    await lina.send("/start")
    await sim.inject_fault("sendMessage", "server_error", status=502)
    with pytest.raises(NetworkError):
        await bot.send_message(lina.id, "perdu")
    await sim.inject_fault("sendMessage", "disconnect")
    with pytest.raises(NetworkError, match="aiohttp"):
        await bot.send_message(lina.id, "perdu aussi")
    await sim.inject_fault("sendMessage", "latency", delay=1.5)
    with pytest.raises(TimedOut):
        await bot.send_message(lina.id, "trop lent")
    assert (await bot.send_message(lina.id, "de nouveau")).text == "de nouveau"


async def test_a_long_poll_may_last_longer_than_the_read_timeout(bot: Bot) -> None:
    # PTB adds the long poll's own timeout to the transport's read timeout (0.5 s here).
    assert await bot.get_updates(timeout=1) == ()


async def test_an_unreachable_bot_api_is_a_network_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
    finally:
        await request.shutdown()


async def test_a_request_shut_down_can_be_started_again(emulator: TelegramEmulator) -> None:
    bot = bot_for(emulator.base_url, emulator.token)
    for _ in range(2):
        async with bot:
            assert (await bot.get_me()).username == "voix_test_bot"
