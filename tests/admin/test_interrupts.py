"""Ctrl-C during an export: the terminal sends it to every process of the command; the forked ones
leave it to the parent, which ends them, so the command stops quietly (exit 130, no traceback).

Each of the three forks an export makes is interrupted while the command works: the pack's second
process (forked before the pass, waiting for its work), the score pass's worker (reading its half
of the structures) and the decisions' second process (``map_on_two_cores``). That a forked process
ignores Ctrl-C is read from the kernel (``/proc/<pid>/status``), not raced against the parent."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.database import migrate, open_sync_connection

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import multiprocessing, os, sys, time
from pathlib import Path
from storage.database import open_sync_connection

COMMAND = os.getpid()

def working(*arguments, **keywords):
    if os.getpid() == COMMAND:  # the forked processes exist by now: say which
        pids = " ".join(str(child.pid) for child in multiprocessing.active_children())
        os.write(1, f"forked {pids}\\n".encode())
    time.sleep(60)

connection = open_sync_connection(Path(sys.argv[1]))
"""
FORKS = {
    "the pack's second process": """
from admin import score_collection
from admin.workshop_second_process import SecondProcess

score_collection.PARALLEL_MINIMUM_RUNS = 0  # fork whatever the size
with SecondProcess(connection, 10, 1, lambda connection: []):
    working()
""",
    "the score pass's worker": """
from admin import score_collection

score_collection._collect = working  # each process reading its half, slowly
score_collection.collect_scores(connection, parallel_minimum_runs=0)
""",
    "the decisions' second process": """
from admin.shared_tasks import map_on_two_cores

map_on_two_cores(working, 2, True)
""",
}
SIGINT_BIT = 1 << (signal.SIGINT - 1)


@pytest.mark.parametrize("fork", FORKS)
def test_ctrl_c_while_a_forked_process_works_stops_quietly(tmp_path: Path, fork: str) -> None:
    database = tmp_path / "voix.db"
    migrate(database, create=True)
    connection = open_sync_connection(database)
    # Two structures with a run each: the score pass splits them between its two processes.
    connection.executescript(
        """
        INSERT INTO organisations VALUES (1, 'Org', 'x');
        INSERT INTO structures VALUES (1, 1, 'A', 'MECS', 'x'), (2, 1, 'B', 'MECS', 'x');
        INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at)
            VALUES (1, 'p1', 'C1', 1, 'active', 'x'), (2, 'p2', 'C2', 2, 'active', 'x');
        INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, started_at, updated_at)
            VALUES (1, 'T0', 'voix-mecs', '2', 'x', 'x'), (2, 'T0', 'voix-mecs', '2', 'x', 'x');
        """
    )
    connection.close()
    script = f"{SETUP}try:\n{_indented(FORKS[fork])}\nexcept KeyboardInterrupt:\n    sys.exit(130)\n"
    program = subprocess.Popen(
        [sys.executable, "-c", script, str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a group of its own, as a command typed in a terminal
        cwd=ROOT,
    )
    assert program.stdout is not None
    line = program.stdout.readline()
    assert line.startswith(b"forked "), line
    children = [int(pid) for pid in line.split()[1:]]
    assert len(children) == 1
    assert all(_ignores_ctrl_c(pid) for pid in children)
    os.killpg(program.pid, signal.SIGINT)
    _, errors = program.communicate(timeout=60)
    assert (program.returncode, errors.decode()) == (130, "")


def _ignores_ctrl_c(pid: int) -> bool:
    """Whether a process ignores SIGINT, once it no longer holds it blocked: a forked process holds
    it from its fork (``start_forked``) until it has chosen (``settle_forked_child``)."""
    deadline = time.monotonic() + 30
    while True:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        if not int(fields["SigBlk"], 16) & SIGINT_BIT or time.monotonic() > deadline:
            return bool(int(fields["SigIgn"], 16) & SIGINT_BIT)
        time.sleep(0.01)  # waiting for the process to choose, never for silence


def _indented(code: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in code.strip("\n").splitlines())
