"""The workshop pack's reliability rows, funnel and breakdown decisions, made in a second process.

What follows the pass is made on both cores. The bootstrap (2,000 multinomial draws over up to
2,187 answer patterns per score) draws from one generator in a fixed order, so it cannot be
split. A process forked *before* the pass waits for the patterns and the breakdowns' cells,
computes every reliability row in the same order from the same seed, then the participation
funnel (which reads only the tables, with its own connection to the database file), then
breakdowns' decisions on the whole tree (``admin.pack_breakdowns.PackBreakdowns``), once the
pack process has made the score table and sent its decisions on every indicator's value (the
cells add up to it: where the export withholds it, so do they), and sends the three back: what
one process gives. It is forked early because a child's resident size
counts the pages it shares with its parent, which is small then.

The breakdowns are one task per indicator and question, each decided alone, so both processes
share them (``admin.shared_tasks.SharedTasks``): the second process takes them from the front of
the list, and the pack process, once its score table and item statistics are made, from the
back, until they meet. At 3 million answers the second process's bootstrap and funnel take
about 2.2 and 0.9 s, the breakdowns about 8 s in all, and the pack process's score table and
items about 5 and 2.3 s: sharing the breakdowns ended the pack 1 s sooner, where the pack
process had waited for them. The score table forks a helper of its own
(``shared_tasks.map_on_two_cores``), three processes on two cores while the bootstrap and funnel
last: the second process then waited 2 to 3 s for the table, its core idle (on the 68,000-youth
bench, nine alternate runs: the pack 1.4 s sooner in the median pair, the fastest run 20.3 s
against 21.1 s; the workers' peak memory unchanged).

Packs with fewer runs than the score pass splits (``admin.score_collection.PARALLEL_MINIMUM_RUNS``),
systems without ``fork`` and a process running other threads (``forking_is_safe``) compute
everything in this process; so is the funnel of a database held in memory.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection as Pipe
from types import TracebackType
from typing import Any

import numpy
from threadpoolctl import threadpool_limits

from admin import score_collection
from admin.disclosure import Reasons
from admin.errors import raise_from_second_process
from admin.pack_breakdowns import PackBreakdowns, PackDecisions
from admin.score_collection import ReferentielKey
from admin.shared_tasks import (
    SharedTasks,
    database_file,
    forking_is_safe,
    settle_forked_child,
    start_forked,
)
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


class SecondProcess:
    """Give it the tasks and the breakdowns once the pass is done (``start``); collect the rows when
    needed (``rows``), then the funnel's (``funnel_rows``), then the breakdowns' (``breakdowns``).
    Before waiting for the rows this process decides breakdowns too, from the back of their list,
    while the second process decides them from the front."""

    def __init__(
        self, connection: sqlite3.Connection, minimum_group_size: int, seed: int, funnel: Funnel
    ) -> None:
        self._arguments = (minimum_group_size, seed)
        self._tasks: list[Task] = []
        self._breakdowns: PackBreakdowns | None = None
        self._pipe: Pipe | None = None
        self._process: Any = None
        self._connection = connection
        self._funnel: Funnel | None = funnel  # None once handed to the second process
        self._shared: SharedTasks | None = None
        self._decided_here: dict[int, list[Reasons]] = {}
        self._levels_given = False
        if not forking_is_safe():
            return
        (runs,) = connection.execute(_RUNS_QUERY).fetchone()
        if runs < score_collection.PARALLEL_MINIMUM_RUNS:
            return
        shipped_referentiels()  # read once, before the fork, for both processes
        path = database_file(connection)
        context = multiprocessing.get_context("fork")
        self._pipe, child = context.Pipe()
        self._shared = SharedTasks(context)
        there = None if path is None else funnel
        self._process = context.Process(
            target=_serve,
            args=((child, self._pipe), *self._arguments, path, there, self._shared),
            daemon=True,
        )
        start_forked(self._process)
        child.close()
        if path is not None:
            self._funnel = None

    def start(self, tasks: list[Task], breakdowns: PackBreakdowns) -> None:
        """Hand over the work: the second process starts on it, or it waits to be asked for. The
        breakdowns are decided only once the export's decisions are given (``with_levels``)."""
        self._tasks, self._breakdowns = tasks, breakdowns
        if self._pipe is not None:
            assert self._shared is not None
            self._shared.reset(len(breakdowns.tasks()))
            self._pipe.send((tasks, breakdowns))

    def with_levels(self, levels: dict[tuple[str, ReferentielKey], list[Reasons]] | None) -> None:
        """The score export's decisions on every indicator's value (``PackBreakdowns.levels``):
        the breakdowns can be decided now, here or in the second process."""
        assert self._breakdowns is not None
        self._breakdowns = replace(self._breakdowns, levels=levels)
        self._levels_given = True
        if self._pipe is not None:
            self._pipe.send(levels)

    def rows(self) -> list[list[ReliabilityRow]]:
        """The rows of each task, in order (waiting for the second process if there is one, after
        deciding here the breakdowns it has not taken yet)."""
        if self._pipe is None:
            return compute_reliability(self._tasks, *self._arguments)
        # The second process waits for the export's decisions before its breakdowns.
        assert self._breakdowns is None or self._levels_given, "with_levels must come before rows"
        if self._breakdowns is not None and self._shared is not None and not self._decided_here:
            shared = self._shared
            self._decided_here = self._breakdowns.decide(lambda: shared.take(from_back=True))
        rows: list[list[ReliabilityRow]] = self._receive()
        return rows

    def funnel_rows(self) -> list[FunnelRow]:
        """The funnel's rows, made here or received from the second process (after ``rows``)."""
        if self._funnel is not None:
            return self._funnel(self._connection)
        rows: list[FunnelRow] = self._receive()
        return rows

    def breakdowns(self) -> PackDecisions:
        """The breakdowns' decisions, made here or received from the second process (after
        ``funnel_rows``)."""
        assert self._breakdowns is not None
        if self._pipe is None:
            return self._breakdowns()
        decided: dict[int, list[Reasons]] = self._receive()
        return self._breakdowns.assemble({**decided, **self._decided_here})

    def _receive(self) -> Any:
        assert self._pipe is not None
        outcome = self._pipe.recv()
        if isinstance(outcome, BaseException):
            raise_from_second_process(outcome, "the pack's second process")
        return outcome

    def __enter__(self) -> SecondProcess:
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


def _serve(
    ends: tuple[Pipe, Pipe],
    minimum_group_size: int,
    seed: int,
    path: str | None,
    funnel: Funnel | None,
    shared: SharedTasks,
) -> None:
    """In the second process: wait for the work, make the reliability rows, given a database file
    at ``path`` the funnel's, and the decisions of the breakdowns it takes from the front of
    ``shared``; send them back in that order, or the error. ``ends``: its end of the pipe, and its
    copy of the pack process's (closed at once)."""
    pipe, parents_end = ends
    settle_forked_child(parents_end)
    try:
        tasks, breakdowns = pipe.recv()
    except EOFError:  # the pack failed before the pass was done: nothing to compute
        pipe.close()
        return
    try:
        rows = compute_reliability(tasks, minimum_group_size, seed)
        # All made before any is sent: a send waits while the pack process is busy.
        funnel_rows = None if funnel is None or path is None else _funnel_rows(path, funnel)
        breakdowns = replace(breakdowns, levels=pipe.recv())  # once the score table is made
        decisions = breakdowns.decide(lambda: shared.take(from_back=False))
        pipe.send(rows)
        if funnel_rows is not None:
            pipe.send(funnel_rows)
        pipe.send(decisions)
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
