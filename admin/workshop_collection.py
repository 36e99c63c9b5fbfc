"""What the workshop pack keeps of each run, gathered in the score export's single pass over the answers.

``WorkshopObserver`` is the ``RunObserver`` of ``admin.score_collection``: the pass that scores
every run also hands it each run's question ids, stored texts and answer times (seconds since
1970, in the same order) and, for an unfinished run, the question it was asking. For each
(wave, référentiel version) of the runs in the pack's scope it counts, at C speed where it can:

* ``distribution`` — (question, stored text) → runs: the distribution, skips ("") included;
* ``seconds`` — (question, seconds since the previous answer of the run) → answers;
* ``stopped_at`` — question being asked when an unfinished questionnaire stopped → runs;
* ``patterns`` — (score indicator, its items' texts) → runs, for reliability;
* ``values`` and ``contexts`` — each run's indicator values and its answers to the breakdown
  (context) questions, for correlations and breakdowns.

And, for every structure (the whole tree, whatever the scope), how many runs were shown each
question: the disclosure rule decides on the whole tree whether a group's item figures are shown.
Everything is additive, so the worker process's observations merge into these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import call, itemgetter, sub

from admin.score_collection import FIELD_SEPARATOR, ReferentielKey, RunObserver
from referentiel.loading import find_referentiel
from referentiel.models import Indicator, Question, Referentiel

# A question not shown in a run (a skipped one is "", as stored).
ABSENT = "\x00"


def breakdown_questions(referentiel: Referentiel) -> tuple[Question, ...]:
    """The context questions indicators are broken down by: those the référentiel declares as
    ``breakdowns`` where it can (version 2 on), else its single-choice context questions (no
    dimension, such as ``time_here``)."""
    declared: Sequence[str] = getattr(referentiel, "breakdowns", ())
    if declared:
        return tuple(referentiel.question(question_id) for question_id in declared)
    return tuple(
        question
        for question in referentiel.questions
        if question.dimension is None and question.type == "single_choice"
    )


def multi_item_scores(referentiel: Referentiel) -> tuple[Indicator, ...]:
    """The indicators whose reliability means something: scores of two items or more."""
    return tuple(
        indicator
        for indicator in referentiel.indicators
        if indicator.kind == "score" and len(indicator.questions) > 1
    )


@dataclass
class WaveObservations:
    """What was counted of the runs of one wave and version in the pack's scope."""

    distribution: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: Counter[tuple[str, int]] = field(default_factory=Counter)
    stopped_at: Counter[str] = field(default_factory=Counter)
    patterns: Counter[tuple[str, tuple[str, ...]]] = field(default_factory=Counter)
    values: list[list[float | None]] = field(default_factory=list)
    contexts: list[tuple[str, ...]] = field(default_factory=list)

    def merge(self, other: WaveObservations) -> None:
        """Add another process's observations of the same wave and version."""
        self.distribution.update(other.distribution)
        self.seconds.update(other.seconds)
        self.stopped_at.update(other.stopped_at)
        self.patterns.update(other.patterns)
        self.values.extend(other.values)
        self.contexts.extend(other.contexts)


@dataclass(frozen=True)
class _Layout:
    """How to read the runs that answered one list of questions (most runs share a few lists)."""

    ids: list[str]
    ranks: list[int]
    score_ids: tuple[str, ...]
    pattern_getters: tuple[Callable[[list[str]], tuple[str, ...]], ...]
    context_getter: Callable[[list[str]], tuple[str, ...]]


class WorkshopObserver(RunObserver):
    """Counts per (wave, version) what the item statistics, reliability and breakdowns need."""

    answer_expression = "unixepoch(answered_at)"
    run_expression = (
        "CASE WHEN runs.status != 'completed' AND json_valid(runs.state) "
        "THEN json_extract(runs.state, '$.question_id') END"
    )

    def __init__(self, scope: set[int] | None) -> None:
        self.scope = scope
        self.observed: dict[tuple[str, ReferentielKey], WaveObservations] = {}
        self.shown: dict[tuple[int, str, ReferentielKey], Counter[str]] = {}
        self._layouts: dict[tuple[ReferentielKey, str], _Layout] = {}

    def observe(
        self,
        structure_id: int,
        wave: str,
        key: ReferentielKey,
        answers: Sequence[str],
        values: list[float | None],
        run_extra: object,
    ) -> None:
        """Count one run (see the module's note)."""
        layout = self._layouts.get((key, answers[0]))
        if layout is None:
            layout = self._layouts[(key, answers[0])] = _layout(find_referentiel(*key), answers[0])
        shown = self.shown.get((structure_id, wave, key))
        if shown is None:
            shown = self.shown[(structure_id, wave, key)] = Counter()
        shown.update(layout.ids)
        if self.scope is not None and structure_id not in self.scope:
            return
        observations = self.observed.get((wave, key))
        if observations is None:
            observations = self.observed[(wave, key)] = WaveObservations()
        texts = answers[1].split(FIELD_SEPARATOR) if layout.ids else []
        observations.distribution.update(zip(layout.ids, texts, strict=True))
        texts.append(ABSENT)
        observations.patterns.update(
            zip(
                layout.score_ids,
                map(call, layout.pattern_getters, repeat(texts, len(layout.score_ids))),
                strict=True,
            )
        )
        observations.contexts.append(layout.context_getter(texts))
        observations.values.append(values)
        if isinstance(run_extra, str):
            observations.stopped_at[run_extra] += 1
        if len(layout.ids) > 1:
            times_text = answers[2].split(FIELD_SEPARATOR)
            ordered = sorted(zip(map(int, times_text), layout.ranks, layout.ids, strict=True))
            times, _, questions = zip(*ordered, strict=True)
            observations.seconds.update(zip(questions[1:], map(sub, times[1:], times), strict=True))

    def merge(self, other: RunObserver) -> None:
        """Add the worker's observations (other structures) to these."""
        assert isinstance(other, WorkshopObserver)
        for key, observations in other.observed.items():
            self.observed.setdefault(key, WaveObservations()).merge(observations)
        for structure_key, counted in other.shown.items():
            self.shown.setdefault(structure_key, Counter()).update(counted)


def _layout(referentiel: Referentiel, joined_ids: str) -> _Layout:
    ids = joined_ids.split(FIELD_SEPARATOR) if joined_ids else []
    position = {question_id: index for index, question_id in enumerate(ids)}
    rank = {question.id: index for index, question in enumerate(referentiel.questions)}
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
        [rank.get(question_id, len(rank)) for question_id in ids],
        tuple(indicator.id for indicator in scores),
        tuple(getter(indicator.questions) for indicator in scores),
        getter([question.id for question in breakdown_questions(referentiel)]),
    )
