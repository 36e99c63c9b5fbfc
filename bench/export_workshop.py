"""Benchmark of ``voix admin export workshop`` (the whole sector's pack) against one SQL pass.

Usage: ``python bench/export_workshop.py [--youth 68000] [--structures 2000] [--organisations 300]
[--database PATH] [--format json|xlsx|html]``

1. Builds the score benchmark's dataset (``bench/export_scores.py``: youth × 2 waves × about 30
   answers) in its own file and gives it a history (``bench.synthetic_participation``:
   invitations, refusals, unfinished runs, answer times, reminders, erasures); kept for later runs.
2. In a fresh child process, times a single SQL pass reading every answer row (the median of
   three), then the pack
   (every group; item statistics of the sector) written to a temporary file, and reports both
   times, their ratio (target ≤ 3×) and the peak memory of the process and of the processes it
   forks (the pass's worker, the reliability's: target < 300 MB each); meanwhile this process
   reads the memory of all of them together every 0.1 s (their proportional set sizes).
3. In another fresh process, for comparison (the machine may be shared), the SQL pass again,
   the score export's table on the same data, and the pack's floor: the score pass and the
   change rows the pack shows (``build_score_table`` with the T0 → T1 product only), nothing else
   of the pack, a time the pack can never go below. Apart, so that the pack's peak memory is its own.
"""

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from admin.score_collection import collect_scores  # noqa: E402
from admin.score_table import LEVELS, build_score_table  # noqa: E402
from admin.workshop_command import export_workshop  # noqa: E402
from admin.workshop_pack import WorkshopRequest  # noqa: E402
from bench.process_usage import tree_proportional_megabytes  # noqa: E402
from bench.sql_pass import PASSES, sql_pass  # noqa: E402
from bench.synthetic_participation import add_participation  # noqa: E402
from storage.clock import system_clock  # noqa: E402
from storage.database import migrate, open_sync_connection  # noqa: E402

TARGET_RATIO = 3.0
# How often the pack's processes' memory is read.
SAMPLING_SECONDS = 0.1
TARGET_MEGABYTES = 300


