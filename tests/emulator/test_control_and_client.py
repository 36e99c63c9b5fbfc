"""The control API and the Python client: simulated users, their updates, clear failures."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import aiohttp
import pytest
from telegram import Bot, Message, Update

from telegram_emulator import EmulatorClient, EmulatorError, TelegramEmulator, WaitTimeout


async def updates_as_ptb_objects(emulator: TelegramEmulator) -> list[Update]:
    """Every pending update, parsed by python-telegram-bot as the real bot would."""
    raw = await emulator.api.call("getUpdates", {})
    bot = Bot(emulator.token)
    return [Update.de_json(update, bot) for update in raw]


async def test_every_simulated_update_is_a_valid_telegram_update(
    emulator: TelegramEmulator, sim: EmulatorClient
) -> None:
    youth = await sim.user(first_name="Lina", language_code="fr", username="lina_b")
    await youth.send("/start tok_EN-42")
    await youth.send_sticker("🙂")
    await youth.send_photo(caption="photo")
    await youth.send_voice(duration=4)
    await youth.edit("/start autre")
    await emulator.api.call(
        "sendMessage",
        {
            "chat_id": youth.id,
            "text": "Q",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        },
    )
    await youth.press("A")
    group = await youth.send_in_group("bonjour le groupe")
    await youth.block()
    await youth.unblock()

    updates = await updates_as_ptb_objects(emulator)
    start, sticker, photo, voice, edited, press, in_group, blocked, unblocked = updates
    assert start.message is not None and start.message.text == "/start tok_EN-42"
    assert start.message.parse_entities() == {start.message.entities[0]: "/start"}
    assert start.message.entities[0].type == "bot_command"
    assert start.effective_user is not None and start.effective_user.language_code == "fr"
    assert start.effective_chat is not None and start.effective_chat.type == "private"
    assert sticker.message is not None and sticker.message.sticker is not None
    assert sticker.message.sticker.emoji == "🙂"
    assert photo.message is not None and photo.message.photo and photo.message.caption == "photo"
    assert voice.message is not None and voice.message.voice is not None
    assert voice.message.voice.mime_type == "audio/ogg"
    assert edited.edited_message is not None and edited.edited_message.text == "/start autre"
    assert edited.edited_message.message_id == start.message.message_id
    assert press.callback_query is not None and press.callback_query.data == "a"
    assert isinstance(press.callback_query.message, Message) and press.callback_query.message.text == "Q"
    assert in_group.message is not None and in_group.message.chat.type == "group"
    assert in_group.message.chat.id == group.chat_id < 0
    assert blocked.my_chat_member is not None and blocked.my_chat_member.new_chat_member.status == "kicked"
    assert (
        unblocked.my_chat_member is not None and unblocked.my_chat_member.new_chat_member.status == "member"
    )
    assert [u.update_id for u in updates] == list(range(1, 10))


async def test_next_waits_then_fails_listing_what_arrived(
    emulator: TelegramEmulator, sim: EmulatorClient
) -> None:
    youth = await sim.user(first_name="Maë")
    await youth.send("bonjour")
    keyboard = {"inline_keyboard": [[{"text": "Oui", "callback_data": "y"}]]}
    await emulator.api.call("sendMessage", {"chat_id": youth.id, "text": "Salut", "reply_markup": keyboard})
    await emulator.api.call("editMessageText", {"chat_id": youth.id, "message_id": 2, "text": "Salut !"})
    first, second = await youth.next(), await youth.next()
    assert (first.text, first.buttons, first.data_of("Oui"), first.is_edit) == ("Salut", ["Oui"], "y", False)
    assert (second.text, second.buttons, second.is_edit) == ("Salut !", [], True)
    emulator.state.record_call("sendMessage", {"chat_id": youth.id}, "POST").error_code = 400
    with pytest.raises(WaitTimeout) as timeout:
        await youth.next(wait=0.2)
    report = str(timeout.value)
    assert report.startswith(
        "Maë (chat 700000001): waited 0.2 s for a bot message or edit; nothing new arrived."
    )
    assert "[user #1] 'bonjour'" in report and "[bot #2] 'Salut !' (edited 1x)" in report
    assert "sendMessage: 400" in report
    assert "Updates not yet confirmed by the bot: [1]" in report


async def test_waiting_is_woken_by_the_bot_and_catch_up_skips(
    emulator: TelegramEmulator, sim: EmulatorClient
) -> None:
    youth = await sim.user()
    await youth.send("/start")
    await emulator.api.call("sendMessage", {"chat_id": youth.id, "text": "ancien"})
    await youth.chat.catch_up()
    asleep = emulator.state.notifier.waiting
    waiting = asyncio.create_task(youth.next(wait=3))
    assert await emulator.state.notifier.until_waiting(asleep + 1, 3)  # the waiter is asleep now
    await emulator.api.call("sendMessage", {"chat_id": youth.id, "text": "nouveau"})
    assert (await waiting).text == "nouveau"
    await emulator.api.call("sendMessage", {"chat_id": youth.id, "text": "bavard"})
    with pytest.raises(AssertionError, match=r"expected silence, but the bot did \['message #4'\]"):
        await youth.expect_silence(0.1)


async def test_impossible_actions_are_refused_with_reasons(
    emulator: TelegramEmulator, sim: EmulatorClient
) -> None:
    youth = await sim.user()
    with pytest.raises(EmulatorError, match="no bot message to press a button on"):
        await youth.press_data("x")
    await youth.send("/start")
    keyboard = {
        "inline_keyboard": [
            [{"text": "Site", "url": "https://example.org"}, {"text": "Oui", "callback_data": "y"}]
        ]
    }
    await emulator.api.call("sendMessage", {"chat_id": youth.id, "text": "Q", "reply_markup": keyboard})
    with pytest.raises(EmulatorError, match=r"no button labelled 'Non'; latest buttons: \['Site', 'Oui'\]"):
        await youth.press("Non")
    with pytest.raises(EmulatorError, match="button 'Site' has no callback_data"):
        await youth.press("Site")
    with pytest.raises(EmulatorError, match="no visible bot message 99"):
        await youth.press("Oui", message_id=99)
    with pytest.raises(EmulatorError, match="already exists"):
        await sim.user(user_id=youth.id)
    with pytest.raises(EmulatorError, match="has not blocked the bot"):
        await youth.unblock()
    await youth.block()
    with pytest.raises(EmulatorError, match="has blocked the bot; unblock it first"):
        await youth.send("coucou")
    with pytest.raises(EmulatorError, match="unknown fault kind"):
        await sim.inject_fault("getMe", "explode")


async def test_control_api_is_plain_http(emulator: TelegramEmulator) -> None:
    async with aiohttp.ClientSession() as session:

        async def control(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
            async with session.request(method, f"{emulator.url}/_control{path}", json=body) as response:
                return response.status, await response.json()

        status, user = await control("POST", "/users", {"first_name": "Zoé", "id": 42, "language_code": "en"})
        assert (status, user) == (
            201,
            {"id": 42, "is_bot": False, "first_name": "Zoé", "language_code": "en"},
        )
        status, update = await control("POST", "/users/42/text", {"text": "hello"})
        assert update["message"]["from"] == user and update["message"]["chat"]["type"] == "private"
        assert await control("POST", "/users/43/text", {"text": "x"}) == (404, {"error": "unknown user 43"})
        status, error = await control("POST", "/users/42/text", {})
        assert status == 400 and "bad control request" in error["error"]
        assert (await control("GET", "/bot"))[1]["user"]["username"] == "voix_test_bot"
        status, faults = await control(
            "POST", "/faults", {"method": "sendMessage", "kind": "latency", "delay": 1}
        )
        assert (await control("GET", "/faults"))[1] == {"faults": [faults], "random": None}
        assert (await control("DELETE", "/faults"))[1] == {"faults": []}


async def test_emulator_runs_as_a_separate_process() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "telegram_emulator", "--port", "0", stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        url = banner.split()[3]
        assert url.startswith("http://127.0.0.1:")
        async with EmulatorClient(url) as client:
            youth = await client.user(first_name="Eli")
            await youth.send("/start")
            assert [u["message"]["text"] for u in await client.pending_updates()] == ["/start"]
    finally:
        process.terminate()
        await process.wait()
