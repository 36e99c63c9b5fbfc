"""Soak: youth answer through a faulty Bot API while the bot is killed with SIGKILL and restarted.

Usage: ``python bench/soak.py [--youth 30] [--rounds 3] [--kills 20] [--fault-rate 0.1]
[--latency 0.05] [--think 0.1] [--seed 1] [--work DIR]``

Three processes: the emulator (``python -m telegram_emulator``), the bot (this file with
``--bot``: ``running_bot`` unpaced, the emulator having no flood limit) and this driver. The
emulator makes ``--fault-rate`` of sendMessage and editMessageText calls fail (500, 502, connection
dropped before or after the call took effect) and delays every call by ``--latency``. ``--youth``
youth answer at once, each questionnaire with random options, ``--rounds`` times (a new youth each
time); the bot is killed ``--kills`` times, evenly over the answers, and restarted at once.

A youth waits for the bot's reaction until their chat is settled (the bot has confirmed their
update and has no call about them in progress: it will send nothing more). Nothing came: they
write "?" and count a press that had to be repeated. A question coming back after it was
answered counts as a press lost; "you have already answered everything" instead of the closing
message, as a closing message missed. At the end the database must hold exactly the answers given.

Prints one line (answers lost, duplicated, presses repeated, presses lost, apologies, duplicate
messages seen by youth, closing messages missed) and exits 1 when a target is missed: nothing
lost or duplicated, no press lost, no duplicate question, fewer than 1 apology per 1,000 answers.
"""

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak_youth import THINK_SECONDS, Answered, Tally, Youth  # noqa: E402
from storage.database import migrate, open_sync_connection  # noqa: E402
from storage.invitations import create_invitations  # noqa: E402
from storage.pseudonymisation import Pseudonymiser, load_master_key  # noqa: E402
from storage.youth_records import decode_answer  # noqa: E402
from telegram_emulator import EmulatorClient  # noqa: E402
from telegram_emulator.emulator import DEFAULT_TOKEN  # noqa: E402
from voix.settings import load_settings  # noqa: E402

SECRET_KEY = "5e" * 32
FAULT_KINDS = [("server_error", 500), ("server_error", 502), ("disconnect", 500), ("disconnect_after", 500)]
FAULTY_METHODS = ["sendMessage", "editMessageText"]
BOT_POLL_SECONDS = 10
# Every questionnaire asks at least this many questions (the kills are spread over that many).
ANSWERS_AT_LEAST = 25


class Processes:
    """The emulator and the bot, as child processes of this driver."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.emulator: asyncio.subprocess.Process | None = None
        self.bot: asyncio.subprocess.Process | None = None
        self.url = ""
        self.kills = 0

    async def start_emulator(self) -> str:
        with (self.work / "emulator.log").open("ab") as log:
            self.emulator = await asyncio.create_subprocess_exec(
                sys.executable,
                *("-m", "telegram_emulator", "--port", "0"),
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert self.emulator.stdout is not None
        line = (await self.emulator.stdout.readline()).decode()
        found = re.search(r"http://[\d.]+:\d+", line)
        if found is None:
            raise RuntimeError(f"the emulator did not start: {line!r}")
        self.url = found.group(0)
        return self.url

    async def start_bot(self) -> None:
        environment = {
            **os.environ,
            "VOIX_TELEGRAM_TOKEN": DEFAULT_TOKEN,
            "VOIX_TELEGRAM_API_URL": self.url,
            "VOIX_DB": str(self.work / "voix.db"),
            "VOIX_SECRET_KEY": SECRET_KEY,
        }
        with (self.work / "bot.log").open("ab") as log:
            self.bot = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--bot", cwd=self.work, env=environment, stdout=log, stderr=log
            )

    async def kill_bot(self) -> None:
        assert self.bot is not None
        self.bot.send_signal(signal.SIGKILL)
        await self.bot.wait()
        self.kills += 1

    async def stop(self) -> None:
        for process in (self.bot, self.emulator):
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await process.wait()


def prepare_database(work: Path, invitations: int) -> list[str]:
    """Create the database with one structure and its invitations, as ``voix admin`` does."""
    path = work / "voix.db"
    migrate(path, create=True)
    connection = open_sync_connection(path)
    try:
        connection.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Soak', '2026')")
        connection.execute(
            "INSERT INTO structures (id, organisation_id, name, created_at) VALUES (1, 1, 'MECS', '2026')"
        )
        connection.execute("BEGIN")
        created = create_invitations(connection, structure_id=1, count=invitations, now=datetime.now(UTC))
        connection.execute("COMMIT")
    finally:
        connection.close()
    return [invitation.token for invitation in created]


def stored_answers(work: Path, user_id: int) -> tuple[dict[str, Any], int, str]:
    """The answers the database holds for one youth, the number of rows, and the run's status."""
    settings = load_settings(db=work / "voix.db", secret_key=SECRET_KEY, _env_file=None)
    lookup = Pseudonymiser(load_master_key(settings)).telegram_user_hash(user_id)
    connection = sqlite3.connect(work / "voix.db")
    try:
        rows = connection.execute(
            "SELECT answers.question_id, answers.value FROM answers JOIN runs ON runs.id = answers.run_id "
            "JOIN contacts ON contacts.youth_id = runs.youth_id WHERE contacts.telegram_user_hash = ?",
            (lookup,),
        ).fetchall()
        status = connection.execute(
            "SELECT runs.status FROM runs JOIN contacts ON contacts.youth_id = runs.youth_id "
            "WHERE contacts.telegram_user_hash = ?",
            (lookup,),
        ).fetchone()
    finally:
        connection.close()
    return {row[0]: decode_answer(row[1]) for row in rows}, len(rows), status[0] if status else "none"


