"""``voix run``: start the bot and poll Telegram until Ctrl-C or SIGTERM, then stop cleanly."""

import argparse
import asyncio
import contextlib
import functools
import logging
import signal

from bot.application import running_bot
from bot.staff_results import ScoreReports
from voix.logging_setup import configure_logging
from voix.settings import Settings, load_settings, require_token

logger = logging.getLogger(__name__)


def register(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]",
    score_reports: ScoreReports | None = None,
) -> None:
    """Add ``voix run`` to the command line; ``score_reports`` gives coordinators their results."""
    description = (
        "Run the Telegram bot: poll for updates, talk with youth, send reminders. "
        "Needs VOIX_TELEGRAM_TOKEN; stops cleanly on Ctrl-C."
    )
    parser = subparsers.add_parser("run", help="Run the Telegram bot.", description=description)
    parser.set_defaults(handler=functools.partial(run, score_reports=score_reports))


def run(arguments: argparse.Namespace, score_reports: ScoreReports | None = None) -> int:
    """Load the settings, then serve until interrupted; return the exit code."""
    settings = load_settings()
    require_token(settings)
    configure_logging(debug=bool(getattr(arguments, "debug", False)))
    asyncio.run(serve(settings, score_reports=score_reports))
    return 0


async def serve(
    settings: Settings, stop: asyncio.Event | None = None, score_reports: ScoreReports | None = None
) -> None:
    """Run the bot until ``stop`` is set (by SIGINT or SIGTERM when not given)."""
    stop = stop or _stop_on_signals()
    async with running_bot(settings, score_reports=score_reports):
        logger.info("Voix is running; press Ctrl-C to stop.")
        await stop.wait()
        logger.info("Stopping: finishing the updates already received.")


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # platforms without signals
            loop.add_signal_handler(signal_number, stop.set)
    return stop
