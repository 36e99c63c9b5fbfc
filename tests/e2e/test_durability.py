"""No press lost to a crash, no apology for a passing fault, no question sent twice.

The bot confirms an update to Telegram only once it has handled it (``bot.polling``), repeats
Bot API calls through passing faults (``bot.retries``) and never sends a message with buttons
twice (``bot.sender``, ``bot.question_messages``). Crashes are real: ``voix run`` in a child
process, killed with SIGKILL.
"""

import re
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser
from tests.e2e.conftest import Crash
from tests.e2e.journey import SKIP, enrol, next_question, option_buttons, until

Result = TypeVar("Result")
APOLOGY = "Oups"
WELCOME_BACK = "Re-bonjour"


def answers(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in connection.execute("SELECT question_id, value FROM answers")]


def processed(connection: sqlite3.Connection) -> list[int]:
    rows = connection.execute("SELECT update_id FROM processed_updates ORDER BY update_id")
    return [row[0] for row in rows]


async def questions_shown(youth: SimulatedUser) -> list[int]:
    """The questions the bot sent to the youth, by the position in their "3/28" progress line."""
    sent = await youth.client.request("GET", f"/chats/{youth.id}/events", after=0, kinds="message")
    texts = [event["message"].get("text") or "" for event in sent["events"]]
    return [int(found.group(1)) for text in texts if (found := re.match(r"(\d+)/\d+\n", text))]


async def apologies(youth: SimulatedUser) -> int:
    return sum(APOLOGY in (message.text or "") for message in await youth.bot_messages())


async def test_an_edit_failing_twice_then_succeeding_shows_no_apology(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]]
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await sim.inject_fault("editMessageText", "server_error", status=502)
    await sim.inject_fault("editMessageText", "disconnect")
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    await youth.expect_nothing_more()
    edits = await sim.calls("editMessageText", chat_id=youth.id)
    assert [call["error_code"] for call in edits[-3:]] == [502, None, None]  # the first edited the notice
    answered = next(m for m in await youth.bot_messages() if m.message_id == question.message_id)
    assert "✔️" in (answered.text or "") and answered.buttons == []
    assert await apologies(youth) == 0


async def test_a_flood_refusal_is_waited_out_then_sent(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]]
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await sim.inject_fault("sendMessage", "flood", retry_after=1)
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    await youth.expect_nothing_more()
    sends = await sim.calls("sendMessage", chat_id=youth.id)
    refused = [index for index, call in enumerate(sends) if call["error_code"] == 429]
    assert len(refused) == 1
    again = sends[refused[0] + 1]
    assert again["error_code"] is None and again["params"]["text"] == sends[refused[0]]["params"]["text"]
    assert await apologies(youth) == 0


async def second_question(sim: EmulatorClient, token: str) -> tuple[SimulatedUser, BotMessage]:
    """Enrol and answer the first question (after which the dimension's introduction comes too)."""
    youth, question = await enrol(sim, token)
    await youth.press(option_buttons(question)[0])
    return youth, await next_question(youth)


