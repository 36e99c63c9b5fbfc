"""The one scheduler, in process: real SQLite, the real steps, a fake Bot API and a fake clock for pacing.

Nothing here waits: the pacer sleeps on a fake clock, and the database clock is moved by hand.
"""

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.error import RetryAfter

from bench.waiting_youth import WaitingYouth, add_waiting_youth
from bot.steps import step_scheduled
from conversations.state import ConversationState, Phase
from referentiel.loading import current_referentiel
from storage.clock import FixedClock, timestamp
from storage.database import migrate, open_sync_connection
from storage.follow_up_openings import queue_offers
from storage.invitations import issue_invitations
from storage.pseudonymisation import Pseudonymiser
from storage.schedule import LEASE, claim_due_messages
from storage.staff import Role, StaffScope, create_staff_invitation
from tests.support.fake_bot import FakeBot, SentMessage
from tests.support.in_process import KEY, POLICY, Bot, open_bot

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # 11:00 in Paris
FIRST_USER = 7_000_000_001
REMINDER = "Tu peux finir les questions"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    migrate(tmp_path / "voix.db", create=True)
    return tmp_path / "voix.db"


@pytest.fixture
def sql(path: Path) -> sqlite3.Connection:
    return open_sync_connection(path)


@pytest.fixture
async def bots(path: Path, clock: FixedClock) -> AsyncIterator[list[Bot]]:
    """Two bots on one database, each with its own connection, scheduler and fake Bot API."""
    opened = [await open_bot(path, clock) for _ in range(2)]
    yield opened
    for bot in opened:
        await bot.database.close()


def waiting(sql: sqlite3.Connection, count: int, due: datetime = START - timedelta(minutes=1)) -> list[int]:
    """Add ``count`` youth at their first question whose first reminder is due; return their chat ids."""
    shape = WaitingYouth(count, FIRST_USER, START - timedelta(days=2), due)
    return add_waiting_youth(sql, Pseudonymiser(KEY), current_referentiel(), shape)


def pending(sql: sqlite3.Connection) -> list[tuple[str, str]]:
    return sql.execute(
        "SELECT kind, due_at FROM scheduled_messages WHERE sent_at IS NULL ORDER BY youth_id, kind"
    ).fetchall()


def t0_completed(sql: sqlite3.Connection) -> None:
    """Mark every youth's T0 completed (a week ago), as the engine leaves it."""
    finished = ConversationState(phase=Phase.COMPLETED).to_json()
    completed_at = timestamp(START - timedelta(days=7))
    sql.execute("UPDATE runs SET status = 'completed', completed_at = ?, state = ?", (completed_at, finished))


def most_in_one_second(moments: list[float]) -> int:
    """Return the most sends that fell within one second (the pacer's bucket holds two)."""
    return max(sum(start <= moment < start + 1 - 1e-9 for moment in moments) for start in moments)


def chats(*apis: FakeBot) -> list[int]:
    return sorted(call["chat_id"] for api in apis for call in api.delivered)


async def test_due_reminders_go_out_once_each_evenly_paced_and_the_next_one_is_planned(
    path: Path, sql: sqlite3.Connection, clock: FixedClock
) -> None:
    users = waiting(sql, 30)
    bot = await open_bot(path, clock, in_flight=1)
    try:
        assert await bot.scheduler.dispatch_due() == 30
    finally:
        await bot.database.close()
    assert chats(bot.api) == users
    assert all(REMINDER in call["text"] for call in bot.api.delivered)
    moments = [call["at"] for call in bot.api.delivered]
    assert most_in_one_second(moments) <= 11  # 10 a second, and one more a late wake-up may catch up
    assert moments[-1] - moments[0] >= (30 - 2) / 10 - 1e-9  # spread, not a burst
    assert pending(sql) == [("reminder-2", "2026-11-29T10:00:00+00:00")] * 30  # 3 days later


async def test_two_bots_on_one_database_send_each_reminder_exactly_once(
    bots: list[Bot], sql: sqlite3.Connection
) -> None:
    users = waiting(sql, 200)
    both_sending(*bots)
    first, second = await asyncio.gather(*(bot.scheduler.dispatch_due() for bot in bots))
    assert first > 0 and second > 0 and first + second == 200
    assert chats(*(bot.api for bot in bots)) == users  # each once, none lost


def both_sending(first: Bot, second: Bot) -> None:
    """Hold the first bot's sends until the second has sent one, so both surely take part.

    (SQLite's busy wait is not fair: a loaded machine could let one connection win every lock.)
    """
    second_sent = asyncio.Event()
    send_first, send_second = first.api.send_message, second.api.send_message

    async def first_waits(**call: Any) -> SentMessage:
        await asyncio.wait_for(second_sent.wait(), 10)
        return await send_first(**call)

    async def second_signals(**call: Any) -> SentMessage:
        sent = await send_second(**call)
        second_sent.set()
        return sent

    first.api.send_message = first_waits  # type: ignore[method-assign]
    second.api.send_message = second_signals  # type: ignore[method-assign]


