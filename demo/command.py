"""Register ``voix demo``: the real bot against a local Telegram emulator, no token, no network."""

import argparse
import asyncio
import contextlib
import functools
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from demo.results import ScoreTableBuilder


def register(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", build_score_table: "ScoreTableBuilder"
) -> None:
    """Add the ``demo`` command; ``build_score_table`` is the export's, given by the command root."""
    parser = subparsers.add_parser(
        "demo",
        help="Chat with the real bot in this terminal, through a local Telegram emulator.",
        description="Start a local Telegram emulator, a throwaway database with a demo structure and "
        "the real bot, then chat with it as a youth: type a button's number or a message. "
        "With --auto, watch a simulated youth answer, then see the structure's indicator table.",
    )
    parser.add_argument(
        "--auto",
        action="store_true",
        help="play simulated youths instead of reading the terminal, then print the indicator table",
    )
    parser.set_defaults(handler=functools.partial(run, build_score_table=build_score_table))


def run(arguments: argparse.Namespace, build_score_table: "ScoreTableBuilder") -> int:
    """Run the demo until it ends, end of input or Ctrl-C."""
    from demo.session import run_demo

    if not arguments.debug:  # the chat is the output; only problems are logged
        for logger_name in ("", "telegram"):
            logging.getLogger(logger_name).setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo(auto=arguments.auto, build_score_table=build_score_table))
    return 0
