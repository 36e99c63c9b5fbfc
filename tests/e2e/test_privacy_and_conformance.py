"""What leaves the bot: log lines without identities or texts, and Bot API calls that follow the spec."""

import io
import logging
import sqlite3
from collections.abc import Callable, Iterator

import pytest

from telegram_emulator import EmulatorClient, TelegramEmulator, check_call_against_spec
from tests.e2e.conftest import THREE_ATTEMPTS, StartBot
from tests.e2e.journey import answer_with_first_options, enrol, next_question, option_buttons, until
from voix.logging_setup import configure_logging


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line of the test, through the same handler ``voix run`` installs (debug level)."""
    stream = io.StringIO()
    handler = configure_logging(debug=True, stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)


async def test_logs_hold_no_telegram_id_no_name_and_no_message_text(
    captured_logs: io.StringIO,
    start_bot: StartBot,
    sim: EmulatorClient,
    emulator: TelegramEmulator,
    invite: Callable[..., list[str]],
) -> None:
    token, bad_token = invite()[0], "notAToken123"
    async with start_bot(retry_policy=THREE_ATTEMPTS):
        youth, question = await enrol(sim, token, "Lina")
        await youth.send("je suis Lina Dupont, 0612345678")
        await youth.next()
        await youth.press(option_buttons(question)[0])
        question = await next_question(youth)
        await emulator_fault(sim)
        await youth.send("plutot oui")
        await until(youth, "souci")
        await youth.send_sticker()
        stranger = await sim.user("Samira", username="samira_k")
        await stranger.send(f"/start {bad_token}")
        await stranger.next()
    logs = captured_logs.getvalue()
    assert "bot started" in logs and "a message could not be sent" in logs
    forbidden = [
        str(youth.id), str(stranger.id), "Lina", "Dupont", "Samira", "samira_k", "0612345678",
        "plutot oui", "je suis", token, bad_token, emulator.token, emulator.token.split(":")[1],
        question.text or "?",
    ]  # fmt: skip
    leaked = [value for value in forbidden if value in logs]
    assert leaked == [], leaked


async def emulator_fault(sim: EmulatorClient) -> None:
    """Make the next three sendMessage calls fail: every attempt, so the error path runs."""
    await sim.inject_fault("sendMessage", "server_error", count=3)


async def test_a_failure_tells_the_youth_kindly_and_loses_nothing(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
) -> None:
    async with start_bot(retry_policy=THREE_ATTEMPTS):
        youth, question = await enrol(sim, invite()[0])
        await emulator_fault(sim)
        await youth.press(option_buttons(question)[0])
        apology = await until(youth, "souci")
        assert "Traceback" not in (apology.text or "") and apology.buttons == []
        assert database_file.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
        # Only once every attempt has failed: three for the message, then the apology went through.
        failed = await sim.calls("sendMessage", chat_id=youth.id, failed_only=True)
        assert len(failed) == 3
        await youth.send("/reprendre")
        await next_question(youth)


async def test_a_youth_hears_the_apology_in_the_language_they_chose_not_the_phones(
    start_bot: StartBot, sim: EmulatorClient, invite: Callable[..., list[str]]
) -> None:
    async with start_bot(retry_policy=THREE_ATTEMPTS):
        youth, question = await enrol(sim, invite()[0])  # a phone in French
        await youth.send("/langue")
        choice = await until(youth, "langue")
        await youth.press("English", message_id=choice.message_id)
        await until(youth, "in English")
        question = await until(youth, "How long have you lived here?")
        await emulator_fault(sim)
        await youth.press(option_buttons(question)[0])
        apology = await until(youth, "went wrong")
        assert apology.text == (
            "Oops, something went wrong on my side. Your answers are safe. Please try again in a moment."
        )


async def test_commands_are_published_in_every_language(voix: object, sim: EmulatorClient) -> None:
    commands = await sim.commands()
    french = next(value for key, value in commands.items() if key.endswith("|fr"))
    assert [command["command"] for command in french] == ["reprendre", "pause", "aide", "langue", "stop"]
    assert french[0]["description"] == "Reprendre les questions"
    assert any(key.endswith("|en") for key in commands)


async def test_every_bot_api_call_of_a_whole_questionnaire_follows_the_spec(
    voix: object, sim: EmulatorClient, emulator: TelegramEmulator, invite: Callable[..., list[str]]
) -> None:
    youth, _ = await enrol(sim, invite()[0])
    await youth.send("/aide")
    await until(youth, "/reprendre")
    await youth.send_sticker()
    await until(youth, "")
    await sim.idle(wait=5)  # the bot has handled everything: nothing left on its way
    await youth.chat.catch_up()
    await youth.send("/reprendre")
    await answer_with_first_options(youth, await next_question(youth))
    methods = {call.method for call in emulator.calls}
    assert {
        "getMe",
        "setMyCommands",
        "getUpdates",
        "sendMessage",
        "editMessageText",
        "answerCallbackQuery",
    } <= methods
    problems = {
        call.method: check_call_against_spec(call) for call in emulator.calls if check_call_against_spec(call)
    }
    assert problems == {}
    assert [call for call in emulator.calls if call.error_code and call.method != "getUpdates"] == []
