"""The running bot's retention purge: at start and then daily, logging counts only."""

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Job, JobQueue

from storage.clock import Clock, timestamp
from storage.database import Database
from storage.retention import BOT_ACTOR, purge_expired_youth

logger = logging.getLogger(__name__)

RETENTION_JOB = "retention purge"
RETENTION_INTERVAL_SECONDS = 24 * 60 * 60.0

JobCallback = Callable[[Any], Coroutine[Any, Any, None]]


def schedule_retention(
    job_queue: JobQueue[Any], database: Database, clock: Clock, retention_months: int, interval: float
) -> Job[Any]:
    """Register the repeating purge (every ``interval`` seconds); ``run_retention_now`` runs it at start."""
    return job_queue.run_repeating(
        _purge_job(database, clock, retention_months), interval=interval, first=interval, name=RETENTION_JOB
    )


async def run_retention_now(job_queue: JobQueue[Any]) -> None:
    """Run the scheduled purge once now (at start: no expired youth is served even once)."""
    for job in job_queue.get_jobs_by_name(RETENTION_JOB):
        await job.run(job_queue.application)


def _purge_job(database: Database, clock: Clock, retention_months: int) -> JobCallback:
    async def purge(_context: Any) -> None:
        done = await purge_expired_youth(database, clock(), retention_months, BOT_ACTOR)
        logger.info(
            "retention purge: %d youth erased, %d answers removed (enrolled before %s)",
            done.youth_erased,
            done.answers_removed,
            timestamp(done.enrolled_before),
        )

    return purge
