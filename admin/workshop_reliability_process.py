"""The workshop pack's reliability rows, computed in a second process while its other parts are made.

The bootstrap (2,000 multinomial draws over up to 2,187 answer patterns per score) takes about
as long as everything else after the pass (score table, funnel, item statistics), and its
draws follow one generator in a fixed order, so it cannot be split. A process forked *before*
the pass waits for the patterns, computes every row in the same order from the same seed and
sends them back: the rows one process gives. It is forked early because a child's resident
size counts the pages it shares with its parent, which is small then.

Packs with fewer runs than the score pass splits (``admin.score_collection.PARALLEL_MINIMUM_RUNS``)
and systems without ``fork`` compute the rows in this process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
from collections import Counter
from multiprocessing.connection import Connection as Pipe
from types import TracebackType
from typing import Any

import numpy

from admin import score_collection
from admin.score_collection import ReferentielKey
from admin.workshop_reliability import ReliabilityRow, reliability_rows
from referentiel.loading import find_referentiel, shipped_referentiels

# One (wave, version) of the pack: its key, label, wave and its scores' answer patterns.
Task = tuple[ReferentielKey, str, str, Counter[Any]]
_RUNS_QUERY = "SELECT count(*) FROM runs WHERE wave IN ('T0', 'T1')"


def compute_reliability(tasks: list[Task], minimum_group_size: int, seed: int) -> list[list[ReliabilityRow]]:
    """The reliability rows of each task, in order, drawn from one generator seeded with ``seed``."""
    generator = numpy.random.default_rng(seed)
    return [
        reliability_rows(find_referentiel(*key), label, wave, patterns, minimum_group_size, generator)
        for key, label, wave, patterns in tasks
    ]


class ReliabilityProcess:
    """Give it the tasks once the pass is done (``start``); collect the rows when needed (``rows``)."""

    def __init__(self, connection: sqlite3.Connection, minimum_group_size: int, seed: int) -> None:
        self._arguments = (minimum_group_size, seed)
        self._tasks: list[Task] = []
        self._pipe: Pipe | None = None
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        (runs,) = connection.execute(_RUNS_QUERY).fetchone()
        if runs < score_collection.PARALLEL_MINIMUM_RUNS:
            return
        shipped_referentiels()  # read once, before the fork, for both processes
        context = multiprocessing.get_context("fork")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, *self._arguments), daemon=True)
        self._process.start()
        child.close()

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
        outcome = self._pipe.recv()
        if isinstance(outcome, BaseException):
            raise RuntimeError("the reliability process failed") from outcome
        rows: list[list[ReliabilityRow]] = outcome
        return rows

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


def _serve(pipe: Pipe, minimum_group_size: int, seed: int) -> None:
    """In the second process: wait for the tasks, send back their rows (or the error)."""
    try:
        tasks = pipe.recv()
    except EOFError:  # the pack failed before the pass was done: nothing to compute
        pipe.close()
        return
    try:
        pipe.send(compute_reliability(tasks, minimum_group_size, seed))
    except BaseException as error:  # the parent re-raises it; a process must not fail silently
        with contextlib.suppress(OSError):  # unless the parent is gone
            pipe.send(error)
    finally:
        pipe.close()
