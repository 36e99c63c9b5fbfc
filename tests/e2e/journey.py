"""Steps of a youth's journey through the emulator, and what the database must hold afterwards."""

import sqlite3
from typing import Any

from referentiel.answers import shown_questions
from referentiel.loading import current_referentiel
from storage.youth_records import decode_answer
from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser

AGREE = "✅ Oui, je veux bien"
SKIP = "⏭ Passer"
BACK = "↩ Retour"
DONE_WORD = "Valider"
COMPLETED_WORDS = "C’est fini, merci"
SAFEGUARDING_WORDS = "119"


async def until(youth: SimulatedUser, wanted: str, *, wait: float | None = None) -> BotMessage:
    """Read the bot's messages and edits until one contains ``wanted``; return it."""
    seen: list[str | None] = []
    for _ in range(12):
        message = await youth.next(wait)
        if message.text and wanted in message.text:
            return message
        seen.append(message.text)
    raise AssertionError(f"never saw {wanted!r}; saw {seen}")


async def next_question(youth: SimulatedUser) -> BotMessage:
    """Read until the next new message offering "Passer": the question to answer."""
    for _ in range(12):
        message = await youth.next()
        if not message.is_edit and SKIP in message.buttons:
            return message
    raise AssertionError("no question came")


async def enrol(
    sim: EmulatorClient, token: str, name: str = "Lina", user_id: int | None = None
) -> tuple[SimulatedUser, BotMessage]:
    """Open the invitation link, agree, and return the youth with their first question."""
    youth = await sim.user(name, user_id=user_id)
    await youth.send(f"/start {token}")
    notice = await until(youth, "Tu veux bien répondre ?")
    assert AGREE in notice.buttons
    await youth.press(AGREE)
    return youth, await next_question(youth)


async def stop_and_erase(youth: SimulatedUser) -> None:
    """Send /stop, confirm the erasure, and wait for the bot to say it is done."""
    await youth.send("/stop")
    confirm = await until(youth, "effacer")
    await youth.press(next(label for label in confirm.buttons if "Oui" in label))
    await until(youth, "effacé")


def option_buttons(question: BotMessage) -> list[str]:
    """Return the labels of the answer options (numbered ``1. …``)."""
    return [label for label in question.buttons if label[:1].isdigit()]


async def answer_with_first_options(youth: SimulatedUser, question: BotMessage) -> BotMessage:
    """Answer every remaining question with its first option (toggled then validated if multiple)."""
    while True:
        options = option_buttons(question)
        if any(DONE_WORD in label for label in question.buttons):
            await youth.press(options[0], message_id=question.message_id)
            await youth.next()  # the toggle edit
            done = next(label for label in question.buttons if DONE_WORD in label)
            await youth.press(done, message_id=question.message_id)
        else:
            await youth.press(options[0], message_id=question.message_id)
        message = await _next_question_or_end(youth)
        if message is None:
            return question
        question = message


async def _next_question_or_end(youth: SimulatedUser) -> BotMessage | None:
    for _ in range(12):
        message = await youth.next()
        if message.text and COMPLETED_WORDS in message.text:
            return None
        if not message.is_edit and SKIP in message.buttons:
            return message
    raise AssertionError("neither a question nor the end came")


def assert_one_answer_per_shown_question(connection: sqlite3.Connection, youth_id: int) -> dict[str, Any]:
    """Check the database holds exactly one answer for each question the youth was shown."""
    rows = connection.execute(
        "SELECT question_id, value FROM answers JOIN runs ON runs.id = answers.run_id "
        "WHERE runs.youth_id = ?",
        (youth_id,),
    ).fetchall()
    question_ids = [row[0] for row in rows]
    assert len(question_ids) == len(set(question_ids)), "an answer is stored twice"
    decoded = {question_id: decode_answer(value) for question_id, value in rows}
    expected = [question.id for question in shown_questions(current_referentiel(), decoded)]
    assert sorted(question_ids) == sorted(expected)
    return decoded


def youth_ids(connection: sqlite3.Connection) -> list[int]:
    """Return the ids of the enrolled youth, oldest first."""
    return [row[0] for row in connection.execute("SELECT id FROM youth ORDER BY id")]
