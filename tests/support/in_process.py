"""The in-process test layer: the bot's handlers, steps and scheduler on real SQLite, with a fake Bot API.

No HTTP and no waiting: ``FakeBot`` plays the Bot API, ``FakeTime`` is the clock the scheduler's
pacer sleeps on (sleeping moves it), and the database clock is a ``FixedClock`` moved by the test.
For what needs HTTP and PTB's polling, the end-to-end tests use the emulator instead.
"""

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.handlers import Handlers
from bot.pacing import Pacer
from bot.scheduler import Scheduler
from bot.services import Services
from bot.translations import load_translator
from referentiel.loading import current_referentiel, find_referentiel
from storage.clock import FixedClock
from storage.database import Database
from storage.pseudonymisation import Pseudonymiser
from storage.reminders import ReminderPolicy
from tests.support.fake_bot import FakeBot
from voix.settings import load_settings

KEY = bytes(range(32))
TRANSLATOR = load_translator(("fr", "en"), "fr")
POLICY = ReminderPolicy(zone=load_settings(_env_file=None).zone)


class FakeTime:
    """A monotonic clock the pacer sleeps on: sleeping moves it, nothing waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class Bot:
    """One running bot: its own connection, fake Bot API, handlers and scheduler."""

    database: Database
    api: FakeBot
    scheduler: Scheduler
    services: Services
    handlers: Handlers


async def open_bot(path: Path, clock: FixedClock, per_second: float = 10.0, in_flight: int = 8) -> Bot:
    """Open one bot; ``in_flight=1`` makes each send happen before the next is paced (to time them)."""
    database = await Database.open(path)
    services = Services(
        database=database,
        pseudonymiser=Pseudonymiser(KEY),
        clock=clock,
        translator=TRANSLATOR,
        reminder_policy=POLICY,
        new_run_referentiel=current_referentiel,
        find_referentiel=find_referentiel,
    )
    time = FakeTime()
    api = FakeBot(clock=time)
    pacer = Pacer(per_second, clock=time, sleep=time.sleep)
    scheduler = Scheduler(
        services, api, retention_months=24, messages_per_second=per_second, pacer=pacer, in_flight=in_flight
    )
    return Bot(database, api, scheduler, services, Handlers(services, api))
