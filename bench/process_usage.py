"""What another process has used so far, read from Linux's /proc: CPU seconds and peak memory.

The bench reads the bot's CPU time when the youth start answering and again when they are done,
so the bot's start-up (imports, migrations) is not counted per answer.
"""

import os
from pathlib import Path

CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds the process has used (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3 of proc(5), utime 14 and stime 15.
    user_ticks, system_ticks = int(fields[11]), int(fields[12])
    return (user_ticks + system_ticks) / CLOCK_TICKS_PER_SECOND


def peak_resident_megabytes(pid: int) -> float:
    """The largest resident set the process has had (VmHWM), in megabytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmHWM for process {pid}")
