"""Tasks shared by two processes: each taken once, the results those of one process, errors raised here."""

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from admin.errors import SecondProcessError
from admin.shared_tasks import SharedTasks, map_on_two_cores, settle_forked_child, start_forked

FORK = multiprocessing.get_context("fork")


def test_shared_tasks_are_each_taken_once_from_either_end():
    shared = SharedTasks(FORK)
    shared.reset(5)
    taken = [shared.take(from_back=back) for back in (True, False, False, True, False, True, False)]
    assert taken == [4, 0, 1, 3, 2, None, None]


def _take_from_the_front(shared, sender):
    found = [shared.take(from_back=False)]
    sender.send("started")  # the other process takes from the back from now on, at the same time
    while (index := shared.take(from_back=False)) is not None:
        found.append(index)
    sender.send(found)
    sender.close()


def test_two_processes_taking_shared_tasks_take_each_once():
    shared = SharedTasks(FORK)
    shared.reset(20_000)
    receiver, sender = FORK.Pipe(duplex=False)
    process = FORK.Process(target=_take_from_the_front, args=(shared, sender))
    process.start()
    assert receiver.recv() == "started"
    here = []
    while (index := shared.take(from_back=True)) is not None:
        here.append(index)
    there = receiver.recv()
    process.join()
    assert sorted(here + there) == list(range(20_000))
    assert here == sorted(here, reverse=True) and there == sorted(there)


class Squares:
    """Squares of task numbers; this process's first task waits until the forked one has made one
    (so that both take tasks), and each result says which process made it."""

    def __init__(self, failing: int | None = None):
        self.parent = os.getpid()
        self.forked_started = FORK.Event()
        self.failing = failing

    def __call__(self, index):
        if os.getpid() == self.parent:
            assert self.forked_started.wait(timeout=60), "the forked process never took a task"
        else:
            self.forked_started.set()
        if index == self.failing:
            raise ValueError(f"task {index} failed")
        return index * index, os.getpid()


def test_two_cores_give_the_results_of_one_in_order():
    squares = Squares()
    found = map_on_two_cores(squares, 50, worth_forking=True)
    assert [square for square, _ in found] == [index * index for index in range(50)]
    assert len({process for _, process in found}) == 2


def test_a_small_map_stays_in_this_process():
    found = map_on_two_cores(lambda index: (index, os.getpid()), 50, worth_forking=False)
    assert found == [(index, os.getpid()) for index in range(50)]


def test_a_map_from_a_thread_stays_in_its_process():
    found = {}
    thread = threading.Thread(
        target=lambda: found.update(
            result=map_on_two_cores(lambda index: os.getpid(), 20, worth_forking=True)
        )
    )
    thread.start()
    thread.join()
    assert found["result"] == [os.getpid()] * 20


def test_a_failure_in_the_forked_process_is_raised_here():
    with pytest.raises(SecondProcessError, match="second process of the decisions failed") as raised:
        map_on_two_cores(Squares(failing=0), 10, worth_forking=True)
    assert isinstance(raised.value.__cause__, ValueError)


class KilledInTheForkedProcess(Squares):
    """Dies in the forked process at its first task, as the system's out-of-memory killer would
    end it: nothing sent."""

    def __call__(self, index):
        if os.getpid() != self.parent:
            self.forked_started.set()
            os._exit(9)
        return super().__call__(index)


def test_a_forked_process_that_dies_without_its_results_is_an_error_here():
    with pytest.raises(SecondProcessError, match="ended without its results"):
        map_on_two_cores(KilledInTheForkedProcess(), 10, worth_forking=True)


# A parent whose forked process takes the first task and writes its pid; the parent waits on its
# own task for ever. What the forked process does then follows (``then``), and what it does of
# the signal the kernel sends it when its parent ends (``on_parents_end``).
_FORKED = """
import os, signal, sys
from admin.shared_tasks import map_on_two_cores

parent = os.getpid()

def task(index):
    if os.getpid() == parent:
        sys.stdin.read()  # until the test kills this process
    signal.signal(signal.SIGTERM, {on_parents_end})
    with open(sys.argv[1], "w") as file:
        file.write(str(os.getpid()))
{then}

map_on_two_cores(task, 2, worth_forking=True)
"""
# Deaf to its parent's end (the kernel's signal), it waits until its parent is gone, then sends
# 1 MB back, more than a pipe holds.
_ORPHANED = _FORKED.format(
    on_parents_end="signal.SIG_IGN",
    then="""    while os.getppid() == parent:
        os.sched_yield()
    return b"x" * 1_000_000""",
)
# It computes for ever (the decisions take seconds at 3 million answers).
_BUSY = _FORKED.format(
    on_parents_end="signal.SIG_DFL",
    then="""    while True:
        os.sched_yield()""",
)


def _gone(pid: int) -> bool:
    """Whether the process has ended (a zombie not yet reaped has)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_forked_process_whose_parent_is_killed_does_not_stay_behind(tmp_path):
    # Its send finds no reader left and fails: it ends (before, it waited for ever).
    assert_ends_with_its_killed_parent(tmp_path, _ORPHANED, "blocked on its send")


def test_a_forked_process_still_computing_ends_with_its_killed_parent(tmp_path):
    # No pipe to fail on here: the kernel ends it with its parent (PR_SET_PDEATHSIG).
    assert_ends_with_its_killed_parent(tmp_path, _BUSY, "computing")


def assert_ends_with_its_killed_parent(tmp_path: Path, script: str, doing: str) -> None:
    """Run ``script`` (its forked process writes its pid to the file named first), kill it once
    the forked process has started, and wait until the forked process has ended too."""
    pid_file = tmp_path / "helper.pid"
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", script, str(pid_file)]
    helper = None
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(root)}
    ) as parent:
        try:
            deadline = time.monotonic() + 60
            while not pid_file.exists() or not pid_file.read_text():
                assert parent.poll() is None and time.monotonic() < deadline, "the helper never started"
                time.sleep(0.01)
            helper = int(pid_file.read_text())
            parent.kill()  # as the out-of-memory killer would
            parent.wait()
            while not _gone(helper):
                assert time.monotonic() < deadline, f"the forked process stayed behind, {doing}"
                time.sleep(0.01)
        finally:
            parent.kill()
            if helper is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(helper, signal.SIGKILL)


def _report_hang_up(sender):
    settle_forked_child()
    sender.send(signal.getsignal(signal.SIGHUP) == signal.SIG_IGN)
    sender.close()


def test_a_forked_process_leaves_a_dropped_session_to_its_parent():
    # SIGHUP reaches every process of the session: the parent stops on it and ends its forked
    # one, which had printed a traceback of its own (a reviewer's find).
    receiver, sender = FORK.Pipe(duplex=False)
    process = FORK.Process(target=_report_hang_up, args=(sender,))
    start_forked(process)
    sender.close()
    assert receiver.recv() is True
    process.join()
