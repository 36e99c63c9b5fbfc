"""Voix as ``bench/conversation.py`` runs it: ``voix run``, without pacing, until SIGTERM.

Usage: ``python bench/voix_bot.py --api-url URL --token TOKEN --database PATH --secret-key HEX``

The same application, database and logging as ``voix run``; only the pacing under Telegram's
30 calls a second is off, as in ``voix demo`` and the tests: the emulator has no flood limit, and
the bench measures what Voix itself costs.
"""

import argparse
import asyncio
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.application import running_bot
from voix.logging_setup import configure_logging
from voix.settings import load_settings


async def serve(arguments: argparse.Namespace) -> None:
    """Run the bot until SIGTERM or SIGINT."""
    settings = load_settings(
        telegram_token=arguments.token,
        telegram_api_url=arguments.api_url,
        db=arguments.database,
        secret_key=arguments.secret_key,
        _env_file=None,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    async with running_bot(settings, paced=False):
        await stop.wait()


def main() -> None:
    """Read the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--secret-key", required=True)
    configure_logging(debug=False)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
