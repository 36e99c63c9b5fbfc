"""What the workshop pack keeps of each run, gathered in the score export's single pass over the answers.

``WorkshopObserver`` is the ``RunObserver`` of ``admin.score_collection``: the pass that scores
every run also hands it each run's question ids, stored texts and answer times (seconds since
1970, in the same order). For each
(wave, référentiel version) of the runs in the pack's scope it counts, at C speed where it can
(each run's answers put in the order they were given: time, then questionnaire order):

* ``seconds`` — (question's rank in the questionnaire, seconds since the previous answer of the
  run) → answers: each run's answers are put in the order they were given (time, then
  questionnaire order) a batch of runs at a time, with numpy;
* ``stopped_at`` — question being asked when an unfinished questionnaire stopped → runs
  (``add_stopped``, one small query after the pass);
* ``patterns`` — (score indicator, its items' texts) → runs, for reliability;
* ``indicators`` — what the correlations and breakdowns need of each run's indicator values and
  its answers to the breakdown (context) questions, added up (``admin.workshop_indicator_sums``).

And, for every structure (the whole tree, whatever the scope), ``answers`` — (structure,
question, stored text) → runs, skips ("") included (``admin.workshop_answer_counts``): how many
runs were shown each question, and its distribution. The disclosure rules decide on the whole
tree from them whether a group's item figures are shown and which of its options are withheld
(``admin.workshop_options``), the same for every pack; the pack's own distribution is its
structures' sum. Likewise ``cells`` — per structure, context question, answer and indicator, the
runs with a value and those at 100 (``TreeCells``): the breakdowns are decided on the whole tree
from them (``admin.workshop_breakdowns``). Everything is additive, so the worker process's
observations merge into these.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import call, itemgetter
from typing import Any

import numpy

from admin.carried_runs import moved_t0
from admin.context_questions import breakdown_questions
from admin.freed_memory import give_back_freed_memory
from admin.score_collection import FIELD_SEPARATOR, ReferentielKey, RunObserver
from admin.workshop_answer_counts import AnswerCounts
from admin.workshop_indicator_sums import IndicatorSums, TreeCells
from referentiel.loading import find_referentiel
from referentiel.models import Indicator, Referentiel

# A question not shown in a run (a skipped one is "", as stored).
ABSENT = "\x00"
# Runs whose items are counted together.
BATCH = 1_000
# Seconds between two answers and the question's rank packed in one integer to count them.
_GAP_SPAN = 1 << 40
# Unfinished questionnaires and the question their conversation is on (read apart from the pass:
# a handful of rows, where the pass would test every run).
_STOPPED_QUERY = (
    "SELECT coalesce(runs.structure_id, youth.structure_id), runs.wave, runs.referentiel_id, "
    "runs.referentiel_version, "
    "json_extract(runs.state, '$.question_id'), later.referentiel_id, later.referentiel_version "
    "FROM runs JOIN youth ON youth.id = runs.youth_id "
    "LEFT JOIN runs AS later ON later.youth_id = runs.youth_id AND runs.wave = 'T0' AND later.wave = 'T1' "
    "AND coalesce(later.structure_id, youth.structure_id) = coalesce(runs.structure_id, youth.structure_id) "
    "AND later.answer_questions IS NOT NULL "
    "WHERE runs.status NOT IN ('completed', 'declined') AND json_valid(runs.state) "
    "AND json_extract(runs.state, '$.question_id') IS NOT NULL"
)


def multi_item_scores(referentiel: Referentiel) -> tuple[Indicator, ...]:
    """The indicators whose reliability means something: scores of two items or more."""
    return tuple(
        indicator
        for indicator in referentiel.indicators
        if indicator.kind == "score" and len(indicator.questions) > 1
    )


class _Batched(Counter[Any]):
    """A counter fed with iterables that are counted a batch at a time, at C speed."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[Iterable[Any]] = []

    def add(self, items: Iterable[Any]) -> None:
        """Count these items (now or with the next batch)."""
        self.pending.append(items)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Count what is pending."""
        if self.pending:
            self.update(chain.from_iterable(self.pending))
            self.pending.clear()

    def __reduce__(self) -> tuple[Any, ...]:
        self.flush()
        return (_batched, (dict(self),))


def _batched(counts: dict[Any, int]) -> _Batched:
    found = _Batched()
    found.update(counts)
    return found


@dataclass
class WaveObservations:
    """What was counted of the runs of one wave and version in the pack's scope."""

    # (question rank, seconds), (score, its items' texts) → how many
    seconds: Counter[tuple[int, int]] = field(default_factory=Counter)
    stopped_at: Counter[str] = field(default_factory=Counter)
    patterns: _Batched = field(default_factory=_Batched)
    indicators: IndicatorSums = field(default_factory=IndicatorSums)
    # Answer times (joined as stored) and questionnaire ranks of runs not timed yet.
    pending_times: list[str] = field(default_factory=list)
    pending_ranks: list[list[int]] = field(default_factory=list)

    def add_times(self, times: str, ranks: list[int]) -> None:
        """Time one run's answers (now or with the next batch)."""
        self.pending_times.append(times)
        self.pending_ranks.append(ranks)
        if len(self.pending_times) >= BATCH:
            self._count_times()

    def flush(self) -> None:
        """Count every batch still pending."""
        self.patterns.flush()
        self.indicators.flush()
        self._count_times()

    def _count_times(self) -> None:
        """Seconds between consecutive answers of each pending run, counted per question rank."""
        if not self.pending_times:
            return
        lengths = numpy.fromiter(
            map(len, self.pending_ranks), dtype=numpy.int64, count=len(self.pending_ranks)
        )
        joined = " ".join(self.pending_times).replace(FIELD_SEPARATOR, " ")
        times = numpy.fromstring(joined, dtype=numpy.int64, sep=" ")
        ranks = numpy.fromiter(
            chain.from_iterable(self.pending_ranks), dtype=numpy.int64, count=int(lengths.sum())
        )
        runs = numpy.repeat(numpy.arange(len(lengths)), lengths)
        unreadable = times < 0  # a time the bot did not write (-1): that run is not timed
        if unreadable.any():
            timed = ~numpy.isin(runs, runs[unreadable])
            runs, times, ranks = runs[timed], times[timed], ranks[timed]
        if len(runs):
            self._count_gaps(runs, times, ranks)
        self.pending_times.clear()
        self.pending_ranks.clear()

    def _count_gaps(self, runs: numpy.ndarray, times: numpy.ndarray, ranks: numpy.ndarray) -> None:
        """Count the seconds between consecutive answers of the same run, per question rank."""
        runs, times, ranks = _in_time_order(runs, times, ranks)
        same_run = runs[1:] == runs[:-1]
        gaps = (times[1:] - times[:-1])[same_run]
        later = ranks[1:][same_run]
        packed, counts = numpy.unique(later * _GAP_SPAN + gaps, return_counts=True)
        questions, seconds = (packed // _GAP_SPAN).tolist(), (packed % _GAP_SPAN).tolist()
        self.seconds.update(dict(zip(zip(questions, seconds, strict=True), counts.tolist(), strict=True)))

    def merge(self, other: WaveObservations) -> None:
        """Add another process's observations of the same wave and version."""
        self.flush()
        other.flush()
        self.seconds.update(other.seconds)
        self.stopped_at.update(other.stopped_at)
        self.patterns.update(other.patterns)
        self.indicators.merge(other.indicators)


def _in_time_order(
    runs: numpy.ndarray, times: numpy.ndarray, ranks: numpy.ndarray
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Answers sorted by run, time, then questionnaire rank: one sort of the three packed in an
    integer where they fit (a lexsort of the three cost 3 ms per thousand runs, five times more)."""
    earliest = int(times.min())
    rank_bits = int(ranks.max()).bit_length()
    time_bits = (int(times.max()) - earliest).bit_length()
    run_bits = int(runs.max()).bit_length()
    if run_bits + time_bits + rank_bits > 62 or int(ranks.min()) < 0:
        order = numpy.lexsort((ranks, times, runs))
        return runs[order], times[order], ranks[order]
    packed = numpy.sort((runs << (time_bits + rank_bits)) | ((times - earliest) << rank_bits) | ranks)
    return (
        packed >> (time_bits + rank_bits),
        earliest + ((packed >> rank_bits) & ((1 << time_bits) - 1)),
        packed & ((1 << rank_bits) - 1),
    )


@dataclass(frozen=True)
class _Layout:
    """How to read the runs that answered one list of questions (most runs share a few lists)."""

    ids: list[str]
    ranks: list[int]
    score_ids: tuple[str, ...]
    pattern_getters: tuple[Callable[[list[str]], tuple[str, ...]], ...]
    context_getter: Callable[[list[str]], tuple[str, ...]]


class WorkshopObserver(RunObserver):
    """Counts per (wave, version) what the item statistics, reliability and breakdowns need.

    Per run the Python work is a few appends; the counting happens in batches at C speed.
    """

    def __init__(self, scope: set[int] | None) -> None:
        self.scope = scope
        self.observed: dict[tuple[str, ReferentielKey], WaveObservations] = {}
        # Per (wave, version): (structure, question, stored text) → runs, for every structure.
        self.answers: dict[tuple[str, ReferentielKey], AnswerCounts] = {}
        # Per (wave, version): each structure's breakdown cells (n, yes), for every structure.
        self.cells: dict[tuple[str, ReferentielKey], TreeCells] = {}
        self._layouts: dict[tuple[ReferentielKey, str], _Layout] = {}

    def observe(
        self,
        structure_id: int,
        wave: str,
        key: ReferentielKey,
        answers: Sequence[str],
        values: list[float | None],
    ) -> None:
        """Count one run (see the module's note)."""
        layout = self._layouts.get((key, answers[0]))
        if layout is None:
            layout = self._layouts[(key, answers[0])] = _layout(find_referentiel(*key), answers[0])
        texts = answers[1].split(FIELD_SEPARATOR) if layout.ids else []
        if layout.ids:
            counted = self.answers.get((wave, key))
            if counted is None:
                counted = self.answers[(wave, key)] = AnswerCounts()
            counted.add(structure_id, layout.ids, texts)
        texts.append(ABSENT)
        context = layout.context_getter(texts)
        cells = self.cells.get((wave, key))
        if cells is None:
            cells = self.cells[(wave, key)] = TreeCells()
        cells.add(structure_id, values, context)
        if self.scope is not None and structure_id not in self.scope:
            return
        observations = self.observed.get((wave, key))
        if observations is None:
            observations = self.observed[(wave, key)] = WaveObservations()
        getters = layout.pattern_getters
        observations.patterns.add(
            zip(layout.score_ids, map(call, getters, repeat(texts, len(getters))), strict=True)
        )
        observations.indicators.add(values, context)
        if len(layout.ids) > 1:
            observations.add_times(answers[2], layout.ranks)

    def finish(self, connection: sqlite3.Connection) -> None:
        """After the pass: count what is pending, and where unfinished questionnaires stand."""
        for observations in self.observed.values():
            observations.flush()
        for counted in self.answers.values():
            counted.flush()
        for cells in self.cells.values():
            cells.flush()
        self.add_stopped(connection)

    def add_stopped(self, connection: sqlite3.Connection) -> None:
        """Count where the unfinished questionnaires of the scope stand: the question being asked."""
        for structure_id, wave, referentiel_id, version, question_id, *later in connection.execute(
            _STOPPED_QUERY
        ):
            key = (referentiel_id, int(version))
            # A T0 counts under the version of the youth's T1 (``admin.carried_runs``), unless
            # where it stopped is a question of its own version only.
            reading = None if later[0] is None else moved_t0(key, (later[0], int(later[1])))
            carried = None if reading is None else reading.questions.get(question_id)
            if reading is not None and carried is not None:
                key, question_id = reading.key, carried
            observations = self.observed.get((wave, key))
            if observations is not None and (self.scope is None or structure_id in self.scope):
                observations.stopped_at[question_id] += 1

    def __getstate__(self) -> dict[str, object]:
        """What the worker sends back: its counts, not its layouts (a cache of functions)."""
        for observations in self.observed.values():
            observations.flush()
        return {"scope": self.scope, "observed": self.observed, "answers": self.answers, "cells": self.cells,
                "_layouts": {}}  # fmt: skip

    def merge(self, other: RunObserver) -> None:
        """Add the worker's observations (other structures) to these, emptying ``other`` as they
        are added: each part is let go once added, and the memory its merge freed given back
        before the next; merged at once, the parts' peaks had piled up (the pack process's peak
        292 → 267 MB at 3 million answers)."""
        assert isinstance(other, WorkshopObserver)
        while other.observed:
            key, observations = other.observed.popitem()
            self.observed.setdefault(key, WaveObservations()).merge(observations)
        while other.answers:
            wave_key, answered = other.answers.popitem()
            self.answers.setdefault(wave_key, AnswerCounts()).merge(answered)
            del answered
            give_back_freed_memory()
        while other.cells:
            wave_key, cells = other.cells.popitem()
            self.cells.setdefault(wave_key, TreeCells()).merge(cells)
            del cells
            give_back_freed_memory()


def _layout(referentiel: Referentiel, joined_ids: str) -> _Layout:
    ids = joined_ids.split(FIELD_SEPARATOR) if joined_ids else []
    position = {question_id: index for index, question_id in enumerate(ids)}
    rank = {question.id: index for index, question in enumerate(referentiel.questions)}
    ranks = [rank.get(question_id, len(rank)) for question_id in ids]
    scores = multi_item_scores(referentiel)

    def getter(questions: Sequence[str]) -> Callable[[list[str]], tuple[str, ...]]:
        indexes = [position.get(question_id, len(ids)) for question_id in questions]  # ABSENT is last
        if len(indexes) == 1:
            (only,) = indexes
            return lambda texts: (texts[only],)
        if not indexes:
            return lambda texts: ()
        return itemgetter(*indexes)

    return _Layout(
        ids,
        ranks,
        tuple(indicator.id for indicator in scores),
        tuple(getter(indicator.questions) for indicator in scores),
        getter([question.id for question in breakdown_questions(referentiel)]),
    )
