"""Retention end to end: the running bot erases youth past VOIX_RETENTION_MONTHS at start, then daily.

The daily purge is a row of the one schedule (``storage.schedule``): a pass of the bot's
scheduler (``dispatch_due``) runs it when due, and the test moves the clock instead of waiting.
"""

import json
import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from bot.application import running_bot, scheduler_of
from storage.clock import FixedClock
from telegram_emulator import EmulatorClient
from tests.e2e.conftest import POLL_SECONDS
from tests.e2e.journey import (
    answer_with_first_options,
    enrol,
    next_question,
    option_buttons,
    until,
    youth_ids,
)
from voix.settings import Settings

# From 2026-11-26 to 2028-11-26 is 731 days (2028 is a leap year): 24 months, and one day more.
TWENTY_FOUR_MONTHS_AND_A_DAY = 732
NEW_STRANGER = "il te faut un lien d’invitation"


def counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = ("youth", "contacts", "runs", "answers", "scheduled_messages")
    return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}


async def test_the_bot_erases_an_expired_youth_at_start_and_a_newly_expired_one_the_next_run(
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    voix_settings: Settings,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.scheduler")
    first_token, second_token = invite(2)

    def start_bot() -> AbstractAsyncContextManager[Any]:
        return running_bot(voix_settings, clock, poll_timeout=POLL_SECONDS, paced=False)

    async with start_bot():
        early, question = await enrol(sim, first_token, "Lina", user_id=7_300_000_001)
        await answer_with_first_options(early, question)
        clock.advance(days=10)
        later, question = await enrol(sim, second_token, "Sami", user_id=7_300_000_002)
        await later.press(option_buttons(question)[0])
        await next_question(later)  # the answer is saved
    [early_id, later_id] = youth_ids(database_file)
    answers_of_early = database_file.execute(
        "SELECT COUNT(*) FROM answers JOIN runs ON runs.id = answers.run_id WHERE runs.youth_id = ?",
        (early_id,),
    ).fetchone()[0]
    assert answers_of_early > 1

    # Two years later the bot starts again: Lina, enrolled 24 months and a day ago, is erased at once.
    clock.advance(days=TWENTY_FOUR_MONTHS_AND_A_DAY - 10)
    caplog.clear()
    async with start_bot() as application:
        assert youth_ids(database_file) == [later_id]
        assert database_file.execute("SELECT youth_id FROM contacts").fetchall() == [(later_id,)]
        assert database_file.execute("SELECT DISTINCT youth_id FROM runs").fetchall() == [(later_id,)]
        audit = database_file.execute(
            "SELECT actor, details FROM audit_log WHERE action = 'retention purge'"
        ).fetchall()
        assert [(actor, json.loads(details)) for actor, details in audit] == [
            (
                "bot",
                {
                    "answers_removed": answers_of_early,
                    "enrolled_before": "2026-11-27T10:00:00+00:00",
                    "youth_erased": 1,
                },
            )
        ]
        assert f"retention purge: 1 youth erased, {answers_of_early} answers removed" in caplog.text
        # To the bot, Lina is now a stranger who needs a new invitation.
        await early.send("/start")
        await until(early, NEW_STRANGER)

        # The same day, the next passes do not purge again (one line per purge, below).
        await scheduler_of(application).dispatch_due()
        # Ten days later Sami's period ends too; the daily purge erases him without a restart.
        clock.advance(days=10)
        await scheduler_of(application).dispatch_due()
        assert counts(database_file) == dict.fromkeys(
            ("youth", "contacts", "runs", "answers", "scheduled_messages"), 0
        )
    # One line per run, counts and the cut-off only (never a pseudonym or a code).
    erasing = [
        record.getMessage()
        for record in caplog.records
        if record.name == "bot.scheduler" and record.getMessage().startswith("retention purge")
    ]
    assert erasing == [
        f"retention purge: 1 youth erased, {answers_of_early} answers removed "
        "(enrolled before 2026-11-27T10:00:00+00:00)",
        "retention purge: 1 youth erased, 1 answers removed (enrolled before 2026-12-07T10:00:00+00:00)",
    ]
