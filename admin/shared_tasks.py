"""Independent tasks shared by two processes, each taking the next one left, so that both end together.

An export's decisions after the pass are many tasks of unequal cost (an indicator, an indicator
and a question) whose results do not depend on one another: a list split in two fixed halves
would leave one core waiting for the other. Here one process takes tasks from the front of the
list and the other from the back until they meet (``SharedTasks``); ``map_on_two_cores`` forks
the second process, when forking is safe (``forking_is_safe``, which every export that forks
asks), for a function over task numbers, and gives the results in the tasks' order: what one
process gives.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from typing import Any, TypeVar

from admin.errors import SecondProcessError, raise_from_second_process

Result = TypeVar("Result")


def forking_is_safe() -> bool:
    """Whether this process may fork a second one: on Linux, and only while it runs one thread.

    A fork copies only the calling thread, and a lock another thread holds then stays locked in
    the child forever. The bot runs a coordinator's ``/resultats`` in a worker thread beside its
    event loop's: there the export stays in one process.
    """
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def database_file(connection: sqlite3.Connection) -> str | None:
    """Return the file of the main database if a second process can open it (not in memory), and
    may be forked (``forking_is_safe``)."""
    if not forking_is_safe():
        return None
    for _, name, file in connection.execute("PRAGMA database_list"):
        if name == "main" and file:
            return str(file)
    return None


def start_forked(process: Any) -> None:
    """Start a forked process with Ctrl-C (and SIGHUP) held until it has chosen to ignore them
    (``settle_forked_child``, its target's first line); then Ctrl-C reaches this process as
    usual, which ends the forked one."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGHUP})
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def settle_forked_child(*parents_ends: Pipe) -> None:
    """A forked process's first step (started by ``start_forked``).

    It ignores Ctrl-C and a dropped session (SIGHUP), which reach every process of the terminal:
    the parent stops on them and ends this one (``terminate``), one quiet stop, not a second
    traceback. And it closes its
    copies of the parent's ends of their pipes: kept open, were the parent killed (the
    out-of-memory killer, ``kill -9``), this process would still hold a reader of what it sends
    and a writer of what it waits for, and a send larger than the pipe's buffer, or a receive,
    would wait for ever, the process left behind. Nor does it outlive its parent when busy
    elsewhere than on a pipe (``_end_with_the_parent``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGHUP})
    for end in parents_ends:
        end.close()
    _end_with_the_parent()


# prctl's option: the signal a process receives when its parent ends (Linux, <sys/prctl.h>).
_PR_SET_PDEATHSIG = 1


def _end_with_the_parent() -> None:
    """Have the kernel end this forked process when its parent ends (Linux's ``PR_SET_PDEATHSIG``).

    A forked process computing its share of the decisions (seconds of work at 3 million
    answers), or holding another child's pipe end, would otherwise go on after its parent was
    killed, using a core and its memory for results nobody reads. Forking is Linux only here
    (``forking_is_safe``). SIGTERM is made to end it, even were it ignored by whoever started
    the command. A parent already gone before the request is seen here, and ends it. Where the
    kernel refuses the request (a sandbox), it goes on without: the closed pipe ends still end
    one waiting on its parent.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGTERM))
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)


class SharedTasks:
    """A list of tasks two processes share: one takes them from the front, the other from the back,
    until they meet. Made before the fork (a counter in shared memory, and its lock)."""

    def __init__(self, context: Any) -> None:
        self._bounds = context.RawArray("q", 2)  # the next from the front, one past the last left
        self._lock = context.Lock()

    def reset(self, count: int) -> None:
        """Share ``count`` tasks (numbered from 0), none taken yet."""
        with self._lock:
            self._bounds[0], self._bounds[1] = 0, count

    def take(self, from_back: bool) -> int | None:
        """The next task's number from the front or the back, or None once every task is taken."""
        with self._lock:
            front, back = int(self._bounds[0]), int(self._bounds[1])
            if front >= back:
                return None
            if from_back:
                self._bounds[1] = back - 1
                return back - 1
            self._bounds[0] = front + 1
            return front


def map_on_two_cores(function: Callable[[int], Result], count: int, worth_forking: bool) -> list[Result]:
    """``[function(0), … function(count − 1)]``, computed by this process and, where forking is
    safe and ``worth_forking`` (big enough to pay for a fork), a forked one, sharing the tasks.

    The forked process inherits what ``function`` reads; only its results travel back.
    """
    if not worth_forking or count < 2 or not forking_is_safe():
        return [function(index) for index in range(count)]
    context = multiprocessing.get_context("fork")
    shared = SharedTasks(context)
    shared.reset(count)
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_take_from_the_front, args=(function, shared, sender, receiver), daemon=True
    )
    start_forked(process)
    sender.close()
    results: dict[int, Result] = {}
    try:
        while (index := shared.take(from_back=True)) is not None:
            results[index] = function(index)
        try:
            outcome = receiver.recv()
        except EOFError as ended:  # killed before it could send anything (out of memory, a signal)
            raise SecondProcessError(
                "the second process of the decisions ended without its results (out of memory?); "
                "run the command again"
            ) from ended
    except BaseException:
        process.terminate()  # its results are no longer wanted
        raise
    finally:
        receiver.close()
        process.join()
    if isinstance(outcome, BaseException):
        raise_from_second_process(outcome, "the second process of the decisions")
    results.update(outcome)
    return [results[index] for index in range(count)]


def _take_from_the_front(
    function: Callable[[int], Any], shared: SharedTasks, sender: Pipe, receiver: Pipe
) -> None:
    """In the forked process: compute the tasks taken from the front, send them back (or the error)."""
    settle_forked_child(receiver)
    try:
        found = {}
        while (index := shared.take(from_back=False)) is not None:
            found[index] = function(index)
        sender.send(found)
    except BaseException as error:  # the parent re-raises it; a process must not fail silently
        with contextlib.suppress(OSError):
            sender.send(error)
    finally:
        sender.close()
