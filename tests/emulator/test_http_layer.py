"""The Bot API over raw HTTP: routing, bodies, envelope, getUpdates semantics, validations."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from telegram_emulator import EmulatorClient, EmulatorError, TelegramEmulator


class Api:
    """A bare Bot API caller, to see exactly what goes over the wire."""

    def __init__(self, session: aiohttp.ClientSession, emulator: TelegramEmulator) -> None:
        self.session = session
        self.emulator = emulator

    async def call(self, method: str, token: str | None = None, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        url = f"{self.emulator.url}/bot{token or self.emulator.token}/{method}"
        async with self.session.post(url, **kwargs) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, json=params)
        assert (status, body["ok"]) == (200, True), body
        return body["result"]

    async def long_polling(self) -> None:
        """Return once a getUpdates is waiting for updates (the emulator notifies it)."""
        state = self.emulator.state
        assert await state.notifier.wait_until(lambda: state.updates.long_polling, 5), "no long poll"

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, json=params)
        assert body["ok"] is False and body["error_code"] == status
        return status, body["description"]


@pytest.fixture
async def api(emulator: TelegramEmulator) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, emulator)


async def test_envelope_routing_and_tokens(api: Api) -> None:
    assert await api.call("getMe", token="1:wrong") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert await api.call("sendMessages") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = await api.call("GETME")
    assert status == 200 and body["ok"] is True
    assert body["result"] == {
        "id": 123456789,
        "is_bot": True,
        "first_name": "Voix",
        "username": "voix_test_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }
    async with api.session.get(f"{api.emulator.bot_api_url}/getUpdates?timeout=0&offset=5") as response:
        assert await response.json() == {"ok": True, "result": []}
    assert [call.method for call in api.emulator.calls] == ["sendMessages", "getMe", "getUpdates"]
    assert api.emulator.calls[-1].params == {"timeout": 0, "offset": 5}


async def test_urlencoded_json_and_multipart_bodies(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    await youth.send("/start")
    keyboard = {"inline_keyboard": [[{"text": "Oui", "callback_data": "q:1:yes"}]]}
    form = {"chat_id": str(youth.id), "text": "Prête ?", "reply_markup": json.dumps(keyboard)}
    status, body = await api.call("sendMessage", data=form)
    assert status == 200 and body["result"]["reply_markup"] == keyboard
    assert api.emulator.calls[-1].params == {"chat_id": youth.id, "text": "Prête ?", "reply_markup": keyboard}

    result = await api.ok("sendMessage", chat_id=youth.id, text="JSON")
    assert result["from"]["is_bot"] is True and result["chat"]["id"] == youth.id

    multipart = aiohttp.FormData()
    multipart.add_field("chat_id", str(youth.id))
    multipart.add_field("caption", "Le fichier")
    multipart.add_field("document", b"a;b\n", filename="export.csv", content_type="text/csv")
    status, body = await api.call("sendDocument", data=multipart)
    assert status == 200, body
    document = body["result"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "export.csv",
        "text/csv",
        4,
    )
    assert body["result"]["caption"] == "Le fichier"


async def test_get_updates_offset_limit_negative_offset_and_redelivery(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    for text in ("un", "deux", "trois", "quatre"):
        await youth.send(text)
    ids = [u["update_id"] for u in await api.ok("getUpdates")]
    assert ids == [1, 2, 3, 4]
    assert [u["update_id"] for u in await api.ok("getUpdates")] == ids  # unconfirmed: redelivered
    assert [u["update_id"] for u in await api.ok("getUpdates", limit=2)] == [1, 2]
    assert [u["update_id"] for u in await api.ok("getUpdates", offset=3)] == [3, 4]
    assert [u["update_id"] for u in await api.ok("getUpdates", offset=1)] == [3, 4]  # 1, 2 are gone
    await youth.send("cinq")
    assert [u["update_id"] for u in await api.ok("getUpdates", offset=-1)] == [5]
    [only] = await api.ok("getUpdates")
    assert (only["update_id"], only["message"]["text"]) == (5, "cinq")
    assert await api.ok("getUpdates", offset=6) == []


async def test_long_polling_waits_then_wakes_on_an_update(api: Api, sim: EmulatorClient) -> None:
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2

    youth = await sim.user()
    poll = asyncio.create_task(api.ok("getUpdates", timeout=5))
    await api.long_polling()
    started = time.monotonic()
    await youth.send("coucou")
    [update] = await poll
    assert update["message"]["text"] == "coucou"
    assert time.monotonic() - started < 0.5


async def test_a_second_poller_terminates_the_first_with_conflict(api: Api) -> None:
    first = asyncio.create_task(api.error("getUpdates", timeout=5))
    await api.long_polling()
    assert await api.ok("getUpdates", timeout=0) == []
    assert await first == (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    )


async def test_text_validation_after_entity_parsing(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    await youth.send("/start")
    send = {"chat_id": youth.id}
    assert await api.error("sendMessage", **send, text="") == (400, "Bad Request: message text is empty")
    assert await api.error("sendMessage", **send, text=" \n ") == (400, "Bad Request: message text is empty")
    html_empty = await api.error("sendMessage", **send, text="<b></b>", parse_mode="HTML")
    assert html_empty == (400, "Bad Request: message text is empty")
    assert await api.error("sendMessage", **send, text="é" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    result = await api.ok("sendMessage", **send, text="<b>" + "é" * 4096 + "</b>", parse_mode="HTML")
    assert len(result["text"]) == 4096 and result["entities"] == [
        {"offset": 0, "length": 4096, "type": "bold"}
    ]
    unclosed = await api.error("sendMessage", **send, text="<b>Bonjour", parse_mode="HTML")
    assert unclosed == (
        400,
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    )
    bad_mode = await api.error("sendMessage", **send, text="x", parse_mode="Latex")
    assert bad_mode == (400, "Bad Request: unsupported parse_mode")
    assert await api.error("sendMessage", chat_id=999, text="x") == (400, "Bad Request: chat not found")
    assert await api.error("sendMessage", chat_id="@someone", text="x") == (
        400,
        "Bad Request: chat not found",
    )


async def test_keyboard_validation(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    await youth.send("/start")

    def keyboard(**button: Any) -> dict[str, Any]:
        return {
            "chat_id": youth.id,
            "text": "Q",
            "reply_markup": {"inline_keyboard": [[{"text": "B", **button}]]},
        }

    invalid = (400, "Bad Request: BUTTON_DATA_INVALID")
    assert await api.error("sendMessage", **keyboard(callback_data="")) == invalid
    assert await api.error("sendMessage", **keyboard(callback_data="é" * 33)) == invalid  # 66 bytes
    assert (await api.ok("sendMessage", **keyboard(callback_data="é" * 32)))["reply_markup"]  # 64 bytes
    assert await api.error("sendMessage", **keyboard()) == (
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    )
    assert await api.error("sendMessage", chat_id=youth.id, text="Q", reply_markup="{not json") == (
        400,
        "Bad Request: can't parse reply keyboard markup JSON object",
    )
    # Telegram's undocumented limit: 100 inline buttons in one keyboard, whatever the rows.
    buttons = [{"text": str(number), "callback_data": str(number)} for number in range(101)]
    rows = [buttons[index : index + 8] for index in range(0, 101, 8)]
    too_many = {"chat_id": youth.id, "text": "Q", "reply_markup": {"inline_keyboard": rows}}
    assert await api.error("sendMessage", **too_many) == (400, "Bad Request: reply markup is too long")
    rows[-1].pop()  # 100
    assert len((await api.ok("sendMessage", **too_many))["reply_markup"]["inline_keyboard"]) == 13
    reply_keyboard = {"keyboard": [[{"text": "Oui"}]], "one_time_keyboard": True}
    assert "reply_markup" not in await api.ok(
        "sendMessage", chat_id=youth.id, text="Q", reply_markup=reply_keyboard
    )


async def test_editing_and_deleting(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    user_message = await youth.send("/start")
    markup = {"inline_keyboard": [[{"text": "Oui", "callback_data": "yes"}]]}
    sent = await api.ok("sendMessage", chat_id=youth.id, text="Q1", reply_markup=markup)
    target = {"chat_id": youth.id, "message_id": sent["message_id"]}
    not_modified = (
        400,
        "Bad Request: message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of the message",
    )
    assert await api.error("editMessageText", **target, text="Q1", reply_markup=markup) == not_modified
    assert await api.error("editMessageReplyMarkup", **target, reply_markup=markup) == not_modified
    edited = await api.ok("editMessageText", **target, text="Q1")  # same text, keyboard removed
    assert "reply_markup" not in edited and edited["edit_date"] >= edited["date"]
    assert (await api.ok("editMessageReplyMarkup", **target, reply_markup=markup))["reply_markup"] == markup
    missing = {"chat_id": youth.id, "message_id": 999}
    assert await api.error("editMessageText", **missing, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    own = {"chat_id": youth.id, "message_id": user_message["message_id"]}
    assert await api.error("editMessageText", **own, text="x") == (
        400,
        "Bad Request: message can't be edited",
    )
    assert await api.ok("deleteMessage", **target) is True
    assert await api.error("deleteMessage", **target) == (400, "Bad Request: message to delete not found")
    assert await api.error("editMessageText", **target, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert [m["message_id"] for m in await youth.transcript()] == [user_message["message_id"]]


async def test_callback_queries_are_answered_once(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    await youth.send("/start")
    markup = {"inline_keyboard": [[{"text": "Oui", "callback_data": "yes"}]]}
    await api.ok("sendMessage", chat_id=youth.id, text="Q", reply_markup=markup)
    press = await youth.press("Oui")
    assert await youth.callback_answer(press, wait=0) is None
    # A notification over 200 characters is refused (and the query may still be answered).
    too_long = await api.error("answerCallbackQuery", callback_query_id=press.query_id, text="é" * 201)
    assert too_long == (400, "Bad Request: MESSAGE_TOO_LONG")
    assert await api.ok("answerCallbackQuery", callback_query_id=press.query_id, text="Noté") is True
    answer = await youth.callback_answer(press)
    assert answer is not None and answer.text == "Noté"
    too_old = (400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
    assert await api.error("answerCallbackQuery", callback_query_id=press.query_id) == too_old
    assert await api.error("answerCallbackQuery", callback_query_id="123") == too_old


async def test_commands_chat_actions_and_unimplemented_methods(api: Api, sim: EmulatorClient) -> None:
    commands = [{"command": "start", "description": "Commencer"}]
    assert await api.ok("setMyCommands", commands=commands, language_code="fr") is True
    assert await api.ok("getMyCommands", language_code="fr") == commands
    assert await api.ok("getMyCommands") == []
    invalid = [{"command": "Start!", "description": "x"}]
    assert await api.error("setMyCommands", commands=invalid) == (400, "Bad Request: BOT_COMMAND_INVALID")
    youth = await sim.user()
    await youth.send("/start")
    assert await api.ok("sendChatAction", chat_id=youth.id, action="typing") is True
    wrong = await api.error("sendChatAction", chat_id=youth.id, action="dancing")
    assert wrong == (400, "Bad Request: wrong parameter action in request")
    assert await sim.chat_actions() == [{"chat_id": youth.id, "action": "typing"}]
    assert await api.error("sendPoll", chat_id=youth.id) == (
        400,
        "Bad Request: method sendPoll is not implemented by the emulator",
    )


async def test_each_user_sees_the_menu_telegram_would_pick_among_scopes_and_languages(
    api: Api, sim: EmulatorClient
) -> None:
    everyone = [{"command": "aide", "description": "Help"}]
    private_fr = [{"command": "aide", "description": "Aide"}]
    staff = [{"command": "suivi", "description": "Suivi"}]
    lina, sami, cleo = (
        await sim.user("Lina"),
        await sim.user("Sami", language_code="en"),
        await sim.user("Cléo"),
    )
    assert await lina.menu() == []
    await api.ok("setMyCommands", commands=everyone)
    assert await lina.menu() == everyone
    await api.ok(
        "setMyCommands", commands=private_fr, scope={"type": "all_private_chats"}, language_code="fr"
    )
    await api.ok("setMyCommands", commands=staff, scope={"type": "chat", "chat_id": cleo.id})
    assert (await lina.menu(), await sami.menu(), await cleo.menu()) == (private_fr, everyone, staff)
    await api.ok("deleteMyCommands", scope={"type": "chat", "chat_id": cleo.id})
    assert await cleo.menu() == private_fr


async def test_blocked_and_never_started_users(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    never_wrote = {"chat_id": youth.id, "text": "Bonjour"}
    assert await api.error("sendMessage", **never_wrote) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    await youth.send("/start")
    await youth.block()
    assert await api.error("sendMessage", **never_wrote) == (403, "Forbidden: bot was blocked by the user")
    [blocked] = [u["my_chat_member"] for u in await api.ok("getUpdates") if "my_chat_member" in u]
    assert blocked["old_chat_member"]["status"] == "member"
    assert blocked["new_chat_member"] == {"user": await api.ok("getMe"), "status": "kicked", "until_date": 0}
    assert blocked["chat"] == {"id": youth.id, "type": "private", "first_name": "Lina"}


async def test_rate_limit_answers_429_with_retry_after(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user()
    await youth.send("/start")
    await sim.set_rate_limit(per_chat_per_second=1, per_chat_burst=2)
    await api.ok("sendMessage", chat_id=youth.id, text="1")
    await api.ok("sendMessage", chat_id=youth.id, text="2")
    status, body = await api.call("sendMessage", json={"chat_id": youth.id, "text": "3"})
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    await sim.disable_rate_limit()
    await api.ok("sendMessage", chat_id=youth.id, text="3")


async def test_an_update_already_confirmed_can_be_redelivered_once_with_the_same_id(
    api: Api, sim: EmulatorClient
) -> None:
    youth = await sim.user()
    for text in ("un", "deux"):
        await youth.send(text)
    assert [u["update_id"] for u in await api.ok("getUpdates")] == [1, 2]
    assert await api.ok("getUpdates", offset=3) == []  # both confirmed
    again = await sim.redeliver(1)
    assert again["update_id"] == 1 and again["message"]["text"] == "un"
    # Delivered once more although offset 3 was confirmed, then confirmed like any other update.
    redelivered = await api.ok("getUpdates", offset=3)
    assert [(u["update_id"], u["message"]["text"]) for u in redelivered] == [(1, "un")]
    assert await api.ok("getUpdates", offset=3) == []
    with pytest.raises(EmulatorError, match="unknown update 99"):
        await sim.redeliver(99)


async def test_a_fault_can_hit_the_calls_about_one_chat_only(api: Api, sim: EmulatorClient) -> None:
    slow, quick = await sim.user("Lina"), await sim.user("Sami")
    for user in (slow, quick):
        await user.send("/start")
    await sim.inject_fault("*", "latency", delay=0.5, chat_id=slow.id)
    started = time.monotonic()
    await api.ok("getMe")
    await api.ok("sendMessage", chat_id=quick.id, text="vite")
    assert time.monotonic() - started < 0.4
    await api.ok("sendMessage", chat_id=slow.id, text="lent")
    assert time.monotonic() - started >= 0.5


async def test_server_error_and_latency_faults_per_method(api: Api, sim: EmulatorClient) -> None:
    await sim.inject_fault("getMe", "server_error", count=2, status=503)
    for _ in range(2):
        status, body = await api.call("getMe")
        assert (status, body["error_code"]) == (503, 503)
    assert (await api.call("getMe"))[0] == 200
    await sim.inject_fault("*", "latency", delay=0.2)
    started = time.monotonic()
    await api.ok("getMe")
    assert time.monotonic() - started >= 0.2
    await sim.inject_fault("getMe", "disconnect")
    with pytest.raises(aiohttp.ClientError):
        await api.call("getMe")
    assert (await api.call("getMe"))[0] == 200


async def test_a_delayed_server_error_holds_the_call_in_progress_then_fails_it(
    api: Api, sim: EmulatorClient, emulator: TelegramEmulator
) -> None:
    youth = await sim.user("Lina")
    await sim.inject_fault("sendMessage", "server_error", delay=0.3, chat_id=youth.id)
    state = emulator.state
    call = asyncio.create_task(api.call("sendMessage", json={"chat_id": youth.id, "text": "jamais"}))
    assert await state.notifier.wait_until(lambda: state.calls_in_progress == 1, 5)
    status, body = await call
    assert (status, body["error_code"], state.calls_in_progress) == (500, 500, 0)
    assert await youth.transcript() == []  # nothing was sent


async def test_strict_spec_mode_rejects_calls_off_the_spec() -> None:
    async with TelegramEmulator(strict_spec=True) as strict, aiohttp.ClientSession() as session:
        api = Api(session, strict)
        assert await api.error("getMe", colour="blue") == (
            400,
            "Bad Request: emulator spec check failed: getMe: unknown parameter 'colour'",
        )
        assert (await api.ok("getMe"))["is_bot"] is True


async def test_a_flood_fault_answers_429_with_retry_after_and_does_nothing(
    api: Api, sim: EmulatorClient, emulator: TelegramEmulator
) -> None:
    youth = await sim.user("Lina")
    await youth.send("/start")
    await sim.inject_fault("sendMessage", "flood", retry_after=4)
    status, body = await api.call("sendMessage", json={"chat_id": youth.id, "text": "Salut"})
    assert (status, body["parameters"]) == (429, {"retry_after": 4})
    assert body["description"] == "Too Many Requests: retry after 4"
    assert await youth.bot_messages() == []


async def test_random_faults_hit_a_seeded_share_of_the_calls_and_delay_them(
    api: Api, sim: EmulatorClient
) -> None:
    youth = await sim.user("Lina")
    await youth.send("/start")
    kinds = [("server_error", 502), ("disconnect_after", 500)]
    await sim.random_faults(0.5, ["sendMessage"], kinds, latency=0.05, seed=7)
    started = time.monotonic()
    outcomes = []
    for number in range(20):
        try:
            status, _ = await api.call("sendMessage", json={"chat_id": youth.id, "text": f"m{number}"})
            outcomes.append(status)
        except aiohttp.ClientError:
            outcomes.append("dropped")
    assert time.monotonic() - started >= 20 * 0.05
    assert await api.ok("getMe")  # other methods are not hit
    drawn = await sim.faults_drawn()
    assert sum(drawn.values()) == outcomes.count(502) + outcomes.count("dropped") > 0
    assert outcomes.count(200) > 0
    # A dropped answer after processing still delivered the message; a 502 did not.
    delivered = {message.text for message in await youth.bot_messages()}
    for number, outcome in enumerate(outcomes):
        assert (f"m{number}" in delivered) is (outcome != 502)
    await sim.clear_faults()
    assert await sim.faults_drawn() == {}
    with pytest.raises(EmulatorError, match="rate"):
        await sim.random_faults(2.0, ["sendMessage"], kinds)


async def test_idle_waits_for_confirmed_updates_a_long_poll_and_no_call_in_progress(
    api: Api, sim: EmulatorClient, emulator: TelegramEmulator
) -> None:
    youth = await sim.user("Lina")
    await youth.send("bonjour")
    with pytest.raises(AssertionError, match=r"not confirmed \[1\]"):
        await sim.idle(wait=0.1)
    assert [update["update_id"] for update in await api.ok("getUpdates", timeout=0)] == [1]
    poll = asyncio.create_task(api.ok("getUpdates", offset=2, timeout=5))
    await sim.idle(wait=2)  # confirmed, and the bot waits for more
    await sim.inject_fault("sendMessage", "latency", delay=0.5)
    send = asyncio.create_task(api.ok("sendMessage", chat_id=youth.id, text="Salut"))
    state = emulator.state
    assert await state.notifier.wait_until(lambda: state.calls_in_progress == 1, 2)
    with pytest.raises(AssertionError, match="calls in progress 1"):
        await sim.idle(wait=0.2)
    await send
    await sim.idle(wait=2)
    await youth.send("encore")
    assert [update["update_id"] for update in await poll] == [2]
    with pytest.raises(AssertionError, match="not confirmed"):
        await youth.expect_nothing_more(wait=0.1)


async def test_a_chat_is_settled_when_its_updates_are_confirmed_and_no_call_about_it_is_in_progress(
    api: Api, sim: EmulatorClient, emulator: TelegramEmulator
) -> None:
    lina, sami = await sim.user("Lina"), await sim.user("Sami")
    await lina.send("bonjour")
    assert await sami.chat.settled() and not await lina.chat.settled()
    await api.ok("getUpdates", offset=2, timeout=0)
    assert await lina.chat.settled()
    await sim.inject_fault("sendMessage", "latency", delay=0.5)
    send = asyncio.create_task(api.ok("sendMessage", chat_id=lina.id, text="Salut"))
    state = emulator.state
    assert await state.notifier.wait_until(lambda: state.calls_in_progress == 1, 2)
    assert await sami.chat.settled() and not await lina.chat.settled()
    assert await lina.chat.settled(wait=2)
    await send


async def test_a_fault_can_hit_only_the_calls_carrying_buttons(api: Api, sim: EmulatorClient) -> None:
    youth = await sim.user("Lina")
    await youth.send("/start")
    await sim.inject_fault("sendMessage", "server_error", with_buttons=True)
    keyboard = {"inline_keyboard": [[{"text": "Oui", "callback_data": "y"}]]}
    assert (await api.call("sendMessage", json={"chat_id": youth.id, "text": "Bravo"}))[0] == 200
    status, _ = await api.call(
        "sendMessage", json={"chat_id": youth.id, "text": "Ça va ?", "reply_markup": keyboard}
    )
    assert status == 500
    assert [message.text for message in await youth.bot_messages()] == ["Bravo"]


async def test_latency_is_a_round_trip_half_before_the_call_acts_and_half_after(
    api: Api, sim: EmulatorClient, emulator: TelegramEmulator
) -> None:
    lina = await sim.user("Lina")
    await lina.send("/start")
    emulator.latency = 0.4
    started = time.monotonic()
    landed: list[float] = []
    emulator.state.watch_bot_events(lambda event: landed.append(time.monotonic() - started))
    await api.ok("sendMessage", chat_id=lina.id, text="lent")
    answered = time.monotonic() - started
    # The message appears in the chat half a round trip after the call; the answer, a whole one.
    assert landed[0] >= 0.19 and answered >= 0.39 and answered - landed[0] >= 0.19
    emulator.latency = 0
    with pytest.raises(ValueError, match="negative"):
        emulator.latency = -1


async def test_watchers_see_every_message_edit_and_deletion_of_the_bot_as_it_happens(
    api: Api, sim: EmulatorClient, emulator: TelegramEmulator
) -> None:
    lina = await sim.user("Lina")
    await lina.send("/start")
    seen: list[tuple[int, str, int]] = []
    emulator.state.watch_bot_events(lambda event: seen.append((event.chat_id, event.kind, event.message_id)))
    sent = await api.ok("sendMessage", chat_id=lina.id, text="Salut")
    await api.ok("editMessageText", chat_id=lina.id, message_id=sent["message_id"], text="Salut !")
    await api.ok("deleteMessage", chat_id=lina.id, message_id=sent["message_id"])
    assert seen == [(lina.id, kind, sent["message_id"]) for kind in ("message", "edit", "delete")]


async def test_a_caller_hanging_up_before_its_body_arrives_is_no_error(
    api: Api, emulator: TelegramEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    _, writer = await asyncio.open_connection("127.0.0.1", emulator.port)
    writer.write(
        f"POST /bot{emulator.token}/sendMessage HTTP/1.1\r\nHost: x\r\n"
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"chat_id"'.encode()
    )
    await writer.drain()
    writer.close()  # the bot stops in the middle of its call
    await writer.wait_closed()
    assert (await api.ok("getMe"))["is_bot"] is True
    assert [record.getMessage() for record in caplog.records if record.levelname == "ERROR"] == []
    assert all(call.method != "sendMessage" for call in emulator.calls)
