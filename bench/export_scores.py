"""Benchmark of ``voix admin export scores --by structure --format csv`` against one SQL pass.

Usage: ``python bench/export_scores.py [--youth 50000] [--structures 2000] [--organisations 300]
[--database PATH]``

1. Generates (once, kept in ``--database``) a synthetic dataset: youth × 2 waves × about 30
   answers, written with ``executemany``; in a child process, so its memory does not count.
2. In a fresh child process, times a single SQL pass reading every answer row (the median of
   three, ``bench.sql_pass``), then the export in-process (to a temporary file), and reports
   both times, their ratio (target ≤ 3×) and the child's peak resident memory (target < 300
   MB, from ``resource.getrusage``), and that of the scoring worker the export forks to use the
   second core (``RUSAGE_CHILDREN``: the largest of the processes it waited for), which must
   stay under the target as well.
"""

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from admin.export_commands import ExportRequest, export_scores  # noqa: E402
from bench.sql_pass import PASSES, sql_pass  # noqa: E402
from bench.synthetic_dataset import DatasetShape, fill_database  # noqa: E402
from referentiel.loading import current_referentiel  # noqa: E402
from storage.clock import system_clock  # noqa: E402
from storage.database import migrate, open_sync_connection  # noqa: E402
from storage.migrations import apply_migrations  # noqa: E402

TARGET_RATIO = 3.0
TARGET_MEGABYTES = 300


def main() -> int:
    """Generate the dataset if needed, then measure in a fresh process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=50_000)
    parser.add_argument("--structures", type=int, default=2_000)
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--database", type=Path, default=Path(tempfile.gettempdir()) / "voix-bench.db")
    parser.add_argument("--step", choices=("generate", "measure"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.step == "generate":
        return generate(arguments)
    if arguments.step == "measure":
        return measure(arguments)
    shape = f"{arguments.youth}-{arguments.structures}-{arguments.organisations}"
    marker = arguments.database.with_name(arguments.database.name + ".shape")
    if not arguments.database.exists() or not marker.exists() or marker.read_text() != shape:
        arguments.database.unlink(missing_ok=True)
        _child(arguments, "generate")
        marker.write_text(shape)
    migrate(arguments.database)  # a dataset kept from an earlier Voix gets today's schema first
    return _child(arguments, "measure")


def generate(arguments: argparse.Namespace) -> int:
    """Write the synthetic dataset."""
    started = time.perf_counter()
    connection = open_sync_connection(arguments.database, create=True)
    apply_migrations(connection)
    shape = DatasetShape(arguments.organisations, arguments.structures, arguments.youth)
    answers = fill_database(connection, current_referentiel(), shape)
    connection.close()
    seconds = time.perf_counter() - started
    print(f"generated {answers:,} answers for {arguments.youth:,} youth in {seconds:.1f} s")
    return 0


def measure(arguments: argparse.Namespace) -> int:
    """Time one SQL pass and the export; print times, ratio and peak memory."""
    connection = open_sync_connection(arguments.database)
    rows, sql_seconds = sql_pass(connection)
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as stream:
        table = export_scores(connection, ExportRequest(), system_clock(), stream, "bench export scores")
        size = stream.tell()
    export_seconds = time.perf_counter() - started
    peak_megabytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_megabytes = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ratio = export_seconds / sql_seconds
    figures = {
        "answers": rows,
        "youth": table.youth,
        "runs": table.runs,
        "export_rows": len(table.rows),
        "csv_bytes": size,
        "sql_pass_seconds": round(sql_seconds, 2),
        "export_seconds": round(export_seconds, 2),
        "ratio": round(ratio, 2),
        "peak_megabytes": round(peak_megabytes),
        "worker_peak_megabytes": round(worker_megabytes),
    }
    output = io.StringIO()
    output.write(f"single SQL pass over {rows:,} answers: {sql_seconds:.2f} s (median of {PASSES})\n")
    output.write(
        f"export scores --by structure --format csv ({len(table.rows):,} rows): {export_seconds:.2f} s\n"
    )
    output.write(
        f"ratio: {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×) {'OK' if ratio <= TARGET_RATIO else 'OVER'}\n"
    )
    output.write(
        f"peak memory: {peak_megabytes:.0f} MB (target < {TARGET_MEGABYTES} MB) "
        f"{'OK' if peak_megabytes < TARGET_MEGABYTES else 'OVER'}\n"
    )
    output.write(
        f"peak memory of the scoring worker: {worker_megabytes:.0f} MB (0: none forked) "
        f"{'OK' if worker_megabytes < TARGET_MEGABYTES else 'OVER'}\n"
    )
    output.write(json.dumps(figures) + "\n")
    print(output.getvalue(), end="")
    return 0


def _child(arguments: argparse.Namespace, step: str) -> int:
    command = [
        sys.executable, __file__, "--step", step, "--youth", str(arguments.youth),
        "--structures", str(arguments.structures), "--organisations", str(arguments.organisations),
        "--database", str(arguments.database),
    ]  # fmt: skip
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