async def test_a_question_whose_answer_is_lost_is_not_sent_twice_and_its_buttons_work(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, second = await second_question(sim, invite()[0])
    await sim.inject_fault("sendMessage", "disconnect_after", chat_id=youth.id, with_buttons=True)
    await youth.press(option_buttons(second)[0])
    third = await next_question(youth)  # it arrived, though the bot never heard back
    await youth.expect_nothing_more()
    assert await questions_shown(youth) == [1, 2, 3] and await apologies(youth) == 0
    assert database_file.execute("SELECT question_message_id FROM runs").fetchone()[0] == 0  # maybe sent
    # The youth answers on that message: it is recognised, edited to show the choice.
    await youth.press(option_buttons(third)[1], message_id=third.message_id)
    fourth = await next_question(youth)
    await youth.expect_nothing_more()
    assert await questions_shown(youth) == [1, 2, 3, 4]
    answered = next(m for m in await youth.bot_messages() if m.message_id == third.message_id)
    assert "✔️" in (answered.text or "") and answered.buttons == []
    assert len(answers(database_file)) == 3
    stored = database_file.execute("SELECT question_message_id FROM runs").fetchone()[0]
    assert stored == fourth.message_id


async def test_a_question_lost_on_the_way_is_asked_again_at_the_next_word(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, second = await second_question(sim, invite()[0])
    await sim.inject_fault("sendMessage", "disconnect", chat_id=youth.id, with_buttons=True)
    await youth.press(option_buttons(second)[0])
    await sim.idle()
    await youth.chat.catch_up()  # the answered question shows the choice, maybe an introduction
    # The bot cannot know the next question did not arrive: it does not guess.
    assert await questions_shown(youth) == [1, 2] and await apologies(youth) == 0
    await youth.send("?")
    asked = await youth.next()
    assert SKIP in asked.buttons and len(answers(database_file)) == 2


async def test_a_press_fetched_but_not_handled_when_the_bot_is_killed_is_handled_after_restart_once(
    crash: Crash,
) -> None:
    sim, database = crash.sim, crash.database
    youth, question = await enrol(sim, crash.token)
    await youth.expect_nothing_more()
    database.execute("BEGIN IMMEDIATE")  # the bot fetches the press but cannot store it
    press = await youth.press(option_buttons(question)[2])
    await crash.fetched()
    await crash.bot.kill()
    database.execute("ROLLBACK")
    assert answers(database) == []
    assert press.update_id in [update["update_id"] for update in await sim.pending_updates()]

    await crash.bot.start()
    second = await next_question(youth)
    await youth.expect_nothing_more()
    assert second.text != question.text and len(answers(database)) == 1
    assert press.update_id in processed(database)
    # Killed again after everything was handled: what comes back changes nothing.
    await crash.bot.kill()
    await crash.bot.start()
    await youth.expect_nothing_more()
    assert len(answers(database)) == 1 and await questions_shown(youth) == [1, 2]
    await crash.bot.stop()
    assert await sim.pending_updates() == []  # a clean stop confirms what was handled


async def test_a_press_stored_but_not_yet_answered_when_the_bot_is_killed_gets_its_question_after_restart(
    crash: Crash,
) -> None:
    sim, database = crash.sim, crash.database
    youth, question = await enrol(sim, crash.token)
    await youth.expect_nothing_more()
    # The press is stored, then the bot hangs editing the answered question (the next question
    # goes after that edit; the press itself is answered alongside): killed before it left.
    await sim.inject_fault("editMessageText", "latency", delay=2)
    press = await crash.calling("editMessageText", youth.press(option_buttons(question)[0]))
    await crash.bot.kill()
    assert len(answers(database)) == 1
    await sim.clear_faults()

    await crash.bot.start()
    welcome = await until(youth, WELCOME_BACK)
    second = await next_question(youth)
    await sim.idle()  # the killed bot's slow edit lands too, at its own time
    await youth.chat.catch_up()
    assert welcome.buttons == [] and second.text != question.text
    assert len(answers(database)) == 1 and processed(database).count(press.update_id) == 1
    assert await questions_shown(youth) == [1, 2]
    await youth.press(option_buttons(second)[0])
    third = await next_question(youth)
    assert third.text not in (question.text, second.text) and len(answers(database)) == 2
    await crash.bot.stop()


async def test_a_question_maybe_sent_when_the_bot_is_killed_is_never_sent_again_on_restart(
    crash: Crash,
) -> None:
    sim, database = crash.sim, crash.database
    youth, second = await second_question(sim, crash.token)
    await youth.expect_nothing_more()
    # Killed while the next question is on its way: it arrives, but the bot never learns its id.
    await sim.inject_fault("sendMessage", "latency", delay=1, chat_id=youth.id, with_buttons=True)
    await crash.calling("sendMessage", youth.press(option_buttons(second)[0]))
    await crash.bot.kill()
    third = await next_question(youth)

    await crash.bot.start()
    await youth.expect_nothing_more()
    assert await questions_shown(youth) == [1, 2, 3]  # not twice
    await youth.press(option_buttons(third)[0], message_id=third.message_id)
    await next_question(youth)
    assert len(answers(database)) == 3
    await crash.bot.stop()
