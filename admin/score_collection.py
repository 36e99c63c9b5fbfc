"""One streaming pass over the answers: each youth scored once per wave, values kept per structure.

Runs are read in one SQL query ordered by youth then wave, each with its answers side by side
(question ids, then the stored JSON texts, joined by control characters that JSON text cannot
contain unescaped), as the database keeps them at write time (``storage.run_answers``, migration
10): SQLite reads one row per run rather than 30 answers in random order, and Python splits it at C
speed. Each run is scored under the référentiel version it was answered with
(``referentiel.scoring``), the engine's missing-data rules deciding which values exist; the paired
change T0 → T1 is taken per youth, on the indicators computed the same way in both versions, and a
T0 whose T1 is under another version counts under that one (``admin.carried_runs``). Values are counted per
(structure, wave, version, indicator): values repeat a lot (a scale has a few options), so the
counts are small, and each becomes an additive ``ValueSummary``; groups above structures are sums
of these. The counting is batched (``referentiel.summaries.ValueCounts``) so that it runs in C: per
run, Python appends one list.

Each version's runs are scored by a ``CachedScorer`` (``admin.cached_scorer``), which calls the
engine once per distinct input rather than once per run.

A big export (``PARALLEL_MINIMUM_RUNS`` runs or more, on Linux, from a database file, in a
process running one thread: ``forking_is_safe``) reads and scores on two cores: the structures
are split into two halves of about as many runs, a forked worker process reads and scores one
half with its own SQLite connection while this process does the other, and each returns its
structures' summaries. A youth belongs to one structure, so the halves share no count, and
summaries hold exact integers: the merged result is the one a single pass gives, whatever the
split (``tests/admin`` compares the CSV byte for byte). Smaller exports stay in one process,
where forking would cost more than it saves.

An export that needs more of each run than its scores (the workshop pack's item statistics)
passes a ``RunObserver``: the same pass then also reads the answers' times (in the same order as
the question ids), and hands each run to the observer with its values, so the answers are still
read once. The worker's observer is sent back and merged.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from typing import Protocol

# Re-exported: a ``RunObserver`` splits its fields by it (``admin.workshop_collection`` imports it here).
from admin.cached_scorer import FIELD_SEPARATOR as FIELD_SEPARATOR
from admin.cached_scorer import CachedScorer
from admin.carried_runs import CarriedReading, Pairing, moved_t0, paired_values
from admin.earlier_answers import EarlierAnswers, merge_counts
from admin.errors import raise_from_second_process, unreadable_answer
from admin.freed_memory import give_back_freed_memory
from admin.shared_tasks import database_file, settle_forked_child, start_forked
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel
from referentiel.scoring import AnswerRejected
from referentiel.summaries import KnownSummaries, ValueCounts, ValueSummary, combine

SCORED_WAVES = ("T0", "T1")
CHANGE = "change"

ReferentielKey = tuple[str, int]
# (structure id, wave or "change", référentiel key): one column group of the export.
ColumnKey = tuple[int, str, ReferentielKey]
# One summary per indicator, in the order of that version's indicators.
ValueSummaries = dict[ColumnKey, list[ValueSummary]]
# Below this many runs an export is scored in one process: forking would cost more than it saves.
PARALLEL_MINIMUM_RUNS = 20_000

# A run's parts (question ids, stored texts, for an observer the answer times), each joined by
# ``FIELD_SEPARATOR``, are joined by this one: control characters only appear escaped in JSON.
PART_SEPARATOR = "\x1e"
# A run counts for the structure the youth was in when it started (``runs.structure_id``); the
# parallel split goes by the youth's structure now, so each youth's runs stay in one process.
_RUNS_QUERY = (
    "SELECT runs.youth_id, COALESCE(runs.structure_id, youth.structure_id), runs.wave, runs.referentiel_id, "
    "runs.referentiel_version, runs.answer_questions || char(30) || runs.answer_texts{times} "
    "FROM runs JOIN youth ON youth.id = runs.youth_id "
    "WHERE runs.wave IN ('T0', 'T1') {structures}ORDER BY runs.youth_id, runs.wave"
)
# A share of the structures, given as one JSON array parameter (any length, one statement).
_IN_SHARE = "AND youth.structure_id IN (SELECT value FROM json_each(?)) "
_NOT_IN_SHARE = "AND youth.structure_id NOT IN (SELECT value FROM json_each(?)) "
_RUNS_PER_STRUCTURE_QUERY = (
    "SELECT youth.structure_id, count(*) FROM runs JOIN youth ON youth.id = runs.youth_id "
    "WHERE runs.wave IN ('T0', 'T1') GROUP BY youth.structure_id"
)
_NO_ANSWERS = ("", "", "")


class RunObserver(Protocol):
    """Something that sees every run of the pass besides its scores (see the module's note)."""

    def observe(
        self,
        structure_id: int,
        wave: str,
        key: ReferentielKey,
        answers: Sequence[str],
        values: list[float | None],
    ) -> None:
        """See one run: ``answers`` is (question ids, stored texts, answer times in seconds since
        1970, -1 for a time Voix did not write), each joined by ``FIELD_SEPARATOR``; ``values`` its
        indicator values."""

    def merge(self, other: RunObserver) -> None:
        """Add what another observer saw (the worker's, over other structures)."""


@dataclass
class Collection:
    """What an export needs from the answers: per-structure value summaries and the versions used."""

    summarised: ValueSummaries = field(default_factory=dict)
    referentiels: dict[ReferentielKey, Referentiel] = field(default_factory=dict)
    youth: int = 0
    runs: int = 0
    # Per column, the runs that answered each earlier question (``admin.earlier_answers``).
    answered: dict[ColumnKey, list[int]] = field(default_factory=dict)

    def summaries(self, wave: str, key: ReferentielKey) -> dict[int, list[ValueSummary]]:
        """Return, per structure, one additive summary per indicator of a wave and version."""
        return {
            structure_id: summaries
            for (structure_id, summary_wave, summary_key), summaries in self.summarised.items()
            if summary_wave == wave and summary_key == key
        }

    def versions(self, wave: str) -> list[ReferentielKey]:
        """Return the référentiel versions that have values at a wave, in order."""
        return sorted({key for _, summary_wave, key in self.summarised if summary_wave == wave})

    def indicator_ids(self, key: ReferentielKey) -> tuple[str, ...]:
        """Return the indicator ids of one version, in the order of its columns."""
        return tuple(indicator.id for indicator in self.referentiels[key].indicators)

    def merge(self, other: Collection) -> None:
        """Add the collection of other youth (disjoint from these) to this one.

        The halves are split by the youth's structure now; a youth who moved brings runs of
        another structure, so a column may have counts on both sides: they are added.
        """
        for column, summaries in other.summarised.items():
            mine = self.summarised.get(column)
            self.summarised[column] = (
                summaries
                if mine is None
                else [combine((left, right)) for left, right in zip(mine, summaries, strict=True)]
            )
        merge_counts(self.answered, other.answered)
        self.referentiels.update(other.referentiels)
        self.youth += other.youth
        self.runs += other.runs


def collect_scores(
    connection: sqlite3.Connection,
    parallel_minimum_runs: int | None = None,
    observer: RunObserver | None = None,
) -> Collection:
    """Read every answer once and return the per-structure values of each wave and of the change.

    With at least ``parallel_minimum_runs`` runs (default ``PARALLEL_MINIMUM_RUNS``), from a
    database file on Linux, half of the structures are read and scored by a worker process at
    the same time (see the module's note). ``observer``, if given, sees every run as well.
    """
    if parallel_minimum_runs is None:
        parallel_minimum_runs = PARALLEL_MINIMUM_RUNS
    path = database_file(connection)
    share = None if path is None else _worker_share(connection, parallel_minimum_runs)
    if path is None or share is None:
        collection = _collect(connection, observer=observer)
        give_back_freed_memory()
        return collection
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_collect_in_worker, args=(path, share, (sender, receiver), observer), daemon=True
    )
    start_forked(worker)
    sender.close()
    try:
        collection = _collect(connection, share, share_excluded=True, observer=observer)
        give_back_freed_memory()  # before the worker's part arrives beside this one
        outcome = receiver.recv()
    except BaseException:
        worker.terminate()  # Ctrl-C, or this half failed: its half is no longer wanted
        raise
    finally:
        receiver.close()
        worker.join()
    if isinstance(outcome, BaseException):
        raise_from_second_process(outcome, "the scoring worker process")
    summarised, keys, youth, runs, answered, observed = outcome
    if observer is not None:
        observer.merge(observed)
    collection.merge(
        Collection(summarised, {key: find_referentiel(key[0], key[1]) for key in keys}, youth, runs, answered)
    )
    give_back_freed_memory()
    return collection


