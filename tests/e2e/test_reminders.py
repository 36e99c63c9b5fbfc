"""Reminders: due a day after the youth's last move, never at night, once, restored after a restart."""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.application import handlers_of
from bot.reminder_timers import job_name
from storage.clock import FixedClock
from telegram_emulator import EmulatorClient
from tests.e2e.conftest import StartBot
from tests.e2e.journey import (
    answer_with_first_options,
    enrol,
    next_question,
    option_buttons,
    until,
    youth_ids,
)


def pending(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    return connection.execute(
        "SELECT kind, due_at FROM scheduled_messages WHERE sent_at IS NULL ORDER BY due_at"
    ).fetchall()


async def test_reminder_is_sent_once_then_the_next_is_planned_and_restored_on_restart(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    async with start_bot() as application:
        youth, question = await enrol(sim, invite()[0])
        await youth.press(option_buttons(question)[0])
        await next_question(youth)
        [youth_id] = youth_ids(database_file)
        assert pending(database_file) == [("reminder-1", "2026-11-27T10:00:00+00:00")]
        clock.advance(days=1, minutes=5)
        handlers = handlers_of(application)
        await handlers.send_reminder(youth_id)
        await handlers.send_reminder(youth_id)  # a second timer firing: nothing more is sent
        reminder = await youth.next()
        assert "finir les questions" in (reminder.text or "")
        await youth.expect_silence(0.3)
        assert [kind for kind, _ in pending(database_file)] == ["reminder-2"]
    async with start_bot() as application:
        assert application.job_queue.get_jobs_by_name(job_name(youth_id))


async def test_no_reminder_at_night_it_moves_to_nine_in_the_morning(
    voix: object,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await youth.press(option_buttons(question)[0])
    await next_question(youth)
    [youth_id] = youth_ids(database_file)
    clock.now = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    await handlers_of(voix).send_reminder(youth_id)  # type: ignore[arg-type]
    await youth.expect_silence(0.3)
    assert pending(database_file) == [("reminder-1", "2026-11-28T08:00:00+00:00")]  # 09:00 in Paris


async def test_no_reminder_after_completion(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth, question = await enrol(sim, invite()[0])
    await answer_with_first_options(youth, question)
    # No reminder; only the T1 follow-up offer, queued 180 days after completion (storage.follow_ups).
    assert pending(database_file) == [("followup", "2027-05-25T10:00:00+00:00")]


async def test_a_send_failing_after_the_answer_is_stored_still_starts_the_reminder_timer(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    youth, question = await enrol(sim, invite()[0])
    [youth_id] = youth_ids(database_file)
    clock.advance(hours=5)
    await sim.inject_fault("sendMessage", "server_error", count=2)  # the Bot API fails after the commit
    await youth.press(option_buttons(question)[0])
    await until(youth, "souci")
    [(kind, due_at)] = pending(database_file)
    assert (kind, due_at) == ("reminder-1", "2026-11-27T15:00:00+00:00")
    # The database is the schedule: the timer fires when the stored reminder is due, not 5 hours early.
    [job] = voix.job_queue.get_jobs_by_name(job_name(youth_id))
    seconds_left = (job.next_t - datetime.now(UTC)).total_seconds()
    assert abs(seconds_left - (datetime.fromisoformat(due_at) - clock()).total_seconds()) < 60


async def test_no_reminder_is_planned_before_the_youth_agreed(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth = await sim.user()
    await youth.send(f"/start {invite()[0]}")
    notice = await youth.next()
    assert "Tu veux bien répondre ?" in (notice.text or "")
    pending = database_file.execute("SELECT COUNT(*) FROM scheduled_messages WHERE sent_at IS NULL")
    assert pending.fetchone()[0] == 0
