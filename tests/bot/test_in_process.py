"""The bot in process: Telegram updates through the real handlers and steps, real SQLite, a fake Bot API.

What needs no HTTP is tested here, fast and without waiting (the scheduler's pacer sleeps on a
fake clock); the end-to-end tests play the same journeys through the emulator.
"""

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conversations import callback_data
from referentiel.loading import current_referentiel
from storage.clock import FixedClock
from storage.database import migrate, open_sync_connection
from storage.invitations import create_invitations
from tests.bot.telegram_updates import button, message
from tests.support.in_process import Bot, open_bot

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # 11:00 in Paris
LINA = 7_400_000_001


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def sql(tmp_path: Path) -> sqlite3.Connection:
    migrate(tmp_path / "voix.db", create=True)
    connection = open_sync_connection(tmp_path / "voix.db")
    connection.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Org', 'x')")
    connection.execute(
        "INSERT INTO structures (id, organisation_id, name, created_at) VALUES (1, 1, 'MECS', 'x')"
    )
    return connection


@pytest.fixture
async def bot(tmp_path: Path, sql: sqlite3.Connection, clock: FixedClock) -> AsyncIterator[Bot]:
    opened = await open_bot(tmp_path / "voix.db", clock)
    yield opened
    await opened.database.close()


def token(sql: sqlite3.Connection, clock: FixedClock, wave: str = "T0") -> str:
    sql.execute("BEGIN")
    [invitation] = create_invitations(sql, structure_id=1, count=1, now=clock(), wave=wave)
    sql.execute("COMMIT")
    return invitation.token


async def receive(bot: Bot, update: Any) -> str:
    """Hand one update to the bot's handlers; return the text of the last message it sent."""
    await bot.handlers.on_update(update, None)  # type: ignore[arg-type]
    return str(bot.api.delivered[-1]["text"])


async def test_a_youth_enrols_answers_is_reminded_a_day_later_and_continues(
    bot: Bot, sql: sqlite3.Connection, clock: FixedClock
) -> None:
    first = current_referentiel().questions[0]
    assert "Tu veux bien répondre" in await receive(bot, message(f"/start {token(sql, clock)}", 1, LINA))
    assert first.text["fr"] in await receive(bot, button("c:yes", 2, LINA))
    second = await receive(bot, button(callback_data.answer(first.id, first.option_ids[0]), 3, LINA))
    assert second.startswith("2/")
    assert sql.execute("SELECT kind, due_at FROM scheduled_messages WHERE sent_at IS NULL").fetchall() == [
        ("reminder-1", "2026-11-27T10:00:00+00:00")
    ]
    clock.advance(days=1, minutes=1)
    assert await bot.scheduler.dispatch_due() == 1
    assert "Tu peux finir les questions" in bot.api.delivered[-1]["text"]
    assert await receive(bot, button("r", 4, LINA)) == second  # "Continuer": the same question again


async def test_a_follow_up_offer_is_started_by_any_message_and_the_new_run_asks_consent_again(
    bot: Bot, sql: sqlite3.Connection, clock: FixedClock
) -> None:
    await receive(bot, message(f"/start {token(sql, clock)}", 1, LINA))
    await receive(bot, button("c:yes", 2, LINA))
    for number, question in enumerate(current_referentiel().questions, start=3):
        await receive(bot, button(callback_data.skip(question.id), number, LINA))
    assert sql.execute("SELECT wave, status FROM runs").fetchall() == [("T0", "completed")]
    clock.advance(days=180, minutes=1)  # completing T0 queued the T1 offer, due 180 days later
    assert await bot.scheduler.dispatch_due() == 1
    assert "Voici le questionnaire de suivi" in bot.api.delivered[-1]["text"]
    assert "Tu veux bien répondre" in await receive(bot, message("ok", 100, LINA))
    assert sql.execute("SELECT wave, status FROM runs ORDER BY id").fetchall() == [
        ("T0", "completed"),
        ("T1", "in_progress"),
    ]
    assert await bot.scheduler.dispatch_due() == 0  # the offer went once; T1 waits for consent
