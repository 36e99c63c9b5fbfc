"""Benchmark of the conversation: many youth answering Voix, and the bare framework in the same run.

Usage: ``python bench/conversation.py [--youth 50] [--latency-ms 0 50] [--repeat 2] [--bots …]``

For each latency and repetition, each bot in turn runs in a process of its own against a fresh
emulator served from this process, with the latency added to every Bot API call (half on the way
in, half on the way back). ``--youth`` simulated youth (``bench/simulated_youth.py``) enrol and
agree, then all answer the whole questionnaire at once, each pressing the next button as soon as
the next question arrives. The bots:

* ``voix``: ``voix run`` without pacing (``bench/voix_bot.py``), on a fresh database;
* ``floor``: the bare framework making the same Bot API calls with no storage and no logic
  (``bench/floor_bot.py``), one update at a time as PTB does by default;
* ``floor-concurrent``: the same with ``concurrent_updates`` (which keeps no per-chat order).

By default the plain floor runs only at 0 ms: with latency it serialises every youth's calls
behind each other's, and a run takes minutes (``--bots floor`` still asks for it).

Each run prints one line: answers per second, latency press → next question (p50, p95, p99), the
bot's CPU seconds per 1,000 answers and its peak resident memory. The last line sums up the
ranges over the repetitions against the targets: at 0 ms, Voix ≥ 0.8× the floor's answers per
second; with latency, Voix's p95 ≤ the p95 of the floor with ``concurrent_updates``.
"""

import argparse
import asyncio
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.conversation_script import ConversationScript  # noqa: E402
from bench.engine_script import conversation_script  # noqa: E402
from bench.process_usage import cpu_seconds, peak_resident_megabytes  # noqa: E402
from bench.simulated_youth import SimulatedYouth, watch  # noqa: E402
from storage.database import migrate, open_sync_connection  # noqa: E402
from storage.invitations import create_invitations  # noqa: E402
from telegram_emulator import TelegramEmulator  # noqa: E402

BOTS = ("voix", "floor", "floor-concurrent")
TARGET_THROUGHPUT_RATIO = 0.8
STARTUP_TIMEOUT_SECONDS = 60.0


class BenchError(Exception):
    """A run that cannot be reported: the bot died, failed a call, or lost answers."""


@dataclass(frozen=True)
class Setup:
    """What every run of the bench shares."""

    youth: int
    script: ConversationScript
    script_path: Path
    workdir: Path
    floor_transport: str
    profile: Path | None


@dataclass(frozen=True)
class Case:
    """One bot, at one latency, in one repetition."""

    bot: str
    latency_ms: float
    repetition: int


@dataclass(frozen=True)
class Run:
    """The figures of one bot at one latency."""

    case: Case
    answers: int
    seconds: float
    latencies: tuple[float, ...]
    cpu_seconds: float
    peak_megabytes: float
    calls_per_answer: float
    # CPU of this process (emulator and youth) over the wall time: near 1.0, the load is the limit.
    load_cpu_share: float

    @property
    def bot(self) -> str:
        """Which bot ran."""
        return self.case.bot

    @property
    def latency_ms(self) -> float:
        """The latency added to every Bot API call."""
        return self.case.latency_ms

    @property
    def repetition(self) -> int:
        """Which repetition of the bench this run belongs to."""
        return self.case.repetition

    @property
    def answers_per_second(self) -> float:
        """Answers over the wall time from the first press to the last question."""
        return self.answers / self.seconds

    def percentile(self, rank: int) -> float:
        """The latency under which ``rank`` % of the answers got their next question."""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[rank - 1]

    def line(self) -> str:
        """One line with every figure of the run."""
        return (
            f"{self.bot} at {self.latency_ms:g} ms: {self.answers:,} answers in {self.seconds:.2f} s "
            f"= {self.answers_per_second:.1f} answers/s; press → next question "
            f"p50 {self.percentile(50):.3f} s, p95 {self.percentile(95):.3f} s, "
            f"p99 {self.percentile(99):.3f} s; bot CPU {self.cpu_seconds / self.answers * 1000:.2f} s "
            f"per 1,000 answers; peak RSS {self.peak_megabytes:.0f} MB; "
            f"{self.calls_per_answer:.2f} Bot API calls per answer; "
            f"emulator and youth {self.load_cpu_share:.0%} of a core"
        )


