"""Ctrl-C during an export: the terminal sends it to every process of the command; the forked ones
leave it to the parent, which ends them, so the command stops quietly (exit 130, no traceback)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from storage.database import migrate

ROOT = Path(__file__).resolve().parents[2]
# The pack's second process, forked before the pass, waits for its work; Ctrl-C comes meanwhile.
WAITING_SECOND_PROCESS = """
import os, sys, time
from pathlib import Path
from admin import score_collection
from admin.workshop_second_process import SecondProcess
from storage.database import open_sync_connection

score_collection.PARALLEL_MINIMUM_RUNS = 0  # fork whatever the size
connection = open_sync_connection(Path(sys.argv[1]))
try:
    with SecondProcess(connection, 10, 1, lambda connection: []):
        os.write(1, b"forked\\n")
        time.sleep(60)
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_while_the_packs_second_process_waits_stops_quietly(tmp_path: Path) -> None:
    database = tmp_path / "voix.db"
    migrate(database, create=True)
    program = subprocess.Popen(
        [sys.executable, "-c", WAITING_SECOND_PROCESS, str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a group of its own, as a command typed in a terminal
        cwd=ROOT,
    )
    assert program.stdout is not None and program.stdout.readline() == b"forked\n"
    os.killpg(program.pid, signal.SIGINT)
    _, errors = program.communicate(timeout=60)
    assert (program.returncode, errors.decode()) == (130, "")
