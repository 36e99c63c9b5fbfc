"""Shared pytest configuration: the emulator fixtures (``emulator``, ``sim``) come from tests/support/;
``database`` is a fresh Voix database with one organisation and one structure (id 1 each), which
a test module may replace with its own.

Property tests have no time limit per example: on a shared 2-core machine (CI, several jobs at
once) a 200 ms deadline failed examples that passed alone, and a test must fail only on a wrong
result.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

from storage.database import Database

settings.register_profile("voix", deadline=None)
settings.load_profile("voix")

pytest_plugins = ["tests.support.fixtures"]


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(tmp_path / "voix.db", create=True)
    async with opened.transaction() as transaction:
        await transaction.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Org', 'x')")
        await transaction.execute(
            "INSERT INTO structures (id, organisation_id, name, created_at) VALUES (1, 1, 'MECS', 'x')"
        )
    yield opened
    await opened.close()