def main() -> int:
    """Run every bot at every latency, repeatedly; print a line per run, then the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[0.0, 50.0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--bots", nargs="+", choices=BOTS, help="default: every bot that fits the latency")
    parser.add_argument(
        "--floor-transport",
        choices=("httpx", "aiohttp"),
        default="httpx",
        help="the floor's HTTP client: PTB's default (the bare framework), or the one Voix uses",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="record each bot's CPU while the youth answer (py-spy, collapsed stacks) into this folder; "
        "py-spy takes some CPU too, so do not report the figures of a profiled run",
    )
    arguments = parser.parse_args()
    load = os.getloadavg()[0]
    try:
        runs = asyncio.run(_measure_all(arguments))
    except BenchError as error:
        print(f"bench failed: {error}")
        return 1
    print(summary(runs, arguments.youth, arguments.floor_transport, load))
    return 0


async def _measure_all(arguments: argparse.Namespace) -> list[Run]:
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="voix-bench-conversation-") as directory:
        workdir = Path(directory)
        script = conversation_script()
        setup = Setup(
            arguments.youth,
            script,
            workdir / "script.json",
            workdir,
            arguments.floor_transport,
            arguments.profile,
        )
        script.write(setup.script_path)
        for latency_ms in arguments.latency_ms:
            bots = arguments.bots or (BOTS if latency_ms == 0 else ("voix", "floor-concurrent"))
            for repetition in range(arguments.repeat):
                # Each repetition starts with another bot, so a drift of the machine's load
                # does not always favour the same one.
                shift = repetition % len(bots)
                for bot in (*bots[shift:], *bots[:shift]):
                    run = await measure(setup, Case(bot, latency_ms, repetition))
                    print(run.line(), flush=True)
                    runs.append(run)
    return runs


async def measure(setup: Setup, case: Case) -> Run:
    """Start an emulator and the bot, let the youth answer everything, and read the figures."""
    emulator = TelegramEmulator(latency=case.latency_ms / 1000)
    await emulator.start()
    database = setup.workdir / f"voix-{case.latency_ms:g}-{case.repetition}.db"
    try:
        if case.bot == "voix":
            tokens = _invitations(database, setup.youth)
            command = [str(ROOT / "bench" / "voix_bot.py"), "--database", str(database)]
            command += ["--secret-key", secrets.token_hex(32)]
        else:
            tokens = [""] * setup.youth
            command = [str(ROOT / "bench" / "floor_bot.py"), "--script", str(setup.script_path)]
            command += ["--transport", setup.floor_transport]
            command += ["--concurrent"] if case.bot == "floor-concurrent" else []
        command += ["--api-url", emulator.url, "--token", emulator.token]
        log = setup.workdir / f"{case.bot}.log"
        with log.open("w") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable, *command, stdout=output, stderr=output
            )
        try:
            run = await _drive(setup, case, emulator, process, log, tokens)
        finally:
            await _stop(process)
    finally:
        await emulator.stop()
    if case.bot == "voix":
        _check_every_answer_stored(database, setup.youth * setup.script.answers)
    return run


async def _drive(
    setup: Setup,
    case: Case,
    emulator: TelegramEmulator,
    process: asyncio.subprocess.Process,
    log: Path,
    tokens: list[str],
) -> Run:
    state = emulator.state
    polling = await state.notifier.wait_until(
        lambda: process.returncode is not None or any(call.method == "getUpdates" for call in state.calls),
        STARTUP_TIMEOUT_SECONDS,
    )
    if not polling or process.returncode is not None:
        output = log.read_text()[-2000:]  # noqa: ASYNC240 (the run is over: nothing else waits)
        raise BenchError(f"{case.bot} did not start polling; its output:\n{output}")
    youth = [SimulatedYouth(emulator, setup.script, number) for number in range(len(tokens))]
    watch(emulator, youth)
    await asyncio.gather(*(one.enrol(token) for one, token in zip(youth, tokens, strict=True)))
    first_call = len(state.calls)
    profile = (
        setup.profile / f"{case.bot}-{case.latency_ms:g}ms-{case.repetition}.txt" if setup.profile else None
    )
    profiler = await _start_profiler(process.pid, profile) if profile else None
    bot_cpu, own_cpu, started = cpu_seconds(process.pid), time.process_time(), time.perf_counter()
    await asyncio.gather(*(one.answer_all() for one in youth))
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)
        await profiler.wait()
    bot_cpu, own_cpu = cpu_seconds(process.pid) - bot_cpu, time.process_time() - own_cpu
    calls = state.calls[first_call:]
    failed = sorted({f"{call.method} {call.error_code}" for call in calls if call.error_code is not None})
    if failed:
        raise BenchError(f"{case.bot} made Bot API calls that failed: {failed}")
    latencies = tuple(seconds for one in youth for seconds in one.latencies)
    return Run(
        case=case,
        answers=len(latencies),
        seconds=seconds,
        latencies=latencies,
        cpu_seconds=bot_cpu,
        peak_megabytes=peak_resident_megabytes(process.pid),
        calls_per_answer=sum(1 for call in calls if call.method != "getUpdates") / len(latencies),
        load_cpu_share=own_cpu / seconds,
    )


async def _start_profiler(pid: int, output: Path) -> asyncio.subprocess.Process:
    """Sample the bot's stacks with py-spy (``pip install py-spy``) until interrupted."""
    py_spy = Path(sys.executable).parent / "py-spy"
    if not py_spy.exists():
        raise BenchError("--profile needs py-spy beside this Python: pip install py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [str(py_spy), "record", "--pid", str(pid), "--format", "raw", "--output", str(output)]
    profiler = await asyncio.create_subprocess_exec(
        *command,
        "--rate",
        "250",
        "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.sleep(0.5)  # py-spy attaches before the youth start
    return profiler


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 15)
    except TimeoutError:
        process.kill()
        await process.wait()


def _invitations(database: Path, count: int) -> list[str]:
    """Create a fresh Voix database with one structure and ``count`` invitations; return the tokens."""
    migrate(database, create=True)
    connection = open_sync_connection(database)
    try:
        connection.execute(
            "INSERT INTO organisations (id, name, created_at) VALUES (1, 'Bench', '2026-01-01')"
        )
        connection.execute(
            "INSERT INTO structures (id, organisation_id, name, created_at) "
            "VALUES (1, 1, 'MECS Bench', '2026-01-01')"
        )
        connection.execute("BEGIN")
        created = create_invitations(connection, structure_id=1, count=count, now=datetime.now(UTC))
        connection.execute("COMMIT")
    finally:
        connection.close()
    return [invitation.token for invitation in created]


def _check_every_answer_stored(database: Path, expected: int) -> None:
    connection = open_sync_connection(database)
    try:
        stored = connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    finally:
        connection.close()
    if stored != expected:
        raise BenchError(f"Voix stored {stored} answers, expected {expected}")


def summary(runs: list[Run], youth_count: int, floor_transport: str, load: float) -> str:
    """One line: the ranges over the repetitions, and whether each target is met in every one."""
    parts = [
        f"conversation, {youth_count} youth, floors over {floor_transport}, "
        f"{os.cpu_count()} cores (load {load:.1f} at start)"
    ]
    for latency_ms in sorted({run.latency_ms for run in runs}):
        at = [run for run in runs if run.latency_ms == latency_ms]
        pairs = _pairs(at, "voix", "floor" if latency_ms == 0 else "floor-concurrent")
        if latency_ms == 0:
            figures = [
                f"{bot} {_range([run.answers_per_second for run in at if run.bot == bot], '.0f')} answers/s"
                for bot in BOTS
                if any(run.bot == bot for run in at)
            ]
            ratios = [voix.answers_per_second / floor.answers_per_second for voix, floor in pairs]
            verdict = _verdict(ratios, lambda ratio: ratio >= TARGET_THROUGHPUT_RATIO)
            ratio = f"{_range(ratios, '.2f')}×" if ratios else "not measured"
            target = f"voix/floor {ratio} (target ≥ {TARGET_THROUGHPUT_RATIO}×: {verdict})"
        else:
            figures = [
                f"{bot} p95 {_range([run.percentile(95) for run in at if run.bot == bot], '.3f')} s"
                for bot in BOTS
                if any(run.bot == bot for run in at)
            ]
            verdict = _verdict(pairs, lambda pair: pair[0].percentile(95) <= pair[1].percentile(95))
            target = f"target voix p95 ≤ floor-concurrent p95: {verdict}"
        parts.append(f"{latency_ms:g} ms: {', '.join(figures)}; {target}")
    return "; ".join(parts)


def _pairs(runs: list[Run], first: str, second: str) -> list[tuple[Run, Run]]:
    """Runs of two bots in the same repetition."""
    by_key = {(run.bot, run.repetition): run for run in runs}
    return [
        (run, by_key[(second, run.repetition)])
        for run in runs
        if run.bot == first and (second, run.repetition) in by_key
    ]


def _range(values: list[float], spec: str) -> str:
    if not values:
        return "not measured"
    low, high = min(values), max(values)
    return f"{low:{spec}}" if format(low, spec) == format(high, spec) else f"{low:{spec}}–{high:{spec}}"


def _verdict(items: Sequence[Any], met: Callable[[Any], bool]) -> str:
    if not items:
        return "not measured"
    count = sum(1 for item in items if met(item))
    return f"met in {count}/{len(items)}" if count else f"NOT met in any of {len(items)}"


if __name__ == "__main__":
    sys.exit(main())