async def duplicates_seen(client: EmulatorClient, user_id: int) -> tuple[int, int]:
    """Messages the youth saw twice: (all, questions). A question is sent once; a text not twice in a row."""
    sent = await client.request("GET", f"/chats/{user_id}/events", after=0, kinds="message")
    texts = [event["message"].get("text") or "" for event in sent["events"]]
    questions = [text for text in texts if re.match(r"\d+/\d+\n", text)]
    question_duplicates = len(questions) - len(set(questions))
    repeated_texts = sum(1 for before, after in itertools.pairwise(texts) if before == after)
    return question_duplicates + repeated_texts, question_duplicates


async def soak(arguments: argparse.Namespace, work: Path) -> int:
    rng = random.Random(arguments.seed)
    tokens = prepare_database(work, arguments.youth * arguments.rounds)
    processes, tally = Processes(work), Tally()
    started = time.monotonic()
    try:
        url = await processes.start_emulator()
        client = EmulatorClient(url)
        await client.random_faults(
            arguments.fault_rate, FAULTY_METHODS, FAULT_KINDS, latency=arguments.latency, seed=arguments.seed
        )
        await processes.start_bot()
        expected_answers = arguments.youth * arguments.rounds * ANSWERS_AT_LEAST
        killer = asyncio.create_task(kill_evenly(processes, tally, arguments.kills, expected_answers))
        queue = list(tokens)
        results: list[Answered] = []

        async def lane(seed: int) -> None:
            lane_rng = random.Random(seed)
            while queue:
                youth = Youth(client, queue.pop(), lane_rng, tally, arguments.think)
                results.append(await youth.run())

        await asyncio.gather(*(lane(rng.randrange(2**32)) for _ in range(arguments.youth)))
        killer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await killer
        drawn = await client.faults_drawn()
        seen = [await duplicates_seen(client, answered.user_id) for answered in results]
        await client.close()
    finally:
        await processes.stop()
    lost = duplicated = incomplete = 0
    for answered in results:
        stored, rows, status = stored_answers(work, answered.user_id)
        given = {question: _normalised(value) for question, value in answered.values.items()}
        kept = {question: _normalised(value) for question, value in stored.items()}
        lost += sum(1 for question, value in given.items() if kept.get(question) != value)
        # More rows than questions, or an answer the youth never gave (a press applied twice).
        duplicated += rows - len(kept) + len(kept.keys() - given.keys())
        incomplete += status != "completed"
    duplicate_messages = sum(pair[0] for pair in seen)
    duplicate_questions = sum(pair[1] for pair in seen)
    per_thousand = 1000 * tally.apologies / max(tally.answers, 1)
    print(
        f"soak: {tally.answers} answers by {len(results)} youth ({arguments.youth} at once), "
        f"{processes.kills} kills, {sum(drawn.values())} faults "
        f"({arguments.fault_rate:.0%} of sends and edits, {arguments.latency * 1000:.0f} ms latency): "
        f"answers lost {lost}, duplicated {duplicated}, presses repeated {tally.repeated}, "
        f"presses lost {tally.lost_presses}, "
        f"apologies {tally.apologies} ({per_thousand:.2f} per 1000 answers), "
        f"duplicate messages seen {duplicate_messages} (questions {duplicate_questions}), "
        f"closing messages missed {tally.closings_missed}, "
        f"incomplete {incomplete}, in {time.monotonic() - started:.0f} s"
    )
    missed = (
        lost or duplicated or incomplete or duplicate_questions or tally.lost_presses or per_thousand >= 1
    )
    return 1 if missed else 0


def _normalised(value: Any) -> Any:
    return tuple(sorted(str(item) for item in value)) if isinstance(value, tuple | list) else str(value)


async def kill_evenly(processes: Processes, tally: Tally, kills: int, expected_answers: int) -> None:
    """SIGKILL the bot after each 1/(kills+1) of the expected answers, and restart it at once."""
    for number in range(1, kills + 1):
        threshold = number * expected_answers // (kills + 1)
        while tally.answers < threshold:
            tally.progress.clear()
            await tally.progress.wait()
        await processes.kill_bot()
        await processes.start_bot()


async def run_bot() -> None:
    """The bot as ``voix run`` runs it, without pacing (the emulator has no flood limit)."""
    from bot.application import running_bot
    from voix.logging_setup import configure_logging

    configure_logging(debug=False)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with running_bot(load_settings(), paced=False, poll_timeout=BOT_POLL_SECONDS):
        await stop.wait()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--youth", type=int, default=30, help="youth answering at once")
    parser.add_argument("--rounds", type=int, default=3, help="questionnaires per youth lane")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs of the bot, spread over the run")
    parser.add_argument("--fault-rate", type=float, default=0.1, help="share of sends and edits that fail")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every Bot API call")
    parser.add_argument(
        "--think", type=float, default=THINK_SECONDS, help="most seconds a youth waits before each answer"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="keep the database and bot.log here")
    parser.add_argument("--bot", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.bot:
        asyncio.run(run_bot())
        return 0
    if arguments.work is not None:
        arguments.work.mkdir(parents=True, exist_ok=True)
        return asyncio.run(soak(arguments, arguments.work))
    with tempfile.TemporaryDirectory(prefix="voix-soak-") as work:
        return asyncio.run(soak(arguments, Path(work)))


if __name__ == "__main__":
    sys.exit(main())
