"""End-to-end fixtures: the emulator, and the real Voix Application polling it over HTTP.

Each test gets a fresh SQLite file in its temp directory, settings pointing the bot at the
emulator, a clock fixed at 11:00 in Paris (reminders are never in quiet hours unless a test moves
it), and ``invite()`` to create invitation tokens the way ``voix admin invite`` does. The bot
does not pace its Bot API calls (``paced=False``): the emulator has no flood limit.
"""

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.application import running_bot
from bot.retries import RetryPolicy
from storage.clock import FixedClock
from storage.database import migrate, open_sync_connection
from storage.invitations import create_invitations
from telegram_emulator import EmulatorClient, TelegramEmulator, check_call_against_spec
from tests.e2e.bot_process import BotProcess
from voix.bot_results import BotScoreReports
from voix.settings import Settings, load_settings

SECRET_KEY = "5e" * 32
POLL_SECONDS = 1
START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # 11:00 in Paris

StartBot = Callable[..., AbstractAsyncContextManager[Any]]
# Waits of 0.2 s, then 0.4 s; a third wait (0.8 s) would pass the 1 s budget: three attempts.
THREE_ATTEMPTS = RetryPolicy(budget_seconds=1.0, random=lambda: 1.0)


@pytest.fixture
def clock() -> FixedClock:
    """The bot's clock, moved by tests with ``clock.advance(hours=…)``."""
    return FixedClock(START)


@pytest.fixture
def voix_settings(tmp_path: Path, emulator: TelegramEmulator) -> Settings:
    """Settings for a bot talking to the emulator, with its own database and key."""
    return load_settings(
        telegram_token=emulator.token,
        telegram_api_url=emulator.url,
        db=tmp_path / "voix.db",
        secret_key=SECRET_KEY,
        _env_file=None,
    )


@pytest.fixture
def database_file(voix_settings: Settings) -> Iterator[sqlite3.Connection]:
    """A read connection to the bot's database (migrated first), for assertions."""
    migrate(voix_settings.db, create=True)
    connection = open_sync_connection(voix_settings.db, create=True)
    yield connection
    connection.close()


@pytest.fixture
def invite(database_file: sqlite3.Connection, clock: FixedClock) -> Callable[..., list[str]]:
    """Create invitation tokens for one structure, like ``voix admin invite youth`` does."""
    connection = database_file
    connection.execute(
        "INSERT OR IGNORE INTO organisations (id, name, created_at) "
        "VALUES (1, 'Association test', '2026-01-01')"
    )
    connection.execute(
        "INSERT OR IGNORE INTO structures (id, organisation_id, name, created_at) "
        "VALUES (1, 1, 'MECS Les Tilleuls', '2026-01-01')"
    )

    def make(count: int = 1, wave: str = "T0") -> list[str]:
        connection.execute("BEGIN")
        created = create_invitations(connection, structure_id=1, count=count, now=clock(), wave=wave)
        connection.execute("COMMIT")
        return [invitation.token for invitation in created]

    return make


@pytest.fixture
def start_bot(voix_settings: Settings, clock: FixedClock, database_file: sqlite3.Connection) -> StartBot:
    """Start the real Voix Application against the emulator: ``async with start_bot() as app``.

    ``schedule_poll_interval`` (seconds) is how often its scheduler looks for due reminders and
    offers by itself; tests usually run a pass with ``scheduler_of(app).dispatch_due()`` instead.
    The coordinators' results come from the export's own code, as ``voix run`` wires it.
    ``retry_policy`` is how failed Bot API calls are repeated (a short budget keeps a test short).
    """

    def start(
        schedule_poll_interval: float = 60.0, retry_policy: RetryPolicy | None = None
    ) -> AbstractAsyncContextManager[Any]:
        return running_bot(
            voix_settings,
            clock,
            poll_timeout=POLL_SECONDS,
            paced=False,
            schedule_poll_interval=schedule_poll_interval,
            score_reports=BotScoreReports(),
            retry_policy=retry_policy,
        )

    return start


@pytest.fixture
async def voix(start_bot: StartBot) -> AsyncIterator[Any]:
    """A running Voix Application for the whole test."""
    async with start_bot() as application:
        yield application


@pytest.fixture(autouse=True)
async def every_button_press_is_answered(emulator: TelegramEmulator) -> AsyncIterator[None]:
    """After every end-to-end test, check the bot answered every callback query (no endless spinner)."""
    yield
    queries = list(emulator.state.callback_queries.values())
    await emulator.state.notifier.wait_until(lambda: all(query.answer is not None for query in queries), 2.0)
    assert [query.data for query in queries if query.answer is None] == []


@pytest.fixture(autouse=True)
def bot_api_calls_follow_the_spec(emulator: TelegramEmulator) -> Iterator[None]:
    """After every end-to-end test, check each Bot API call the bot made against the spec."""
    yield
    problems = [(call.method, check_call_against_spec(call)) for call in emulator.calls]
    assert [problem for problem in problems if problem[1]] == []


Result = TypeVar("Result")


@dataclass
class Crash:
    """``voix run`` in a child process, already polling, and what a crash test looks at."""

    bot: BotProcess
    emulator: TelegramEmulator
    sim: EmulatorClient
    database: sqlite3.Connection
    token: str

    async def calling(self, method: str, action: Awaitable[Result]) -> Result:
        """Do ``action``, then wait until the bot's ``method`` call (slowed by a fault) is in progress."""
        state = self.emulator.state
        before = len(state.calls)
        result = await action

        def in_progress() -> bool:
            return state.calls_in_progress == 1 and any(
                call.method == method for call in state.calls[before:]
            )

        assert await state.notifier.wait_until(in_progress, 5)
        return result

    async def fetched(self) -> None:
        """Wait until the bot has fetched what was pushed and come back for more."""
        state = self.emulator.state
        delivered_at = next(call.sequence for call in reversed(state.calls) if call.method == "getUpdates")

        def polled_again() -> bool:
            return any(call.method == "getUpdates" and call.sequence > delivered_at for call in state.calls)

        assert await state.notifier.wait_until(polled_again, 5)


@pytest.fixture
async def crash(
    voix_settings: Settings,
    emulator: TelegramEmulator,
    sim: EmulatorClient,
    tmp_path: Path,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
) -> AsyncIterator[Crash]:
    """Start ``voix run`` as a child process; kill it at the end if the test has not stopped it."""
    process = BotProcess(voix_settings, emulator, tmp_path)
    await process.start()
    yield Crash(process, emulator, sim, database_file, invite()[0])
    if process.process is not None:
        await process.kill()
