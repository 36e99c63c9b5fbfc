"""Reminders: due a day after the youth's last move, never at night, once, kept across a restart.

The bot's scheduler runs its pass when a test says so (``scheduler_of(app).dispatch_due()``,
which returns once its messages are sent), so silence is proven by counting the Bot API calls
the emulator recorded, never by waiting.
"""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.application import scheduler_of
from storage.clock import FixedClock
from telegram_emulator import EmulatorClient, SimulatedUser
from tests.e2e.conftest import THREE_ATTEMPTS, StartBot
from tests.e2e.journey import answer_with_first_options, enrol, next_question, option_buttons, until

REMINDER = "Tu peux finir les questions"


def pending(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    return connection.execute(
        "SELECT kind, due_at FROM scheduled_messages WHERE sent_at IS NULL ORDER BY due_at"
    ).fetchall()


async def reminders_sent(sim: EmulatorClient, youth: SimulatedUser) -> int:
    """Count the reminders the Bot API received for this youth (from the emulator's record)."""
    calls = await sim.calls("sendMessage", chat_id=youth.id)
    return sum(REMINDER in call["params"]["text"] for call in calls)


async def answered_once(sim: EmulatorClient, invite: Callable[..., list[str]]) -> SimulatedUser:
    """Enrol, agree and answer the first question: the first reminder is planned a day later."""
    youth, question = await enrol(sim, invite()[0])
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    return youth


async def test_a_reminder_is_sent_once_then_the_next_is_planned_and_the_schedule_survives_a_restart(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    async with start_bot() as application:
        youth = await answered_once(sim, invite)
        assert pending(database_file) == [("reminder-1", "2026-11-27T10:00:00+00:00")]
        clock.advance(days=1, minutes=5)
        assert await scheduler_of(application).dispatch_due() == 1
        assert await scheduler_of(application).dispatch_due() == 0  # a second pass sends nothing more
        reminder = await youth.next()
        assert REMINDER in (reminder.text or "") and reminder.buttons == ["▶️ Continuer"]
        assert pending(database_file) == [("reminder-2", "2026-11-30T10:05:00+00:00")]
    # The database is the schedule: after a restart the second reminder goes when due, once.
    clock.advance(days=3)
    async with start_bot() as application:
        assert await scheduler_of(application).dispatch_due() == 1
        assert await scheduler_of(application).dispatch_due() == 0
    assert await reminders_sent(sim, youth) == 2
    assert pending(database_file) == []  # two reminders, then nothing until the youth comes back


async def test_the_running_bot_sends_due_reminders_by_itself(
    start_bot: StartBot, sim: EmulatorClient, invite: Callable[..., list[str]], clock: FixedClock
) -> None:
    async with start_bot(schedule_poll_interval=0.05):
        youth = await answered_once(sim, invite)
        clock.advance(days=1, minutes=5)
        await until(youth, REMINDER)


async def test_no_reminder_at_night_it_moves_to_nine_in_the_morning(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    youth = await answered_once(sim, invite)
    clock.now = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    assert await scheduler_of(voix).dispatch_due() == 0
    assert pending(database_file) == [("reminder-1", "2026-11-28T08:00:00+00:00")]  # 09:00 in Paris
    clock.now = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    assert await scheduler_of(voix).dispatch_due() == 1
    assert await reminders_sent(sim, youth) == 1


async def test_no_reminder_after_completion(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await answer_with_first_options(youth, question)
    # No reminder; only the T1 follow-up offer, queued 180 days after completion (storage.follow_ups).
    assert pending(database_file) == [("followup", "2027-05-25T10:00:00+00:00")]


async def test_a_send_failing_after_the_answer_is_stored_keeps_the_reminder_in_the_schedule(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    async with start_bot(retry_policy=THREE_ATTEMPTS) as voix:
        youth, question = await enrol(sim, invite()[0])
        clock.advance(hours=5)
        # The Bot API fails after the commit, at every attempt.
        await sim.inject_fault("sendMessage", "server_error", count=3)
        await youth.press(option_buttons(question)[0])
        await until(youth, "souci")
        [(kind, due_at)] = pending(database_file)
        assert (kind, due_at) == ("reminder-1", "2026-11-27T15:00:00+00:00")
        # The stored reminder goes when it is due, not earlier.
        clock.now = datetime(2026, 11, 27, 14, 59, tzinfo=UTC)
        assert await scheduler_of(voix).dispatch_due() == 0
        clock.now = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
        assert await scheduler_of(voix).dispatch_due() == 1
        assert await reminders_sent(sim, youth) == 1


async def test_no_reminder_is_planned_before_the_youth_agreed(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth = await sim.user()
    await youth.send(f"/start {invite()[0]}")
    notice = await youth.next()
    assert "Tu veux bien répondre ?" in (notice.text or "")
    pending = database_file.execute("SELECT COUNT(*) FROM scheduled_messages WHERE sent_at IS NULL")
    assert pending.fetchone()[0] == 0
