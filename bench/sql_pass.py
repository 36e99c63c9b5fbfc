"""The yardstick of the export benchmarks: one SQL pass reading every answer row.

The export targets are ratios to this pass, so both benchmarks time it the same way: three
times, taking the median. One pass moved from 2.5 to 3.8 s between runs on a shared machine,
and the ratio with it.
"""

import sqlite3
import statistics
import time

# SQL passes timed, the median taken.
PASSES = 3


def sql_pass(connection: sqlite3.Connection) -> tuple[int, float]:
    """Read every answer row once, ``PASSES`` times: how many, and the median seconds of a pass."""
    seconds = []
    rows = 0
    for _ in range(PASSES):
        started = time.perf_counter()
        rows = sum(1 for _ in connection.execute("SELECT run_id, question_id, value FROM answers"))
        seconds.append(time.perf_counter() - started)
    return rows, statistics.median(seconds)