async def test_claims_of_a_crashed_bot_are_sent_by_another_once_the_lease_ends(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock
) -> None:
    [survivor, _] = bots
    users = waiting(sql, 12)
    async with survivor.database.transaction() as transaction:  # a bot claims 5, then is killed
        held = await claim_due_messages(transaction, "killed", current_referentiel(), POLICY, clock(), 5)
    assert await survivor.scheduler.dispatch_due() == 7  # the claimed ones wait for the lease
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await survivor.scheduler.dispatch_due() == 5
    assert chats(survivor.api) == users
    # The killed bot's process, were it only frozen, finds nothing left to send.
    assert [await step_scheduled(survivor.services, message, "killed") for message in held] == [None] * 5


async def test_a_reminder_taken_is_never_sent_again_even_if_the_bot_died_before_sending_it(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock
) -> None:
    [crashed, other] = bots
    waiting(sql, 1)
    async with crashed.database.transaction() as transaction:
        [message] = await claim_due_messages(
            transaction, "crashed", current_referentiel(), POLICY, clock(), 5
        )
    outcome = await step_scheduled(crashed.services, message, "crashed")  # taken; the bot dies here
    assert outcome is not None and outcome.messages
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await other.scheduler.dispatch_due() == 0  # at most once: never twice
    assert chats(other.api) == []


async def test_a_youth_who_blocked_the_bot_is_marked_blocked_and_gets_no_more_reminders(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock
) -> None:
    [bot, _] = bots
    lina, sami = waiting(sql, 2)
    bot.api.blocked_chats.add(lina)
    assert await bot.scheduler.dispatch_due() == 1
    assert chats(bot.api) == [sami]
    blocked = sql.execute("SELECT youth_id, blocked_at FROM contacts ORDER BY youth_id").fetchall()
    assert [at for _, at in blocked] == ["2026-11-26T10:00:00+00:00", None]
    assert pending(sql) == [("reminder-2", "2026-11-29T10:00:00+00:00")]  # Sami's only
    clock.advance(days=4)
    assert await bot.scheduler.dispatch_due() == 1 and chats(bot.api) == [sami, sami]


async def test_a_429_holds_every_send_for_its_retry_after_then_the_message_goes(
    bots: list[Bot], sql: sqlite3.Connection
) -> None:
    [bot, _] = bots
    users = waiting(sql, 3)
    bot.api.failures["sendMessage"] = [RetryAfter(7)]
    assert await bot.scheduler.dispatch_due() == 3
    assert chats(bot.api) == users  # the refused one too, once
    refused_at = bot.api.calls[0][1]["at"]
    assert all(call["at"] >= refused_at + 7 for call in bot.api.delivered)