def _worker_share(connection: sqlite3.Connection, parallel_minimum_runs: int) -> list[int] | None:
    """Return the structures the worker scores (about half of the runs), or None if not worth it."""
    runs_per_structure = connection.execute(_RUNS_PER_STRUCTURE_QUERY).fetchall()
    total = sum(runs for _, runs in runs_per_structure)
    if total < parallel_minimum_runs or len(runs_per_structure) < 2:
        return None
    share: list[int] = []
    shares = [0, 0]  # runs of the worker, runs of this process; largest structures first, greedily
    for structure_id, runs in sorted(runs_per_structure, key=lambda item: (-item[1], item[0])):
        if shares[0] <= shares[1]:
            share.append(structure_id)
            shares[0] += runs
        else:
            shares[1] += runs
    return share


def _collect_in_worker(
    path: str, share: list[int], ends: tuple[Pipe, Pipe], observer: RunObserver | None
) -> None:
    """In the worker process: score the given structures, send back their summaries and what its
    copy of the observer (empty when forked) saw. ``ends``: its pipe end, and its copy of the parent's."""
    sender, receiver = ends
    settle_forked_child(receiver)
    try:
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA query_only = ON")
            collection = _collect(connection, share, share_excluded=False, observer=observer)
        finally:
            connection.close()
        sender.send(
            (
                collection.summarised,
                sorted(collection.referentiels),
                collection.youth,
                collection.runs,
                collection.answered,
                observer,
            )
        )
    except BaseException as error:  # the parent re-raises it; a worker must not die silently
        sender.send(error)
    finally:
        sender.close()


