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


def tree_proportional_megabytes(pid: int) -> float:
    """Memory of the process and every process it forked, together, now: their proportional set
    sizes (Pss) added up, each page shared by several of them counted once in all.

    A forked process's resident size counts the pages it still shares with its parent, so the
    peaks of a parent and of its children, added up, would count those pages twice or more.
    Processes that end while this reads are left out.
    """
    total_kilobytes = 0
    waiting = [pid]
    while waiting:
        process = waiting.pop()
        try:
            for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kilobytes += int(line.split()[1])
                    break
            for task in Path(f"/proc/{process}/task").iterdir():
                waiting += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total_kilobytes / 1024
