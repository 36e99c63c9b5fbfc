"""The workshop pack's reliability rows and funnel, made in a second process while the others are made.

The bootstrap (2,000 multinomial draws over up to 2,187 answer patterns per score) takes most
of what follows the pass, and its draws follow one generator in a fixed order, so it cannot be
split. A process forked *before* the pass waits for the patterns, computes every row in the
same order from the same seed and sends them back: the rows one process gives. It is forked
early because a child's resident size counts the pages it shares with its parent, which is
small then.

The bootstrap (about 2.3 s at 3 million answers) is shorter than the score table the pack
process makes meanwhile (about 3 s), so the same process then makes the participation funnel
(about 0.9 s), which reads only the tables, with its own connection to the database file;
before, the pack process made it, and the second core waited for the score table.

Packs with fewer runs than the score pass splits (``admin.score_collection.PARALLEL_MINIMUM_RUNS``)
and systems without ``fork`` compute the rows in this process; so is the funnel of a database
held in memory.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from types import TracebackType
from typing import Any

import numpy
from threadpoolctl import threadpool_limits

from admin import score_collection
from admin.score_collection import ReferentielKey, database_file
from admin.workshop_participation import FunnelRow
from admin.workshop_reliability import ReliabilityRow, reliability_rows
from referentiel.loading import find_referentiel, shipped_referentiels

# One (wave, version) of the pack: its key, label, wave and its scores' answer patterns.
Task = tuple[ReferentielKey, str, str, Counter[Any]]
# The pack's funnel, given a connection to the database (``participation_funnel`` and its groups).
Funnel = Callable[[sqlite3.Connection], list[FunnelRow]]
_RUNS_QUERY = "SELECT count(*) FROM runs WHERE wave IN ('T0', 'T1')"


def compute_reliability(tasks: list[Task], minimum_group_size: int, seed: int) -> list[list[ReliabilityRow]]:
    """The reliability rows of each task, in order, drawn from one generator seeded with ``seed``.

    With BLAS on one thread: its products here are small (250 resamples by a few thousand
    patterns), and its threads, which spin while they wait for work, took a core from the pack's
    other process, 1.5 s of processor time at 3 million answers for nothing (the same rows).
    """
    generator = numpy.random.default_rng(seed)
    with threadpool_limits(limits=1, user_api="blas"):
        return [
            reliability_rows(find_referentiel(*key), label, wave, patterns, minimum_group_size, generator)
            for key, label, wave, patterns in tasks
        ]


class ReliabilityProcess:
    """Give it the tasks once the pass is done (``start``); collect the rows when needed (``rows``),
    then the funnel's (``funnel_rows``)."""

    def __init__(
        self, connection: sqlite3.Connection, minimum_group_size: int, seed: int, funnel: Funnel
    ) -> None:
        self._arguments = (minimum_group_size, seed)
        self._tasks: list[Task] = []
        self._pipe: Pipe | None = None
        self._process: Any = None
        self._connection = connection
        self._funnel: Funnel | None = funnel  # None once handed to the second process
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        (runs,) = connection.execute(_RUNS_QUERY).fetchone()
        if runs < score_collection.PARALLEL_MINIMUM_RUNS:
            return
        shipped_referentiels()  # read once, before the fork, for both processes
        path = database_file(connection)
        context = multiprocessing.get_context("fork")
        self._pipe, child = context.Pipe()
        there = None if path is None else funnel
        self._process = context.Process(
            target=_serve, args=(child, *self._arguments, path, there), daemon=True
        )
        self._process.start()
        child.close()
        if path is not None:
            self._funnel = None

    def start(self, tasks: list[Task]) -> None:
        """Hand over the tasks: the second process starts on them, or they wait for ``rows``."""
        if self._pipe is None:
            self._tasks = tasks
        else:
            self._pipe.send(tasks)

    def rows(self) -> list[list[ReliabilityRow]]:
        """The rows of each task, in order (waiting for the second process if there is one)."""
        if self._pipe is None:
            return compute_reliability(self._tasks, *self._arguments)
        rows: list[list[ReliabilityRow]] = self._receive()
        return rows

    def funnel_rows(self) -> list[FunnelRow]:
        """The funnel's rows, made here or received from the second process (after ``rows``)."""
        if self._funnel is not None:
            return self._funnel(self._connection)
        rows: list[FunnelRow] = self._receive()
        return rows

    def _receive(self) -> Any:
        assert self._pipe is not None
        outcome = self._pipe.recv()
        if isinstance(outcome, BaseException):
            raise RuntimeError("the reliability process failed") from outcome
        return outcome

    def __enter__(self) -> ReliabilityProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Close the pipe (a process still waiting for tasks then ends) and wait for the process."""
        if self._pipe is not None:
            self._pipe.close()
            if error is not None:
                self._process.terminate()  # its rows are no longer wanted
            self._process.join()


def _serve(pipe: Pipe, minimum_group_size: int, seed: int, path: str | None, funnel: Funnel | None) -> None:
    """In the second process: wait for the tasks, make their rows and, given a database file at
    ``path``, the funnel's; send them back in that order, or the error."""
    try:
        tasks = pipe.recv()
    except EOFError:  # the pack failed before the pass was done: nothing to compute
        pipe.close()
        return
    try:
        rows = compute_reliability(tasks, minimum_group_size, seed)
        # Both made before either is sent: a send waits while the pack process is busy.
        funnel_rows = None if funnel is None or path is None else _funnel_rows(path, funnel)
        pipe.send(rows)
        if funnel_rows is not None:
            pipe.send(funnel_rows)
    except BaseException as error:  # the parent re-raises it; a process must not fail silently
        with contextlib.suppress(OSError):  # unless the parent is gone
            pipe.send(error)
    finally:
        pipe.close()


def _funnel_rows(path: str, funnel: Funnel) -> list[FunnelRow]:
    """The funnel made with this process's own connection to the database file (read only)."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA query_only = ON")
        return funnel(connection)
    finally:
        connection.close()