def main() -> int:
    """Build the database if needed, then measure in a fresh process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 68,000 youth: about 3.1 million answers once the history has removed the unanswered ones.
    parser.add_argument("--youth", type=int, default=68_000)
    parser.add_argument("--structures", type=int, default=2_000)
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument(
        "--database", type=Path, default=Path(tempfile.gettempdir()) / "voix-workshop-bench.db"
    )
    parser.add_argument("--format", choices=("json", "xlsx", "html"), default="json")
    parser.add_argument("--step", choices=("pack", "scores"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    workshop = arguments.database
    if arguments.step == "pack":
        return measure_pack(workshop, arguments.format)
    if arguments.step == "scores":
        return measure_scores(workshop)
    shape = f"{arguments.youth}-{arguments.structures}-{arguments.organisations}"
    marker = workshop.with_name(workshop.name + ".shape")
    if not workshop.exists() or not marker.exists() or marker.read_text() != shape:
        scores_bench = [
            sys.executable, str(ROOT / "bench" / "export_scores.py"), "--youth", str(arguments.youth),
            "--structures", str(arguments.structures), "--organisations", str(arguments.organisations),
            "--database", str(arguments.database), "--step", "generate",
        ]  # fmt: skip
        workshop.unlink(missing_ok=True)
        subprocess.run(scores_bench, check=True)
        started = time.perf_counter()
        connection = sqlite3.connect(workshop)
        add_participation(connection)
        connection.close()
        print(f"gave the answers a history in {time.perf_counter() - started:.1f} s")
        marker.write_text(shape)
    migrate(workshop)  # a dataset kept from an earlier Voix gets today's schema first
    command = [sys.executable, __file__, "--database", str(arguments.database)]
    pack = subprocess.Popen([*command, "--step", "pack", "--format", arguments.format])
    # Every process of the pack together (from here: a thread there would keep it from forking).
    together = 0.0
    while pack.poll() is None:
        together = max(together, tree_proportional_megabytes(pack.pid))
        time.sleep(SAMPLING_SECONDS)
    print(
        f"peak memory of all the pack's processes together: {together:.0f} MB "
        f"(their proportional set sizes added up, every {SAMPLING_SECONDS:g} s; the measure's "
        "process and its start included)"
    )
    scores = subprocess.run([*command, "--step", "scores"], check=False)
    return pack.returncode or scores.returncode


def processor_seconds() -> float:
    """Processor time used so far by this process and its finished children (user and system).

    On a shared machine the wall times stretch with the load; this says how much work was done.
    """
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_scores(database: Path) -> int:
    """Time one SQL pass, the score export's table and the pack's floor (for comparison); print them."""
    connection = open_sync_connection(database)
    _, sql_seconds = sql_pass(connection)
    started = time.perf_counter()
    build_score_table(connection, WorkshopRequest().minimum_group_size)
    scores_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"score table (export scores without writing), apart: {scores_seconds:.2f} s, "
        f"{scores_seconds / sql_seconds:.2f}× a pass of {sql_seconds:.2f} s; peak {peak:.0f} MB"
    )
    started = time.perf_counter()
    collection = collect_scores(connection)
    build_score_table(connection, WorkshopRequest().minimum_group_size, LEVELS, ("change",), None, collection)
    floor_seconds = time.perf_counter() - started
    print(
        f"the pack's floor (the score pass and its change rows, nothing else of the pack): "
        f"{floor_seconds:.2f} s, {floor_seconds / sql_seconds:.2f}× the pass"
    )
    figures = {
        "sql_pass_seconds": round(sql_seconds, 2),
        "score_table_seconds": round(scores_seconds, 2),
        "score_table_peak_megabytes": round(peak),
        "pack_floor_seconds": round(floor_seconds, 2),
    }
    print(json.dumps(figures))
    return 0


def measure_pack(database: Path, export_format: str) -> int:
    """Time one SQL pass and the pack; print times, ratio and peak memory."""
    connection = open_sync_connection(database)
    processor = processor_seconds()
    rows, sql_seconds = sql_pass(connection)
    sql_processor = (processor_seconds() - processor) / PASSES
    processor = processor_seconds()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+b") as stream:
        pack = export_workshop(
            connection, WorkshopRequest(), export_format, system_clock(), stream, "bench export workshop"
        )
        size = stream.tell()
    pack_seconds = time.perf_counter() - started
    pack_processor = processor_seconds() - processor
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ratio = pack_seconds / sql_seconds
    figures = {
        "answers": rows,
        "format": export_format,
        "bytes": size,
        "participation_rows": len(pack.participation),
        "item_rows": len(pack.items),
        "change_rows": len(pack.change),
        "sql_pass_seconds": round(sql_seconds, 2),
        "pack_seconds": round(pack_seconds, 2),
        "ratio": round(ratio, 2),
        "sql_pass_processor_seconds": round(sql_processor, 2),
        "pack_processor_seconds": round(pack_processor, 2),
        "peak_megabytes": round(peak),
        "worker_peak_megabytes": round(worker),
    }
    print(f"single SQL pass over {rows:,} answers: {sql_seconds:.2f} s (median of {PASSES})")
    print(f"export workshop --format {export_format} (the sector, every group): {pack_seconds:.2f} s")
    print(f"ratio: {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×) {'OK' if ratio <= TARGET_RATIO else 'OVER'}")
    print(
        f"processor time: pass {sql_processor:.2f} s, pack {pack_processor:.2f} s "
        f"(all its processes: {pack_processor / sql_processor:.2f}×)"
    )
    print(f"peak memory: {peak:.0f} MB, workers {worker:.0f} MB (target < {TARGET_MEGABYTES} MB)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
