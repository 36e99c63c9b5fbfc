"""The soak bench in a reduced form: a few youth, 10 % faults, the bot killed twice; in seconds.

``python bench/soak.py`` runs the full one (30 youth at once, 20 kills); README reports it.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_soak_loses_nothing_duplicates_nothing_and_never_sends_a_question_twice(
    tmp_path: Path,
) -> None:
    command = [sys.executable, "bench/soak.py", "--youth", "3", "--rounds", "1", "--kills", "2"]
    # Youth answer as soon as they can (--think 0): the faults and kills still fall between answers.
    command += ["--latency", "0.01", "--think", "0", "--seed", "3", "--work", str(tmp_path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    summaries = [line for line in result.stdout.splitlines() if line.startswith("soak:")]
    assert summaries, result.stderr[-3000:]
    summary = summaries[0]
    assert result.returncode == 0, summary
    assert re.search(r" 2 kills, [1-9]\d* faults ", summary), summary
    assert re.search(r"answers lost 0, duplicated 0, ", summary), summary
    assert re.search(r"presses lost 0, apologies 0 ", summary), summary
    assert re.search(r"\(questions 0\), closing messages missed \d+, incomplete 0,", summary), summary
