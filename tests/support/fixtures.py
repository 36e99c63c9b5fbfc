"""Pytest fixtures: a started emulator on 127.0.0.1 (ephemeral port) and a client to play users.

Load from tests/conftest.py with `pytest_plugins = ["tests.support.fixtures"]`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from telegram_emulator import EmulatorClient, TelegramEmulator
from telegram_emulator.emulator import DEFAULT_TOKEN


@pytest.fixture
def emulator_token() -> str:
    """The bot token the emulator accepts; override to test other tokens."""
    return DEFAULT_TOKEN


@pytest.fixture
async def emulator(emulator_token: str) -> AsyncIterator[TelegramEmulator]:
    """A running emulator, stopped after the test; see .base_url, .calls, .state."""
    async with TelegramEmulator(emulator_token) as running:
        yield running


@pytest.fixture
async def sim(emulator: TelegramEmulator) -> AsyncIterator[EmulatorClient]:
    """Control client: `youth = await sim.user(first_name="Lina")`, then send/next/press."""
    async with EmulatorClient(emulator.url, wait_seconds=3.0) as client:
        yield client