def _collect(
    connection: sqlite3.Connection,
    share: list[int] | None = None,
    share_excluded: bool = False,
    observer: RunObserver | None = None,
) -> Collection:
    """One pass over the runs of some structures (all, those of ``share``, or all but those)."""
    scoring = _Pass(connection, observer)
    # A youth's T0 waits for the row after it: the version of the youth's T1 decides where it counts.
    held: _Row | None = None
    for row in _runs(connection, share, share_excluded, observer):
        if held is not None:
            scoring.take(held, row)
            held = None
        if row[2] == "T0":
            held = row
        else:
            scoring.take(row, None)
    if held is not None:
        scoring.take(held, None)
    return scoring.collected()


# (youth id, structure id, wave, référentiel id, version, the run's parts joined)
_Row = tuple[int, int, str, str, str, str | None]


class _Pass:
    """What one pass counts, run after run (``_collect`` hands it the rows in order)."""

    def __init__(self, connection: sqlite3.Connection, observer: RunObserver | None) -> None:
        self.connection = connection
        self.observer = observer
        self.collection = Collection()
        self.counts: dict[ColumnKey, ValueCounts] = {}
        self.scorers: dict[ReferentielKey, CachedScorer] = {}
        self.earlier: dict[ReferentielKey, EarlierAnswers] = {}
        self.pairings: dict[tuple[ReferentielKey, ReferentielKey], Pairing] = {}
        self.previous_youth: int | None = None
        # The youth's T0: its version, values and structure (a change is counted only within one structure).
        self.before: tuple[ReferentielKey, list[float | None], int] | None = None

    def take(self, row: _Row, following: _Row | None) -> None:
        """Score one run and count it; a T0 is given the row that follows it (None: the last)."""
        youth_id, structure_id, wave, referentiel_id, version, answers = row
        key = (referentiel_id, int(version))
        scorer = self.scorer(key)
        parts = answers.split(PART_SEPARATOR) if answers else _NO_ANSWERS
        values = self.score(scorer, parts, youth_id, wave)
        collection = self.collection
        collection.runs += 1
        if youth_id != self.previous_youth:
            self.previous_youth, self.before = youth_id, None
            collection.youth += 1
        if wave == "T0":
            self.before = (key, values, structure_id)
            reading = self.moved(row, following)
            if reading is not None:  # counted as if answered under the version of the youth's T1
                parts, key = reading.parts(parts), reading.key
                values = reading.values(self.score(self.scorer(key), parts, youth_id, wave))
            self.count(structure_id, wave, key, parts, values)
            return
        self.count(structure_id, wave, key, parts, values)
        before = self.before
        if wave == "T1" and before is not None and before[2] == structure_id:
            # T1 after the same youth's T0 (runs come ordered by youth, wave), in the same structure:
            # a youth who moved in between has no change, so that every group's change stays the
            # change of youth it counts at both T0 and T1 (what the disclosure rule relies on).
            pairing = self.pairings.get((before[0], key))
            if pairing is None:
                pairing = self.pairings[(before[0], key)] = paired_values(
                    collection.referentiels[before[0]], collection.referentiels[key]
                )
            column = self.counts.get((structure_id, CHANGE, key))
            if column is None:
                column = self.counts[(structure_id, CHANGE, key)] = ValueCounts(len(values), paired=True)
            column.add(values, pairing(before[1]))

    def moved(self, row: _Row, following: _Row | None) -> CarriedReading | None:
        """Where a T0 counts when not in its own version (``admin.carried_runs.moved_t0``): the row
        after it is the same youth's T1, in the same structure, with answers (a T1 declined, or
        not begun, pairs nothing)."""
        if following is None or following[0] != row[0] or following[2] != "T1" or following[1] != row[1]:
            return None
        if not following[5]:
            return None
        return moved_t0((row[3], int(row[4])), (following[3], int(following[4])))

    def scorer(self, key: ReferentielKey) -> CachedScorer:
        """The scorer of a version (found once)."""
        scorer = self.scorers.get(key)
        if scorer is None:
            scorer = self.scorers[key] = CachedScorer(find_referentiel(key[0], key[1]))
            self.collection.referentiels[key] = scorer.referentiel
            self.earlier[key] = EarlierAnswers(scorer.referentiel)
        return scorer

    def score(
        self, scorer: CachedScorer, parts: Sequence[str], youth_id: int, wave: str
    ) -> list[float | None]:
        """A run's values, or what to tell of an answer Voix did not write."""
        try:
            return scorer.score_joined(parts[0], parts[1])
        except AnswerRejected as error:
            raise unreadable_answer(self.connection, youth_id, wave, error.message) from error

    def count(
        self,
        structure_id: int,
        wave: str,
        key: ReferentielKey,
        parts: Sequence[str],
        values: list[float | None],
    ) -> None:
        """Count a run's values in its column, and show it to the observer."""
        if self.observer is not None:
            self.observer.observe(structure_id, wave, key, parts, values)
        column = self.counts.get((structure_id, wave, key))
        if column is None:
            column = self.counts[(structure_id, wave, key)] = ValueCounts(len(values))
        column.add(values)
        self.earlier[key].add(self.collection.answered, (structure_id, wave, key), parts)

    def collected(self) -> Collection:
        """The collection, once every run is taken."""
        # One summary object per distinct histogram: a tenth as many as columns × indicators at 3
        # million answers (less memory here, and the worker's pickle sends each once).
        known: KnownSummaries = {}
        self.collection.summarised = {
            column: counted.summaries(known) for column, counted in self.counts.items()
        }
        return self.collection


def _runs(
    connection: sqlite3.Connection,
    share: list[int] | None,
    share_excluded: bool,
    observer: RunObserver | None,
) -> sqlite3.Cursor:
    """Return the runs of the structures wanted, one row each with its answers joined, by youth then wave
    (and, for an observer, their times)."""
    times = "" if observer is None else " || char(30) || runs.answer_times"
    if share is None:
        cursor = connection.execute(_RUNS_QUERY.format(structures="", times=times))
    else:
        condition = _NOT_IN_SHARE if share_excluded else _IN_SHARE
        cursor = connection.execute(
            _RUNS_QUERY.format(structures=condition, times=times), (json.dumps(share),)
        )
    cursor.arraysize = 1000
    return cursor
