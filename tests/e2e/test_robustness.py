"""Bad input of every kind gets a kind answer and loses nothing; nothing is ever stored twice."""

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

from storage.clock import FixedClock
from telegram_emulator import EmulatorClient
from tests.e2e.conftest import StartBot
from tests.e2e.journey import BACK, SKIP, enrol, next_question, option_buttons, youth_ids


def answer_count(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


async def test_double_tap_stores_the_answer_once_and_asks_the_next_question_once(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    label = option_buttons(question)[0]
    first, second = await asyncio.gather(
        youth.press(label, message_id=question.message_id), youth.press(label, message_id=question.message_id)
    )
    await next_question(youth)
    await youth.expect_nothing_more()
    assert answer_count(database_file) == 1
    # Both presses are answered: the second one with a gentle note.
    answers = [await youth.callback_answer(press) for press in (first, second)]
    assert all(answer is not None for answer in answers)
    assert any(answer is not None and answer.text for answer in answers)


async def test_a_redelivered_update_changes_nothing(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    press = await youth.press(option_buttons(question)[2])
    await next_question(youth)
    await youth.press(BACK)  # the first question is asked again: its buttons would work again
    again = await next_question(youth)
    # Telegram delivers the first press again over getUpdates, with the same update_id.
    await sim.redeliver(press.update_id)
    await sim.idle()  # the emulator says when the bot has confirmed every update and waits again
    assert await sim.pending_updates() == []  # the bot received it again…
    await youth.expect_nothing_more()  # …and did nothing with it
    assert answer_count(database_file) == 1
    run_state = database_file.execute("SELECT state FROM runs").fetchone()[0]
    assert '"question_id": "time_here"' in run_state
    await youth.press(option_buttons(again)[0])
    await next_question(youth)
    assert answer_count(database_file) == 1


async def test_a_typed_answer_redelivered_after_a_restart_is_stored_once(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    async with start_bot():
        youth, _ = await enrol(sim, invite()[0])
        await youth.send("3")
        typed_update_id = youth.last_update_id
        second = await next_question(youth)
    stored = database_file.execute("SELECT question_id, value, answered_at FROM answers").fetchall()
    clock.advance(minutes=5)
    # A new Application receives the update again, as after a crash before its offset was confirmed;
    # handled again, "3" would answer the question now asked ("Plutôt non"): it must change nothing.
    async with start_bot():
        assert typed_update_id is not None
        await sim.redeliver(typed_update_id)
        await youth.expect_nothing_more()
        assert await sim.pending_updates() == []
        assert (
            database_file.execute("SELECT question_id, value, answered_at FROM answers").fetchall() == stored
        )
        await youth.press(option_buttons(second)[0])
        await next_question(youth)
    assert answer_count(database_file) == 2


async def test_forged_and_old_buttons_are_ignored_with_a_note(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    for data in ("a:time_here:not_an_option", "a:safe_home:yes_totally", "zz:" + "x" * 40, "c:yes"):
        press = await youth.press_data(data, message_id=question.message_id)
        answer = await youth.callback_answer(press)
        assert answer is not None and answer.text, data
    assert answer_count(database_file) == 0
    # The real buttons still work.
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    assert answer_count(database_file) == 1


async def test_sticker_photo_voice_and_edits_get_the_question_again(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await youth.send("bonjour")  # text that matches no option
    reprompt = await youth.next()
    assert SKIP in reprompt.buttons and "boutons" in (reprompt.text or "")
    for send in (youth.send_sticker, youth.send_photo, youth.send_voice):
        await send()
        reprompt = await youth.next()
        assert SKIP in reprompt.buttons, reprompt.text
    await youth.edit("bonjour, en fait 3")
    reprompt = await youth.next()
    assert SKIP in reprompt.buttons, reprompt.text
    await youth.expect_nothing_more()
    assert answer_count(database_file) == 0
    await youth.press(option_buttons(reprompt)[0], message_id=reprompt.message_id)
    following = await next_question(youth)
    assert following.text != question.text
    assert answer_count(database_file) == 1


async def test_group_messages_are_ignored(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]]
) -> None:
    youth = await sim.user("Lina")
    group = await youth.send_in_group(f"/start {invite()[0]}")
    await group.expect_nothing_more()


async def test_bad_tokens_get_one_kind_answer_then_are_throttled(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    stranger = await sim.user("Sami")
    await stranger.send("/start")
    assert "invitation" in ((await stranger.next()).text or "")
    answers = []
    for attempt in range(6):
        await stranger.send(f"/start wrongtoken{attempt}")
        answers.append((await stranger.next()).text)
    assert len(set(answers[:5])) == 1 and "ne marche pas" in (answers[0] or "")
    assert answers[5] != answers[0] and "Attends" in (answers[5] or "")
    # Further tries are refused in silence, even with a valid token, until the window has passed.
    await stranger.send(f"/start {invite()[0]}")
    await stranger.expect_nothing_more()
    assert youth_ids(database_file) == []


async def test_a_used_token_is_refused_and_a_known_youth_is_never_re_enrolled(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    token = invite()[0]
    youth, question = await enrol(sim, token)
    await youth.send(f"/start {token}")  # the same youth again: resume
    assert (await next_question(youth)).text == question.text
    other = await sim.user("Sami")
    await other.send(f"/start {token}")  # someone else with the used link
    assert "ne marche pas" in ((await other.next()).text or "")
    assert len(youth_ids(database_file)) == 1


async def test_blocking_the_bot_marks_the_contact_and_drops_reminders(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    assert database_file.execute("SELECT COUNT(*) FROM scheduled_messages").fetchone()[0] == 1
    await youth.block()
    await sim.idle()  # my_chat_member confirmed: handled and committed
    assert database_file.execute("SELECT blocked_at FROM contacts").fetchone()[0] is not None
    assert (
        database_file.execute("SELECT COUNT(*) FROM scheduled_messages WHERE sent_at IS NULL").fetchone()[0]
        == 0
    )
    # Coming back (unblock and write) makes the contact reachable again and resumes.
    await youth.unblock()
    await youth.send("/reprendre")
    await next_question(youth)
    assert database_file.execute("SELECT blocked_at FROM contacts").fetchone()[0] is None
