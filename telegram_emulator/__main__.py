"""Run the emulator as its own process: python -m telegram_emulator --port 8081.

Another process (a bot, curl, EmulatorClient) then uses http://HOST:PORT/bot<token>/<method>
and http://HOST:PORT/_control/... until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from telegram_emulator.emulator import DEFAULT_TOKEN, TelegramEmulator
from telegram_emulator.rate_limit import RateLimitConfig


async def serve(arguments: argparse.Namespace) -> None:
    """Run an emulator until interrupted, printing where it listens."""
    emulator = TelegramEmulator(
        arguments.token,
        bot_username=arguments.bot_username,
        rate_limit=RateLimitConfig() if arguments.rate_limit else None,
        strict_spec=arguments.strict_spec,
        latency=arguments.latency_ms / 1000,
    )
    await emulator.start(arguments.host, arguments.port)
    print(f"Telegram emulator on {emulator.url}  (bot API: {emulator.base_url}<token>)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main() -> None:
    """Read the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="voix_test_bot")
    parser.add_argument("--rate-limit", action="store_true", help="answer 429 like Telegram")
    parser.add_argument("--strict-spec", action="store_true", help="reject calls off the spec")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="add this round trip to every Bot API call"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