async def test_nothing_goes_out_in_quiet_hours_it_moves_to_nine(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock
) -> None:
    [bot, _] = bots
    waiting(sql, 2)
    clock.now = datetime(2026, 11, 26, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    assert await bot.scheduler.dispatch_due() == 0
    assert bot.api.calls == []
    assert pending(sql) == [("reminder-1", "2026-11-27T08:00:00+00:00")] * 2  # 09:00 in Paris
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert await bot.scheduler.dispatch_due() == 2


async def test_a_reminder_whose_step_fails_is_tried_again_after_the_lease_then_given_up(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    [bot, _] = bots
    broken, fine = waiting(sql, 2)
    sql.execute("UPDATE runs SET state = '{\"format\": 99}' WHERE youth_id = 1")
    assert await bot.scheduler.dispatch_due() == 1 and chats(bot.api) == [fine]
    for attempts in (2, 3):
        assert await bot.scheduler.dispatch_due() == 0  # held by its lease meanwhile
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert await bot.scheduler.dispatch_due() == 0
        assert sql.execute("SELECT attempts FROM scheduled_messages WHERE youth_id = 1").fetchone() == (
            attempts,
        )
    clock.advance(seconds=LEASE.total_seconds() + 1)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        await bot.scheduler.dispatch_due()
    assert sql.execute("SELECT COUNT(*) FROM scheduled_messages WHERE youth_id = 1").fetchone() == (0,)
    assert "1 scheduled message(s) given up" in caplog.text
    assert broken not in chats(bot.api)


async def test_an_offer_is_given_back_when_the_rule_stops_allowing_it_and_goes_once_it_does(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock
) -> None:
    [bot, _] = bots
    [lina] = waiting(sql, 1, due=START + timedelta(days=9))
    t0_completed(sql)
    sql.execute("BEGIN")
    assert queue_offers(sql, 1, "T1", ["T0"], clock()).queued == 1
    sql.execute("COMMIT")
    async with bot.database.transaction() as transaction:
        [offer] = await claim_due_messages(
            transaction, bot.scheduler.claimant, current_referentiel(), POLICY, clock(), 5
        )
    sql.execute("UPDATE contacts SET blocked_at = 'x'")  # blocked between the claim and the step
    assert await step_scheduled(bot.services, offer, bot.scheduler.claimant) is None
    row = sql.execute("SELECT claimed_by, attempts, sent_at FROM scheduled_messages WHERE kind = 'followup'")
    assert row.fetchone() == (None, 0, None)  # still queued, as if never claimed
    assert await bot.scheduler.dispatch_due() == 0
    sql.execute("UPDATE contacts SET blocked_at = NULL")  # the youth wrote again
    assert await bot.scheduler.dispatch_due() == 1
    [call] = bot.api.delivered
    assert call["chat_id"] == lina and "Voici le questionnaire de suivi" in call["text"]


async def test_a_follow_up_opened_for_a_whole_structure_is_spread_at_the_configured_rate(
    path: Path, sql: sqlite3.Connection, clock: FixedClock
) -> None:
    waiting(sql, 120, due=START + timedelta(days=9))
    t0_completed(sql)
    sql.execute("BEGIN")
    queue_offers(sql, 1, "T1", ["T0"], clock())
    sql.execute("COMMIT")
    bot = await open_bot(path, clock, per_second=25.0, in_flight=1)
    try:
        assert await bot.scheduler.dispatch_due() == 120
    finally:
        await bot.database.close()
    moments = [call["at"] for call in bot.api.delivered]
    assert moments[-1] - moments[0] >= (120 - 2) / 25 - 1e-9  # 4.7 s at 25 a second, not one burst
    assert most_in_one_second(moments) <= 26
    assert len(set(chats(bot.api))) == 120


async def test_retention_runs_at_start_then_daily_and_by_one_bot_only(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    waiting(sql, 1)
    sql.execute("UPDATE youth SET enrolled_at = '2024-11-01T10:00:00+00:00'")  # 25 months ago
    caplog.set_level(logging.INFO, logger="bot.scheduler")
    await bots[0].scheduler.run_tasks_at_start()
    assert sql.execute("SELECT COUNT(*) FROM youth").fetchone() == (0,)
    assert "retention purge: 1 youth erased" in caplog.text
    caplog.clear()
    await asyncio.gather(*(bot.scheduler.dispatch_due() for bot in bots))
    assert "retention purge" not in caplog.text  # not again the same day
    clock.advance(days=1, minutes=1)
    await asyncio.gather(*(bot.scheduler.dispatch_due() for bot in bots))
    assert caplog.text.count("retention purge: 0 youth erased") == 1  # daily, by one of the two


async def test_the_daily_task_withdraws_what_staff_requests_telegram_will_not_deliver_again_made(
    bots: list[Bot], sql: sqlite3.Connection, clock: FixedClock
) -> None:
    # A staff member's /inviter three days ago: its invitations stored, its reply never sent, and
    # Telegram keeps an update only a day: nobody will ever be told, nor see their cards.
    sql.execute("INSERT OR IGNORE INTO organisations (id, name, created_at) VALUES (1, 'Org', 'x')")
    sql.execute(
        "INSERT OR IGNORE INTO structures (id, organisation_id, name, created_at) VALUES (1, 1, 'S', 'x')"
    )
    sql.execute("BEGIN")
    create_staff_invitation(sql, Role.EDUCATOR, StaffScope.STRUCTURES, clock(), structure_ids=[1])
    sql.execute("COMMIT")
    three_days_ago = START - timedelta(days=3)
    issue_invitations(sql, 1, 2, three_days_ago, "staff", staff_update_id=41)
    sql.execute(
        "INSERT INTO staff_replies_pending (update_id, staff_id, started_at) VALUES (41, 1, ?)",
        (timestamp(three_days_ago),),
    )
    await bots[0].scheduler.run_tasks_at_start()
    assert sql.execute("SELECT revoked_at IS NOT NULL FROM invitations").fetchall() == [(1,), (1,)]
    assert sql.execute("SELECT COUNT(*) FROM staff_replies_pending").fetchone() == (0,)


async def test_the_running_loop_looks_at_once_when_woken_and_stops_giving_back_its_claims(
    bots: list[Bot], sql: sqlite3.Connection
) -> None:
    [bot, _] = bots
    users = waiting(sql, 3)
    bot.scheduler.poll_interval = 3600.0  # it would not look again by itself during this test
    bot.scheduler.start()
    await bot.scheduler.wake()  # an educator opened offers: the loop looks now, the caller does not wait
    await bot.api.delivered_count(3)
    await bot.scheduler.stop()
    assert chats(bot.api) == users
    assert sql.execute(
        "SELECT COUNT(*) FROM scheduled_messages WHERE claimed_by IS NOT NULL AND sent_at IS NULL"
    ).fetchone() == (0,)
