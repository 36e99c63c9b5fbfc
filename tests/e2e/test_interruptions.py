"""Leaving and coming back: pause, a bot restart mid-questionnaire, two youths at once, /stop."""

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser
from tests.e2e.conftest import StartBot
from tests.e2e.journey import (
    answer_with_first_options,
    assert_one_answer_per_shown_question,
    enrol,
    next_question,
    option_buttons,
    stop_and_erase,
    until,
    youth_ids,
)


async def test_pause_then_restart_the_bot_then_continue_exactly_where_left(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
) -> None:
    async with start_bot():
        youth, question = await enrol(sim, invite()[0])
        await youth.press(option_buttons(question)[2])
        second = await next_question(youth)
        await youth.send("/pause")
        paused = await until(youth, "pause")
        assert "Continuer" in " ".join(paused.buttons)
    # A new Application on the same database: the youth's next message resumes the same question.
    async with start_bot():
        await youth.send("me revoilà")
        resumed = await next_question(youth)
        assert resumed.text == second.text
        await answer_with_first_options(youth, resumed)
    [youth_id] = youth_ids(database_file)
    answers = assert_one_answer_per_shown_question(database_file, youth_id)
    assert answers["time_here"] == "over_1y"


async def test_restart_without_pause_resumes_with_reprendre(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
) -> None:
    async with start_bot():
        youth, question = await enrol(sim, invite()[0])
        await youth.press(option_buttons(question)[0])
        second = await next_question(youth)
    async with start_bot():
        await youth.send("/reprendre")
        assert (await next_question(youth)).text == second.text


async def test_two_youths_interleave_without_mixing_answers(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    first_token, second_token = invite(2)
    lina, lina_question = await enrol(sim, first_token, "Lina")
    sami, sami_question = await enrol(sim, second_token, "Sami")
    # Each answers with a different option, pressing alternately, both at the same time.
    await asyncio.gather(youth_press(lina, lina_question, 0), youth_press(sami, sami_question, 2))
    lina_question, sami_question = await next_question(lina), await next_question(sami)
    await asyncio.gather(
        answer_with_first_options(lina, lina_question), answer_with_first_options(sami, sami_question)
    )
    lina_id, sami_id = youth_ids(database_file)
    assert assert_one_answer_per_shown_question(database_file, lina_id)["time_here"] == "under_3m"
    assert assert_one_answer_per_shown_question(database_file, sami_id)["time_here"] == "over_1y"


async def youth_press(youth: SimulatedUser, question: BotMessage, index: int) -> None:
    """Press the option at ``index`` of a question."""
    await youth.press(option_buttons(question)[index])


async def test_stop_erases_the_youth_and_the_bot_forgets_them(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    pseudonym, code = database_file.execute("SELECT pseudonym, code FROM youth").fetchone()
    await stop_and_erase(youth)
    for table in ("youth", "contacts", "runs", "answers", "scheduled_messages"):
        assert database_file.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    # Neither the database file nor its write-ahead log keeps a copy of the erased rows.
    database_path = Path(database_file.execute("PRAGMA database_list").fetchone()[2])
    for path in database_path.parent.glob(database_path.name + "*"):
        content = path.read_bytes()
        assert pseudonym.encode() not in content and code.encode() not in content, path.name
    audit = dict(database_file.execute("SELECT action, details FROM audit_log").fetchall())
    # When, which structure and the wave the youth was in, never who.
    assert audit["youth erased"] == '{"structure_id": 1, "wave": "T0"}'
    # The youth is a stranger now: an old button gets a gentle note, a message the invitation text.
    press = await youth.press_data("a:safe_home:yes_totally")
    answer = await youth.callback_answer(press)
    assert answer is not None and answer.text
    await youth.send("coucou")
    assert "invitation" in ((await youth.next()).text or "")


async def test_cancelling_stop_keeps_everything(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    await youth.send("/stop")
    confirm = await until(youth, "effacer tout")
    await youth.press(next(label for label in confirm.buttons if "Non" in label))
    await next_question(youth)
    assert database_file.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1


async def test_declining_is_respected_until_the_youth_comes_back(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth = await sim.user("Lina")
    await youth.send(f"/start {invite()[0]}")
    notice = await until(youth, "Tu veux bien répondre ?")
    await youth.press(next(label for label in notice.buttons if "Non" in label))
    await until(youth, "Je ne t’écrirai plus")
    status = database_file.execute("SELECT status FROM youth").fetchone()[0]
    assert status == "declined"
    assert (
        database_file.execute("SELECT COUNT(*) FROM scheduled_messages WHERE sent_at IS NULL").fetchone()[0]
        == 0
    )


async def test_stop_left_unconfirmed_after_completion_keeps_the_questionnaire_completed(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await answer_with_first_options(youth, question)
    await until(youth, "119")
    await youth.send("/stop")
    await until(youth, "effacer")
    # The youth thinks it over: their questionnaire is still answered, for staff and for the T1 offer.
    assert database_file.execute("SELECT wave, status FROM runs").fetchall() == [("T0", "completed")]
    assert database_file.execute("SELECT status FROM youth").fetchall() == [("completed",)]
